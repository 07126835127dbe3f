"""What an Excel cell gets back from trcalc, for every add-in that runs calc in-process.

Results go back as Excel holds them: Decimal as float, a date as a datetime
(xlwings turns it into a date serial), nothing as an empty string, a `_DETAIL`
table as a 2-D list that spills.  An error is one line of text starting with
"#", Turkish then English, since an array result cannot carry a real Excel error
per row.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .errors import CalcError


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
