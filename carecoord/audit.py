"""The audit log in sentences: what each recorded action did, in plain words (pure).

The store records an action name ("person.disable"), a subject ("person:12") and details as JSON;
the Audit log page shows "disabled the account of Sam Whitfield" instead.
"""

from __future__ import annotations

import json

from carecoord.people import ROLE_LABELS
from carecoord.stories import STATUS_LABELS
from carecoord.wording import count

# {subject} is the person, practice, story or administration named by the subject; other names are details.
SENTENCES = {
    "person.create": "created the account of {subject}",
    "person.disable": "disabled the account of {subject}",
    "person.enable": "enabled the account of {subject} again",
    "person.admin_grant": "made {subject} an administrator",
    "person.admin_revoke": "took administrator rights from {subject}",
    "person.password_reset": "reset the password of {subject}",
    "person.password_change": "changed the password of {subject}",
    "person.erase": "erased the personal details of {subject}",
    "person.export": "exported everything held about {subject}",
    "person.sign_out_everywhere": "signed {subject} out everywhere",
    "person.sign_in_throttled": "(the system) delayed the next sign-in of {subject} after wrong passwords",
    "person.sign_in_delay_cleared": "let {subject} try signing in again at once",
    "membership.add": "gave {subject} a role in a practice",
    "membership.activate": "made a role of {subject} active again",
    "membership.deactivate": "ended a role of {subject}",
    "membership.grant_from_idp": "(the system) gave {subject} a role their organisation's sign-in carries",
    "membership.remove_from_idp": "(the system) ended a role of {subject} their organisation's sign-in no longer carries",
    "person.create_from_idp": "(the system) created the account of {subject} at their first organisation sign-in",
    "idp_mapping.add": "mapped an organisation group to a role in {subject}",
    "idp_mapping.remove": "removed an organisation group's mapping to a role in {subject}",
    "credential.issue": "issued a credential to {subject}",
    "credential.revoke": "revoked a credential of {subject}",
    "practice.create": "created the practice {subject}",
    "practice.timezone": "changed the time zone of {subject}",
    "plan.assign": "assigned learning in {subject}",
    "plan.due_change": "moved a due day in {subject}",
    "plan.remove": "removed an assignment in {subject}",
    "measure.open": "opened a practice measurement in {subject}",
    "measure.answers": "recorded capability answers ({subject})",
    "measure.close": "closed a practice measurement ({subject})",
    "measure.discard": "discarded a practice measurement ({subject})",
    "story.create": "started a story ({subject})",
    "story.consent": "recorded consent for a story ({subject})",
    "story.flag_intended": "marked a detail of a story as intended ({subject})",
    "story.flag_reopened": "reopened a flagged detail of a story ({subject})",
    "story.submit": "sent a story for review ({subject})",
    "story.withdraw": "withdrew a story ({subject})",
    "story.request_changes": "asked for changes to a story ({subject})",
    "story.approve": "approved and published a story ({subject})",
    "story.purge": "deleted the text of a withdrawn story ({subject})",
    "assessor.name": "named {subject} an assessor",
    "assessor.unname": "stopped naming {subject} an assessor",
    "observation.withdraw": "withdrew an observation of {subject}",
    "signoff.create": "signed off a competency for {subject}",
    "signoff.withdraw": "withdrew a sign-off for {subject}",
    "demo.keep_on": "changed whether demo accounts stay on",
    "demo.switch_off": "switched the demo accounts off",
    "demo.remove": "removed the demo practice and its accounts",
}

# Detail keys as words, and values that are codes shown as their labels.
DETAIL_NAMES = {"username": "username", "role": "role", "discipline": "discipline", "practice_id": "practice",
                "modules": "modules", "track": "track", "due_on": "due", "due_from": "due before",
                "due_to": "due now", "status_from": "from", "status_to": "to", "instrument": "instrument",
                "administered_on": "date", "timezone": "time zone", "name": "name", "is_admin": "administrator",
                "scope": "readers", "credit": "credit", "comment": "comment", "kept_on": "kept on",
                "competency": "competency", "level": "level", "reason": "reason",
                "claim": "claim", "value": "value", "creates_people": "creates accounts", "achievement": "achievement"}


# Stored codes of a story's consent, as the consent form words them.
VALUE_WORDS = {"credit": {"name": "their name", "initials": "their initials", "anonymous": "no name"},
               "scope": {"practice": "their practice only", "installation": "everyone in every practice that uses this app"}}


def subject_words(subject: str, subject_name: str | None) -> str:
    """"person:12" as the person's name when it is known, else "person 12"."""
    if subject_name:
        return subject_name
    kind, _, number = subject.partition(":")
    return f"{kind} {number}".strip() if number else subject


def sentence(action: str, subject: str, subject_name: str | None = None) -> str:
    """What the action did, after the actor's name.

    >>> sentence("person.disable", "person:12", "Sam Whitfield")
    'disabled the account of Sam Whitfield'
    >>> sentence("something.new", "practice:3")
    'something new (practice 3)'
    """
    template = SENTENCES.get(action)
    words = subject_words(subject, subject_name)
    if template is None:
        return f"{action.replace('.', ' ').replace('_', ' ')} ({words})"
    return template.format(subject=words)


def details(detail: str) -> str:
    """The recorded details as "name: value" pairs, codes as their labels; "" when there are none."""
    if not detail:
        return ""
    try:
        found = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(found, dict):
        return str(found)
    parts = []
    for key, value in found.items():
        if value in (None, "", []):
            continue
        if key == "role":
            value = ROLE_LABELS.get(value, value)
        elif key in ("status_from", "status_to"):
            value = STATUS_LABELS.get(value, value).lower()
        elif key in VALUE_WORDS and value in VALUE_WORDS[key]:
            value = VALUE_WORDS[key][value]
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = f"{count(len(value), 'item')}: {', '.join(map(str, value))}"
        parts.append(f"{DETAIL_NAMES.get(key, key.replace('_', ' '))}: {value}")
    return "; ".join(parts)
