"""The numeric domain (issue 10.1, 10.9): numbers outside the limits in calc/numeric.py are a
CalcError naming the argument or the limit — never an arithmetic fault or a traceback —
and that holds wherever the number is read (an argument, an override) or formed (a result).
"""
import datetime as dt
from decimal import Decimal as D

import numpy as np
import pytest

from trcalc.calc import CalcError, call, call_many
from trcalc.calc.coerce import to_number
from trcalc.calc.numeric import LIMIT, MAX_DIGITS, SMALLEST
from tests.conftest import raises_on

TEV = (100000, 10000, 5000, 1, 0.1, 30)       # seed 004: 150,000.00 TL


@pytest.mark.parametrize("text", ["1e999999999", "-1e999999999", "1E+16", str(10**15), "1000000000000000.0"])
def test_a_number_at_or_above_the_limit_is_refused(text):
    with raises_on("esya_bedeli", "out_of_range") as info:
        call("TR_CIF", text)
    assert "10^15" in str(info.value)


@pytest.mark.parametrize("text", ["1e-999999", "1e-10", "0.0000000001", "-3.1e-184"])
def test_a_non_zero_number_below_the_smallest_is_refused(text):
    with raises_on("esya_bedeli", "out_of_range") as info:
        call("TR_CIF", text)
    assert "10^-9" in str(info.value)


def test_the_limits_themselves_are_inside():
    assert to_number(SMALLEST, "x") == SMALLEST
    assert to_number(LIMIT - 1, "x") == LIMIT - 1
    assert to_number("0." + "1" * MAX_DIGITS, "x") == D("0." + "1" * MAX_DIGITS)


def test_too_many_digits_are_refused():
    with raises_on("esya_bedeli", "out_of_range") as info:
        call("TR_CIF", "0." + "1" * (MAX_DIGITS + 1))
    assert str(MAX_DIGITS) in str(info.value)


def test_a_tiny_quantity_in_the_breakdown_is_refused():
    # the repro: the unit value 100000 / 3.1e-184 used to fault in the rounding
    with raises_on("ithal_miktari", "out_of_range"):
        call("TR_TEV_DETAIL", 100000, 3.1e-184, 5000, 1, 0.1, 30)


@pytest.mark.parametrize("waste", ["0." + "9" * 40, "0." + "9" * 12, D("0.9999999999")])
def test_a_waste_rate_next_to_100_percent_is_refused(waste):
    with raises_on("fire_orani", "out_of_range"):
        call("TR_TEV", *TEV, waste)


def test_a_waste_rate_leaving_one_in_a_billion_is_still_computed():
    # 1 − 0.999999999 = 10^-9: the input used is a billion times the consumption
    assert call("TR_TEV", 1, 1000, 1, 1, 0.1, 1, "0.999999999") == D("100000.00")


def test_a_result_beyond_the_limit_is_refused_naming_the_limit():
    with pytest.raises(CalcError) as info:
        call("TR_TEV", 10**14, 0.001, 10**6, 10**6, 1, 100)
    assert info.value.code == "out_of_range" and "10^15" in str(info.value)
    with pytest.raises(CalcError):
        call("TR_TEV_DETAIL", 10**14, 0.001, 10**6, 10**6, 1, 100)


def test_a_huge_breakdown_value_is_shown_not_a_fault():
    # the value used is 10^14 / 10^-3 × 10^6 × 10^6 = 10^29, the levy 0: every row formats
    table = call("TR_TEV_DETAIL", 10**14, 0.001, 10**6, 10**6, 0, 100)
    assert table[-1][0] == "Kurallar sürümü"
    assert any(row[0] == "TEV tutarı (TL)" and row[2] == 0 for row in table)


def test_a_400_digit_integer_is_not_a_date():
    with raises_on("vade_tarihi", "invalid") as info:
        call("TR_LATE_INTEREST", 1000, 10**400, "2025-01-01")
    assert len(str(info.value)) < 300          # the message shows the number cut short


def test_a_400_digit_integer_is_not_an_amount():
    with raises_on("esya_bedeli", "out_of_range"):
        call("TR_CIF", 10**400)


def test_a_numpy_array_is_not_a_value():
    with raises_on("esya_bedeli", "invalid") as info:
        call("TR_CIF", np.array([1, 2]))
    assert "ndarray" in str(info.value)


def test_numpy_scalars_are_read_as_their_values():
    assert call("TR_CIF", np.float64(2.5), np.int64(3)) == D("5.50")
    assert call("TR_LATE_INTEREST", np.float64(10000), "2025-10-01", "2025-12-13") == D("1000.00")


@pytest.mark.parametrize("years", [9999999, 500, 7000])
def test_an_override_cannot_push_a_date_out_of_1900_2199(years):
    # EIHR_END = start + window years: year 10,002,024 used to crash, 2525 and 9025 were returned
    with pytest.raises(CalcError) as info:
        call("EIHR_END", "2025-01-01", "REKLAM", overrides={"eexport.window_years": years})
    assert info.value.code == "out_of_range" and "1900–2199" in str(info.value)


def test_an_override_inside_the_range_still_moves_the_date():
    # 100 years from 2025-01-01: the window ends on the last day of its last year
    assert call("EIHR_END", "2025-01-01", "REKLAM", overrides={"eexport.window_years": 100}) \
        == dt.date(2124, 12, 31)


@pytest.mark.parametrize("zero", [-0.0, "-0", "-0.0", D("-0.00"), "-0,00"])
def test_negative_zero_is_zero(zero):
    value = call("TR_TEV_PENALTY", zero, False, "2025-06-01")
    assert value == 0 and not value.is_signed() and str(value) == "0.00"
    assert str(call("TR_CIF", zero)) == "0.00"


@pytest.mark.parametrize("support", [1.3, "1.3", "1,3", 13.5, "13.01", D("13.1"), -13, "1e1"])
def test_an_article_number_must_be_an_exact_whole_number(support):
    # "1.3" folds to the letters "13" — it used to be read as article 13 (REKLAM)
    with raises_on("destek", "unknown_code"):
        call("EIHR_ANNUAL_CAP", support, "SIRKET", 2025)


@pytest.mark.parametrize("support", [13, 13.0, "13", "13.0", " 13 ", D("13.00")])
def test_an_article_number_given_exactly_is_its_support(support):
    assert call("EIHR_ANNUAL_CAP", support, "SIRKET", 2025) == call("EIHR_ANNUAL_CAP", "REKLAM", "SIRKET", 2025)


def test_an_unknown_code_message_is_english_in_english():
    with pytest.raises(CalcError) as info:
        call("EIHR_ANNUAL_CAP", "XYZ", "SIRKET", 2025)
    assert "unknown support code" in info.value.message_en


def test_the_array_form_reports_a_bad_row_and_computes_the_others():
    out = call_many("TR_CIF", [[1, "1e999999999", 2]])
    assert out[0] == D("1.00") and out[2] == D("2.00")
    assert isinstance(out[1], CalcError) and out[1].argument == "esya_bedeli"
