"""Every money result equals exact rational arithmetic rounded once, half-up (issue 10.2).

Each money function's formula is written again here in `fractions.Fraction`
(exact), from its legal statement in the module docstrings and the rules data
(`TR_RATE`), and rounded once to the kuruş half-up; the function must give the
same Decimal.  Inputs are drawn with few decimals so that exact half-kuruş
results — where a quotient cut at 28 digits used to lose a kuruş — come up often.
"""
import calendar
import datetime as dt
import math
from decimal import Decimal as D
from fractions import Fraction as F

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trcalc.calc import CalcError, call
from trcalc.calc.rules.store import book

SETTINGS = settings(deadline=None)


def half_up(x: F) -> D:
    """x rounded half-up (away from zero at the half) to the kuruş, by integer arithmetic."""
    kurus = math.floor(abs(x) * 100 + F(1, 2))
    return D(kurus if x >= 0 else -kurus) / 100


def half_down_floor(x: F) -> D:
    return D(math.floor(x * 100)) / 100


def fr(x) -> F:
    return F(D(str(x)))


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
quantities = st.decimals(min_value=D("0.001"), max_value=10**6, places=3, allow_nan=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False)
fxs = st.decimals(min_value=D("0.0001"), max_value=100, places=4, allow_nan=False)
wastes = st.one_of(st.none(), st.decimals(min_value=0, max_value=D("0.95"), places=3, allow_nan=False))


def test_the_late_interest_of_the_issue_keeps_its_kurus():
    # 68,554.75 TL, due 17.12.2024, paid 27.01.2025: 1 month (to 17.01) + 10 days at 4.5 %
    # (in force from 21.05.2024): 68,554.75 × 0.045 × (1 + 10/30) = 4,113.285 → 4,113.29
    assert call("TR_LATE_INTEREST", 68554.75, "2024-12-17", "2025-01-27") == D("4113.29")


@SETTINGS
@given(a=amounts, b=amounts, c=amounts)
def test_cif(a, b, c):
    assert call("TR_CIF", a, b, c) == half_up(fr(a) + fr(b) + fr(c))


@SETTINGS
@given(iv=quantities, iq=quantities, eq=quantities, cons=quantities, duty=rates, fx=fxs, waste=wastes)
def test_tev(iv, iq, eq, cons, duty, fx, waste):
    # TEV = import value ÷ import qty × export qty × consumption ÷ (1 − waste) × duty × fx
    exact = fr(iv) / fr(iq) * fr(eq) * fr(cons) / (1 - fr(waste or 0)) * fr(duty) * fr(fx)
    assume(exact < 10**15)
    assert call("TR_TEV", iv, iq, eq, cons, duty, fx, waste) == half_up(exact)


@SETTINGS
@given(tev=amounts, when=st.dates(dt.date(2021, 1, 1), dt.date(2026, 12, 31)))
def test_tev_penalty(tev, when):
    fraction = fr(call("TR_RATE", "tev.penalty_fraction", when))
    assert call("TR_TEV_PENALTY", tev, False, when) == half_up(fr(tev) * fraction)
    assert call("TR_TEV_PENALTY", tev, True, when) == 0


@SETTINGS
@given(kdv=amounts, value=amounts, when=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_export_kdv_refund(kdv, value, when):
    rate = fr(call("TR_RATE", "kdv.general_rate", when))
    assert call("TR_EXPORT_KDV_REFUND", kdv, value, when) == half_up(min(fr(kdv), fr(value) * rate))


def _months_later(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _late_interest(amount: F, due: dt.date, paid: dt.date) -> F:
    """Law 6183 art. 51: per period of one rate, whole months at the rate, the rest × days/30."""
    entries = book().params["interest.late_monthly_rate"]
    cuts = [due] + [e.start for e in entries if due < e.start < paid] + [paid]
    total = F(0)
    for start, end in zip(cuts, cuts[1:]):
        rate = fr([e for e in entries if e.start <= start][-1].value)
        months = 0
        while _months_later(start, months + 1) <= end:
            months += 1
        days = (end - _months_later(start, months)).days
        total += amount * rate * (months + F(days, 30))
    return total


@SETTINGS
@given(amount=amounts, due=st.dates(dt.date(2023, 11, 14), dt.date(2026, 6, 30)),
       days=st.integers(0, 800))
def test_late_interest(amount, due, days):
    paid = due + dt.timedelta(days=days)
    # counted from the date as given (FALSE): the reference does not move a due date past holidays
    assert call("TR_LATE_INTEREST", amount, due, paid, False) == half_up(_late_interest(fr(amount), due, paid))


@SETTINGS
@given(goods=amounts, freight=amounts, insurance=amounts, duty=rates, fx=st.one_of(st.none(), fxs),
       when=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)))
