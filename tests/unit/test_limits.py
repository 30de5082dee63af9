"""Bounds on what people type, checked in the store, and ids read from a link.

A lead once created a trainee with a 5,000,000-character name: every field a person types is now
refused over its bound with the store's own error naming the field, and nothing is written.
"""

import pytest

from carecoord import limits
from carecoord.errors import FieldError
from carecoord.people import LEAD, TRAINEE
from carecoord.store import accounts as A

HUGE = "x" * 5_000_000


class Refused(FieldError):
    pass


def test_bounded_returns_the_text_or_refuses_at_the_field_with_both_lengths():
    assert limits.bounded("Maple", "name", 5, what="the name") == "Maple"
    with pytest.raises(Refused) as error:
        limits.bounded("Maple Clinic", "name", 5, what="the name", error=Refused)
    assert error.value.field == "name"
    assert str(error.value) == "Keep the name to 5 characters (it has 12)."


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("1", 1), (str(limits.ID_MAX), limits.ID_MAX),
    (str(limits.ID_MAX + 1), None), ("99999999999999999999999", None), ("0", None), ("-3", None),
    ("", None), ("abc", None), ("12a", None), (" 12", None), ("²", None), ("١٢", None), ("1e3", None), (None, None),
])
def test_an_id_from_a_link_is_plain_digits_within_sqlite_integers(text, expected):
    assert limits.parse_id(text) == expected


# ---------------------------------------------------------------- accounts


@pytest.fixture
def practice(db, now):
    return A.create_practice(db, A.SYSTEM, "Maple Clinic", now)


@pytest.fixture
def lead(db, now, practice):
    pid = A.create_person(db, A.SYSTEM, username="lee", display_name="Lee", password="a good long password", now=now)
    A.add_membership(db, A.SYSTEM, pid, practice, LEAD, now)
    return A.load_person(db, pid)


def counts(db):
    return [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("person", "membership", "practice", "audit")]


@pytest.mark.parametrize(("field", "fields"), [
    ("display_name", {"display_name": HUGE}),
    ("display_name", {"display_name": "x" * (limits.DISPLAY_NAME_MAX + 1)}),
    ("username", {"username": HUGE}),
    ("email", {"email": HUGE + "@example.org"}),
    ("discipline", {"discipline": HUGE}),
])
def test_a_lead_adding_someone_with_an_oversized_field_is_refused_and_nothing_is_written(db, now, practice, lead,
                                                                                         field, fields):
    before = counts(db)
    values = {"username": "tess", "display_name": "Tess", "password": "temporary-pass", **fields}
    with pytest.raises(A.AccountError) as error:
        A.add_person_to_practice(db, lead, practice, TRAINEE, now, **values)
    assert error.value.field == field
    assert len(str(error.value)) < 200  # says the limit, never repeats what was typed
    assert counts(db) == before


def test_a_name_at_its_bound_is_kept_whole(db, now, practice, lead):
    name = "N" * limits.DISPLAY_NAME_MAX
    pid = A.add_person_to_practice(db, lead, practice, TRAINEE, now, username="tess", display_name=f"  {name} ",
                                   password="temporary-pass", discipline="x" * limits.DISCIPLINE_MAX)
    assert A.load_person(db, pid).display_name == name


def test_an_administrator_creating_an_account_is_held_to_the_same_bounds(db, now):
    before = counts(db)
    with pytest.raises(A.AccountError) as error:
        A.create_person(db, A.SYSTEM, username="ada", display_name=HUGE, password="a good long password", now=now,
                        is_admin=True)
    assert error.value.field == "display_name"
    assert counts(db) == before


def test_a_role_with_an_oversized_discipline_is_refused(db, now, practice, lead):
    before = counts(db)
    with pytest.raises(A.AccountError) as error:
        A.add_membership(db, A.SYSTEM, lead.id, practice, TRAINEE, now, discipline=HUGE)
    assert error.value.field == "discipline"
    assert counts(db) == before


@pytest.mark.parametrize(("field", "name", "setting", "timezone"), [
    ("name", HUGE, "", "UTC"),
    ("name", "N" * (limits.PRACTICE_NAME_MAX + 1), "", "UTC"),
    ("setting", "Oak", HUGE, "UTC"),
    ("timezone", "Oak", "", HUGE),
    ("timezone", "Oak", "", "Europe/" + "x" * 300),  # ZoneInfo raised OSError (file name too long) here
])
def test_a_practice_with_an_oversized_field_is_refused_and_nothing_is_written(db, now, field, name, setting, timezone):
    before = counts(db)
    with pytest.raises(A.AccountError) as error:
        A.create_practice(db, A.SYSTEM, name, now, setting=setting, timezone=timezone)
    assert error.value.field == field
    assert len(str(error.value)) < 200
    assert counts(db) == before


@pytest.mark.parametrize("timezone", [HUGE, "Europe/" + "x" * 300])
def test_changing_a_practice_time_zone_to_an_oversized_name_is_refused(db, now, practice, timezone):
    with pytest.raises(A.AccountError) as error:
        A.set_practice_timezone(db, A.SYSTEM, practice, timezone, now)
    assert error.value.field == "timezone" and len(str(error.value)) < 200
    assert A.get_practice(db, practice).timezone == "UTC"
