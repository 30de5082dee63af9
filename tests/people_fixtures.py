"""Small in-memory people for permission tests (no database)."""

from carecoord.people import Membership, Person


def person(pid, *roles, practice=1, admin=False, disabled=False):
    return Person(
        id=pid, username=f"u{pid}", display_name=f"P{pid}", is_admin=admin, disabled=disabled,
        memberships=tuple(Membership(practice_id=practice, practice_name="X", role=r) for r in roles),
    )
