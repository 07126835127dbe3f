from decimal import Decimal as D

import pytest

from trcalc.calc.money import fmt, fmt_rate, round_money


@pytest.mark.parametrize("raw, rounded", [
    ("0.005", "0.01"),       # half a kuruş rounds up (banker's rounding would give 0.00)
    ("0.015", "0.02"),
    ("0.025", "0.03"),       # banker's: 0.02
    ("250.125", "250.13"),
    ("518.505", "518.51"),
    ("0.0049999", "0.00"),
    ("-0.005", "-0.01"),     # half away from zero
    ("150000", "150000.00"),
])
def test_round_half_up(raw, rounded):
    assert round_money(D(raw)) == D(rounded)
    assert str(round_money(D(raw))) == rounded


def test_turkish_format():
    assert fmt(D("150000")) == "150.000,00"
    assert fmt(D("1234.565")) == "1.234,57"
    assert fmt(D("0.5"), 4) == "0,5000"
    assert fmt_rate(D("0.2")) == "%20"
    assert fmt_rate(D("0.045")) == "%4,5"
