"""Names, titles and search queries reach Streamlit's Markdown through `plain()` and show as typed;
table cells go through `table_rows()` so the toolbar's CSV download cannot carry a formula."""

import time

import pytest

from carecoord.ui.text import WORD_JOINER, plain, table_rows
from tests.streamlit_markdown import read

HOSTILE = {
    "data link": "[x](data:text/html,<script>alert(1)</script>)",
    "remote image": "![](http://evil.example/x.png)",
    "raw image": "<img src=x onerror=alert(1)>",
    "javascript link": "[a](javascript:alert(1))",
    "shouted javascript": "[a](JAVASCRIPT:alert(1))",
    "autolink": "<http://evil.example>",
    "www": "www.evil.com",
    "WWW": "see WWW.Evil.com",
    "bare url": "http://evil",
    "https url": "go to https://evil.example/login now",
    "e-mail": "write to sam@evil.example",
    "entities": "h&#116;tp://evil.example &#58;material_home&#58;",
    "colour": ":red[big]",
    "custom colour": ':color[x]{foreground="red"}',
    "badge": ":red-badge[urgent]",
    "icon": ":material/home: home",
    "icon spelt with _": ":material_home: home",
    "emoji": ":smile: :+1: :streamlit:",
    "latex": "$x$",
    "display latex": "$$x^2$$",
    "bold": "**bold**",
    "emphasis": "_it_ and *it*",
    "strikethrough": "~~gone~~",
    "code": "`code`",
    "heading": "# heading",
    "numbered list": "1. list",
    "list": "- item",
    "plus list": "+ item",
    "quote": "> quote",
    "rule": "***",
    "escaped bracket": "a\\[b](http://evil.example)",
    "several lines": "Sam\n\n# Heading\n- item",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_attack_is_real_without_plain(text):
    assert read(text).found, "the reader must see each attack, or the next test proves nothing"


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_plain_shows_the_text_as_typed_and_nothing_else(text):
    shown = read(plain(text))
    assert shown.found == []
    assert shown.text == " ".join(text.split())


@pytest.mark.parametrize("text", ["Amara Nwosu", "Ann O'Neil-Smith (RN)", "Note: 10:30 on 2 May", "50% & more",
                                  "Dr. José Müller", "3 < 4 > 2"])
def test_ordinary_names_read_the_same(text):
    assert read(plain(text)) == read(text)


def test_ordinary_text_gets_no_invisible_characters():
    assert WORD_JOINER not in plain("Note: a title, with a colon")


def test_inside_a_bold_wrapper_the_name_stays_literal():
    shown = read(f"**{plain('Sam** [x](http://evil.example) **')}**: 3 lessons")
    assert shown.found == ["bold"]
    assert "Sam** [x](http://evil.example) **" in shown.text


def test_a_megabyte_string_is_escaped_quickly_and_stays_text():
    text = ("[x](data:text/html,1) ![](http://evil/x.png) :red[a] $y$ www.evil.com " * 20_000)[:1_000_000]
    started = time.perf_counter()
    escaped = plain(text)
    assert time.perf_counter() - started < 2
    shown = read(escaped)
    assert shown.found == []
    assert shown.text == " ".join(text.split())


def test_table_rows_neutralise_text_and_leave_numbers_and_blanks():
    rows = table_rows([{"Name": '=HYPERLINK("http://evil.example","Sam")', "Level": 3, "Change": -0.5,
                        "Note": None, "Reading": "+0.25", "Practice": "Northside"}])
    assert rows == [{"Name": '\'=HYPERLINK("http://evil.example","Sam")', "Level": 3, "Change": -0.5,
                     "Note": None, "Reading": "+0.25", "Practice": "Northside"}]


def test_stories_widget_still_offers_plain():
    from carecoord.ui import stories_widget

    assert stories_widget.plain is plain
