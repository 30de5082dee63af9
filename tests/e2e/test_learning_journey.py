"""A trainee completes a lesson in the browser; a broken content file does not take the app down."""

import shutil

import pytest
from playwright.sync_api import expect

from carecoord.content import load_library
from tests.e2e.conftest import ROOT, shoot, sign_in, start_server, stop_server, wait_for_app

LIBRARY = load_library()


def test_trainee_completes_a_lesson_and_sees_progress_move(server, page):
    total = len(LIBRARY.lessons)
    sign_in(page, server.url, "demo-trainee")
    expect(page.get_by_text(f"Overall: 6 of {total} lessons complete")).to_be_visible()
    shoot(page, "trainee-my-learning")

    page.get_by_role("link", name="Continue:").click()
    wait_for_app(page)
    lesson = LIBRARY.lessons[6]
    expect(page.get_by_role("heading", name=lesson.title, exact=True)).to_be_visible()
    shoot(page, "trainee-lesson")

    page.get_by_role("button", name="Mark complete").click()
    wait_for_app(page)
    expect(page.get_by_text("Completed on")).to_be_visible()

    page.get_by_role("link", name="My learning").first.click()
    wait_for_app(page)
    expect(page.get_by_text(f"Overall: 7 of {total} lessons complete")).to_be_visible()


def test_lesson_reads_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    sign_in(phone, server.url, "demo-trainee")
    phone.goto(f"{server.url}/lesson?lesson={LIBRARY.lessons[0].id}")
    wait_for_app(phone)
    expect(phone.get_by_role("heading", name=LIBRARY.lessons[0].title, exact=True)).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling to read the lesson.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shoot(phone, "phone-lesson")
    context.close()


@pytest.fixture
def broken_server(tmp_path):
    content = tmp_path / "content"
    for folder in ("curriculum", "competencies", "cases"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, content / folder)
    broken = sorted((content / "curriculum").glob("02-*/01-*.md"))[0]
    broken.write_text(broken.read_text().replace("minutes:", "minutes: [", 1))
    running = start_server(tmp_path, content_root=content)
    yield running, broken.relative_to(content).as_posix()
    stop_server(running)


def test_broken_file_is_reported_to_admins_and_the_rest_is_served(broken_server, page):
    running, broken_path = broken_server
    sign_in(page, running.url, "demo-admin")
    expect(page.get_by_text("content file problem:")).to_be_visible()
    page.goto(running.url + "/content_status")
    wait_for_app(page)
    expect(page.get_by_text("problem in the content files")).to_be_visible()
    expect(page.get_by_text(broken_path)).to_be_visible()
    shoot(page, "admin-content-errors")

    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    sign_in(page, running.url, "demo-trainee")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{LIBRARY.modules[0].order}. {LIBRARY.modules[0].title}")).to_be_visible()
    expect(page.get_by_text(f"of {len(LIBRARY.lessons) - 1} lessons complete")).to_be_visible()
