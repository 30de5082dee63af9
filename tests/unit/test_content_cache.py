"""The app's content library: an edited file shows once the files are next looked at (every 2 s)."""

from carecoord.ui import content
from tests.content_fixtures import LESSON_ONE, make_content_root


def test_an_edited_lesson_shows_within_the_check_interval(tmp_path, monkeypatch):
    root = make_content_root(tmp_path)
    monkeypatch.setenv("CARECOORD_CONTENT", str(root))
    clock = [1_000.0]
    monkeypatch.setattr(content.time, "monotonic", lambda: clock[0])
    first = content.library()
    lesson = root / "curriculum" / "01-test-module" / "01-first.md"
    lesson.write_text(LESSON_ONE.replace("Body of the first lesson.", "An edited body, longer than before."))

    clock[0] += content.CHECK_EVERY_S / 2
    assert content.library() is first  # not looked at again yet: no stat of every file on every click

    clock[0] += content.CHECK_EVERY_S
    assert "An edited body, longer than before." in content.library().lesson("first-lesson").body
