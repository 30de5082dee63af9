"""Recording history as of a past time: the store's import paths the demo builds through.

Each one is for administrators (and the system account), checks what the app's own path checks,
and stores what the app would have stored.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from carecoord import competency as c, demo
from carecoord.content import load_library
from carecoord.measures import SurveyResponse, ThemeAnswer
from carecoord.people import LEAD, TEAM_MEMBER, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, assessments as S, cases as C, measures as M, plans as P
from tests.unit.test_performance import full_answers, same

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework
CAPABILITY = LIBRARY.instrument("practice-capability")
RC = LIBRARY.instrument("relational-coordination")


@pytest.fixture
def team(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    people = {"practice": practice}
    for name, role, discipline in (("lee", LEAD, "nurse"), ("tia", TRAINEE, "care coordinator"),
                                   ("ola", TEAM_MEMBER, "nurse")):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name.title(), password="long enough pw",
                              now=now, started_on=(now - timedelta(days=400)).date())
        A.add_membership(db, A.SYSTEM, pid, practice, role, now, discipline=discipline)
        people[name] = A.load_person(db, pid)
    people["out"] = A.load_person(db, A.create_person(db, A.SYSTEM, username="out", display_name="Out",
                                                      password="long enough pw", now=now))
    return people


# ---------------------------------------------------------------- assessments: corrections and start times


def test_an_imported_correction_keeps_the_round_it_corrects_and_is_refused_as_the_app_refuses(db, team, now):
    tia = team["tia"]
    # 400 days in: submitted 40 days after the 12-month mark, corrected on a day that would be the same round.
    when = now - timedelta(days=5)
    [first] = S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(tia.id, tia.id, c.SELF, when,
                                                                     full_answers(random.Random(1)),
                                                                     started_at=when - timedelta(minutes=40))])
    with pytest.raises(S.AssessmentError, match="same rater"):
        S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(tia.id, team["lee"].id, c.OBSERVER, now,
                                                               full_answers(random.Random(2)), supersedes_id=first)])
    with pytest.raises(S.AssessmentError, match="twice"):
        S.import_history(db, A.SYSTEM, FRAMEWORK, [
            S.Imported(tia.id, tia.id, c.SELF, now, full_answers(random.Random(k)), supersedes_id=first)
            for k in (2, 3)])
    with pytest.raises(S.AssessmentError, match="before it was started"):
        S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(tia.id, tia.id, c.SELF, now,
                                                               full_answers(random.Random(2)),
                                                               started_at=now + timedelta(minutes=1))])
    fixed = full_answers(random.Random(2))
    [second] = S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(tia.id, tia.id, c.SELF, now, fixed,
                                                                      supersedes_id=first)])
    with pytest.raises(S.AssessmentError, match="already been corrected"):
        S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(tia.id, tia.id, c.SELF, now,
                                                               full_answers(random.Random(3)), supersedes_id=first)])
    stored = {a.id: a for a in S.submitted_assessments(db, tia, tia)}
    assert stored[second].supersedes_id == first and stored[first].superseded
    assert stored[second].round_months == stored[first].round_months == 12
    assert db.execute("SELECT started_at FROM assessment WHERE id = ?", [first]).fetchone()[0] == \
        (when - timedelta(minutes=40)).isoformat(timespec="seconds")
    assert S.answers_of(db, tia, second) == fixed
    same(db, A.SYSTEM)  # the summary tables took the corrected one away, as after the app's correction


# ---------------------------------------------------------------- cases


def _case_with_map():
    return next(case for case in LIBRARY.cases if any(p.map_exercise is not None for p in case.phases))


def test_import_attempt_stores_what_the_app_would(db, team, now):
    case = _case_with_map()
    tia = team["tia"]
    phase = next(p for p in case.phases if p.map_exercise is not None)
    reached = case.phases.index(phase)
    choices = [C.PastChoice(p, d, d.options[0].id, now - timedelta(days=2))
               for p in case.phases[:reached + 1] for d in p.decisions]
    picked = frozenset(n.label for n in phase.care_map.nodes[:2])
    attempt_args = dict(started_at=now - timedelta(days=3), phase_reached=reached, choices=choices,
                        map_answers=[C.PastMapAnswer(phase, picked, now - timedelta(days=1))])
    with pytest.raises(PermissionDenied):
        C.import_attempt(db, tia, tia.id, case, **attempt_args)
    attempt_id = C.import_attempt(db, A.SYSTEM, tia.id, case, **attempt_args)
    attempt = C.latest_attempt(db, tia, case.id)
    assert attempt.id == attempt_id and attempt.phase_reached == reached and not attempt.completed
    assert attempt.choices == {choice.decision.id: choice.option_id for choice in choices}
    assert attempt.map_answers == {phase.id: sorted(picked)}
    score = db.execute("SELECT score FROM case_map_answer WHERE attempt_id = ?", [attempt_id]).fetchone()[0]
    assert score == pytest.approx(C.rules.mark_map_exercise(phase, set(picked)).score)


def test_import_attempt_refuses_what_the_app_refuses(db, team, now):
    case = _case_with_map()
    tia, start = team["tia"], now - timedelta(days=3)
    first, last = case.phases[0], case.phases[-1]
    decision = first.decisions[0]

    def refused(match, **kwargs):
        with pytest.raises(C.CaseError, match=match):
            C.import_attempt(db, A.SYSTEM, tia.id, case, **{"started_at": start, "phase_reached": 0, **kwargs})

    refused("not a phase", choices=[C.PastChoice(last, last.decisions[0], last.decisions[0].options[0].id, now)])
    refused("options", choices=[C.PastChoice(first, decision, "no-such-option", now)])
    refused("once", choices=[C.PastChoice(first, decision, decision.options[0].id, now)] * 2)
    refused("last phase", completed_at=now)
    refused("no phase", phase_reached=len(case.phases))
    if len(first.reflections) > 0:
        refused("characters", reflections=[C.PastReflection(first, 0, "x" * (C.MAX_REFLECTION_CHARS + 1), now)])
    mapped = next(p for p in case.phases if p.map_exercise is not None)
    refused("listed", phase_reached=case.phases.index(mapped),
            map_answers=[C.PastMapAnswer(mapped, frozenset({"Nobody on the map"}), now)])
    with pytest.raises(C.CaseError, match="No person"):
        C.import_attempt(db, A.SYSTEM, 999_999, case, started_at=start, phase_reached=0)
    assert C.latest_attempt(db, tia, case.id) is None


# ---------------------------------------------------------------- practice measures


def test_an_imported_capability_administration_scores_like_one_made_in_the_app(db, team, now):
    lee, practice = team["lee"], team["practice"]
    answers = {t.id: ThemeAnswer(1 + i % 4, i % 3 == 0, "noted" if i == 0 else "")
               for i, t in enumerate(CAPABILITY.themes)}
    opened = now - timedelta(days=100)
    with pytest.raises(PermissionDenied):
        M.import_administration(db, lee, practice, CAPABILITY, opened_at=opened, capability_answers=answers)
    partial = dict(list(answers.items())[1:])
    with pytest.raises(M.MeasureError, match="every theme"):
        M.import_administration(db, A.SYSTEM, practice, CAPABILITY, opened_at=opened,
                                closed_at=opened + timedelta(hours=2), capability_answers=partial)
    M.import_administration(db, A.SYSTEM, practice, CAPABILITY, opened_at=opened, opened_by=lee.id,
                            closed_at=opened + timedelta(hours=2), closed_by=lee.id, capability_answers=answers)
    in_app = M.open_administration(db, lee, practice, CAPABILITY, now.date(), now)
    M.record_capability_answers(db, lee, in_app, CAPABILITY, answers, now)
    M.close_administration(db, lee, in_app, CAPABILITY, now)
    [(imported, imported_score), (made, made_score)] = M.capability_results(db, lee, practice, CAPABILITY)
    assert imported_score == made_score
    assert (imported.administered_on, imported.opened_at) == (opened.date(), opened)
    assert M.capability_answers(db, lee, imported.id) == M.capability_answers(db, lee, made.id)


def test_an_imported_survey_is_answered_once_by_members_while_it_is_open(db, team, now):
    lee, practice = team["lee"], team["practice"]
    opened, closed = now - timedelta(days=30), now - timedelta(days=16)
    scores = {dimension: 4 for dimension in M.RC_DIMENSIONS}

    def answer(person, at=opened + timedelta(days=1), response_id=None):
        return M.PastResponse(person.id, at, SurveyResponse("nurse", {"care coordinator": scores}), response_id)

    def refused(match, responses):
        with pytest.raises(M.MeasureError, match=match):
            M.import_administration(db, A.SYSTEM, practice, RC, opened_at=opened, closed_at=closed,
                                    survey_responses=responses)

    refused("not a member", [answer(team["out"])])
    refused("once", [answer(team["ola"]), answer(team["ola"])])
    refused("while it is open", [answer(team["ola"], at=closed + timedelta(hours=1))])
    bad = M.PastResponse(team["ola"].id, opened, SurveyResponse("nurse", {"care coordinator": {"timely": 9}}))
    refused("seven", [bad])
    administration = M.import_administration(
        db, A.SYSTEM, practice, RC, opened_at=opened, opened_by=lee.id, closed_at=closed, closed_by=lee.id,
        survey_responses=[answer(team["ola"], response_id="f" * 32), answer(team["tia"])])
    [(stored, result)] = M.relational_results(db, lee, practice, RC)
    assert stored.id == administration and not stored.is_open and result.respondents == 2
    assert db.execute("SELECT count(*) FROM survey_response WHERE id = ?", ["f" * 32]).fetchone()[0] == 1
    # an open one stays open; a second open one is refused as the app refuses it
    M.import_administration(db, A.SYSTEM, practice, RC, opened_at=now - timedelta(days=3))
    refused("already open", [])


# ---------------------------------------------------------------- plans and the demo


def test_imported_plan_items_may_be_overdue_and_go_to_trainees_only(db, team, now):
    lee, tia, practice = team["lee"], team["tia"], team["practice"]
    module = LIBRARY.modules[0].id
    item = P.PastItem(module, (now - timedelta(days=7)).date(), lee.id, now - timedelta(days=40), person_id=tia.id)
    with pytest.raises(PermissionDenied):
        P.import_items(db, lee, practice, [item], library=LIBRARY)
    with pytest.raises(P.PlanError, match="not a trainee"):
        P.import_items(db, A.SYSTEM, practice, [P.PastItem(module, now.date(), lee.id, now, person_id=lee.id)],
                       library=LIBRARY)
    with pytest.raises(P.PlanError, match="Unknown module"):
        P.import_items(db, A.SYSTEM, practice, [P.PastItem("no-such-module", now.date(), lee.id, now)],
                       library=LIBRARY)
    [item_id] = P.import_items(db, A.SYSTEM, practice, [item], library=LIBRARY)
    [plan] = P.plans_for(db, tia, tia)
    assert [(i.id, i.module_id, i.due_on, i.whole_practice) for i in plan.items] == [
        (item_id, module, item.due_on, False)]
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'plan.assign'").fetchone()[0] == 0


def test_demo_loaded_follows_the_demo_practice(db, now):
    assert not A.demo_loaded(db)
    demo.load(db, now)
    assert A.demo_loaded(db)
    admin = A.load_person(db, A.create_person(db, A.SYSTEM, username="real", display_name="Real",
                                              password="long enough pw", now=now, is_admin=True))
    A.remove_demo(db, admin, now)
    assert not A.demo_loaded(db)
