"""The fast path for the templates' own tables.

The `formulas` engine dispatches every cell through its own graph: about 35 s
for a 1,000-line DİR workbook.  A workbook whose formulas are exactly those of
one of our templates (same kind, same table sizes, every formula cell equal to
what the builder writes) is computed here instead: each formula column has a
Python twin written beside its Excel pattern in `templates.build`, evaluated
row by row through the registry, with the lookups (SUMIFS, MINIFS, INDEX/MATCH)
done once as indexes.  Any other workbook — an edited formula, an extra row,
a foreign file — goes through the `formulas` engine.  A test computes every
example both ways and compares every cell.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from calc.dates import from_serial
from calc.errors import CalcError
from calc.registry import get


@dataclass(frozen=True)
class Err:
    """An Excel error value in a cell, with the message when we have one."""
    code: str
    message: str


class Table:
    """One template table's values: t[key][row] (row 0 is the first data row)."""

    def __init__(self, sheet: str, cols, rows: int):
        self.sheet, self.cols, self.rows = sheet, cols, rows
        self.values: dict[str, list] = {c.key: [None] * rows for c in cols}

    def __getitem__(self, key: str) -> list:
        return self.values[key]


class Env:
    """What a twin sees: every table, single cells, the workbook's overrides, memo space."""

    def __init__(self, tables: dict[str, Table], overrides: dict, wb=None):
        self.tables = tables
        self.overrides = overrides
        self.wb = wb
        self.memo: dict = {}
        self.computed: dict[tuple[str, str], object] = {}

    def cell(self, sheet: str, coord: str):
        """A single cell outside the tables: computed already, or the workbook's input."""
        if (sheet, coord) in self.computed:
            return self.computed[(sheet, coord)]
        return self.wb[sheet][coord].value

    def reg(self, name: str, *args):
        """A registry call as a cell makes it: an error in an input propagates."""
        for a in args:
            if isinstance(a, Err):
                return a
        fn = get(name)
        try:
            return fn.run(fn.read_args([None if a == "" else a for a in args]), self.overrides)
        except CalcError as exc:
            return Err("#VALUE!", exc.message)

    def once(self, key, build):
        """An index built the first time a twin asks for it."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]


def blank(x) -> bool:
    return x is None or x == ""


def n(x):
    """Excel's N(): numbers stay, everything else is 0."""
    if isinstance(x, bool):
        return int(x)
    return x if isinstance(x, (int, float, Decimal)) else 0


def as_date(x) -> dt.date | None:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return from_serial(int(x))
    return None


def key(x):
    """Criteria matching as SUMIFS does it: text without case, numbers by value."""
    if isinstance(x, str):
        return x.casefold()
    if isinstance(x, (dt.date, dt.datetime)):
        return as_date(x)
    return x


def num(x) -> float:
    """A cell's number as Excel adds it: a double; text and blanks count 0."""
    if isinstance(x, (int, float, Decimal)) and not isinstance(x, bool):
        return float(x)
    return 0.0


def first_error(*xs):
    return next((x for x in xs if isinstance(x, Err)), None)


def group_sum(table: Table, keys: tuple[str, ...], value_key: str) -> dict:
    """{criteria tuple: (count, sum or the first error)} — SUMIFS/COUNTIFS for every row at once."""
    out: dict = {}
    for r in range(table.rows):
        k = tuple(key(table[c][r]) for c in keys)
        count, total = out.get(k, (0, 0.0))
        v = table[value_key][r]
        if isinstance(total, Err):
            pass
        elif isinstance(v, Err):
            total = v
        else:
            total = total + num(v)
        out[k] = (count + 1, total)
    return out
