"""One formatting rule for every breakdown (`_DETAIL` table) on every Turkish surface.

The amount column of a breakdown holds plain values (a Decimal, a code, a date); how a
person reads them depends on what they are, and the row's own label and formula say so:

- a number the formula writes plainly (a year: 2025) stays as written;
- a rate the formula writes as a percentage ("× %20") is shown the same way: %20;
- an amount with at most two decimals in a row that speaks of money — a currency sign
  (€, TL, $, £) or a money figure ("50.000,00") in its formula, or a label that names an
  amount, value, price, base or tax (tutar, değer, bedel, matrah, vergi, destek, sınır) —
  or any assessed amount (exactly two decimals, as rounding to the kuruş leaves it), is
  money: thousands separators and two decimals, 1.234,50;
- any other whole number is a count: 5.000; other numbers keep their decimals: 36,1234;
- a date is dd.mm.yyyy, a yes/no is Evet/Hayır, a code stays as it is.

>>> amount_text(Decimal("0.5"), "1.000,00 € × %50")
'%50'
>>> amount_text(Decimal("60"), "60,00 €")
'60,00'
>>> amount_text(Decimal("500000.0"), "50.000 × 10,00 TL")
'500.000,00'
>>> amount_text(Decimal("1200000"), "adet")
'1.200.000'
>>> amount_text(Decimal("5000"), "50.000,00 × %10", "Vergi tutarı (döviz)")
'5.000,00'
>>> amount_text(Decimal("36.1234"), "36,1234 TL", "Kur (TL/€)")
'36,1234'
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .money import fmt, fmt_num, fmt_rate

MONEY_SIGNS = ("€", "TL", "$", "£", "₺")
MONEY_WORDS = ("tutar", "değer", "bedel", "matrah", "vergi", "destek", "sınır", "maliyet", "cif", "fob")
_MONEY_FIGURE = re.compile(r"\d,\d{2}(?!\d)")


def _places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _speaks_of_money(formula: str, label: str) -> bool:
    low = label.casefold()
    return (any(s in formula for s in MONEY_SIGNS) or bool(_MONEY_FIGURE.search(formula))
            or any(w in low for w in MONEY_WORDS))


def amount_text(value, formula: str = "", label: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, Decimal) or not value.is_finite():
        return str(value)
    formula = str(formula or "")
    if formula.strip() == str(value):             # a year, a code number: as the formula writes it
        return formula.strip()
    if value <= 1 and value >= 0 and "%" in formula and fmt_rate(value) in formula:
        return fmt_rate(value)
    if value.as_tuple().exponent == -2 or (_places(value) <= 2 and _speaks_of_money(formula, str(label or ""))):
        return fmt(value, 2)
    if value == value.to_integral_value():
        return fmt(value, 0)
    return fmt_num(value)


def breakdown_text(table: list[list]) -> list[list[str]]:
    """The table with every cell as text: the header as is, each amount by the rule above."""
    if not table:
        return []
    out = [[str(c) for c in table[0]]]
    for row in table[1:]:
        label, formula, amount = (list(row) + ["", "", ""])[:3]
        out.append([str(label), "" if formula is None else str(formula), amount_text(amount, formula, label)])
    return out
