"""The workbook being computed: input values, formula cells, ranges, and the indexes behind lookups.

Cells are computed on demand and remembered; a cell met again while it is being
computed is a circular reference (#REF! naming it), never a hang.  A range
reaches only as far as the sheet's used area — beyond it every cell is blank, so
`SUM(A:A)` costs what the data costs, not a million cells.

Depth (issue 22.6): a cell computes the cells it needs first, recursively, but never more than
MAX_DEPTH deep. Past it the cell still needed is handed back (`_TooDeep`) to `Book.compute`, which
keeps its own list of cells to finish — so a chain of 100,000 cells, each needing the next, computes
with no recursion limit and no big stack, one stretch of MAX_DEPTH cells at a time.

Budgets checked while computing (issue 22.3/22.4): a range is read as a grid only up to
TRCALC_MAX_AREA_CELLS cells (the used rows × its columns: `SUM(1:1048576)` on a sheet with one cell
far out is refused before any list is made), all the ranges a workbook reads add up to at most
TRCALC_MAX_CELL_READS cells (what SUMPRODUCT over big ranges in every row costs), and the request's
deadline (calc.deadline) is checked at every formula cell.
"""
from __future__ import annotations

from bisect import bisect_right

from . import budgets
from .bridge import deadline
from .values import Err, cell_key

_MISSING = object()


def coordinate(r: int, c: int) -> str:
    """A1 spelling of a cell."""
    from openpyxl.utils import get_column_letter
    return f"{get_column_letter(c)}{r}"


MAX_DEPTH = 60           # cells computing inside each other before the rest is handed back


class _TooDeep(BaseException):
    """A cell to compute before the one in progress (a BaseException: no `except Exception` of a
    function on the way stops it)."""

    def __init__(self, key, sheet, row, col):
        self.key, self.sheet, self.row, self.col = key, sheet, row, col


class OverBudget(BaseException):
    """A workbook budget ran out while computing; `error` is the WorkbookLimitError to report."""

    def __init__(self, error):
        self.error = error


class Sheet:
    def __init__(self, index: int, name: str):
        self.index, self.name = index, name
        self.values: dict[tuple[int, int], object] = {}
        self.formulas: dict[tuple[int, int], object] = {}     # (r, c) → Cell
        self.max_row = self.max_col = 0


class Rng:
    """A rectangular reference, materialised only as far as the used area."""
    __slots__ = ("book", "sheet", "r1", "c1", "r2", "c2")

    def __init__(self, book, sheet: Sheet, r1, c1, r2, c2):
        self.book, self.sheet, self.r1, self.c1, self.r2, self.c2 = book, sheet, r1, c1, r2, c2

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1

    @property
    def size(self) -> int:
        h, w = self.shape
        return h * w

    def used_rows(self) -> int:
        return max(0, min(self.r2, self.sheet.max_row) - self.r1 + 1)

    def read(self, width: int | None = None) -> None:
        """Count reading this range (its used rows × `width` columns, by default its own) against the
        budgets, before it is read."""
        cells = self.used_rows() * (self.c2 - self.c1 + 1 if width is None else width)
        self.book.charge(cells, self)

    def rows(self) -> list[list]:
        """Values row by row, up to the used area."""
        self.read()
        get, s, check = self.book.get, self.sheet, deadline.check
        last_c = min(self.c2, max(self.sheet.max_col, self.c1))
        out = []
        for r in range(self.r1, min(self.r2, s.max_row) + 1):
            if not r & 1023:
                check()                       # a long read: the time limit, and a turn for other requests
            out.append([get(s, r, c) for c in range(self.c1, last_c + 1)] + [None] * (self.c2 - last_c))
        return out

    def flat(self) -> list:
        """Values of a one-column or one-row range (or row-major), up to the used area."""
        get, s = self.book.get, self.sheet
        if self.c1 == self.c2:
            c = self.c1
            self.read(1)
            if self.used_rows() > 4096:
                deadline.check()
            return [get(s, r, c) for r in range(self.r1, min(self.r2, s.max_row) + 1)]
        return [v for row in self.rows() for v in row]

    def values(self) -> list:
        """The values inside the used area, row by row, no blanks added (SUM, COUNT…: where a cell is
        does not matter, so `SUM(1:1048576)` reads the used area only)."""
        s = self.sheet
        last_c = min(self.c2, s.max_col)
        if last_c < self.c1:
            return []
        self.read(last_c - self.c1 + 1)
        get = self.book.get
        return [get(s, r, c) for r in range(self.r1, min(self.r2, s.max_row) + 1) for c in range(self.c1, last_c + 1)]

    def cell(self, i: int, j: int):
        return self.book.get(self.sheet, self.r1 + i, self.c1 + j)

    def key(self) -> tuple:
        return (self.sheet.index, self.r1, self.c1, self.r2, self.c2)


