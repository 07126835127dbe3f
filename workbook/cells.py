"""Formula cells and the compiler that gives each one its closure.

Every formula is read once into a relative (R1C1) pattern (`formula.py`); each distinct pattern is
compiled once (`compile.py`) and its closure shared by every cell of the pattern.  A construct the
compiler does not know goes to the `formulas` engine for that cell alone (`fallback.py`), through one
function per pattern when its inputs map onto the pattern's references.
"""
from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from . import budgets, fallback
from .bridge import REGISTRY
from .budgets import WorkbookLimitError
from .compile import Unsupported, compile_formula
from .formula import FormulaError, Pattern, parse
from .grid import Book, Rng
from .values import Err


class Cell:
    """A formula cell: where it is, its compiled pattern (or a fixed error / fallback)."""
    __slots__ = ("row", "col", "text", "fn", "fallback")

    def __init__(self, row: int, col: int, text: str, fn, is_fallback: bool = False):
        self.row, self.col, self.text, self.fn, self.fallback = row, col, text, fn, is_fallback

    @property
    def coord(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    def evaluate(self, book, s, r, c):
        v = self.fn(book, s, r, c)
        if type(v) is Rng:
            v = v.book.get(v.sheet, v.r1, v.c1)
            return 0.0 if v is None else v
        if v is None:
            return 0.0
        return v



class ArrayCell(Cell):
    """The anchor of an array formula (issue 23.1): its one computation fills every cell of its range
    (`arrays.py`); the other cells are `MemberCell`s."""
    __slots__ = ("r2", "c2")

    def __init__(self, row: int, col: int, text: str, fn, r2: int, c2: int, is_fallback: bool = False):
        super().__init__(row, col, text, fn, is_fallback)
        self.r2, self.c2 = r2, c2

    def evaluate(self, book, s, r, c):
        from .arrays import Arr, as_column, cell_value
        v = self.fn(book, s, r, c)
        v = as_column(v) if type(v) is Rng else v
        h = self.r2 - r + 1
        if type(v) is Arr:
            items = [cell_value(x) for x in v[:h]] + [Err("#N/A")] * (h - len(v))
        else:                                   # one value fills the range (Excel's array formula)
            items = [cell_value(v)] * h
        done, i = book.done, s.index
        if self.c2 == c:                        # one column (the templates' case): its cells at once
            done.update(zip([(i, r + dr, c) for dr in range(1, h)], items[1:]))
            return items[0]
        for dr in range(h):
            for dc in range(self.c2 - c + 1):
                if dr or dc:
                    done[(i, r + dr, c + dc)] = items[dr]
        return items[0]


class MemberCell:
    """The cells inside an array formula's range (one object for all of them): their values come from
    the anchor's computation."""
    __slots__ = ("anchor", "fallback")

    def __init__(self, anchor: tuple[int, int]):
        self.anchor, self.fallback = anchor, False

    def evaluate(self, book, s, r, c):
        book.get(s, *self.anchor)
        return book.done.get((s.index, r, c), Err("#N/A"))


class Compiler:
    """Patterns → closures, each compiled once; cells the compiler does not know → `formulas`, alone."""

    def __init__(self, book: Book, mode: str):
        self.book, self.mode = book, mode
        self.compiled: dict = {}
        self.shared: dict = {}              # pattern → one `formulas` function for all its cells
        self.fallbacks = 0

    def fixed(self, err: Err):
        return lambda b, s, r, c: err

    def cell(self, sheet_name: str, text: str, pattern: Pattern | None, error: FormulaError | None,
             row: int, col: int) -> Cell:
        if error is None and self.mode != "formulas":
            hit = self.compiled.get(pattern.key)
            if hit is not None and hit != "fallback" and not isinstance(hit, FormulaError):
                return Cell(row, col, text, hit)                 # the common case: a known pattern
        where = f"{sheet_name}!{get_column_letter(col)}{row}"
        coord = (row, col)
        if text is None:                   # a shared formula's cell: its own text only when needed
            text = pattern.render(row, col)
        if error is not None:
            return Cell(*coord, text, self.fixed(Err("#NAME?" if not error.unsafe else "#REF!",
                                                     f"{where}: {error.message}")))
        fn = None
        if self.mode != "formulas":
            hit = self.compiled.get(pattern.key)
            if hit is None:
                try:
                    node = parse(pattern)
                    hit = compile_formula(node, self.book)
                    _check_ranges(node, pattern, row, col, where)
                except FormulaError as exc:
                    hit = exc
                except Unsupported:
                    hit = "fallback"
                self.compiled[pattern.key] = hit
            if isinstance(hit, FormulaError):
                return Cell(*coord, text, self.fixed(Err("#NAME?" if not hit.unsafe else "#REF!",
                                                         f"{where}: {hit.message}")))
            if hit != "fallback":
                fn = hit
        if fn is None:
            fn = self._fallback(text, pattern, row, col, where, sheet_name)
            self.fallbacks += 1
            return Cell(*coord, text, fn, True)
        return Cell(*coord, text, fn)

    def array(self, sheet_name: str, text: str, pattern: Pattern | None, error: FormulaError | None,
              row: int, col: int, r2: int, c2: int) -> ArrayCell:
        """An array formula's anchor: compiled for arrays once per pattern (`arrays.compile_array`), or
        computed by the `formulas` engine (a construct arrays.py does not know)."""
        where = f"{sheet_name}!{get_column_letter(col)}{row}"
        if text is None and pattern is not None:
            text = pattern.render(row, col)
        if error is not None:
            return ArrayCell(row, col, text, self.fixed(Err("#NAME?" if not error.unsafe else "#REF!",
                                                            f"{where}: {error.message}")), r2, c2)
        key = ("array", pattern.key)
        hit = self.compiled.get(key)
        if hit is None:
            try:
                node = parse(pattern)
                _check_ranges(node, pattern, row, col, where)
                # in "formulas" mode too: the `formulas` engine computes the templates' column formulas
                # in minutes, not seconds (the independent check of every array cell is LibreOffice's,
                # tests/test_libreoffice.py); it takes what arrays.py does not know
                from .arrays import compile_array
                hit = compile_array(node, self.book)
            except FormulaError as exc:
                hit = exc
            except Unsupported:
                hit = "fallback"
            self.compiled[key] = hit
        if isinstance(hit, FormulaError):
            return ArrayCell(row, col, text, self.fixed(Err("#NAME?" if not hit.unsafe else "#REF!",
                                                            f"{where}: {hit.message}")), r2, c2)
        if hit == "fallback":
            self.fallbacks += 1
            return ArrayCell(row, col, text, self._array_fallback(text, where), r2, c2, True)
        return ArrayCell(row, col, text, hit, r2, c2)

    def _array_fallback(self, text, where):
        book = self.book
        try:
            func, inputs = fallback.compile_cell(text)
        except WorkbookLimitError:
            raise
        except Exception as exc:
            return self.fixed(Err("#NAME?", f"{where}: formül okunamadı ({type(exc).__name__}) — cannot read "
                                            f"the formula ({type(exc).__name__})"))

        def run(b, s, r, c):
            ranges = _input_ranges(book, s, inputs, where)
            if type(ranges) is Err:
                return ranges
            from .arrays import Arr
            v = fallback.evaluate(func, inputs, ranges, array=True)
            return Arr(v) if isinstance(v, list) else v
        return run

    def _fallback(self, text, pattern: Pattern, row, col, where, own: str = ""):
        shared = self.shared.get(pattern.key)
        if shared is not None:
            return shared
        try:
            node = parse(pattern)            # our parser first: unsafe or unreadable never reach the engine
            _check_ranges(node, pattern, row, col, where)
            func, inputs = fallback.compile_cell(text)
        except FormulaError as exc:
            return self.fixed(Err("#NAME?", f"{where}: {exc.message}"))
        except WorkbookLimitError:
            raise
        except Exception as exc:
            return self.fixed(Err("#NAME?", f"{where}: formül okunamadı ({type(exc).__name__}) — cannot read "
                                            f"the formula ({type(exc).__name__})"))
        book = self.book
        refs = pattern.refs
        mapping = _map_inputs(inputs, refs, row, col, own)
        if mapping is not None:
            def shared_run(b, s, r, c):
                ranges = []
                for i in mapping:
                    ref = refs[i]
                    r1, c1, r2, c2 = ref.at(r, c)
                    target = book.sheet(ref.sheet) if ref.sheet is not None else s
                    if target is None or r1 < 1 or c1 < 1:
                        return Err("#REF!")
                    ranges.append(Rng(b, target, r1, c1, r2, c2))
                return fallback.evaluate(func, inputs, ranges)
            self.shared[pattern.key] = shared_run
            return shared_run

        def run(b, s, r, c):
            ranges = _input_ranges(book, s, inputs, where)
            if type(ranges) is Err:
                return ranges
            return fallback.evaluate(func, inputs, ranges)
        return run


def _check_ranges(node, pattern: Pattern, row: int, col: int, where: str) -> None:
    """A range handed to a registry function is computed cell by cell: its size is budgeted up front."""
    if node.kind == "call":
        from .compile import function_name
        if function_name(node.value) in REGISTRY:
            for a in node.args:
                if a.kind == "ref":
                    r1, c1, r2, c2 = a.value.at(row, col)
                    budgets.check("range_cells", (r2 - r1 + 1) * (c2 - c1 + 1), where)
    for a in node.args:
        if hasattr(a, "kind"):
            _check_ranges(a, pattern, row, col, where)


def _map_inputs(inputs: list[str], refs, row: int, col: int, own: str):
    """For each input name of the compiled formula, the index of our reference it stands for
    (so the function compiled for one cell serves every cell of its pattern); None if unsure."""
    out = []
    for name in inputs:
        got = _input_area(name)
        if got is None:
            return None
        sheet, area = got
        sheet = (sheet or own).upper()
        hits = [i for i, ref in enumerate(refs) if (ref.sheet or own).upper() == sheet and ref.at(row, col) == area]
        if not hits:
            return None
        out.append(hits[0])
    return out


_INPUT = re.compile(r"^(?:'?(.+?)'?!)?\$?([A-Z]+)?\$?(\d+)?(?::\$?([A-Z]+)?\$?(\d+)?)?$")


def _input_area(name: str):
    """(sheet or None, (r1, c1, r2, c2)) of an input name of the `formulas` engine ('S'!A1:B2, A:A, 1:1),
    corners in order; None if it is not a reference."""
    from openpyxl.utils import column_index_from_string

    from .formula import MAX_COL, MAX_ROW
    m = _INPUT.match(name)
    if not m or not (m[2] or m[3]):
        return None
    c1 = column_index_from_string(m[2]) if m[2] else 1
    r1 = int(m[3]) if m[3] else 1
    if m[4] or m[5]:
        c2 = column_index_from_string(m[4]) if m[4] else MAX_COL
        r2 = int(m[5]) if m[5] else MAX_ROW
    elif m[2] and m[3]:
        c2, r2 = c1, r1
    else:
        return None
    return m[1], (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _input_ranges(book: Book, own, inputs, where: str):
    """The ranges a fallback cell reads, or the #REF! of the first that cannot be resolved."""
    ranges = []
    for name in inputs:
        rng = _input_range(book, own, name)
        if rng is None:
            return Err("#REF!", f"{where}: başvuru çözülemedi ({name}) — cannot resolve ({name})")
        ranges.append(rng)
    return ranges


def _input_range(book: Book, own, name: str):
    got = _input_area(name)
    if got is None:
        return None
    sheet = own if not got[0] else book.by_upper.get(got[0].upper())
    return None if sheet is None else Rng(book, sheet, *got[1])

