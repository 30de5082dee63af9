"""Checks and review: a lead sees retention per module and item analysis; a trainee cannot open it."""

from carecoord.content import load_library
from tests.app.conftest import navigation, titles

PAGE = "carecoord/ui/app_pages/item_analysis.py"


def test_a_lead_sees_retention_and_item_figures_from_the_demo(app_as):
    at = app_as("lead").switch_page(PAGE).run()
    assert titles(at) == ["Checks and review"]
    retention = at.table[0].value
    assert list(retention.columns) == ["Module", "Review answers", "Share right"]
    assert len(retention) >= 3 and retention["Share right"].str.fullmatch(r"\d+%").all()
    table = at.dataframe[0].value
    checks = load_library().counts()["checks"]
    assert len(table) == checks and (table["Answered"] >= 5).all()  # the demo's earlier cohorts answered every check
    assert table["Right first time"].str.endswith("%").all()
    at.toggle[0].set_value(True).run()
    flagged = at.dataframe[0].value
    assert 0 < len(flagged) < len(table) and (flagged["Worth a look"] != "–").all()
    # The last thing drawn: one check's choices, with the wrong ones' counts and the right one unmarked.
    closer = at.table[-1].value
    assert list(closer.columns) == ["Choice", "Right", "Picked by"]
    assert set(closer.loc[closer["Right"] == "yes", "Picked by"]) == {"–"}


def test_an_administrator_sees_item_analysis_without_a_practice(app_as):
    at = app_as("admin").switch_page(PAGE).run()
    assert [h.value for h in at.header] == ["Item analysis"]
    assert len(at.dataframe[0].value) == load_library().counts()["checks"] and list(at.table[-1].value.columns) == ["Choice", "Right", "Picked by"]


def test_the_page_is_for_leads_and_administrators_only(app_as):
    assert "Checks and review" in navigation(app_as("lead"))["Team"]
    assert "Checks and review" in sum(navigation(app_as("admin")).values(), [])
    assert "Checks and review" not in sum(navigation(app_as("trainee")).values(), [])



def test_a_new_first_answer_shows_at_the_leads_next_run(app_as, app_env, now):
    """The analysis is kept between runs (about 1 s at scale L); a first answer added since is counted at once."""
    from carecoord import db as database
    from carecoord.store import accounts, learning

    at = app_as("lead").switch_page(PAGE).run()
    answered = at.dataframe[0].value.set_index("Question")["Answered"]
    library = load_library()
    connection = database.connect(app_env)
    trainee = accounts.load_person(connection, connection.execute(
        "SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0])
    done = {row[0] for row in connection.execute("SELECT check_id FROM check_answer WHERE person_id = ?", [trainee.id])}
    lesson, check = next((lesson, check) for lesson in library.lessons for check in lesson.checks if check.id not in done)
    learning.answer_check(connection, trainee, lesson, check, check.correct_ids, now)
    connection.close()
    at.run()
    again = at.dataframe[0].value.set_index("Question")["Answered"]
    assert again[check.prompt] == answered[check.prompt] + 1
    assert (again.drop(check.prompt) == answered.drop(check.prompt)).all()