def test_duty_in_the_regular_regime(goods, freight, insurance, duty, fx, when):
    # Customs Law 4458 and KDV Law art. 21: duty = CIF × fx × rate; KDV = (CIF × fx + duty) × KDV rate
    args = (goods, freight, insurance, "CN", duty, when, None, fx)
    assume(call("TR_DUTY_REGIME", *args) == "REGULAR")
    base = (fr(goods) + fr(freight) + fr(insurance)) * (fr(fx) if fx is not None else 1)
    duty_amount = half_up(base * fr(duty))
    kdv = half_up((base + F(duty_amount)) * fr(call("TR_RATE", "kdv.general_rate", when)))
    assert call("TR_DUTY", *args) == duty_amount + kdv


@SETTINGS
@given(support=st.sampled_from(["REKLAM", "SIPARIS", "TANITIM", "MAGAZA", "KOMISYON"]),
       expense=amounts, sales=amounts, claimed=amounts, year=st.integers(2025, 2026))
def test_e_export_support(support, expense, sales, claimed, year):
    # Genelge arts. 13–19: rate × eligible expense (at most sales × ratio for REKLAM/SIPARIS),
    # never above what is left of the yearly cap (cut down to the kuruş)
    try:
        cap = fr(call("EIHR_ANNUAL_CAP", support, "SIRKET", year))
    except CalcError:
        assume(False)
    rate = fr(call("TR_RATE", "eexport.support_rate", f"{year}-12-31"))
    eligible = fr(expense)
    if support in ("REKLAM", "SIPARIS"):
        eligible = min(eligible, fr(sales) * fr(call("TR_RATE", f"eexport.ratio.{support.lower()}",
                                                     f"{year}-12-31")))
    expected = min(half_up(eligible * rate), half_down_floor(max(F(0), cap - fr(claimed))))
    assert call("EIHR_CAP", support, "SIRKET", expense, sales, year, claimed) == expected


@SETTINGS
@given(value_=amounts, fx=fxs, duty=rates, igv=st.one_of(st.none(), rates), otv=st.one_of(st.none(), amounts),
       ad=st.one_of(st.none(), amounts), other=st.one_of(st.none(), amounts), kdv=st.one_of(st.none(), rates),
       payment=st.sampled_from(["PESIN", "MAL_MUKABILI", "KABUL"]),
       when=st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 30)))
def test_import_taxes(value_, fx, duty, igv, otv, ad, other, kdv, payment, when):
    # calc/customs.py (Customs Law 4458, KDV Law art. 21, Karar 88/12944): each tax rounded once;
    # KDV base = customs value + GV + İGV + ÖTV + AD (+ KKDF when the rules say so) + other costs
    cv = fr(value_) * fr(fx)
    gv, igv_ = half_up(cv * fr(duty)), half_up(cv * fr(igv)) if igv is not None else D(0)
    otv_ = half_up(fr(otv)) if otv is not None else D(0)
    ad_ = half_up(fr(ad)) if ad is not None else D(0)
    kkdf = D(0)
    if payment in call("TR_RATE", "customs.kkdf.credit_methods", when).split(", "):
        kkdf = half_up(cv * fr(call("TR_RATE", "customs.kkdf.credit_rate", when)))
    in_base = call("TR_RATE", "customs.kkdf.in_kdv_base", when)
    base = cv + F(gv + igv_ + otv_ + ad_ + (kkdf if in_base else 0)) + (fr(other) if other is not None else 0)
    kdv_rate = fr(kdv) if kdv is not None else fr(call("TR_RATE", "kdv.general_rate", when))
    expected = gv + igv_ + otv_ + ad_ + kkdf + half_up(base * kdv_rate)
    args = (value_, "USD", fx, duty, igv, otv, ad, other, kdv, payment, when)
    assert call("TR_IMPORT_TAXES", *args) == expected
