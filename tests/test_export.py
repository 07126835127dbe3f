"""Micro export limits (RULES.md §2) and the export KDV refund ceiling."""
from decimal import Decimal as D

import pytest

from trcalc.calc import call
from tests.conftest import raises_on


@pytest.mark.parametrize("kg, eur, date, fits", [
    (300, 15000, "2026-01-02", True),          # exactly at the limits: inclusive
    (300.01, 15000, "2026-01-02", False),
    (300, 15000.01, "2026-01-02", False),
    (301, 100, "2026-01-02", False),
    (301, 100, "2026-01-03", True),            # 600 kg / 30,000 € from 2026-01-03
    (600, 30000, "2026-01-03", True),
    (600.01, 30000, "2026-01-03", False),
    (600, 30000.01, "2026-01-03", False),
    # issue 26.2: the Ministry's guide revised 04.12.2018 already gives 300 kg / 15,000 €
    (300, 15000, "2019-06-01", True),
    (301, 15000, "2019-06-01", False),
    (150, 7500, "2018-06-01", True),           # 150 kg / 7,500 € before (low confidence)
    (151, 7500, "2018-06-01", False),
])
def test_micro_export_limits(kg, eur, date, fits):
    assert call("TR_MICRO_EXPORT", kg, eur, date) is fits


def test_micro_export_bad_input():
    with raises_on("gross_kg", "out_of_range"):
        call("TR_MICRO_EXPORT", 0, 100, "2025-01-01")
    with raises_on("value_eur", "out_of_range"):
        call("TR_MICRO_EXPORT", 10, -1, "2025-01-01")
    with raises_on("date", "no_rule"):
        call("TR_MICRO_EXPORT", 10, 100, "2013-01-01")


def test_refund_under_and_over_the_ceiling():
    assert call("TR_EXPORT_KDV_REFUND", 10000, 100000, "2025-06-01") == D("10000.00")   # under 20,000
    assert call("TR_EXPORT_KDV_REFUND", 25000, 100000, "2025-06-01") == D("20000.00")   # 100,000 × 20 %
    assert call("TR_EXPORT_KDV_REFUND", 25000, 100000, "2023-07-09") == D("18000.00")   # 18 % then
    assert call("TR_EXPORT_KDV_REFUND", 20000, 100000, "2025-06-01") == D("20000.00")   # at the ceiling
    # ceiling 33.33 × 20 % = 6.666 → 6.67
    assert call("TR_EXPORT_KDV_REFUND", 100, 33.33, "2025-06-01") == D("6.67")


def test_refund_bad_input():
    with raises_on("input_kdv", "out_of_range"):
        call("TR_EXPORT_KDV_REFUND", -1, 100, "2025-06-01")
    with raises_on("export_value", "invalid"):
        call("TR_EXPORT_KDV_REFUND", 1, "yüz", "2025-06-01")
