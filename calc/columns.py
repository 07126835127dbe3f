"""Functions of a whole column: what a row's value needs from the rows before it, in one call.

The templates allocate imports to exports first in, first out (DİR: each export line takes its input
from the oldest imports left; the e-export ledger: an expense gets what the year's cap leaves after the
expenses dated before it).  Per row that is "the sum of the same group's rows that come before this
one" — written per row as SUMIFS over the whole table, every row scans every row: a 10,000-line table is
10⁸ comparisons in Excel and LibreOffice, which have no index (issue 23.1).  TR_RUNNING_SUM computes
the column at once: the rows sorted by group and order, one running total (n log n), one call.

Rows are ordered by `order` (a date serial in the templates), then by their position in the column:
the row above comes first on the same date, as the accountant reads the table.  The group is compared
as SUMIFS compares a criterion with a cell without wildcards: text without regard to case, a number
and the same number written as text alike.

>>> from trcalc.calc.registry import call_many
>>> [float(v) for v in call_many("TR_RUNNING_SUM", [["A", "B", "a", "A"], [3, 1, 1, 3], [10, 20, 30, 40]])]
[30.0, 0.0, 0.0, 40.0]

TR_GROUP_FIRST gives each row its group's first value (the e-export ledger's first expense date of a
support and market, where its 3-year window starts):

>>> [float(v) for v in call_many("TR_GROUP_FIRST", [["A", "B", "a"], [3, 1, 2], [45000, 45001, 45002]])]
[45002.0, 45001.0, 45002.0]
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .coerce import to_number
from .dates import to_date, to_serial
from .errors import CalcError
from .registry import Arg, function, kind


def _group(value, arg):
    """A group key: text without case, a number as its shortest text (5205 and "5205" alike)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not d.is_finite():
            return str(value).casefold()
        return format(d.normalize(), "f") if d == d.to_integral_value() else format(d.normalize(), "f")
    return str(value).strip().casefold()


def _amount(value, arg):
    """A quantity to add: a number (also written as text); anything else (a text such as "norm yok")
    adds nothing, as in SUMIFS."""
    if isinstance(value, bool):
        return Decimal(0)
    try:
        return to_number(value, arg)
    except CalcError:
        return Decimal(0)


def _order(value, arg):
    """An order value: a number, or a date — a date cell (xlwings gives a date) or a date written as
    text — as its serial."""
    if isinstance(value, str) and not _NUMBER.match(value.strip()):
        value = to_date(value, arg)
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return Decimal(to_serial(day))
    return to_number(value, arg)


def _value(value, arg):
    """A value to hand back: a number (also written as text), a date, else the text itself."""
    if isinstance(value, (bool, dt.date, dt.datetime)):
        return value
    try:
        number = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
    except (TypeError, ValueError):
        number = None
    if number is not None:
        if not number.is_finite():
            raise CalcError("invalid", f"sonlu bir sayı değil ({value!r})", f"not a finite number ({value!r})", arg)
        return number
    try:
        return to_date(value, arg)
    except CalcError:
        return value


_NUMBER = re.compile(r"^[+-]?[\d.,]+([eE][+-]?\d+)?$")


kind("group", _group, "any")
kind("amount", _amount, "any")
kind("order", _order, "any")
kind("value", _value, "any")


@function("TR_RUNNING_SUM", topic="columns", result="number", column=True,
          summary_tr="Aynı gruptaki önceki satırların toplamı (sıra değerine, eşitse satır sırasına göre; "
                     "ilk giren ilk çıkar): sütun başına tek çağrı",
          summary_en="the sum over the rows of the same group that come before this one (by order value, "
                     "then row position; first in, first out): one call per column",
          args=[Arg("group", "group", "Grup (girdi adı, destek…): aynı gruptaki satırlar toplanır",
                    "group (input name, support…): rows of the same group are added"),
                Arg("order", "order", "Sıra değeri (tarih): küçük olan önce gelir",
                    "order value (a date): the smaller comes first"),
                Arg("amount", "amount", "Eklenecek miktar (boş ya da sayı değilse 0)",
                    "the amount to add (0 when empty or not a number)", optional=True)])
def running_sum(rows):
    out: list = [None] * len(rows)
    keyed = []
    for i, row in enumerate(rows):
        if row is None:
            continue
        group, order, _ = row
        if group is None or order is None:
            out[i] = CalcError("missing", "grup ya da sıra boş", "the group or the order is empty")
            continue
        keyed.append((group, order, i))
    keyed.sort()
    totals: dict = {}
    for group, _, i in keyed:
        before = totals.get(group, Decimal(0))
        out[i] = before
        totals[group] = before + (rows[i][2] or Decimal(0))
    return out


@function("TR_GROUP_FIRST", topic="columns", result="any", column=True,
          summary_tr="Grubun ilk satırının değeri (sıra değerine, eşitse satır sırasına göre): sütun başına tek çağrı",
          summary_en="the value on the first row of the group (by order value, then row position): one call "
                     "per column",
          args=[Arg("group", "group", "Grup (destek ve pazaryeri…)", "group (support and market…)"),
                Arg("order", "order", "Sıra değeri (tarih): küçük olan önce gelir",
                    "order value (a date): the smaller comes first"),
                Arg("value", "value", "Grubun ilk satırından alınacak değer", "the value taken from the group's "
                    "first row")])
def group_first(rows):
    first: dict = {}
    for row in rows:
        if row is None:
            continue
        group, order, value = row
        best = first.get(group)
        if best is None or order < best[0]:
            first[group] = (order, value)
    return [first[row[0]][1] if row is not None else None for row in rows]