class Book:
    def __init__(self, overrides: dict | None = None):
        self.sheets: list[Sheet] = []
        self.by_name: dict[str, Sheet] = {}
        self.names: dict[str, tuple[Sheet, tuple]] = {}
        self.overrides = overrides or {}
        self.done: dict[tuple[int, int, int], object] = {}
        self.active: set = set()
        self.memo: dict = {}
        self.columns: dict = {}              # a column range read whole by an array formula → its values
        self.cycles = 0                      # circular references met (while 0, a value read is final)
        self.calls = 0                  # registry calls made (a column's call counts once): bench/
        self.reads = 0                       # cells read through ranges so far (TRCALC_MAX_CELL_READS)
        self.max_reads = budgets.value("cell_reads")
        self.max_area = budgets.value("area_cells")

    def charge(self, cells: int, rng=None) -> None:
        """Count `cells` read through one range; over a budget the workbook stops (OverBudget)."""
        where = f"{rng.sheet.name}" if rng is not None else ""
        if cells > self.max_area:
            raise OverBudget(budgets.refusal("area_cells", cells, where))
        self.reads += cells
        if self.reads > self.max_reads:
            raise OverBudget(budgets.refusal("cell_reads", self.reads, where))

    def compute(self, s: Sheet, r: int, c: int):
        """The value of one cell, computed without deep recursion (see the module's docstring)."""
        todo = [(s, r, c)]
        waiting: set = set()
        while todo:
            s1, r1, c1 = todo[-1]
            try:
                self.get(s1, r1, c1)
            except _TooDeep as deep:
                if deep.key in waiting:              # it needs itself, round a long loop: circular
                    self.cycles += 1
                    where = coordinate(deep.row, deep.col)
                    self.done[deep.key] = Err("#REF!", f"döngüsel başvuru ({deep.sheet.name}!{where}) — "
                                                       f"circular reference ({deep.sheet.name}!{where})")
                else:
                    waiting.add(deep.key)
                    todo.append((deep.sheet, deep.row, deep.col))
                continue
            waiting.discard((s1.index, r1, c1))
            todo.pop()
        return self.done.get((s.index, r, c), s.values.get((r, c)))

    def add_sheet(self, name: str) -> Sheet:
        s = Sheet(len(self.sheets), name)
        self.sheets.append(s)
        self.by_name[name.casefold()] = s
        return s

    def sheet(self, name: str) -> Sheet | None:
        return self.by_name.get(name.casefold())

    def get(self, s: Sheet, r: int, c: int):
        k = (s.index, r, c)
        v = self.done.get(k, _MISSING)
        if v is not _MISSING:
            return v
        cell = s.formulas.get((r, c))
        if cell is None:
            return s.values.get((r, c))
        if k in self.active:
            self.cycles += 1
            where = coordinate(r, c)
            return Err("#REF!", f"döngüsel başvuru ({s.name}!{where}) — circular reference ({s.name}!{where})")
        if len(self.active) >= MAX_DEPTH:
            raise _TooDeep(k, s, r, c)
        deadline.check()
        self.active.add(k)
        try:
            v = cell.evaluate(self, s, r, c)
        finally:
            self.active.discard(k)
        self.done[k] = v
        return v

    # --- indexes for exact-criteria lookups (SUMIFS / COUNTIFS / MATCH) --------------------

    def prefix_index(self, sum_rng: Rng | None, crit: list[Rng]) -> "PrefixIndex":
        """One index per column set and start row; extended row by row as far as a query needs,
        so a running total over the rows above (A$5:A{r-1}) never reads the rows below."""
        k = ("prefix", sum_rng and (sum_rng.sheet.index, sum_rng.c1, sum_rng.r1),
             tuple((c.sheet.index, c.c1, c.r1) for c in crit))
        ix = self.memo.get(k)
        if ix is None:
            ix = self.memo[k] = PrefixIndex(self, sum_rng, crit)
        return ix

    def sorted_index(self, sum_rng, exact: list, bound_rng) -> "SortedIndex":
        k = ("sorted", sum_rng and sum_rng.key(), tuple(c.key() for c in exact), bound_rng.key())
        ix = self.memo.get(k)
        if ix is None:
            ix = self.memo[k] = SortedIndex(self, sum_rng, exact, bound_rng)
        return ix

    def match_index(self, rng: Rng) -> dict:
        k = ("match", rng.key())
        ix = self.memo.get(k)
        if ix is None:
            ix = {}
            for i, v in enumerate(rng.flat()):
                if v is None or isinstance(v, Err):
                    continue
                mk = _match_key(v)
                ix.setdefault(mk, i)
            self.memo[k] = ix
        return ix


