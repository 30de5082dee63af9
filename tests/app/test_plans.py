"""A lead assigns learning; the trainee sees it on My learning; trainees cannot assign."""

import re

import pytest

from carecoord.content import load_library
from tests.app.conftest import page_text, titles

PLANS = "carecoord/ui/app_pages/learning_plans.py"
MAP = "carecoord/ui/app_pages/curriculum_map.py"
FACILITATOR = "carecoord/ui/app_pages/facilitator.py"
SEARCH = "carecoord/ui/app_pages/search.py"
LIBRARY = load_library()


def test_lead_assigns_a_module_and_the_trainee_sees_it_due(app_as):
    at = app_as("lead").switch_page(PLANS).run()
    assert titles(at) == ["Learning plans"]
    module = LIBRARY.module("paying-for-care-coordination")
    at.multiselect[0].set_value([module.id])
    to = next(s for s in at.selectbox if s.label == "To")
    to.select_index(to.options.index("Hugo Brennan"))
    next(b for b in at.button if b.label == "Assign").click()
    at.run()
    assert "Assigned 1 module to Hugo Brennan" in page_text(at)

    hugo = app_as("demo-hugo")
    assert titles(hugo) == ["My learning"]
    labels = [link.proto.label for link in hugo.get("page_link")]
    assert any(label.startswith(f"{module.title} — due ") for label in labels)


def test_assigning_nothing_is_refused_at_the_field(app_as):
    at = app_as("lead").switch_page(PLANS).run()
    next(b for b in at.button if b.label == "Assign").click()
    at.run()
    assert "Choose at least one module or a track." in [e.value for e in at.error]


def test_trainee_sees_overdue_work(app_as):
    at = app_as("trainee")
    assert any("overdue" in e.value for e in at.error)


def test_trainee_cannot_assign_or_open_lead_pages(app_as):
    at = app_as("trainee")
    for page in (PLANS, MAP, FACILITATOR):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(page).run()


def test_lead_opens_map_and_facilitator_notes(app_as):
    at = app_as("lead")
    assert titles(at.switch_page(MAP).run()) == ["Curriculum map"]
    assert at.get("vega_lite_chart")
    phone_map = at.table[0].value  # the map's phone form: each module and the codes it builds
    assert len(phone_map) == len(load_library().modules) and phone_map["Builds"].str.match(r"^[A-Z]{2}\d").all()
    coverage = at.table[-2].value  # the coverage table's phone form (the domain table follows)
    assert list(coverage.columns) == ["Competency", "Built by"] and len(coverage) == 31
    at.switch_page(FACILITATOR).run()
    assert titles(at) == ["Facilitator notes"]
    assert "Print this page" in page_text(at)
    assert "Last reviewed against the content checklist on 7 Dec 2026." in page_text(at)


def test_search_finds_a_lesson_by_the_other_spelling_and_links_to_cases_and_stories(app_as):
    at = app_as("trainee").switch_page(SEARCH).run()
    at.text_input[0].input("authorisation").run()
    assert "every word of “authorisation”" in page_text(at)
    links = {link.proto.label: link.proto.page for link in at.main.get("page_link")}
    assert "Payers, insurance and equipment" in links  # the lesson spells it "authorization"
    assert any(page == "case_player" for page in links.values())
    assert re.search(r"\*\*authori[sz](ations?|ed)\*\*", at.main.markdown[-1].value, re.IGNORECASE)
    at.text_input[0].input("kitchen table binder").run()  # the demo's published family story
    labels = [link.proto.label for link in at.main.get("page_link")]
    assert labels[0] == "The binder on our kitchen table" and "Family story" in page_text(at), labels


