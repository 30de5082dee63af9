"""Text that people wrote, made inert wherever a page shows it.

Streamlit reads labels, headings, captions, messages and `st.markdown`/`st.write` strings as
Markdown, with extras: bare `http://…`, `www.…` and e-mail addresses become links, `:material/…:`
an icon, `:red[…]` coloured text, `$…$` LaTeX. `plain()` makes a name, a title or a search query
show as the characters typed. Backslash escapes stop the Markdown syntax (and keep `&#…;` entities
from spelling anything); but Streamlit finds links, icons and emoji shortcodes in the text *after*
the escapes are resolved, so an invisible word joiner (U+2060) goes where one would start (after a
`:` that is followed by a letter, digit, + - or /; before an `@`; inside `www.`): the pattern is
broken and the text reads the same. Longer text that may carry its own Markdown (stories,
reflections, comments) goes through `content.user_markdown` instead. Selectbox and multiselect
options are not Markdown in Streamlit (an escape would show): pass them as they are.

    st.caption(f"Lessons that contain “{plain(query)}”:")

`table_rows()` is for `st.dataframe`: its toolbar's "Download as CSV" writes the cells as shown,
past `export.to_csv`, so text cells are neutralised the same way (see `export.neutralise`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from carecoord.export import neutralise

WORD_JOINER = "\u2060"
# Markdown punctuation, plus & (entities) and the $ of LaTeX. Any ASCII punctuation may be escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~$&])")
# A colon that could open :material/x:, :red[..] or :smile:, or be the one of http://; the @ of an e-mail
# address; the www of www.example.org. "Note: this" keeps its colon as it is.
_AUTOLINK_OR_SHORTCODE = re.compile(r"(:)(?=[\w+\-/\\])|(@)|(www)(?=\.)", re.IGNORECASE)


def _break(match: re.Match) -> str:
    colon, at, www = match.groups()
    if colon:
        return colon + WORD_JOINER
    if at:
        return WORD_JOINER + at
    return www + WORD_JOINER


def plain(text: object) -> str:
    """Text a person wrote (or a title), as Streamlit Markdown that shows exactly that text on one line:
    no links, images, icons, colours, LaTeX, headings, lists or emphasis."""
    return marked([(" ".join(str(text).split()), False)])


def marked(pieces: Iterable[tuple[str, bool]]) -> str:
    """Pieces of text as one inert line of Streamlit Markdown, like `plain()`, with the pieces marked True in
    bold (a search's matched words). The spaces between pieces are kept."""
    line = "".join(f"**{escaped}**" if strong and escaped.strip() else escaped
                   for escaped, strong in ((_MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.splitlines())), strong)
                                           for text, strong in pieces))
    line = _AUTOLINK_OR_SHORTCODE.sub(_break, line)
    if line.startswith("-"):
        return "\\" + line  # not a list item
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", line)  # "1. Title" is not a numbered list


def table_rows(rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Rows for st.dataframe/st.table: text cells neutralised for spreadsheets, numbers and blanks as they are."""
    return [{column: neutralise(value) if isinstance(value, str) else value for column, value in row.items()}
            for row in rows]