class SortedIndex:
    """SUMIFS/COUNTIFS with exact criteria and one numeric bound (`"<"&date`) over whole ranges:
    per exact key, the bound column's numbers sorted, with running sums — a query is a bisection."""

    def __init__(self, book: Book, sum_rng, exact: list, bound_rng):
        from bisect import bisect_left
        self._left = bisect_left
        get = book.get
        groups: dict = {}
        cols = [(c.sheet, c.c1) for c in exact]
        bs, bc = bound_rng.sheet, bound_rng.c1
        ss, sc = (sum_rng.sheet, sum_rng.c1) if sum_rng is not None else (None, None)
        r1 = bound_rng.r1
        for r in range(r1, min(bound_rng.r2, bs.max_row) + 1):
            b = get(bs, r, bc)
            if type(b) is not float:
                continue
            k = tuple(cell_key(get(s, r, c)) for s, c in cols)
            v = get(ss, r, sc) if ss is not None else 0.0
            groups.setdefault(k, []).append((b, v))
        self.groups = {}
        for k, pairs in groups.items():
            pairs.sort(key=lambda p: p[0])
            xs = [b for b, _ in pairs]
            vals = [v for _, v in pairs]
            sums, total = [], 0.0
            for v in vals:
                t = type(v)
                if t is float:
                    total += v
                sums.append(total)
            bad = any(type(v) is Err for v in vals)
            self.groups[k] = (xs, sums, vals if bad else None)

    def query(self, key: tuple, op: str, x: float):
        g = self.groups.get(key)
        if not g:
            return 0.0, 0
        xs, sums, vals = g
        if op in ("<", "<="):
            lo, hi = 0, (self._left(xs, x) if op == "<" else bisect_right(xs, x))
        else:
            lo, hi = (bisect_right(xs, x) if op == ">" else self._left(xs, x)), len(xs)
        if hi <= lo:
            return 0.0, 0
        if vals is not None:                       # an error among the matching rows shows
            bad = next((v for v in vals[lo:hi] if type(v) is Err), None)
            if bad is not None:
                return bad, hi - lo
        return sums[hi - 1] - (sums[lo - 1] if lo else 0.0), hi - lo


def _match_key(v):
    t = type(v)
    if t is str:
        return ("s", v.casefold())
    if t is bool:
        return ("b", v)
    return ("n", float(v))


def match_key(v):
    return _match_key(v)


class PrefixIndex:
    """For key → rows (ascending) with running sums and counts of the sum column."""

    def __init__(self, book: Book, sum_rng: Rng | None, crit: list[Rng]):
        self.book, self.sum_rng, self.crit = book, sum_rng, crit
        self.r1 = crit[0].r1
        self.upto = self.r1 - 1
        self.groups: dict[tuple, tuple[list, list]] = {}       # key → (rows, running sums)

    def extend(self, end: int) -> None:
        end = min(end, max((c.sheet.max_row for c in self.crit), default=0))
        if end <= self.upto:
            return
        get = self.book.get
        offs = [(c.sheet, c.c1) for c in self.crit]
        ss, sc = (self.sum_rng.sheet, self.sum_rng.c1) if self.sum_rng else (None, None)
        groups = self.groups
        for r in range(self.upto + 1, end + 1):
            k = tuple(cell_key(get(s, r, c)) for s, c in offs)
            g = groups.get(k)
            if g is None:
                g = groups[k] = ([], [])
            total = g[1][-1] if g[1] else 0.0
            if ss is not None and not isinstance(total, Err):
                v = get(ss, r, sc)
                t = type(v)
                if t is float:
                    total = total + v
                elif t is Err:
                    total = v
                elif t is int:
                    total = total + v
            g[0].append(r)
            g[1].append(total)
            self.upto = r
        self.upto = max(self.upto, end)

    def query(self, key: tuple, end: int):
        """(sum, count) over rows r1..end whose key matches."""
        self.extend(end)
        g = self.groups.get(key)
        if not g:
            return 0.0, 0
        n = bisect_right(g[0], end)
        if n == 0:
            return 0.0, 0
        return g[1][n - 1], n
