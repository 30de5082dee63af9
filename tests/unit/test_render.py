"""Whatever Markdown says, the HTML that comes out cannot run script, call another server or leave the
page unsafely. `render(text)` is for text people write; `render(text, trusted=True)` for content."""

import pytest

from carecoord.content.render import MAX_RENDER_CHARS, render


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<div onclick="alert(1)">click</div>',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
])
def test_raw_html_is_escaped(attack):
    html = render(f"Before {attack} after")
    assert "<script" not in html and "<img" not in html and "<div onclick" not in html and "<iframe" not in html
    assert "<a href" not in html
    assert "&lt;" in html


@pytest.mark.parametrize("trusted", [False, True], ids=["user text", "content"])
@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
    "<java\tscript:alert(1)>", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data:image/png;base64,AAAA",
    "file:///etc/passwd", "ftp://evil.example/x", "tel:+15555550100", "intent://x#Intent;end", "//evil.example/x",
])
def test_unsafe_links_and_images_are_inert(url, trusted):
    html = render(f"[click]({url}) and ![img]({url}) and [ref][1]\n\n[1]: {url}", trusted=trusted)
    assert "href=" not in html and "src=" not in html


@pytest.mark.parametrize("trusted", [False, True], ids=["user text", "content"])
def test_web_and_mail_links_are_kept(trusted):
    html = render("[site](https://example.org) [old](http://example.org/a?b=1) [mail](mailto:a@b.org) "
                  "<https://example.org/auto>", trusted=trusted)
    for href in ("https://example.org", "http://example.org/a?b=1", "mailto:a@b.org", "https://example.org/auto"):
        assert f'href="{href}"' in html


def test_content_may_link_within_the_app_and_people_may_not():
    text = "[page](other.md) [top](#top) [up](../x) [root](/lessons)"
    content, user = render(text, trusted=True), render(text)
    for href in ("other.md", "#top", "../x", "/lessons"):
        assert f'href="{href}"' in content
    assert "href=" not in user and "[page](other.md)" in user


@pytest.mark.parametrize("trusted", [False, True], ids=["user text", "content"])
@pytest.mark.parametrize("src", ["http://evil.example/x.png", "https://evil.example/x.png", "HTTPS://EVIL.EXAMPLE/x.png"])
def test_remote_images_show_their_alt_text_and_fetch_nothing(src, trusted):
    html = render(f"Before ![a *tracking* pixel]({src}) after", trusted=trusted)
    assert "<img" not in html and "evil.example" not in html
    assert "a tracking pixel" in html


def test_content_keeps_images_from_the_app_and_people_get_none():
    assert '<img src="media/map.png" alt="Care map">' in render("![Care map](media/map.png)", trusted=True)
    assert "<img" not in render("![Care map](media/map.png)")


def test_bare_addresses_are_not_turned_into_links():
    html = render("www.evil.com and http://evil and https://evil.example/x", trusted=True)
    assert "href=" not in html and "www.evil.com" in html


def test_callouts_and_tables_render():
    html = render("> [!NOTE]\n> **Family perspective.** Hi\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert 'class="markdown-alert markdown-alert-note"' in html
    assert "<table tabindex=\"0\">" in html and "<td>1</td>" in html  # reachable by keyboard when it scrolls


def test_oversized_input_is_refused():
    with pytest.raises(ValueError, match="too long"):
        render("x" * (MAX_RENDER_CHARS + 1))
    with pytest.raises(ValueError, match="too long"):
        render("[x](data:text/html,1) ![](http://evil/x.png) " * 25_000)  # about a megabyte
