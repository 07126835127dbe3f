"""What an Excel cell gets back from trcalc, for every add-in that runs calc in-process.

Results go back as Excel holds them: Decimal as float, a date as a datetime
(xlwings turns it into a date serial), nothing as an empty string, a `_DETAIL`
table as a 2-D list that spills.

One semantics on every path (issue 23.4):
- a range argument is one column or one row; the result keeps its orientation (a
  column in, a column out; a 1×N row in, a 1×N row out);
- a `_DETAIL` function given a range is refused with a message (a table per row
  cannot spill into one cell);
- a failing single call and a failing row are both a real Excel error value, so
  SUM over the column propagates it; each host writes that value its own way
  (xlwings: a COM error variant; Office.js: CustomFunctions.Error; xlwings Lite:
  the text "#VALUE!", which its officejs converter turns into an error value).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .errors import CalcError

COLUMN, ROW = "column", "row"


def to_excel(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, list):
        return [[to_excel(c) for c in row] for row in value]
    if value is None:
        return ""
    return value


def error_text(message: str) -> str:
    return "#" + " ".join(str(message).split())


def shape(value) -> str | None:
    """COLUMN or ROW for a range argument (a 1-D list is a column), None for a single value."""
    if not isinstance(value, (list, tuple)):
        return None
    if value and all(isinstance(v, (list, tuple)) for v in value):
        if len(value) == 1 and len(value[0]) != 1:
            return ROW
        return COLUMN
    return COLUMN


def column(value):
    """A range argument as a flat list (one column or one row); a scalar stays."""
    if not isinstance(value, (list, tuple)):
        return value
    if value and all(isinstance(v, (list, tuple)) for v in value):
        if all(len(v) == 1 for v in value):
            return [v[0] for v in value]
        if len(value) == 1:
            return list(value[0])
        raise CalcError("invalid", "tek sütun ya da tek satır bekleniyordu",
                        "expected a single column or row")
    return list(value)


def orientation(args) -> str:
    """The result's orientation for the arguments as Excel gave them: ROW only when every range
    argument is a 1×N row, COLUMN otherwise (a column, or rows and columns mixed)."""
    shapes = {s for s in (shape(a) for a in args) if s}
    return ROW if shapes == {ROW} else COLUMN


def orient(cells: list, how: str) -> list[list]:
    """One value per row as a spilling range: N×1 for a column, 1×N for a row."""
    return [list(cells)] if how == ROW else [[c] for c in cells]


def refuse_detail_range(fn) -> None:
    """A `_DETAIL` table per row cannot go into one cell: refused, naming the function."""
    if fn.detail_of:
        raise CalcError(
            "invalid",
            f"{fn.name} bir tablo döndürür: aralık değil tek bir satırın değerlerini verin "
            f"(sütun hâlinde hesap için {fn.detail_of} kullanın)",
            f"{fn.name} returns a table: give one row's values, not a range "
            f"(use {fn.detail_of} for a whole column)")
