"""Family faculty stories: the rules of the workflow, bounds, credit and purge. Pure: no I/O.

A story moves draft -> submitted -> (changes_requested -> submitted)* -> published. The author may
withdraw consent from any status; a withdrawn story leaves trainees' view at once and its text is
purged PURGE_AFTER later, keeping only the audit record (who, when, a hash of the text).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from carecoord import deidentify
from carecoord.errors import FieldError
from carecoord.wording import count

DRAFT = "draft"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
STATUSES = (DRAFT, SUBMITTED, CHANGES_REQUESTED, PUBLISHED, WITHDRAWN)
STATUS_LABELS = {
    DRAFT: "Draft",
    SUBMITTED: "Waiting for review",
    CHANGES_REQUESTED: "Changes requested",
    PUBLISHED: "Published",
    WITHDRAWN: "Withdrawn",
}
EDITABLE = (DRAFT, CHANGES_REQUESTED)
# What reviewers read the text of: a story its author has sent for review, sent back for changes or
# published; never a draft the author has not sent, nor a withdrawn story (its text waits to be purged).
REVIEWERS_READ = (SUBMITTED, CHANGES_REQUESTED, PUBLISHED)

# Actions and who may take them from which status.
SUBMIT = "submit"
REQUEST_CHANGES = "request_changes"
APPROVE = "approve"
WITHDRAW = "withdraw"
AUTHOR_ACTIONS = {SUBMIT: (EDITABLE, SUBMITTED), WITHDRAW: ((DRAFT, SUBMITTED, CHANGES_REQUESTED, PUBLISHED), WITHDRAWN)}
REVIEWER_ACTIONS = {REQUEST_CHANGES: ((SUBMITTED,), CHANGES_REQUESTED), APPROVE: ((SUBMITTED,), PUBLISHED)}

# Who may read a published story, and how its author is credited.
SCOPE_PRACTICE = "practice"
SCOPE_INSTALLATION = "installation"
SCOPES = (SCOPE_PRACTICE, SCOPE_INSTALLATION)
CREDIT_NAME = "name"
CREDIT_INITIALS = "initials"
CREDIT_ANONYMOUS = "anonymous"
CREDITS = (CREDIT_NAME, CREDIT_INITIALS, CREDIT_ANONYMOUS)
ANONYMOUS_CREDIT = "A parent on our family faculty"

# The stage of childhood a story covers.
STAGES: dict[str, str] = {
    "pregnancy-and-birth": "Pregnancy, birth and the NICU",
    "infancy": "Infancy (the first year)",
    "early-childhood": "Early childhood (1 to 5)",
    "school-age": "School age (5 to 12)",
    "adolescence": "Adolescence (12 to 18)",
    "adult-transition": "Moving to adult life and care",
    "across-childhood": "Across childhood",
}

TITLE_MAX = 120
BODY_MAX = 20_000
QUESTION_MAX = 300
QUESTIONS_MAX = 8
LINKS_MAX = 20
COMMENT_MAX = 4_000
REFLECTION_MAX = 4_000
INTENDED_MAX = 200
PURGE_AFTER = timedelta(days=30)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[A-Z]{2}\d{1,2}$")


class StoryError(FieldError):
    """Refused story requests; see `carecoord.errors.FieldError`."""


class SubmissionRefused(StoryError):
    """Submitting with identifying details still unresolved: carries the flags to list."""

    def __init__(self, flags: list[deidentify.Flag]):
        listed = "; ".join(f"\"{f.text}\" ({f.label.lower()})" for f in flags)
        super().__init__(f"Resolve these {count(len(flags), 'possible identifying detail')} first: edit them out, or "
                         f"mark them as intended: {listed}.", "check")
        self.flags = flags


@dataclass(frozen=True)
class Consent:
    scope: str
    credit: str
    may_edit_for_length: bool
    at: datetime


def next_status(status: str, action: str, *, is_author: bool, may_review: bool) -> str:
    """The status after `action`, or StoryError saying why it is not allowed from here."""
    if action in AUTHOR_ACTIONS:
        allowed_from, to = AUTHOR_ACTIONS[action]
        if not is_author:
            raise StoryError("Only the author can do that with their story.")
    elif action in REVIEWER_ACTIONS:
        allowed_from, to = REVIEWER_ACTIONS[action]
        if is_author:
            raise StoryError("Nobody reviews or publishes their own story.")
        if not may_review:
            raise StoryError("Only a lead of the author's practice or an administrator reviews this story.")
    else:
        raise StoryError(f"Unknown action {action!r}.")
    if status not in allowed_from:
        raise StoryError(f"A story that is {STATUS_LABELS.get(status, status).lower()} cannot be "
                         f"{_VERBS[action]}.")
    return to


_VERBS = {SUBMIT: "sent for review", WITHDRAW: "withdrawn", REQUEST_CHANGES: "sent back for changes",
          APPROVE: "approved"}


# ---------------------------------------------------------------- bounds on what the author writes


def clean_title(title: str) -> str:
    title = " ".join(str(title).split())
    if len(title) > TITLE_MAX:
        raise StoryError(f"Keep the title to {TITLE_MAX} characters (it has {len(title):,}).", "title")
    return title


def clean_body(body: str) -> str:
    body = str(body).replace("\r\n", "\n").strip()
    if len(body) > BODY_MAX:
        raise StoryError(f"The story is {len(body):,} characters; the limit is {BODY_MAX:,}. Shorten it by "
                         f"{len(body) - BODY_MAX:,} characters. Your last saved version is kept.", "body")
    return body


def clean_stage(stage: str | None) -> str:
    stage = stage or ""
    if stage and stage not in STAGES:
        raise StoryError("Choose a stage of childhood from the list.", "stage")
    return stage


def parse_questions(text: str) -> list[str]:
    """Discussion questions, one a line; list markers are dropped and blank lines ignored."""
    questions = []
    for line in str(text).splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if line:
            questions.append(line)
    return clean_questions(questions)


def clean_questions(questions: Iterable[str]) -> list[str]:
    questions = [" ".join(str(q).split()) for q in questions if str(q).strip()]
    if len(questions) > QUESTIONS_MAX:
        raise StoryError(f"Ask at most {QUESTIONS_MAX} discussion questions (there are {len(questions)}).",
                         "questions")
    for number, question in enumerate(questions, start=1):
        if len(question) > QUESTION_MAX:
            raise StoryError(f"Question {number} is {len(question)} characters; keep each question to "
                             f"{QUESTION_MAX}.", "questions")
    return questions


def clean_links(ids: Iterable[str], field: str) -> list[str]:
    """Module or case-phase ids (lower-case) or competency codes (FP1), bounded in number."""
    ids = list(dict.fromkeys(str(i).strip() for i in ids if str(i).strip()))
    pattern = _CODE if field == "competencies" else _ID
    if len(ids) > LINKS_MAX:
        raise StoryError(f"Choose at most {LINKS_MAX}.", field)
    if any(not pattern.match(i) for i in ids):
        raise StoryError("Choose from the list.", field)
    return ids


def clean_comment(comment: str, *, required: bool) -> str:
    comment = str(comment or "").replace("\r\n", "\n").strip()
    if required and not comment:
        raise StoryError("Say what the author should change; they will see your comments.", "comment")
    if len(comment) > COMMENT_MAX:
        raise StoryError(f"Keep comments to {COMMENT_MAX:,} characters (they have {len(comment):,}).", "comment")
    return comment


def clean_reflection(text: str) -> str:
    text = str(text or "").replace("\r\n", "\n").strip()
    if not text:
        raise StoryError("Write your reflection before saving it.", "reflection")
    if len(text) > REFLECTION_MAX:
        raise StoryError(f"Keep a reflection to {REFLECTION_MAX:,} characters (it has {len(text):,}).",
                         "reflection")
    return text


def clean_consent(scope: str, credit: str) -> tuple[str, str]:
    if scope not in SCOPES:
        raise StoryError("Choose who may read your story.", "scope")
    if credit not in CREDITS:
        raise StoryError("Choose how you would like to be credited.", "credit")
    return scope, credit


def submission_problems(title: str, body: str, stage: str, consent: Consent | None) -> list[tuple[str, str]]:
    """What is missing before a story can go for review, as (field, message)."""
    problems = []
    if not title.strip():
        problems.append(("title", "Give your story a title."))
    if len(body.split()) < 20:
        problems.append(("body", "Write at least a few sentences (20 words or more) before sending the story."))
    if not stage:
        problems.append(("stage", "Choose the stage of childhood the story covers."))
    if consent is None:
        problems.append(("consent", "Record your consent before sending the story for review."))
    return problems


# ---------------------------------------------------------------- the identifying-details check


def checked_text(title: str, body: str, questions: Iterable[str]) -> str:
    """Everything readers will see, as one Markdown text, for the check and the hash."""
    parts = [f"# {title}" if title else "", body]
    listed = "\n".join(f"- {q}" for q in questions)
    if listed:
        parts.append(listed)
    return "\n\n".join(p for p in parts if p)


def check(title: str, body: str, questions: Iterable[str]) -> list[deidentify.Flag]:
    return deidentify.check(checked_text(title, body, list(questions)))


def text_hash(title: str, body: str, questions: Iterable[str]) -> str:
    """What the audit keeps of a purged story: SHA-256 of its title, body and questions."""
    payload = json.dumps({"title": title, "body": body, "questions": list(questions)}, ensure_ascii=False,
                         sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- reading


def initials(display_name: str) -> str:
    parts = [p for p in re.split(r"[\s-]+", display_name.strip()) if p]
    return " ".join(f"{p[0].upper()}." for p in parts) or "?"


def credit_line(credit: str | None, display_name: str) -> str:
    """How readers see the author, as the author chose."""
    if credit == CREDIT_NAME:
        return display_name
    if credit == CREDIT_INITIALS:
        return initials(display_name)
    return ANONYMOUS_CREDIT


def purge_due(withdrawn: Iterable[tuple[int, datetime]], now: datetime) -> list[int]:
    """The withdrawn stories whose text must go now: withdrawn_at + PURGE_AFTER <= now."""
    return sorted(story_id for story_id, at in withdrawn if at + PURGE_AFTER <= now)


def purge_on(withdrawn_at: datetime) -> datetime:
    return withdrawn_at + PURGE_AFTER
