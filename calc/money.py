"""Money: `Decimal` end to end, rounded half-up to the kuruş once per assessed amount.

Turkish practice (and the law on rounding of tax amounts) rounds half a kuruş
and above up.  Intermediate values keep full precision (Python's 28
significant digits, far beyond any amount below the 10^15 input limit times a
rate); only an amount that is assessed (a tax, a levy, a support payable) goes
through `round_money`.

>>> round_money(Decimal("0.005"))
Decimal('0.01')
>>> fmt(Decimal("150000"))
'150.000,00'
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

KURUS = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
# For the rounding itself: wide enough that quantizing never raises on a large amount.
_CTX = Context(prec=60, rounding=ROUND_HALF_UP)


def round_money(x: Decimal) -> Decimal:
    return x.quantize(KURUS, rounding=ROUND_HALF_UP, context=_CTX)


def floor_money(x: Decimal) -> Decimal:
    """Down to the kuruş: for a ceiling that must never be exceeded by rounding."""
    return x.quantize(KURUS, rounding=ROUND_DOWN, context=_CTX)


def fmt(x: Decimal, places: int = 2) -> str:
    """Turkish number format: thousands '.' and decimal ','."""
    q = Decimal(1).scaleb(-places) if places else Decimal(1)
    s = f"{x.quantize(q, rounding=ROUND_HALF_UP, context=_CTX):,.{places}f}"
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
