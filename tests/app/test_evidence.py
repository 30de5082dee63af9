"""Evidence from lessons and cases, each piece with how it counted: the trainee's own view and the lead's."""

from carecoord.content import load_library
from tests.app.conftest import titles

LIBRARY = load_library()
GROWTH = "carecoord/ui/app_pages/growth.py"
COMPETENCIES = "carecoord/ui/app_pages/my_competencies.py"
CASE_CODE = LIBRARY.cases[0].phases[0].decisions[0].competencies[0]


def evidence_tables(at):
    return [t.value for t in at.table if "How it counted" in t.value.columns]


def test_a_lead_sees_a_trainees_case_decisions_and_how_each_counted(app_as):
    at = app_as("lead").switch_page(GROWTH).run()
    assert titles(at) == ["Growth"]
    whose = at.selectbox[0]
    whose.select(next(o for o in whose.options if o.startswith("Amara"))).run()
    competency = next(s for s in at.selectbox if s.label == "Competency")
    competency.set_value(CASE_CODE).run()
    modules, decisions = evidence_tables(at)
    assert set(decisions["How it counted"]) <= {"strong: counts", "partial: counts half", "weak: does not count"}
    assert len(decisions) >= 1 and "Chosen" in decisions.columns
    assert all(h.startswith(("counts", "does not count yet")) for h in modules["How it counted"])
    assert at.main.header[-1].value == "Evidence from lessons and cases"


def test_a_trainee_sees_their_own_evidence_last_on_my_competencies(app_as):
    at = app_as("demo-amara").switch_page(COMPETENCIES).run()
    every = next(d.value for d in at.dataframe if "Lessons and cases" in d.value.columns)
    assert every["Lessons and cases"].str.contains(r"^\d+ of \d+ modules?|^no module builds it").all()
    assert list(at.table[-1].value.columns)[-1] == "How it counted"
