"""Counted nouns in plain English: "1 lesson", "3 lessons", never "lesson(s)" (pure)."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """The number and the noun, singular for exactly one.

    >>> count(1, "lesson"), count(0, "lesson"), count(3, "detail", "details"), count(2, "person", "people")
    ('1 lesson', '0 lessons', '3 details', '2 people')
    """
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def verb(number: int, singular: str, plural: str) -> str:
    """The verb that agrees with the number: verb(1, "is", "are") == "is"."""
    return singular if number == 1 else plural
