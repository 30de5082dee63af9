"""CSV exports: formula-like text is neutralised, numbers stay numbers."""

import csv
import io

import pytest

from carecoord.export import neutralise, to_csv


def cells(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("dangerous", [
    "=SUM(A1:A9)", "+1+2", "-1+cmd|' /C calc'!A0", "@SUM(1)", "\tx", "\rx", "\nx", "\x00x",
    '=HYPERLINK("http://evil.example","click")',
    " =1+1", "   @SUM(1)", "\u00a0=1+1", "\u3000=1+1", "\u200b=1+1",  # blanks first, which import may trim
    "＝1+1", "＋1", "－1+1", "＠SUM(1)", "﹦1+1", "﹢1", "﹣1+1", "﹫SUM(1)",  # full-width and small forms
])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous
    _, row = cells(to_csv([{"Name": dangerous}]))
    assert row == ["'" + dangerous]


@pytest.mark.parametrize("value", [-3, -2.5, 0, 4, 61.9])
def test_numbers_stay_numbers_negative_ones_included(value):
    assert neutralise(value) == value
    text = to_csv([{"Change": value}])
    assert text.splitlines()[1] == str(value)  # written bare: no apostrophe, no quotes


@pytest.mark.parametrize("value", ["-3", "-0.5", "12", "+0.25", "+3"])
def test_text_that_is_exactly_a_number_is_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize(("text", "written"), [
    ("Sam;=1+1", "Sam;'=1+1"),
    ("Sam; @SUM(1)", "Sam; '@SUM(1)"),
    ("Sam\r=1+1", "Sam\r'=1+1"),
    ("Sam\n -1+1", "Sam\n '-1+1"),
    ("Sam\t＝1", "Sam\t'＝1"),
    ("\r=1", "'\r'=1"),
    ("\t=1", "'\t'=1"),
])
def test_a_trigger_where_a_spreadsheet_may_start_a_new_cell_gets_an_apostrophe_too(text, written):
    # The table toolbar's CSV quotes only cells with a comma, quote or line feed: a semicolon-separated
    # spreadsheet splits at the ;, and a carriage return starts a new row.
    assert neutralise(text) == written


@pytest.mark.parametrize("value", ["|cmd", "a|b", "Sam;Jo", "Sam, =1", "a=b", "50%", "(=1)"])
def test_other_characters_start_no_formula(value):
    # A leading | is not a formula by itself (the DDE payload "=cmd|..." needs its "="); a comma always
    # gets the cell quoted.
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
