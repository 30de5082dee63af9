"""Family faculty stories: drafts, the identifying-details check, consent, review, reading and purge.

Every function takes the acting person and checks `permissions` first. Readers get `Published`
stories, which carry the credit the author chose and never the author's identity otherwise; the
SQL itself filters by the reader's practices and the story's consent scope. Every workflow step is
written to `story_event` (what the author and reviewers see) and to the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


from carecoord import deidentify, permissions, stories
from carecoord.clock import iso, parse
from carecoord.db import Database, placeholders, write
from carecoord.people import FAMILY_FACULTY, LEAD, Person
from carecoord.permissions import PermissionDenied, require
from carecoord.stories import Consent, StoryError, SubmissionRefused
from carecoord.store.accounts import record

LINK_KINDS = {"modules": "module", "phases": "phase", "competencies": "competency"}


@dataclass(frozen=True)
class Story:
    """A story as its author and its reviewers see it."""

    id: int
    author_id: int
    author_name: str
    practice_id: int
    practice_name: str
    status: str
    title: str
    body: str
    stage: str
    questions: tuple[str, ...]
    modules: tuple[str, ...]
    phases: tuple[str, ...]
    competencies: tuple[str, ...]
    intended: frozenset[str]
    consent: Consent | None
    created_at: datetime
    saved_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    withdrawn_at: datetime | None

    @property
    def flags(self) -> list[deidentify.Flag]:
        return stories.check(self.title, self.body, self.questions)

    @property
    def unresolved(self) -> list[deidentify.Flag]:
        return deidentify.unresolved(self.flags, self.intended)

    @property
    def editable(self) -> bool:
        return self.status in stories.EDITABLE

    @property
    def purge_on(self) -> datetime | None:
        return stories.purge_on(self.withdrawn_at) if self.withdrawn_at else None


@dataclass(frozen=True)
class Published:
    """A published story as a reader sees it: the author appears only as they chose to be credited."""

    id: int
    title: str
    body: str
    stage: str
    questions: tuple[str, ...]
    credit: str
    published_at: datetime
    modules: tuple[str, ...]
    phases: tuple[str, ...]
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    at: datetime
    actor_name: str
    transition: str
    comment: str


@dataclass(frozen=True)
class Reflection:
    story_id: int
    body: str
    saved_at: datetime


# ---------------------------------------------------------------- reading rows


_STORY = """SELECT story.*, person.display_name AS author_name, practice.name AS practice_name
            FROM story JOIN person ON person.id = story.author_id
            JOIN practice ON practice.id = story.practice_id"""


def _links(db: Database, story_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    links: dict[int, dict[str, list[str]]] = {sid: {k: [] for k in LINK_KINDS.values()} for sid in story_ids}
    if story_ids:
        rows = db.execute(f"SELECT story_id, kind, target FROM story_link WHERE story_id IN "
                          f"({placeholders(story_ids)}) ORDER BY story_id, kind, target", story_ids).fetchall()
        for story_id, kind, target in rows:
            links[story_id][kind].append(target)
    return links


def _consent(row: dict) -> Consent | None:
    if not row["consented_at"]:
        return None
    return Consent(scope=row["consent_scope"], credit=row["consent_credit"],
                   may_edit_for_length=bool(row["consent_edit"]), at=parse(row["consented_at"]))


def _stories(db: Database, rows: list[dict]) -> list[Story]:
    links = _links(db, [r["id"] for r in rows])
    return [
        Story(
            id=row["id"], author_id=row["author_id"], author_name=row["author_name"],
            practice_id=row["practice_id"], practice_name=row["practice_name"], status=row["status"],
            title=row["title"], body=row["body"], stage=row["stage"], questions=tuple(json.loads(row["questions"])),
            modules=tuple(links[row["id"]]["module"]), phases=tuple(links[row["id"]]["phase"]),
            competencies=tuple(links[row["id"]]["competency"]), intended=frozenset(json.loads(row["intended"])),
            consent=_consent(row), created_at=parse(row["created_at"]), saved_at=parse(row["saved_at"]),
            submitted_at=parse(row["submitted_at"]), published_at=parse(row["published_at"]),
            withdrawn_at=parse(row["withdrawn_at"]),
        )
        for row in rows
    ]


def _load(db: Database, story_id: int) -> Story | None:
    rows = list(db.query(f"{_STORY} WHERE story.id = ?", [story_id]))
    return _stories(db, rows)[0] if rows else None


def _own(db: Database, actor: Person, story_id: int) -> Story:
    story = _load(db, story_id)
    if story is None or not permissions.may_edit_story(actor, story.author_id):
        raise PermissionDenied("That story is not yours.")
    return story


def _editable(db: Database, actor: Person, story_id: int) -> Story:
    story = _own(db, actor, story_id)
    if not story.editable:
        raise StoryError(f"This story is {stories.STATUS_LABELS[story.status].lower()} and cannot be edited now.")
    return story


def _event(db: Database, story: Story, actor: Person, transition: str, now: datetime, comment: str = "") -> None:
    db.execute("INSERT INTO story_event (story_id, actor_id, at, transition, comment) VALUES (?, ?, ?, ?, ?)",
               [story.id, actor.id or None, iso(now), transition, comment])


# ---------------------------------------------------------------- the author


def my_stories(db: Database, actor: Person) -> list[Story]:
    require(permissions.may_write_stories(actor), "Only family faculty write stories.")
    rows = list(db.query(f"{_STORY} WHERE story.author_id = ? ORDER BY story.saved_at DESC, story.id DESC",
                         [actor.id]))
    return _stories(db, rows)


def own_story(db: Database, actor: Person, story_id: int) -> Story:
    return _own(db, actor, story_id)


def create_draft(db: Database, actor: Person, now: datetime, practice_id: int | None = None) -> Story:
    """A new, empty draft in one of the author's family-faculty practices (the first, unless named)."""
    require(permissions.may_write_stories(actor), "Only family faculty write stories.")
    practices = sorted(actor.practice_ids(FAMILY_FACULTY))
    practice_id = practices[0] if practice_id is None else practice_id
    require(practice_id in practices, "You can only write stories for a practice you teach in.")
    with write(db):
        cursor = db.execute("INSERT INTO story (author_id, practice_id, created_at, saved_at) VALUES (?, ?, ?, ?) "
                            "RETURNING id", [actor.id, practice_id, iso(now), iso(now)])
        story = _load(db, cursor.fetchone()[0])
        _event(db, story, actor, "created", now)
        record(db, actor, "story.create", f"story:{story.id}", now)
    return story


