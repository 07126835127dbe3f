"""The numeric domain: what trcalc computes on, in one place (README "Numbers and their limits").

These are sanity limits, not legal figures: an amount of 10^15 lira or a
quantity of 10^-12 is a typing accident, and computing on it would only give a
number nobody can check (or an arithmetic fault).  Every argument is read
against them (`calc.coerce`), every money result is checked against them when
it is rounded (`calc.money`), and every computation runs in `CALC`, a Decimal
context wide enough that sums and products of numbers inside the limits are
exact (so the one rounding of an assessed amount is the only one), with any
remaining arithmetic fault turned into a `CalcError` by the registry.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

# Any number read, and any money result, is below this in magnitude.
LIMIT = Decimal("1e15")
LIMIT_TEXT = "10^15"
# A non-zero number read is at least this in magnitude (and so is the share 1 − waste rate).
SMALLEST = Decimal("1e-9")
SMALLEST_TEXT = "10^-9"
# Significant digits of a number read (a float's text has at most 17).
MAX_DIGITS = 20

# The context every calculation runs in.  A number read has at most MAX_DIGITS digits
# between 10^-9 and 10^15 (24 places apart), so a sum of a few has under 50 digits and the
# products the formulas form (a sum × a rate × a rate of exchange …) stay under PREC: exact.
# Quotients are the only inexact operations; an assessed amount built on one is rounded
# exactly from the quotient (`money.round_quotient`), never from a cut decimal.
PREC = 160
CALC = Context(prec=PREC, rounding=ROUND_HALF_EVEN, Emax=9999, Emin=-9999,
               traps=[InvalidOperation, DivisionByZero, Overflow])
