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
