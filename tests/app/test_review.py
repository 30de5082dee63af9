"""A trainee's review on My learning: the questions they got wrong come back, and leave the list once answered."""

import re

from carecoord import review
from carecoord.content import load_library
from tests.app.conftest import page_text, titles

LIBRARY = load_library()
CHECKS = {check.id: check for lesson in LIBRARY.lessons for check in lesson.checks}


def button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def answer(at, check_id, right: bool):
    check = CHECKS[check_id]
    ids = check.correct_ids if right else {next(c.id for c in check.choices if not c.correct)}
    if check.multiple:
        for choice_id in ids:
            at.checkbox(key=f"review-{check_id}-{choice_id}").check()
    else:
        at.radio(key=f"review-{check_id}-radio").set_value(next(iter(ids)))
    form_button = next(b for b in at.button if b.label == "Check answer" and b.form_id == f"review-{check_id}")
    form_button.click()
    return at.run()


def test_a_review_session_from_start_to_done(app_as):
    at = app_as("trainee").run()
    assert titles(at) == ["My learning"]
    waiting = [link.proto.label for link in at.main.get("page_link")]
    due = int(next(re.fullmatch(r"(\d+) questions to review today", w) for w in waiting if "review" in w)[1])
    assert 2 <= due <= review.SESSION_SIZE  # the demo trainee's wrong answers, back on their days
    assert f"{due} questions to review today" in page_text(at)
    at = button(at, f"Start a review of {due} questions").click().run()
    forms = [f.form_id.removeprefix("review-") for f in at.button if f.label == "Check answer"]
    assert len(forms) == due
    at = answer(at, forms[0], right=True)
    assert "Right." in page_text(at) and "It comes back in " in page_text(at)
    at = answer(at, forms[1], right=False)
    assert "Not this time" in page_text(at) and "It comes back in 1 day" in page_text(at)
    for check_id in forms[2:]:
        at = answer(at, check_id, right=True)
    assert at.main.success[-1].value == "Review done. Nothing more is due today."
    at = button(at, "Close the review").click().run()
    assert "Review" not in [h.value for h in at.header]
    assert "to review today" not in page_text(at)
