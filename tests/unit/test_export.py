"""CSV exports: formula-like text is neutralised, numbers stay numbers."""

import csv
import io

import pytest

from carecoord.export import neutralise, to_csv


def cells(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("dangerous", ["=SUM(A1:A9)", "+1+2", "-1+cmd|' /C calc'!A0", "@SUM(1)", "\tx", "\r=1",
                                       '=HYPERLINK("http://evil.example","click")'])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous
    _, row = cells(to_csv([{"Name": dangerous}]))
    assert row == ["'" + dangerous]


@pytest.mark.parametrize("value", [-3, -2.5, 0, 4, 61.9])
def test_numbers_stay_numbers_negative_ones_included(value):
    assert neutralise(value) == value
    text = to_csv([{"Change": value}])
    assert text.splitlines()[1] == str(value)  # written bare: no apostrophe, no quotes


@pytest.mark.parametrize("value", ["-3", "-0.5", "12"])
def test_text_that_is_exactly_a_number_is_left_alone(value):
    assert neutralise(value) == value


def test_ordinary_text_and_blanks():
    assert neutralise("Amara Nwosu") == "Amara Nwosu"
    assert neutralise("a=b") == "a=b"  # only the first character matters
    assert neutralise(None) == ""
    assert neutralise(True) == "yes"


def test_columns_come_from_the_first_row_unless_given():
    text = to_csv([{"A": 1, "B": "x"}, {"A": 2}])
    assert cells(text) == [["A", "B"], ["1", "x"], ["2", ""]]
    assert cells(to_csv([{"A": 1, "B": 2}], ["B"])) == [["B"], ["2"]]
    assert cells(to_csv([], ["=A"])) == [["'=A"]]
