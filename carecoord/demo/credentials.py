"""Demo credentials: every demo learner's completed modules are recorded as earned (the demo's sign-offs
earn theirs as they are made). They are signed when the installation has a key and a public address,
at once or later by `carecoord credentials issue`; otherwise My credentials lists them as waiting."""

from carecoord.demo import DemoContext
from carecoord.store import accounts
from carecoord.store import credentials as held


def build(context: DemoContext) -> None:
    for person_id in context.people.values():
        person = accounts.load_person(context.db, person_id)
        held.award_modules(context.db, person, context.library, context.now)
