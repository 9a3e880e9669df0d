"""The one gate for user input: text, numbers, months and chip names (each class of bad input, refused or clamped)."""

import pytest

import lib
from lib.gate import (bounded_int, check_strings, clean_text, excerpt, parse_month, parse_number,
                      resolve_chip_names)


def short_id(value):
    """Readable test ids: huge integers cannot even be turned into text."""
    return excerpt(value, 20) if not isinstance(value, str) else None


# ---- excerpts: bounded, escaped ----------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("abc", "'abc'"),
    ("x" * 200, "'" + "x" * 40 + "…'"),
    ("a\nb\x1b[31m", "'a\\u000ab\\u001b[31m'"),
    ("\u202eevil", "'\\u202eevil'"),
    ("\ud800", "'\\ud800'"),
    (10 ** 500, "an integer of 501 digits"),
    (10 ** 5000, "an integer of about 5,001 digits"),
    ([1, 2, 3], "a list of 3 items"),
    (None, "None"),
], ids=short_id)
def test_excerpt(value, expected):
    assert excerpt(value) == expected


# ---- text -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, match", [
    ("\ud800", "not valid Unicode"),
    ("line\nbreak", "control or bidi character U\\+000A"),
    ("rtl \u202e override", "U\\+202E"),
    ("zero\u200bwidth", "U\\+200B"),
    ("bell\x07", "U\\+0007"),
    ("x" * 121, "121 characters is too long"),
    (5, "is not text"),
])
def test_clean_text_refuses(text, match):
    with pytest.raises(lib.ScenarioError, match=match):
        clean_text(text, "name", 120)


def test_clean_text_keeps_markup_as_plain_text_and_multiline_allows_newlines():
    # Markup is not refused: it is data, shown as plain text by the page (see tests/test_app.py).
    assert clean_text("**bold** <a href='x'>", "name", 120) == "**bold** <a href='x'>"
    assert clean_text("a\r\nb\tc", "description", 100, multiline=True) == "a\nb\tc"


def test_check_strings_finds_a_surrogate_anywhere():
    with pytest.raises(lib.ScenarioError, match=r"scenario.initial_stock key '\\ud800'"):
        check_strings({"initial_stock": {"\ud800": 1}})
    with pytest.raises(lib.ScenarioError, match=r"deliveries\[0\].chip"):
        check_strings({"deliveries": [{"chip": "x\udfff"}]})


# ---- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, match", [
    (10 ** 400, "is out of range"),
    (-(10 ** 400), "is out of range"),
    ("9" * 5000, "has too many digits"),
    ("١٢", "is not a number"),              # Arabic-Indic digits: float() would accept them
    ("0x10", "is not a number"),
    ("1_000", "is not a number"),
    ("nan", "is not a number"),
    ("inf", "is not a number"),
    (float("nan"), "is not a number"),
    (float("inf"), "is out of range"),
    (True, "is not a number"),
    ("", "is not a number"),
    ([1], "is not a number"),
], ids=short_id)
def test_parse_number_refuses(value, match):
    with pytest.raises(lib.ScenarioError, match=match):
        parse_number(value, "x", 0, 100)


def test_parse_number_integers_refuse_fractions_in_files_and_round_in_links():
    with pytest.raises(lib.ScenarioError, match="is not a whole number"):
        parse_number(1.99, "months", 0, 24, integer=True)
    assert parse_number("3", "months", 0, 24, integer=True) == (3.0, "")
    value, notice = parse_number("1.99", "months", 0, 24, integer=True, clamp=True)
    assert value == 2.0 and "not a whole number" in notice


def test_parse_number_clamps_only_when_asked():
    assert parse_number("1e400", "x", 0, 100, clamp=True)[0] == 100
    assert parse_number(10 ** 500, "x", 0, 100, clamp=True)[0] == 100
    assert parse_number("-5", "x", 0, 100, clamp=True) == (0.0, "x: '-5' is out of range; allowed: a number from 0 to 100; used 0.")
    with pytest.raises(lib.ScenarioError, match="out of range"):
        parse_number("-5", "x", 0, 100)


def test_bounded_int_stops_huge_json_integers_before_conversion():
    assert bounded_int("12") == 12
    with pytest.raises(lib.ScenarioError, match="too long"):
        bounded_int("9" * 5000)


# ---- months -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["２０２４-01", "٢٠٢٤-٠١", "2024-1", "2024-13", "2024-00", "24-01", " 2024-01", 202401,
                                   "2024-01\n"])
def test_parse_month_refuses(value):
    with pytest.raises(lib.ScenarioError, match="is not a month"):
        parse_month(value, "start", "2022-01", "2035-12")


@pytest.mark.parametrize("value", ["1999-01", "2099-01"])
def test_a_month_outside_the_allowed_span_is_out_of_range_not_a_non_month(value):
    with pytest.raises(lib.ScenarioError, match=f"'{value}' is out of range; allowed: 'YYYY-MM' from 2022-01"):
        parse_month(value, "start", "2022-01", "2035-12")


def test_a_number_with_too_many_digits_says_so():
    with pytest.raises(lib.ScenarioError, match=r"leakage: '9999.*' has too many digits; allowed: a number from 0"):
        parse_number("9" * 5000, "leakage", 0, 1)


def test_parse_month_accepts_ascii():
    assert parse_month("2024-07", "start", "2022-01", "2035-12") == "2024-07"


# ---- chip names -------------------------------------------------------------------------------

@pytest.mark.parametrize("names", [["A800", "a800"], ["Kunlun II", "R200"], ["H100", "h100 sxm"], ["MLU370-X8", "mlu370"]])
def test_the_same_chip_written_two_ways_is_refused(names):
    with pytest.raises(lib.ScenarioError, match="are the same chip"):
        resolve_chip_names(names, "initial_stock", lib.get_chip)


def test_chip_name_is_gated_as_text():
    with pytest.raises(lib.ScenarioError, match="control or bidi"):
        lib.get_chip("H100\n")
    with pytest.raises(lib.ScenarioError, match="too long"):
        lib.get_chip("x" * 500)
