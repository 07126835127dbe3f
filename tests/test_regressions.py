"""Every example a property test (hypothesis) or the fuzzer ever found, kept as an explicit test.

Hypothesis runs derandomized in `make test` (tests/conftest.py), so a failure it finds
in `make fuzz` or on a developer's machine must be written down here to stay covered.
"""
from decimal import Decimal as D

import pytest

from trcalc.calc import call
from tests.conftest import raises_on


def test_tev_detail_with_a_tiny_import_quantity():
    # issue 10.10: hypothesis found TR_TEV_DETAIL faulting (InvalidOperation) on a tiny quantity
    with raises_on("ithal_miktari", "out_of_range"):
        call("TR_TEV_DETAIL", 100000, 3.1e-184, 5000, 1, 0.1, 30)
    with raises_on("ithal_miktari", "out_of_range"):
        call("TR_TEV_DETAIL", 1, 5e-324, 1, 1, 0, 1)       # the smallest float


@pytest.mark.parametrize("zero", [-0.0, "-0.0"])
def test_tev_penalty_reads_minus_zero_as_text_as_it_reads_the_number(zero):
    # issue 10.10: TR_TEV_PENALTY accepted -0.0 but refused "-0.0" (str round-trip property)
    assert call("TR_TEV_PENALTY", zero, False, "2025-06-01") == D("0.00")
    assert call("TR_TEV_PENALTY", zero, False, "2025-06-01") == call("TR_TEV_PENALTY", str(zero), False,
                                                                     "2025-06-01")


@pytest.mark.parametrize("flag, expected", [(-0.0, False), ("-0.0", False), ("0,0", False), ("+1", True),
                                            ("1.00", True), (1.0, True)])
def test_tev_penalty_reads_a_numeric_flag_as_text_as_it_reads_the_number(flag, expected):
    # make fuzz (test_results_unchanged_by_str_round_tripping_the_inputs): voluntary=-0.0 was
    # read as FALSE but "-0.0" refused
    fine = call("TR_TEV_PENALTY", 1000, flag, "2025-06-01")
    assert (fine == 0) == expected
    assert fine == call("TR_TEV_PENALTY", 1000, str(flag), "2025-06-01")


@pytest.mark.parametrize("flag", ["0.5", "2", "-1", "1e999999999"])
def test_other_numbers_are_not_a_flag(flag):
    with raises_on("gonullu", "invalid"):
        call("TR_TEV_PENALTY", 1000, flag, "2025-06-01")


def test_late_interest_exact_half_kurus():
    # issue 10.2: 6 of 50,000 random cases were a kuruş low (days/30 cut at 28 digits)
    assert call("TR_LATE_INTEREST", 68554.75, "2024-12-17", "2025-01-27") == D("4113.29")


def test_cif_of_a_float_and_a_tiny_float_is_exact_then_rounded():
    # found while rewriting the additivity property: 100000 + 5.96e-8 kept 28 digits
    assert call("TR_CIF", 0.0, 100000.0, 5.960464477539063e-08) == D("100000.00")


def test_duty_with_a_subnormal_float_is_a_clear_error():
    # found by test_duty_is_never_negative once tiny floats became refused: out_of_range, named
    with raises_on("esya_bedeli", "out_of_range"):
        call("TR_DUTY", 2.2250738585072014e-308, 0, 0, "DE", 0, "2025-06-01")


def test_a_waste_rate_of_machine_epsilon_is_a_clear_error():
    with raises_on("fire_orani", "out_of_range"):
        call("TR_TEV", 1, 1, 1, 1, 0, 1, 2.220446049250313e-16)

