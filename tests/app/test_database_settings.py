"""The app on a database it cannot use: a plain message, no traceback, no password on screen."""

import pytest

from tests.app.conftest import new_app

MESSAGE = "carecoord cannot reach its database just now"


@pytest.mark.parametrize("url", [
    "postgresql://carecoord:s3cret-password@127.0.0.1:1/carecoord",  # nothing listens there
    "mysql://carecoord:s3cret-password@127.0.0.1/carecoord",  # not a database carecoord runs on
])
def test_an_unreachable_or_wrong_database_is_named_plainly(url, monkeypatch):
    monkeypatch.setenv("CARECOORD_DATABASE_URL", url)
    at = new_app().run()
    assert not at.exception
    assert [e.value for e in at.error] and MESSAGE in at.error[0].value
    shown = " ".join(str(getattr(element, "value", "")) for element in at.main)
    assert "s3cret-password" not in shown and "Traceback" not in shown
