"""Bounds on what people type and on the ids pages read from a link. Pure: no I/O.

Every store function that saves text a person wrote checks its length with `bounded` before it
writes anything, with the store's own `FieldError` subclass naming the field, so a form shows the
refusal where the text was typed. A page gives the same number to its input as `max_chars`.
Bounds that were already in place keep their home (`stories.TITLE_MAX`, `cases.MAX_REFLECTION_CHARS`,
`competency.MAX_NOTE_CHARS` ...); the table of all of them is in docs/decisions.md.
"""

from __future__ import annotations

import re

from carecoord.errors import FieldError

USERNAME_MAX = 40
DISPLAY_NAME_MAX = 200
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321)
PRACTICE_NAME_MAX = 120
PRACTICE_SETTING_MAX = 80
DISCIPLINE_MAX = 80
TIMEZONE_MAX = 64  # the longest IANA zone name has 32 characters

# SQLite keeps integers in 8 bytes: a larger id in a query raises OverflowError instead of finding nothing.
ID_MAX = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def bounded(text: str, field: str, max_chars: int, *, what: str,
            error: type[FieldError] = FieldError) -> str:
    """`text` as it is when it has at most `max_chars` characters; otherwise `error` at `field`.

    `what` names the text in the message ("the name"); the message gives the limit and the length.
    """
    if len(text) > max_chars:
        raise error(f"Keep {what} to {max_chars:,} characters (it has {len(text):,}).", field)
    return text


def parse_id(text: object) -> int | None:
    """A record id from a link (`?person=12`): a whole number from 1 to `ID_MAX` in plain digits, else None.

    Anything else (a word, "²", a negative or a number too large for SQLite) is None, so a page says
    the link is wrong instead of failing on the query.
    """
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None
