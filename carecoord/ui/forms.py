"""Messages shown at the field that caused them, kept across the rerun that follows a submit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from carecoord.permissions import PermissionDenied
from carecoord.ui.text import plain

GENERAL = "_general"


class FormErrors:
    def __init__(self, key: str):
        self._key = f"_errors_{key}"
        st.session_state.setdefault(self._key, {})

    @property
    def messages(self) -> dict[str, str]:
        return st.session_state[self._key]

    def set(self, field: str | None, message: str) -> None:
        """Replace any earlier messages with this one."""
        st.session_state[self._key] = {field or GENERAL: message}

    def clear(self) -> None:
        st.session_state[self._key] = {}

    @contextmanager
    def catch(self) -> Iterator[None]:
        """Run a store call; a refusal becomes a message at its field and nothing is written."""
        self.clear()
        try:
            yield
        except PermissionDenied as error:
            self.set(None, str(error))
        except ValueError as error:  # AccountError and validation errors carry a safe message
            self.set(getattr(error, "field", None), str(error))


def field_errors(key: str) -> FormErrors:
    return FormErrors(key)


def flash(key: str, message: str) -> None:
    """Keep `message` for the next run (the one st.rerun starts after an action), where show_flash says it once.
    It is Markdown: put names and other text people wrote in it through `plain`."""
    st.session_state[f"_flash_{key}"] = message


def show_flash(key: str) -> None:
    if message := st.session_state.pop(f"_flash_{key}", None):
        st.success(message, icon=":material/check_circle:")


def show_field_error(errors: FormErrors, field: str | None = None) -> None:
    if message := errors.messages.get(field or GENERAL):
        st.error(plain(message), icon=":material/error:")  # it may repeat what the person typed