_UNSET = object()


def save_draft(db: Database, actor: Person, story_id: int, now: datetime, *, title=_UNSET, body=_UNSET,
               stage=_UNSET, questions=_UNSET, modules=_UNSET, phases=_UNSET, competencies=_UNSET) -> Story:
    """Save the fields given (autosave sends one at a time); a field over its bound is refused, unsaved."""
    _editable(db, actor, story_id)
    columns: dict[str, object] = {}
    if title is not _UNSET:
        columns["title"] = stories.clean_title(title)
    if body is not _UNSET:
        columns["body"] = stories.clean_body(body)
    if stage is not _UNSET:
        columns["stage"] = stories.clean_stage(stage)
    if questions is not _UNSET:
        cleaned = stories.parse_questions(questions) if isinstance(questions, str) else \
            stories.clean_questions(questions)
        columns["questions"] = json.dumps(cleaned)
    links = {}
    for field, value in (("modules", modules), ("phases", phases), ("competencies", competencies)):
        if value is not _UNSET:
            links[LINK_KINDS[field]] = stories.clean_links(value, field)
    with write(db):
        columns["saved_at"] = iso(now)
        db.execute(f"UPDATE story SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                   [*columns.values(), story_id])
        for kind, targets in links.items():
            db.execute("DELETE FROM story_link WHERE story_id = ? AND kind = ?", [story_id, kind])
            for target in targets:
                db.execute("INSERT INTO story_link (story_id, kind, target) VALUES (?, ?, ?)", [story_id, kind, target])
    return _load(db, story_id)


def set_intended(db: Database, actor: Person, story_id: int, text: str, intended: bool, now: datetime) -> Story:
    """Mark a flagged span as intended (a first name the family chose to share), or undo that."""
    story = _editable(db, actor, story_id)
    span = deidentify.key(text)
    if intended and span not in {deidentify.key(f.text) for f in story.flags}:
        raise StoryError("That text is no longer flagged; the check has moved on.", "check")
    kept = set(story.intended)
    (kept.add if intended else kept.discard)(span)
    if len(kept) > stories.INTENDED_MAX:
        raise StoryError("Too many details are marked as intended; edit some out instead.", "check")
    with write(db):
        db.execute("UPDATE story SET intended = ?, saved_at = ? WHERE id = ?",
                   [json.dumps(sorted(kept)), iso(now), story_id])
        record(db, actor, "story.flag_intended" if intended else "story.flag_reopened", f"story:{story_id}", now)
    return _load(db, story_id)


def record_consent(db: Database, actor: Person, story_id: int, scope: str, credit: str, may_edit_for_length: bool,
                   now: datetime) -> Story:
    """The author's consent, with its time: who may read, how they are credited, editing for length."""
    story = _editable(db, actor, story_id)
    scope, credit = stories.clean_consent(scope, credit)
    with write(db):
        db.execute("UPDATE story SET consent_scope = ?, consent_credit = ?, consent_edit = ?, consented_at = ? "
                   "WHERE id = ?", [scope, credit, int(bool(may_edit_for_length)), iso(now), story_id])
        detail = f"readers: {scope}; credit: {credit}; may edit for length: {'yes' if may_edit_for_length else 'no'}"
        _event(db, story, actor, "consent", now, detail)
        record(db, actor, "story.consent", f"story:{story_id}", now, scope=scope, credit=credit,
               may_edit_for_length=bool(may_edit_for_length))
    return _load(db, story_id)


def submit(db: Database, actor: Person, story_id: int, now: datetime) -> Story:
    """Send for review: refused while anything is missing or any identifying detail is unresolved."""
    story = _own(db, actor, story_id)
    new_status = stories.next_status(story.status, stories.SUBMIT, is_author=True, may_review=False)
    problems = stories.submission_problems(story.title, story.body, story.stage, story.consent)
    if problems:
        raise StoryError(" ".join(message for _, message in problems), problems[0][0])
    if unresolved := story.unresolved:
        raise SubmissionRefused(unresolved)
    return _move(db, actor, story, new_status, now, action="submit")


def withdraw(db: Database, actor: Person, story_id: int, now: datetime) -> Story:
    """Withdraw consent: the story leaves every reader's view at once; its text goes 30 days later."""
    story = _own(db, actor, story_id)
    new_status = stories.next_status(story.status, stories.WITHDRAW, is_author=True, may_review=False)
    return _move(db, actor, story, new_status, now, action="withdraw",
                 text_hash=stories.text_hash(story.title, story.body, story.questions))


def _move(db: Database, actor: Person, story: Story, new_status: str, now: datetime, *, action: str,
          comment: str = "", **detail) -> Story:
    stamp = {stories.SUBMITTED: "submitted_at", stories.PUBLISHED: "published_at",
             stories.WITHDRAWN: "withdrawn_at"}.get(new_status)
    with write(db):
        # The status in WHERE makes a double click or a second reviewer a no-op, not a second transition.
        changed = db.execute(
            f"UPDATE story SET status = ?{f', {stamp} = ?' if stamp else ''} WHERE id = ? AND status = ?",
            [new_status, *([iso(now)] if stamp else []), story.id, story.status],
        ).rowcount
        if not changed:
            raise StoryError("Someone else changed this story a moment ago; look at it again.")
        _event(db, story, actor, f"{story.status}->{new_status}", now, comment)
        record(db, actor, f"story.{action}", f"story:{story.id}", now, status_from=story.status,
               status_to=new_status, **detail)
    return _load(db, story.id)


# ---------------------------------------------------------------- review


def review_queue(db: Database, actor: Person) -> list[Story]:
    """Submitted stories this person may review: their led practices' (all for an administrator), not their own."""
    require(permissions.may_review_stories(actor), "Only leads and administrators review stories.")
    led = sorted(actor.practice_ids(LEAD))
    if not actor.is_admin and not led:
        return []
    in_led_practices = "" if actor.is_admin else f"AND story.practice_id IN ({placeholders(led)})"
    rows = list(db.query(
        f"""{_STORY} WHERE story.status = 'submitted' AND story.author_id != ? {in_led_practices}
            ORDER BY story.submitted_at, story.id""",
        [actor.id, *([] if actor.is_admin else led)],
    ))
    return [s for s in _stories(db, rows) if permissions.may_review_story(actor, s.author_id, s.practice_id)]


def for_review(db: Database, actor: Person, story_id: int) -> Story:
    """A story its reviewer may read: sent for review, sent back for changes or published (never a draft
    its author has not sent, nor a withdrawn one)."""
    story = _load(db, story_id)
    if story is None or not permissions.may_review_story(actor, story.author_id, story.practice_id) \
            or not permissions.may_read_story(actor, story.author_id, story.practice_id, story.status):
        raise PermissionDenied("You cannot review that story.")
    return story


def _review_step(db: Database, actor: Person, story_id: int, action: str) -> tuple[Story, str]:
    """The story and the status a reviewer's action takes it to (the workflow refuses what may not happen)."""
    story = _load(db, story_id)
    if story is None:
        raise PermissionDenied("You cannot review that story.")
    return story, stories.next_status(
        story.status, action, is_author=actor.id == story.author_id,
        may_review=permissions.may_review_story(actor, story.author_id, story.practice_id))


def request_changes(db: Database, actor: Person, story_id: int, comment: str, now: datetime) -> Story:
    story, new_status = _review_step(db, actor, story_id, stories.REQUEST_CHANGES)
    return _move(db, actor, story, new_status, now, action="request_changes",
                 comment=stories.clean_comment(comment, required=True))


def approve(db: Database, actor: Person, story_id: int, now: datetime, comment: str = "") -> Story:
    """Publish a submitted story; never one's own, never one that skipped review."""
    story, new_status = _review_step(db, actor, story_id, stories.APPROVE)
    if story.consent is None:
        raise StoryError("The author has not recorded consent.")
    if unresolved := story.unresolved:
        raise SubmissionRefused(unresolved)
    return _move(db, actor, story, new_status, now, action="approve",
                 comment=stories.clean_comment(comment, required=False))


def history(db: Database, actor: Person, story_id: int) -> list[Event]:
    """The story's workflow, for its author and its reviewers. A reviewer sees nothing of a draft its author
    has not sent, and a withdrawn story's events without their comments (which may quote its text)."""
    story = _load(db, story_id)
    if story is None or not permissions.may_see_story_events(actor, story.author_id, story.practice_id,
                                                             story.status):
        raise PermissionDenied("You cannot see that story's history.")
    comments = permissions.may_read_story(actor, story.author_id, story.practice_id, story.status)
    rows = db.query("""SELECT story_event.at, coalesce(person.display_name, 'System') AS actor_name, transition,
                              comment
                       FROM story_event LEFT JOIN person ON person.id = story_event.actor_id
                       WHERE story_id = ? ORDER BY story_event.id""", [story_id])
    return [Event(**{**row, "at": parse(row["at"]), "comment": row["comment"] if comments else ""}) for row in rows]


def purge_due(db: Database, actor: Person, now: datetime) -> int:
    """Delete the text of stories withdrawn PURGE_AFTER ago or more; the audit keeps who, when and a hash.

    Called on every load of the Story review page and by `carecoord purge` (for a daily cron job).
    """
    require(permissions.may_review_stories(actor), "Only leads and administrators run the purge.")
    rows = list(db.query("SELECT id, author_id, title, body, questions, withdrawn_at FROM story "
                         "WHERE status = 'withdrawn'"))
    due = set(stories.purge_due([(r["id"], parse(r["withdrawn_at"])) for r in rows], now))
    if not due:
        return 0
    with write(db):
        for row in rows:
            if row["id"] not in due:
                continue
            digest = stories.text_hash(row["title"], row["body"], json.loads(row["questions"]))
            db.execute("DELETE FROM story WHERE id = ? AND status = 'withdrawn'", [row["id"]])
            record(db, actor, "story.purge", f"story:{row['id']}", now, author_id=row["author_id"],
                   withdrawn_at=row["withdrawn_at"], text_sha256=digest)
    return len(due)


# ---------------------------------------------------------------- readers


_READABLE = """SELECT story.id, story.title, story.body, story.stage, story.questions, story.consent_credit,
                      story.published_at, person.display_name AS author_name
               FROM story JOIN person ON person.id = story.author_id
               WHERE story.status = 'published'"""
_LINKED_TO = """EXISTS (SELECT 1 FROM story_link WHERE story_link.story_id = story.id
                                  AND story_link.kind = '{kind}' AND story_link.target = :{kind})"""


def readable(db: Database, actor: Person, *, stage: str | None = None, competency: str | None = None,
             module: str | None = None, phase: str | None = None, story_id: int | None = None) -> list[Published]:
    """Published stories this person may read (consent scope and their practices decide), filtered."""
    require(permissions.may_read_stories(actor), "You cannot read stories here.")
    # Only the filters given become conditions (a NULL parameter has no type on PostgreSQL).
    sql, params = _READABLE, {"me": actor.id}
    if not actor.is_admin:
        sql += """ AND (story.consent_scope = 'installation'
                        OR story.practice_id IN (SELECT practice_id FROM membership
                                                 WHERE person_id = :me AND active <> 0))"""
    if story_id is not None:
        sql, params["id"] = sql + " AND story.id = :id", story_id
    if stage:
        sql, params["stage"] = sql + " AND story.stage = :stage", stage
    for kind, target in (("competency", competency), ("module", module), ("phase", phase)):
        if target:
            sql, params[kind] = sql + " AND " + _LINKED_TO.format(kind=kind), target
    rows = list(db.query(sql + " ORDER BY story.published_at DESC, story.id DESC", params))
    links = _links(db, [r["id"] for r in rows])
    return [
        Published(id=row["id"], title=row["title"], body=row["body"], stage=row["stage"],
                  questions=tuple(json.loads(row["questions"])),
                  credit=stories.credit_line(row["consent_credit"], row["author_name"]),
                  published_at=parse(row["published_at"]), modules=tuple(links[row["id"]]["module"]),
                  phases=tuple(links[row["id"]]["phase"]), competencies=tuple(links[row["id"]]["competency"]))
        for row in rows
    ]


def published_versions(db: Database) -> set[tuple[int, datetime]]:
    """Every published story's id and publication time (no text, no names): what a search index may keep."""
    return {(row["id"], parse(row["published_at"]))
            for row in db.query("SELECT id, published_at FROM story WHERE status = 'published'")}


def save_reflection(db: Database, actor: Person, story_id: int, text: str, now: datetime) -> Reflection:
    """A coordinator's own reflection on a story they may read (one per story, replaced when saved again)."""
    require(permissions.may_reflect_on_stories(actor), "Reflections are for coordinators.")
    body = stories.clean_reflection(text)
    if not readable(db, actor, story_id=story_id):
        raise PermissionDenied("That story is not available to you.")
    with write(db):
        db.execute("""INSERT INTO story_reflection (story_id, person_id, body, saved_at) VALUES (?, ?, ?, ?)
                      ON CONFLICT (story_id, person_id) DO UPDATE SET body = excluded.body,
                          saved_at = excluded.saved_at""", [story_id, actor.id, body, iso(now)])
    return Reflection(story_id=story_id, body=body, saved_at=now)


def my_reflections(db: Database, actor: Person, story_ids: Iterable[int]) -> dict[int, Reflection]:
    """The actor's own reflections on these stories (nobody else's)."""
    ids = list(story_ids)
    if not ids or not permissions.may_reflect_on_stories(actor):
        return {}
    rows = db.execute(f"SELECT story_id, body, saved_at FROM story_reflection WHERE person_id = ? AND story_id IN "
                      f"({placeholders(ids)})", [actor.id, *ids]).fetchall()
    return {sid: Reflection(story_id=sid, body=body, saved_at=parse(at)) for sid, body, at in rows}


def referenced_ids(db: Database) -> set[str]:
    """Content ids (modules, case phases, competency codes) that stories link to, for `validate --check-db`."""
    return {row[0] for row in db.execute("SELECT DISTINCT target FROM story_link")}
