"""The current time, read in one place at the edge (pages, CLI); domain code takes `now` as an argument."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """How times are stored: ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def zone(name: str | None) -> ZoneInfo:
    """The IANA time zone by name; unknown names fall back to UTC rather than failing a page."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    """Whether `name` is an IANA zone. A name over 255 characters made ZoneInfo raise OSError ("File name
    too long") instead of saying no."""
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False


def local_date(moment: datetime, timezone: str | None) -> date:
    """The calendar day a moment falls on in a practice's time zone."""
    return moment.astimezone(zone(timezone)).date()


def local(moment: datetime, timezone: str | None) -> datetime:
    return moment.astimezone(zone(timezone))


# How dates and times read on every screen: one unambiguous form, day month-name year, so that
# 05/01/2027 can never be read as 1 May by one reader and 5 January by another (docs/decisions.md).
DATE_INPUT_FORMAT = "YYYY-MM-DD"  # date boxes take only numeric formats; this one reads one way only


def day(value: date | datetime, timezone: str | None = None) -> str:
    """A calendar day as text, "5 Jan 2027"; a moment is first put into the practice's time zone.

    >>> day(date(2027, 1, 5))
    '5 Jan 2027'
    """
    if isinstance(value, datetime):
        value = local(value, timezone)
    return f"{value.day} {value:%b %Y}"


def moment(value: datetime, timezone: str | None) -> str:
    """A moment as text in the practice's time zone, with the zone's abbreviation: "5 Jan 2027, 14:07 CST".

    >>> moment(datetime(2026, 12, 6, 3, 7, tzinfo=UTC), "America/Chicago")
    '5 Dec 2026, 21:07 CST'
    """
    shown = local(value, timezone)
    return f"{shown.day} {shown:%b %Y}, {shown:%H:%M} {shown.tzname()}"
