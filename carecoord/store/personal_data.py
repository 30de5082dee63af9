"""Everything held about one person: export it, or erase it while keeping anonymous aggregates.

Both are for administrators only and both are audited. A new feature that stores personal data
adds its queries to EXPORT (and, for free text, to `erase`).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime


from carecoord import permissions
from carecoord.db import Database, write
from carecoord.export import neutralise
from carecoord.people import Person
from carecoord.permissions import require
from carecoord.store.accounts import AccountError, load_person, record
from carecoord.store import records

# Section name -> query with :id (the person). Secrets (password and token hashes) are never exported.
EXPORT: dict[str, str] = {
    "account": """SELECT id, username, display_name, email, is_admin, disabled, must_change_password, is_demo,
                         started_on, created_at FROM person WHERE id = :id""",
    "memberships": """SELECT practice.name AS practice, role, discipline, active, membership.created_at
                      FROM membership JOIN practice ON practice.id = membership.practice_id WHERE person_id = :id""",
    "sign_ins": """SELECT method, created_at, expires_at, revoked_at, last_seen_at FROM sign_in WHERE person_id = :id""",
    "audit": """SELECT at, action, subject, detail, CASE WHEN actor_id = :id THEN 'by this person'
                       ELSE 'about this person' END AS relation
                FROM audit WHERE actor_id = :id OR subject = 'person:' || :id ORDER BY at""",
    "lesson_progress": """SELECT lesson_id, content_hash, completed_at FROM lesson_progress WHERE person_id = :id""",
    "knowledge_checks": """SELECT lesson_id, check_id, choices, correct, attempt, source, answered_at FROM check_answer
                           WHERE person_id = :id ORDER BY answered_at""",
    "assessments_of_this_person": """SELECT a.id AS assessment_id, a.rater_kind, a.status, a.round_months, a.submitted_at,
                                            a.supersedes_id, r.competency_code, r.level, r.evidence_kind, r.note
                                     FROM assessment a JOIN rating r ON r.assessment_id = a.id
                                     WHERE a.person_id = :id AND (a.status = 'submitted' OR a.rater_id = :id)
                                     ORDER BY a.id, r.competency_code""",  # another rater's draft is still theirs
    "assessments_made_of_others": """SELECT id AS assessment_id, person_id AS rated_person_id, rater_kind, status,
                                            submitted_at FROM assessment WHERE rater_id = :id AND person_id != :id""",
    "case_attempts": """SELECT id AS attempt_id, case_id, phase_reached, started_at, completed_at FROM case_attempt
                        WHERE person_id = :id""",
    "case_choices": """SELECT c.attempt_id, c.phase_id, c.decision_id, c.option_id, c.chosen_at FROM case_choice c
                       JOIN case_attempt a ON a.id = c.attempt_id WHERE a.person_id = :id""",
    "case_reflections": """SELECT r.attempt_id, r.phase_id, r.prompt_index, r.text, r.updated_at FROM case_reflection r
                           JOIN case_attempt a ON a.id = r.attempt_id WHERE a.person_id = :id""",
    "case_plan_drafts": """SELECT d.attempt_id, d.phase_id, d.family_goals, d.team_concerns, d.actions, d.drafted_at,
                                  d.comparison, d.compared_at FROM case_plan_draft d
                           JOIN case_attempt a ON a.id = d.attempt_id WHERE a.person_id = :id""",
    "learning_plan": """SELECT module_id, track_id, due_on, assigned_at, removed_at FROM plan_item WHERE person_id = :id""",
    "stories_written": """SELECT id AS story_id, status, title, body, stage, questions, intended, consent_scope,
                                 consent_credit, consent_edit, consented_at, created_at, saved_at, submitted_at,
                                 published_at, withdrawn_at FROM story WHERE author_id = :id""",
    "story_events_by_this_person": """SELECT story_id, at, transition, comment FROM story_event WHERE actor_id = :id""",
    "story_reflections": """SELECT story_id, body, saved_at FROM story_reflection WHERE person_id = :id""",
    "surveys_answered": """SELECT administration_id, responded_at FROM survey_respondent WHERE person_id = :id""",
    "measures_run": """SELECT id AS administration_id, instrument_id, administered_on, opened_at, closed_at
                       FROM administration WHERE opened_by = :id OR closed_by = :id""",
    "observations_of_this_person": """SELECT o.id AS observation_id, o.observed_on, o.setting, o.assessor_as,
                                             o.what_seen, o.next_step, o.recorded_at, o.withdrawn_at,
                                             o.withdrawn_reason, r.competency_code, r.level
                                      FROM observation o JOIN observation_rating r ON r.observation_id = o.id
                                      WHERE o.person_id = :id ORDER BY o.id, r.competency_code""",
    "observations_made_of_others": """SELECT id AS observation_id, person_id AS observed_person_id, observed_on,
                                             setting, recorded_at, withdrawn_at FROM observation
                                      WHERE assessor_id = :id""",
    "observation_requests": """SELECT id AS request_id, CASE WHEN person_id = :id THEN 'asked by this person'
                                      ELSE 'sent to this person' END AS relation, competency_codes, context, status,
                                      created_at, expires_at, closed_at, reason
                               FROM observation_request WHERE person_id = :id OR assessor_id = :id""",
    "portfolio": """SELECT id AS item_id, competency_code, kind, title, body, url, filename, created_at, removed_at
                    FROM portfolio_item WHERE person_id = :id""",
    "sign_offs_of_this_person": """SELECT competency_code, level, signed_by_name, rationale, signed_at, withdrawn_at,
                                          withdrawn_reason FROM sign_off WHERE person_id = :id""",
    "sign_offs_made": """SELECT person_id AS signed_off_person_id, competency_code, level, signed_at, withdrawn_at
                         FROM sign_off WHERE signed_by = :id OR withdrawn_by = :id""",
    "credentials": """SELECT id, kind, achievement_key, earned_at, issued_at, revoked_at, revoked_reason
                      FROM credential WHERE person_id = :id ORDER BY earned_at""",
    "learning_records_sent": """SELECT a.pseudonym, o.statement_id, o.kind, o.created_at, o.sent_at
                                FROM xapi_actor a LEFT JOIN xapi_outbox o ON o.person_id = a.person_id
                                WHERE a.person_id = :id ORDER BY o.id""",
    "email_reminders": """SELECT p.email_reminders AS reminders_on, r.key, r.body, r.created_at, r.sent_at, r.attempts
                          FROM person p LEFT JOIN reminder r ON r.person_id = p.id WHERE p.id = :id
                          ORDER BY r.created_at, r.id""",
}
NOTE = ("Team survey answers are stored without any link to the person who gave them, so they cannot be "
        "exported or erased individually; 'surveys_answered' lists only which surveys this person answered.")


def _require_admin(actor: Person) -> None:
    require(permissions.may_administer_accounts(actor), "Only an administrator can export or erase a person's data.")


def export_person(db: Database, actor: Person, person_id: int, now: datetime) -> dict[str, list[dict]]:
    """Every section of EXPORT for one person, as plain rows; the export itself is audited."""
    _require_admin(actor)
    if load_person(db, person_id) is None:
        raise AccountError("No such person.")
    sections: dict[str, list[dict]] = {}
    for name, query in EXPORT.items():
        try:
            sections[name] = list(db.query(query, {"id": person_id}))
        except Exception as error:  # a column renamed by a later feature must not lose the rest
            sections[name] = [{"error": f"could not read this section: {error}"}]
    with write(db):
        record(db, actor, "person.export", f"person:{person_id}", now)
    return sections


def export_archive(sections: dict[str, list[dict]], exported_at: datetime) -> bytes:
    """A zip with everything as one JSON file and one CSV per section, readable without the app."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps({"exported_at": exported_at.isoformat(), "note": NOTE,
                                                    **sections}, indent=2, default=str))
        for name, rows in sections.items():
            text = io.StringIO()
            columns = list(rows[0]) if rows else ["(no rows)"]
            writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: neutralise(value) for key, value in row.items()})
            archive.writestr(f"{name}.csv", text.getvalue())
        archive.writestr("README.txt", "Everything carecoord holds about one person.\n"
                         "person.json has every section; each CSV file is one section.\n" + NOTE + "\n")
    return buffer.getvalue()


