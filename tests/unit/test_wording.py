"""Dates, times and counted nouns as every screen writes them."""

from datetime import UTC, date, datetime

from carecoord import clock
from carecoord.wording import count, verb


def test_a_day_reads_one_way_whatever_the_readers_country():
    assert clock.day(date(2027, 1, 5)) == "5 Jan 2027"
    assert clock.day(date(2026, 12, 25)) == "25 Dec 2026"
    # A moment is put into the practice's time zone before its day is taken.
    late_in_chicago = datetime(2026, 12, 6, 3, 7, tzinfo=UTC)
    assert clock.day(late_in_chicago, "America/Chicago") == "5 Dec 2026"
    assert clock.day(late_in_chicago) == "6 Dec 2026"


def test_a_moment_reads_in_the_practices_zone_with_its_name():
    moment = datetime(2026, 12, 6, 3, 7, tzinfo=UTC)
    assert clock.moment(moment, "America/Chicago") == "5 Dec 2026, 21:07 CST"
    assert clock.moment(moment, "Europe/London") == "6 Dec 2026, 03:07 GMT"
    assert clock.moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "Europe/London") == "1 Jul 2026, 13:00 BST"
    assert clock.moment(moment, "Not/AZone") == "6 Dec 2026, 03:07 UTC"  # an unknown zone falls back to UTC
    assert clock.DATE_INPUT_FORMAT == "YYYY-MM-DD"


def test_counted_nouns_are_singular_only_for_one():
    assert [count(n, "lesson") for n in (0, 1, 2)] == ["0 lessons", "1 lesson", "2 lessons"]
    assert count(1, "story", "stories") == "1 story" and count(3, "story", "stories") == "3 stories"
    assert verb(1, "waits", "wait") == "waits" and verb(2, "waits", "wait") == "wait"


def test_role_codes_in_a_list_of_practices_read_as_labels():
    from carecoord.people import role_labels

    assert role_labels("Riverside (demo) (team_member), Oak (lead)") == \
        "Riverside (demo) – Team member (surveys only), Oak – Practice lead"
    assert role_labels("A practice called (trainee) Street (trainee)") == \
        "A practice called (trainee) Street – Care coordinator (trainee)"
