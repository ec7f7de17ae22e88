"""The one rule against spreadsheet formulas (fabtown.spreadsheets)."""

import datetime
from decimal import Decimal

import pytest

from fabtown.spreadsheets import neutralise_formula, restore_formula_text


@pytest.mark.parametrize(
    "text", ["=1+1", "+49 234 1", "-5", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("x")']
)
def test_text_that_a_spreadsheet_would_compute_gets_an_apostrophe(text):
    assert neutralise_formula(text) == "'" + text
    assert restore_formula_text(neutralise_formula(text)) == text


@pytest.mark.parametrize("text", ["Geigenbau", "", " =1", "1-2", "'quoted", "a=b"])
def test_other_text_stays_as_it_is(text):
    assert neutralise_formula(text) == text
    assert restore_formula_text(text) == text


@pytest.mark.parametrize("value", [-5, Decimal("-1.5"), -0.5, datetime.date(2026, 1, 1), None])
def test_numbers_dates_and_nothing_are_not_text(value):
    assert neutralise_formula(value) is value


@pytest.mark.parametrize(
    "text", ["=1+1", "'=1+1", "''=1+1", "+49 234", "'plain", "plain", "", "@SUM(A1)", "'"]
)
def test_every_text_reads_back_exactly_as_it_was(text):
    assert restore_formula_text(neutralise_formula(text)) == text
