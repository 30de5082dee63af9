"""The audit log reads as sentences: actions, subjects and details in plain words."""

import json

from carecoord import audit
from carecoord.store import accounts as A


def test_every_action_the_store_records_has_a_sentence():
    import re
    from pathlib import Path

    recorded = set()
    for path in Path("carecoord/store").glob("*.py"):
        recorded |= set(re.findall(r'"((?:person|membership|practice|plan|measure|story|demo|idp_mapping|credential)\.[a-z_]+)"',
                                   path.read_text()))
    recorded = {action for action in recorded if not action.endswith((".json", ".csv"))}  # file names
    recorded |= {f"story.{action}" for action in ("submit", "withdraw", "request_changes", "approve")}
    assert recorded - set(audit.SENTENCES) == set()


def test_sentences_name_the_subject_and_details_read_as_words():
    assert audit.sentence("person.disable", "person:12", "Sam Whitfield") == "disabled the account of Sam Whitfield"
    assert audit.sentence("person.erase", "person:12", None) == "erased the personal details of person 12"
    assert audit.sentence("practice.create", "practice:3", "Elm Street") == "created the practice Elm Street"
    assert audit.details(json.dumps({"role": "trainee", "discipline": "nurse", "practice_id": 3})) == \
        "role: Care coordinator (trainee); discipline: nurse; practice: 3"
    assert audit.details(json.dumps({"modules": ["a", "b"], "is_admin": False})) == \
        "modules: 2 items: a, b; administrator: no"
    assert audit.details("") == "" and audit.details("not json") == "not json"


def test_the_log_joins_each_subject_to_its_name(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Elm Street", now)
    pid = A.create_person(db, A.SYSTEM, username="sam", display_name="Sam Whitfield", password="long enough pw",
                          now=now)
    A.set_disabled(db, A.SYSTEM, pid, True, now)
    entries = {e.action: e for e in A.audit_log(db, A.SYSTEM)}
    assert audit.sentence(entries["person.disable"].action, entries["person.disable"].subject,
                          entries["person.disable"].subject_name) == "disabled the account of Sam Whitfield"
    assert entries["practice.create"].subject_name == "Elm Street" and entries["practice.create"].subject == \
        f"practice:{practice}"
    assert entries["person.create"].subject_name == "Sam Whitfield"


def test_story_codes_in_details_read_as_words():
    assert audit.details(json.dumps({"status_from": "changes_requested", "status_to": "submitted",
                                     "credit": "initials", "scope": "installation"})) == (
        "from: changes requested; to: waiting for review; credit: their initials; "
        "readers: everyone in every practice that uses this app")
