"""The xAPI statements carecoord sends: one pure function per kind of learning record.

Each function takes the statement id (a UUID the caller makes, so a resend is harmless), the
installation's public base URL, the actor, the moment (an aware datetime) and the kind's own fields,
and returns the statement as a plain dict ready for JSON. Nothing here reads a database, the clock
or the environment. The profile these statements follow (every verb, activity type and extension,
with its meaning) is `PROFILE`, written out for people in docs/xapi.md.

What never goes into a statement: a person other than the actor (an observation says "an
assessor", never who), free text a person wrote (notes, reflections, plans), the position a choice
was shown at. The actor is a pseudonymous account unless an administrator turns identification on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

XAPI_VERSION = "1.0.0"
LANGUAGE = "en-US"
PLATFORM = "carecoord"
BASE = "{base}"  # stands for the installation's public base URL in the IRIs below

# Verbs
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_DRAFTED = "{base}/xapi/verbs/drafted"
VERB_RECEIVED = "{base}/xapi/verbs/received"
VERB_EARNED = "{base}/xapi/verbs/earned"

# Activity types
TYPE_LESSON = "http://adlnet.gov/expapi/activities/lesson"
TYPE_MODULE = "http://adlnet.gov/expapi/activities/module"
TYPE_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
TYPE_SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
TYPE_PERFORMANCE = "http://adlnet.gov/expapi/activities/performance"
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
TYPE_OBJECTIVE = "http://adlnet.gov/expapi/activities/objective"
TYPE_PROFILE = "http://adlnet.gov/expapi/activities/profile"
TYPE_CASE_PHASE = "{base}/xapi/activity-types/case-phase"
TYPE_CREDENTIAL = "{base}/xapi/activity-types/credential"
TYPE_ACHIEVEMENT = "{base}/xapi/activity-types/achievement"

# Extensions
EXT_ON_REVIEW = "{base}/xapi/extensions/on-review"
EXT_ALIGNMENT = "{base}/xapi/extensions/alignment"
EXT_LEVELS = "{base}/xapi/extensions/levels"
EXT_ASSESSMENT_ID = "{base}/xapi/extensions/assessment-id"

# The profile itself: every statement names this version as a `category` context activity.
PROFILE_VERSION = "{base}/xapi/profile/v1"

ALIGNMENTS = ("strong", "partial", "weak")
LEVEL_RANGE = range(1, 6)  # the framework's levels, 1 Novice to 5 Expert
RESPONSE_DELIMITER = "[,]"  # between choice ids in a choice interaction's response (xAPI 2.4.4.1)


@dataclass(frozen=True)
class Concept:
    """One term of the profile: its kind, IRI (with `{base}` for this installation's own), the label
    a person reads, and what it means in a statement."""

    kind: str  # "Verb", "ActivityType", "ContextExtension" or "ResultExtension"
    iri: str
    label: str
    definition: str

    @property
    def own(self) -> bool:
        return self.iri.startswith(BASE)

    def at(self, base_url: str) -> str:
        return self.iri.replace(BASE, _base(base_url))


PROFILE: tuple[Concept, ...] = (
    Concept("Verb", VERB_COMPLETED, "completed",
            "ADL. The actor finished the object: a lesson, a module, a case scenario or a self-assessment."),
    Concept("Verb", VERB_ANSWERED, "answered",
            "ADL. The actor replied to a question: a knowledge check, or a decision in a case scenario. "
            "result.response holds the stable id of the option chosen."),
    Concept("Verb", VERB_DRAFTED, "drafted",
            "The actor wrote their own draft of the shared plan of care for a phase of a case scenario, "
            "to compare with the plan the case's authors wrote. The draft itself is not sent."),
    Concept("Verb", VERB_RECEIVED, "received",
            "The actor was rated by an assessor who watched them at work; the object is the observation and "
            "result carries the levels given. The assessor is not identified."),
    Concept("Verb", VERB_EARNED, "earned",
            "The actor was issued a credential (an Open Badges 3.0 verifiable credential) for an achievement."),
    Concept("ActivityType", TYPE_LESSON, "lesson", "ADL. A lesson of a module."),
    Concept("ActivityType", TYPE_MODULE, "module", "ADL. A module of the curriculum: a sequence of lessons."),
    Concept("ActivityType", TYPE_INTERACTION, "cmi.interaction",
            "xAPI. A question with interactionType `choice`: a knowledge check, or a decision in a case."),
    Concept("ActivityType", TYPE_SIMULATION, "simulation",
            "ADL. An evolving case scenario: a family's story told in phases, with decisions to make."),
    Concept("ActivityType", TYPE_PERFORMANCE, "performance",
            "ADL. A task done within a case phase: drafting the shared plan of care."),
    Concept("ActivityType", TYPE_ASSESSMENT, "assessment",
            "ADL. A rating against the competency framework: a self-assessment, or an observation."),
    Concept("ActivityType", TYPE_OBJECTIVE, "objective", "ADL. A competency of the framework, by its code."),
    Concept("ActivityType", TYPE_PROFILE, "profile", "ADL. The profile a statement follows (this one)."),
    Concept("ActivityType", TYPE_CASE_PHASE, "case phase",
            "One phase of an evolving case scenario (a period of the child's life); the parent of the "
            "decisions and the plan of care in it."),
    Concept("ActivityType", TYPE_CREDENTIAL, "credential",
            "One credential issued to one person; its activity id ends in the credential's UUID "
            "(the credential's own id is urn:uuid:<that UUID>)."),
    Concept("ActivityType", TYPE_ACHIEVEMENT, "achievement",
            "What a credential certifies (an Open Badges 3.0 Achievement); its activity id is the public "
            "URL of the achievement's definition."),
    Concept("ContextExtension", EXT_ON_REVIEW, "on review",
            "true when a knowledge check was answered in a spaced review, false when in the lesson. Used with "
            "answered on a check."),
    Concept("ResultExtension", EXT_ALIGNMENT, "alignment",
            "How sound the option chosen at a case decision is, as the case's authors judged it: "
            "\"strong\", \"partial\" or \"weak\". Used with answered on a decision."),
    Concept("ResultExtension", EXT_LEVELS, "levels",
            "The levels given, as an object from competency code to level (an integer, 1 Novice to 5 Expert). "
            "Used with completed on a self-assessment and received on an observation."),
    Concept("ContextExtension", EXT_ASSESSMENT_ID, "assessment id",
            "The installation's id of the assessment record (a string), so that a later correction of the "
            "same assessment can be matched to it. Used on self-assessments and observations."),
)


# ---------------------------------------------------------------- the actor


@dataclass(frozen=True)
class Actor:
    """Who a statement is about. By default a pseudonymous account: `name` is an opaque token kept per
    person, `home_page` the installation's base URL. Only when an administrator turns identification on
    does the caller pass `display_name` and `email`; they are added only when given.

    xAPI allows one identifier per Agent (2.4.2.1), so with an e-mail the Agent is identified by
    `mbox` instead of the account: the learning record store then sees the person under their address.
    """

    home_page: str
    name: str
    display_name: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        _base(self.home_page)
        if not isinstance(self.name, str) or not self.name.strip() or _has_space(self.name):
            raise ValueError("an actor's account name must be a non-empty token without spaces")
        if self.display_name is not None:
            _text(self.display_name, "display name")
        if self.email is not None:
            _mailto(self.email)

    def agent(self) -> dict:
        agent: dict = {"objectType": "Agent"}
        if self.display_name is not None:
            agent["name"] = _text(self.display_name, "display name")
        if self.email is not None:
            agent["mbox"] = _mailto(self.email)
        else:
            agent["account"] = {"homePage": _base(self.home_page), "name": self.name}
        return agent


# ---------------------------------------------------------------- activity ids


def activity_id(base_url: str, *path: str) -> str:
    """`{base}/xapi/activities/{path...}`, each part checked and percent-encoded."""
    if not path:
        raise ValueError("an activity id needs a path")
    return f"{_base(base_url)}/xapi/activities/" + "/".join(_segment(part) for part in path)


# ---------------------------------------------------------------- the statements


def lesson_completed(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                     lesson_id: str, lesson_title: str, module_id: str) -> dict:
    """The actor completed a lesson; the module is its parent."""
    base = _base(base_url)
    return _statement(
        statement_id, base, actor, timestamp, VERB_COMPLETED, "completed",
        _activity(activity_id(base, "lesson", lesson_id), TYPE_LESSON, base, name=lesson_title),
        result={"completion": True},
        parent=[_ref(activity_id(base, "module", module_id))],
    )


def check_answered(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                   lesson_id: str, check_id: str, choice_id: str | Iterable[str], correct: bool,
                   on_review: bool) -> dict:
    """The actor answered a knowledge check. `choice_id` is the chosen option's stable id (its id in the
    content, never the position it was shown at), or a collection of ids for a check with several right
    answers; `correct` is whether the answer was right; `on_review` whether it was given in a spaced
    review rather than in the lesson."""
    base = _base(base_url)
    return _statement(
        statement_id, base, actor, timestamp, VERB_ANSWERED, "answered",
        _activity(activity_id(base, "check", check_id), TYPE_INTERACTION, base, interactionType="choice"),
        result={"success": _flag(correct, "correct"), "response": _choice_response(choice_id)},
        parent=[_ref(activity_id(base, "lesson", lesson_id))],
        extensions={EXT_ON_REVIEW: _flag(on_review, "on_review")},
    )


def case_decision_made(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                       case_id: str, phase_id: str, decision_id: str, option_id: str, alignment: str,
                       *, competencies: Iterable[str] = ()) -> dict:
    """The actor made a decision in a case scenario: chose `option_id`, whose alignment is strong,
    partial or weak. The phase is the parent, the case the grouping; `competencies` (the codes the
    decision bears on, optional) are added as objective context activities."""
    base = _base(base_url)
    if alignment not in ALIGNMENTS:
        raise ValueError(f"alignment must be one of {', '.join(ALIGNMENTS)}, not {alignment!r}")
    return _statement(
        statement_id, base, actor, timestamp, VERB_ANSWERED, "answered",
        _activity(activity_id(base, "case", case_id, "decision", decision_id), TYPE_INTERACTION, base,
                  interactionType="choice"),
        result={"response": _choice_response(option_id), "extensions": {EXT_ALIGNMENT: alignment}},
        parent=[_activity(activity_id(base, "case", case_id, "phase", phase_id), TYPE_CASE_PHASE, base)],
        grouping=[_ref(activity_id(base, "case", case_id))],
        other=_competencies(base, competencies),
    )


def plan_drafted(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                 case_id: str, phase_id: str) -> dict:
    """The actor drafted the shared plan of care for a phase of a case (the draft's text is not sent)."""
    base = _base(base_url)
    return _statement(
        statement_id, base, actor, timestamp, VERB_DRAFTED, "drafted",
        _activity(activity_id(base, "case", case_id, "phase", phase_id, "plan-of-care"), TYPE_PERFORMANCE, base,
                  name="Shared plan of care"),
        parent=[_activity(activity_id(base, "case", case_id, "phase", phase_id), TYPE_CASE_PHASE, base)],
        grouping=[_ref(activity_id(base, "case", case_id))],
    )


def case_completed(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                   case_id: str, case_title: str) -> dict:
    """The actor played a case scenario through to its end."""
    base = _base(base_url)
    return _statement(
        statement_id, base, actor, timestamp, VERB_COMPLETED, "completed",
        _activity(activity_id(base, "case", case_id), TYPE_SIMULATION, base, name=case_title),
        result={"completion": True},
    )


def self_assessment_submitted(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                              assessment_id: str | int, levels: Mapping[str, int]) -> dict:
    """The actor rated themselves against the framework: `levels` maps competency code to level."""
    base = _base(base_url)
    rated = _levels(levels)
    return _statement(
        statement_id, base, actor, timestamp, VERB_COMPLETED, "completed",
        _activity(activity_id(base, "self-assessment"), TYPE_ASSESSMENT, base,
                  name="Self-assessment against the competency framework"),
        result={"completion": True, "extensions": {EXT_LEVELS: rated}},
        other=_competencies(base, rated),
        extensions={EXT_ASSESSMENT_ID: _record_id(assessment_id, "assessment_id")},
    )


def observation_received(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                         observation_id: str | int, levels: Mapping[str, int]) -> dict:
    """The actor (the person observed) received an observation: an assessor watched them at work and rated
    them, `levels` mapping competency code to level. The assessor is not named anywhere in the statement."""
    base = _base(base_url)
    rated = _levels(levels)
    return _statement(
        statement_id, base, actor, timestamp, VERB_RECEIVED, "received",
        _activity(activity_id(base, "observation"), TYPE_ASSESSMENT, base, name="Observation by an assessor"),
        result={"extensions": {EXT_LEVELS: rated}},
        other=_competencies(base, rated),
        extensions={EXT_ASSESSMENT_ID: _record_id(observation_id, "observation_id")},
    )


def module_completed(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                     module_id: str, module_title: str) -> dict:
    """The actor completed every lesson of a module."""
    base = _base(base_url)
    return _statement(
        statement_id, base, actor, timestamp, VERB_COMPLETED, "completed",
        _activity(activity_id(base, "module", module_id), TYPE_MODULE, base, name=module_title),
        result={"completion": True},
    )


def credential_earned(statement_id: str, base_url: str, actor: Actor, timestamp: datetime,
                      credential_id: str, achievement_id: str, achievement_name: str) -> dict:
    """The actor was issued a credential. `credential_id` is the credential's id (urn:uuid:..., or the bare
    UUID); `achievement_id` the public URL of the achievement it certifies, added as an `other` context
    activity."""
    base = _base(base_url)
    return _statement(
        statement_id, base, actor, timestamp, VERB_EARNED, "earned",
        _activity(activity_id(base, "credential", _credential_uuid(credential_id)), TYPE_CREDENTIAL, base,
                  name=achievement_name),
        other=[_activity(_url(achievement_id, "achievement_id"), TYPE_ACHIEVEMENT, base, name=achievement_name)],
    )


# Every kind of statement by name, as the outbox names them.
KINDS: dict[str, Callable[..., dict]] = {
    f.__name__: f for f in (lesson_completed, check_answered, case_decision_made, plan_drafted, case_completed,
                            self_assessment_submitted, observation_received, module_completed, credential_earned)
}


# ---------------------------------------------------------------- building blocks


def _statement(statement_id: str, base: str, actor: Actor, timestamp: datetime, verb: str, display: str,
               obj: dict, *, result: dict | None = None, parent: list[dict] | None = None,
               grouping: list[dict] | None = None, other: list[dict] | None = None,
               extensions: dict | None = None) -> dict:
    if not isinstance(actor, Actor):
        raise ValueError("actor must be an xapi.Actor")
    activities: dict = {}
    if parent:
        activities["parent"] = parent
    if grouping:
        activities["grouping"] = grouping
    activities["category"] = [{"objectType": "Activity", "id": PROFILE_VERSION.replace(BASE, base),
                               "definition": {"type": TYPE_PROFILE}}]
    if other:
        activities["other"] = other
    context: dict = {"platform": PLATFORM, "language": LANGUAGE, "contextActivities": activities}
    if extensions:
        context["extensions"] = {iri.replace(BASE, base): value for iri, value in extensions.items()}
    statement: dict = {
        "id": _uuid(statement_id),
        "actor": actor.agent(),
        "verb": {"id": verb.replace(BASE, base), "display": {LANGUAGE: display}},
        "object": obj,
    }
    if result:
        if "extensions" in result:
            result = {**result, "extensions": {iri.replace(BASE, base): v for iri, v in result["extensions"].items()}}
        statement["result"] = result
    statement["context"] = context
    statement["timestamp"] = _timestamp(timestamp)
    statement["version"] = XAPI_VERSION
    return statement


def _activity(iri: str, type_iri: str, base: str, *, name: str | None = None, **interaction: str) -> dict:
    definition: dict = {}
    if name is not None:
        definition["name"] = {LANGUAGE: _text(name, "title")}
    definition["type"] = type_iri.replace(BASE, base)
    definition.update(interaction)
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _ref(iri: str) -> dict:
    """An activity that is the object of statements of its own (a lesson, module or case), named by id alone
    in another statement's context: a partial definition there could overwrite the full one a learning
    record store keeps for it."""
    return {"objectType": "Activity", "id": iri}


def _competencies(base: str, codes: Iterable[str]) -> list[dict]:
    seen: list[str] = []
    for code in codes:
        if _code(code) not in seen:
            seen.append(code)
    return [_activity(activity_id(base, "competency", code), TYPE_OBJECTIVE, base) for code in seen]


def _base(base_url: str) -> str:
    if not isinstance(base_url, str):
        raise ValueError("the base URL must be a string")
    base = base_url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment \
            or _has_space(base):
        raise ValueError(f"the base URL must be an address such as https://carecoord.example.org, not {base_url!r}")
    return base


def _url(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a URL")
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or _has_space(value):
        raise ValueError(f"{what} must be an absolute http(s) URL, not {value!r}")
    return value


def _segment(part: str) -> str:
    if not isinstance(part, str) or not part or _has_space(part) or part in (".", ".."):
        raise ValueError(f"not a usable id in an activity id: {part!r}")
    return quote(part, safe="")


def _code(code: str) -> str:
    if not isinstance(code, str) or not code or _has_space(code):
        raise ValueError(f"not a competency code: {code!r}")
    return code


def _levels(levels: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(levels, Mapping) or not levels:
        raise ValueError("levels must map at least one competency code to a level")
    rated = {}
    for code in sorted(levels):
        level = levels[code]
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVEL_RANGE:
            raise ValueError(f"the level for {code!r} must be a whole number from 1 to 5, not {level!r}")
        rated[_code(code)] = level
    return rated


def _choice_response(choice: str | Iterable[str]) -> str:
    """A choice interaction's response: the chosen ids, sorted, joined by "[,]" (one id alone, no
    delimiter). Sorting makes the response the same whatever order the options were shown or ticked in."""
    ids = [choice] if isinstance(choice, str) else list(choice)
    if not ids:
        raise ValueError("an answer needs at least one chosen option")
    for one in ids:
        if not isinstance(one, str) or not one or _has_space(one) or RESPONSE_DELIMITER in one:
            raise ValueError(f"not a choice id: {one!r}")
    return RESPONSE_DELIMITER.join(sorted(set(ids)))


def _credential_uuid(credential_id: str) -> str:
    text = credential_id.strip() if isinstance(credential_id, str) else ""
    if text.lower().startswith("urn:uuid:"):
        text = text[len("urn:uuid:"):]
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError(f"a credential id must be urn:uuid:<UUID>, not {credential_id!r}") from None


def _uuid(statement_id: str) -> str:
    try:
        return str(uuid.UUID(str(statement_id)))
    except ValueError:
        raise ValueError(f"a statement id must be a UUID, not {statement_id!r}") from None


def _record_id(value: str | int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ValueError(f"{what} must be a non-empty id")
    return str(value).strip()


def _timestamp(moment: datetime) -> str:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a statement's timestamp must be an aware datetime")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _flag(value: bool, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be True or False, not {value!r}")
    return value


def _text(value: str, what: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise ValueError(f"a {what} must be non-empty text")
    return text


def _mailto(email: str) -> str:
    address = email.strip() if isinstance(email, str) else ""
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:"):]
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or _has_space(address):
        raise ValueError(f"not an e-mail address: {email!r}")
    return f"mailto:{local}@{domain.lower()}"


def _has_space(text: str) -> bool:
    return any(c.isspace() or ord(c) < 32 for c in text)
