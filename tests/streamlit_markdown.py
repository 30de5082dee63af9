"""What Streamlit's Markdown would make of a string, for tests that check user text stays text.

Streamlit renders Markdown in the browser (react-markdown with GitHub extensions and its own
plugins), which a test cannot run. This reads a string the same way in two steps: markdown-it-py
parses the CommonMark syntax (links, images, HTML, emphasis, headings, lists), then the patterns
Streamlit 1.67 looks for in the resulting text (taken from its StreamlitMarkdown bundle) are
searched: bare URLs, www. and e-mail autolinks, :material/…: icons, emoji shortcodes, directives
such as :red[…], and $…$ LaTeX. tests/unit/test_user_text.py checks these findings against the
attacks themselves, so the reader cannot pass everything for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
WORD_JOINER = "\u2060"

# Found in the text after escapes are resolved (mdast find-and-replace and remark plugins).
_TEXT_PATTERNS = {
    "autolink": re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE),
    "e-mail link": re.compile(r"[-.\w+]+@[-\w]+(\.[-\w]+)+"),
    "icon": re.compile(r":material[/_]\w+:"),
    "emoji or logo": re.compile(r":(?!material/)[\w+-][\w+-]*:"),
    "directive": re.compile(r"(?<!:):[A-Za-z][\w-]*"),
}
# LaTeX is switched on by the source text, once code and backslash escapes are set aside.
_LATEX_IGNORED = re.compile(r"(?:^|(?<=\n)) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]")
_LATEX = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$|(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")
_ACTIVE_INLINE = {"link_open": "link", "image": "image", "html_inline": "HTML", "code_inline": "code",
                  "em_open": "emphasis", "strong_open": "bold", "s_open": "strikethrough"}
_ACTIVE_BLOCK = {"heading_open": "heading", "bullet_list_open": "list", "ordered_list_open": "list",
                 "blockquote_open": "quote", "table_open": "table", "fence": "code", "code_block": "code",
                 "hr": "rule", "html_block": "HTML"}


@dataclass
class Shown:
    text: str  # what a reader sees, word joiners left out
    found: list[str] = field(default_factory=list)  # what became something other than text


def read(markdown: str) -> Shown:
    """What the page shows for `markdown`, and anything in it that is not plain text."""
    shown = Shown(text="")
    if _LATEX.search(_LATEX_IGNORED.sub("", markdown)):
        shown.found.append("LaTeX")
    texts = []
    for token in _PARSER.parse(markdown):
        if token.type in _ACTIVE_BLOCK:
            shown.found.append(_ACTIVE_BLOCK[token.type])
        for child in token.children or []:
            if child.type in _ACTIVE_INLINE:
                shown.found.append(_ACTIVE_INLINE[child.type])
            if child.type == "text":
                texts.append(child.content)
                shown.found += [name for name, pattern in _TEXT_PATTERNS.items() if pattern.search(child.content)]
            elif child.type in ("softbreak", "hardbreak"):
                texts.append(" ")
    shown.text = "".join(texts).replace(WORD_JOINER, "")
    return shown
