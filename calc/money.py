"""Money: `Decimal` end to end, rounded half-up to the kuruş once per assessed amount.

Turkish practice (and the law on rounding of tax amounts) rounds half a kuruş
and above up.  Every calculation runs in `numeric.CALC`, where sums and
products of numbers inside the limits are exact; only an amount that is
assessed (a tax, a levy, a support payable) is rounded, once: `round_money`
for an exact sum or product, `round_quotient` for one that divides (a
quotient's decimals never end, so it is rounded from the exact fraction).
The result of any money function therefore equals exact rational arithmetic
rounded once, half-up (tests/test_exact_money.py checks this against
`fractions.Fraction`).

>>> round_money(Decimal("0.005"))
Decimal('0.01')
>>> round_quotient(Decimal("68554.75") * Decimal("0.045") * 40, 30)   # 4113.285: up
Decimal('4113.29')
>>> fmt(Decimal("150000"))
'150.000,00'
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from .errors import CalcError
from .numeric import LIMIT, LIMIT_TEXT

KURUS = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
# For rounding and formatting: wide enough for any intermediate value the limits allow
# (10^15 × 10^15 ÷ 10^-9 … stays far below 10^200).
_CTX = Context(prec=400, rounding=ROUND_HALF_UP, Emax=9999, Emin=-9999)


_LIMIT_INT = int(LIMIT)


def _check(x) -> None:
    if (x.copy_abs() if isinstance(x, Decimal) else abs(x)) >= LIMIT:
        shown = f"{Decimal(x.numerator) / x.denominator if isinstance(x, Fraction) else x:.6E}"
        raise CalcError("out_of_range", f"sonuç {LIMIT_TEXT} sınırını aşıyor ({shown})",
                        f"the result exceeds the {LIMIT_TEXT} limit ({shown})")


def round_money(x: Decimal) -> Decimal:
    """An assessed amount, half-up to the kuruş; a CalcError above the result limit."""
    _check(x)
    return x.quantize(KURUS, rounding=ROUND_HALF_UP, context=_CTX) + ZERO     # + 0: no -0.00


def round_quotient(numerator: Decimal, denominator: Decimal | int) -> Decimal:
    """numerator ÷ denominator, rounded half-up to the kuruş from the exact fraction.

    Use it for an assessed amount whose formula divides: 4113.285 stays 4113.285 and
    rounds up, where a quotient cut to any number of decimals (4113.28499…) would not.
    """
    n1, d1 = numerator.as_integer_ratio()
    n2, d2 = Decimal(denominator).as_integer_ratio()
    num, den = n1 * d2, d1 * n2                # exact: (n1/d1) ÷ (n2/d2)
    if den < 0:
        num, den = -num, -den
    if abs(num) >= _LIMIT_INT * den:
        _check(Fraction(num, den))
    kurus, rest = divmod(abs(num) * 100, den)
    if 2 * rest >= den:
        kurus += 1
    return Decimal(-kurus if num < 0 else kurus).scaleb(-2, _CTX)


def floor_money(x: Decimal) -> Decimal:
    """Down to the kuruş: for a ceiling that must never be exceeded by rounding."""
    _check(x)
    return x.quantize(KURUS, rounding=ROUND_DOWN, context=_CTX) + ZERO


def fmt(x: Decimal, places: int = 2) -> str:
    """Turkish number format: thousands '.' and decimal ','."""
    q = Decimal(1).scaleb(-places) if places else Decimal(1)
    s = f"{x.quantize(q, rounding=ROUND_HALF_UP, context=_CTX):,.{places}f}"
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]                                   # -0,00 → 0,00
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_num(x: Decimal) -> str:
    """A quantity or unit value in Turkish format, without padding zeros."""
    exp = x.normalize(_CTX).as_tuple().exponent
    return fmt(x, min(-exp, 6) if exp < 0 else 0)


def fmt_rate(r: Decimal) -> str:
    """A rate as a Turkish percentage: 0.2 → '%20', 0.045 → '%4,5'."""
    p = (r * HUNDRED).normalize(_CTX)
    places = max(0, -p.as_tuple().exponent)
    return "%" + fmt(p, min(places, 6))
