"""Every page in the registry, as every demo role, on the demo data: a role that may open a page sees it
run to its end with no error drawn; a role that may not is refused.

The router catches a page's exception and draws its own message after the title, so a page's title
proves nothing: the sweep asserts the router's record of how the page's run ended.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carecoord import db as database
from carecoord.content import load_library
from carecoord.store import accounts
from carecoord.ui import registry
from tests.app.conftest import APP, new_app, sign_in_as

ROOT = Path(APP).parent
LIBRARY = load_library()
# Error boxes the demo data draws on purpose (the demo trainee is behind on assigned modules); any
# other error box on a page, the router's message or a page's refusal above all, fails the sweep.
EXPECTED_ERRORS = re.compile(r"\d+ assigned modules? overdue\.")

# One demo person per role, the survey-only team member included.
ROLES = {
    "admin": "demo-admin",
    "lead": "demo-lead",
    "trainee": "demo-trainee",
    "family_faculty": "demo-faculty",
    "team_member": "demo-nurse",
}

# Hidden pages are reached by a link that carries their query. The lesson's module and the case have
# published demo stories, so the story widgets (and their links) are drawn too.
PARTNERING = LIBRARY.module("partnering-with-families")
QUERIES = {
    registry.LESSON: {"lesson": PARTNERING.lessons[0].id},
    "carecoord/ui/app_pages/case_player.py": {"case": "epilepsy-infant-to-adult"},
}


def person(path: Path, username: str):
    connection = database.connect(path)
    try:
        person_id = connection.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0]
        return accounts.load_person(connection, person_id)
    finally:
        connection.conn.close()


def _blank_cells(at) -> list[str]:
    """Cells of the page's tables that a reader would see as None or nan (a missing value must read as
    words or a dash)."""
    found = []
    for element in [*at.dataframe, *at.table]:
        frame = element.value
        for column in frame.columns:
            for value in frame[column]:
                if value is None or (isinstance(value, float) and value != value) or \
                        (isinstance(value, str) and value.strip() in {"None", "nan", "NaN"}):
                    found.append(f"{column}: {value!r}")
    return found


def test_every_page_is_open_to_a_role_in_the_sweep(demo_path):
    # The positive twin of every refusal below: each page is also opened, as some role, by the sweep.
    people = [person(demo_path, username) for username in ROLES.values()]
    for spec in registry.PAGES:
        assert (ROOT / spec.path).is_file(), spec.path
        assert any(spec.open_to(p) for p in people), f"no demo role opens {spec.title}"
    assert {role for p in people for role in p.roles} >= {"admin", "lead", "trainee", "family_faculty",
                                                         "team_member"}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_runs_to_its_end_for_each_role_that_may_open_it(app_env, now, role):
    me = person(app_env, ROLES[role])
    at = sign_in_as(new_app(), app_env, ROLES[role], now).run()
    assert at.session_state[registry.PAGE_OUTCOME] == "ok", "the landing page ran"
    problems, opened, refused = [], [], []
    for spec in registry.PAGES:
        if not spec.open_to(me):
            with pytest.raises(ValueError, match="navigation page"):
                at.switch_page(spec.path)
            refused.append(spec.title)
            continue
        at.switch_page(spec.path)
        at.query_params.clear()
        at.query_params.update(QUERIES.get(spec.path, {}))
        at.run()
        outcome = at.session_state[registry.PAGE_OUTCOME]
        if blanks := _blank_cells(at):
            problems.append(f"{spec.title}: table cells that read as blanks or None: {blanks[:5]}")
        errors = [e.value for e in at.error if not EXPECTED_ERRORS.fullmatch(e.value)]
        exceptions = [e.value for e in at.exception]
        if outcome not in ("ok", "stopped") or errors or exceptions or not at.title:
            problems.append(f"{spec.title}: outcome {outcome!r}, errors {errors}, exceptions {exceptions}, "
                            f"titles {[t.value for t in at.title]}")
        opened.append(spec.title)
    assert not problems, f"as {role}:\n" + "\n".join(problems)
    assert opened, f"{role} opened no page"
    # The refusals are real: this person's own pages were reached by the same AppTest.
    assert len(opened) + len(refused) == len(registry.PAGES)