def erase_person(db: Database, actor: Person, person_id: int, now: datetime) -> None:
    """Remove a person's personal details and free text; keep anonymous records that aggregates use.

    Kept, under an anonymous account: lesson progress, check answers, assessment levels, case
    choices, observation and sign-off levels, and survey participation (team and organisation reports
    depend on them). Gone: name, username, e-mail, password, sign-ins, e-mail reminders, notes, reflections,
    stories, comments, portfolio evidence, the words of observations, requests and sign-offs, the
    pseudonym and waiting statements of learning records, and the signed text of credentials.
    """
    _require_admin(actor)
    if actor.id == person_id:
        raise AccountError("You cannot erase your own account; ask another administrator.")
    if load_person(db, person_id) is None:
        raise AccountError("No such person.")
    with write(db):
        db.execute(
            """UPDATE person SET username = 'erased-' || id, display_name = 'Erased person', email = NULL,
                   password_hash = NULL, is_admin = 0, disabled = 1, must_change_password = 0,
                   failed_attempts = 0, locked_until = NULL, started_on = NULL WHERE id = ?""", [person_id])
        db.execute("DELETE FROM sign_in WHERE person_id = ?", [person_id])
        db.execute("DELETE FROM reminder WHERE person_id = ?", [person_id])
        records.forget(db, person_id)  # the LRS's statements can no longer be tied to them
        # Their credentials stay valid where they carry them; our copies of the signed text (with their name) go.
        db.execute("UPDATE credential SET token = NULL WHERE person_id = ?", [person_id])
        db.execute("DELETE FROM credential WHERE person_id = ? AND issued_at IS NULL", [person_id])  # never issued
        db.execute("DELETE FROM sign_in_throttle WHERE person_id = ?", [person_id])
        db.execute("UPDATE person SET signed_out_at = NULL WHERE id = ?", [person_id])
        db.execute("UPDATE membership SET active = 0 WHERE person_id = ?", [person_id])
        db.execute("""UPDATE rating SET note = '' WHERE note != '' AND assessment_id IN
                      (SELECT id FROM assessment WHERE person_id = :id OR rater_id = :id)""", {"id": person_id})
        db.execute("""DELETE FROM case_reflection WHERE attempt_id IN
                      (SELECT id FROM case_attempt WHERE person_id = ?)""", [person_id])
        db.execute("DELETE FROM story_reflection WHERE person_id = ?", [person_id])
        db.execute("UPDATE story_event SET comment = '' WHERE actor_id = ?", [person_id])
        db.execute("DELETE FROM story WHERE author_id = ?", [person_id])
        # Observations and sign-offs keep their levels (readiness counts them) and lose their words.
        db.execute("""UPDATE observation SET what_seen = '(erased)', next_step = '(erased)', withdrawn_reason = ''
                      WHERE person_id = ?""", [person_id])
        db.execute("""UPDATE observation_request SET context = '', reason = '' WHERE person_id = :id
                      OR assessor_id = :id""", {"id": person_id})
        db.execute("""UPDATE observation_request_event SET comment = '' WHERE actor_id = :id OR request_id IN
                      (SELECT id FROM observation_request WHERE person_id = :id OR assessor_id = :id)""",
                   {"id": person_id})
        db.execute("DELETE FROM portfolio_item WHERE person_id = ?", [person_id])
        db.execute("""UPDATE sign_off SET rationale = '(erased)', withdrawn_reason = '' WHERE person_id = ?""",
                   [person_id])
        db.execute("UPDATE sign_off SET signed_by_name = 'Erased person' WHERE signed_by = ?", [person_id])
        db.execute("UPDATE audit SET detail = '' WHERE subject = 'person:' || ?", [person_id])
        record(db, actor, "person.erase", f"person:{person_id}", now)
