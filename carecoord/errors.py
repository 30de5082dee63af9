"""The one kind of refusal a form shows at its field: the store and the domain raise its subclasses."""

from __future__ import annotations


class FieldError(ValueError):
    """A request that cannot be carried out as asked; the message is safe to show, at `field` if given."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
