"""An administrator exports and erases a person from the Personal data page."""


import pytest

from carecoord import db as database
from tests.app.conftest import page_text, titles

PAGE = "carecoord/ui/app_pages/personal_data.py"


def choose(at, label):
    box = at.selectbox[0]
    box.select_index(box.options.index(label))
    return at.run()


def test_admin_exports_a_person(app_as):
    at = choose(app_as("admin").switch_page(PAGE).run(), "Ben Castillo (demo-ben)")
    next(b for b in at.button if b.label == "Prepare the export").click()
    at.run()
    assert "Rows per section" in page_text(at)
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the export (zip)"


def test_admin_erases_a_person_after_typing_the_username(app_as, app_env):
    at = choose(app_as("admin").switch_page(PAGE).run(), "Ben Castillo (demo-ben)")
    at.text_input[0].input("demo-be")
    next(b for b in at.button if b.label == "Erase this person").click()
    at.run()
    assert "does not match; nothing was erased" in page_text(at)
    at.text_input[0].input("demo-ben")
    next(b for b in at.button if b.label == "Erase this person").click()
    at.run()
    assert "Erased Ben Castillo." in page_text(at)
    row = database.connect(app_env).execute("SELECT display_name FROM person WHERE username LIKE 'erased-%'").fetchall()
    assert row == [("Erased person",)]


def test_a_lead_cannot_open_personal_data(app_as):
    with pytest.raises(ValueError, match="navigation page"):
        app_as("lead").switch_page(PAGE).run()


def test_admin_opens_personal_data(app_as):
    assert titles(app_as("admin").switch_page(PAGE).run()) == ["Personal data"]
