"""Computing a workbook without Excel: any workbook, each formula pattern compiled once.

`compute_file(IN, OUT)` reads a filled workbook, computes every formula and
writes a new workbook in which each formula cell holds its computed value (like
"paste values"; the formulas stay in the template).  A cell that ends in an
error keeps the error value and gets a comment with the message, Turkish then
English; the report lists them.  The input is never written: OUT must be another
path, and OUT is written through a temporary file, so a failure leaves nothing
half-written.

How (issue 12.1): every formula is read once into a relative (R1C1) pattern —
the 10,000 cells of a copied-down column share one — and each pattern is
compiled once into a Python closure (`compile.py`) over Excel built-ins and the
registry's own functions.  Cells are computed on demand (`grid.py`), lookups are
answered from indexes.  Rows inserted or deleted anywhere, extra columns, an
edited formula or someone else's file are all just formulas.  A construct the
compiler does not know goes to the `formulas` engine for that cell alone
(`fallback.py`); `engine="formulas"` sends every cell there (the tests compare
the two on every cell).

Files: `reader.py` streams the cells out of the file's XML (no openpyxl object
per cell) and `writer.py` writes a copy of the file with values in the formula
cells, every other part untouched; openpyxl remains the path for the rare file
the writer leaves to it.

Safety (issue 10): the file is counted against budgets before it is loaded
(`files.py`, `limits.py`); a reference to another file or a DDE link is an error
in its own cell, naming it (`formula.py`); a formula that cannot be read errors
only its own cell; nothing here opens any other file.

Overrides: a named range TRCALC_OVERRIDES (two columns, parameter | value, the
"Parametreler" sheet of the templates) applies to every call in the workbook,
as it does in Excel through the add-in.

Text dates: a text cell holding a day-first date (24.11.2026, as Turkish users
type it) or an ISO date stays text — SUMIFS/COUNTIFS criteria, MATCH, ISNUMBER
and comparisons see text — and arithmetic and date functions read it as that
date: what Excel and LibreOffice do in the Turkish locale (issue 12.2).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from trcalc.calc import deadline
from trcalc.calc.context import overrides_from_rows, read_overrides as read_rule_overrides
from trcalc.calc.dates import to_serial
from trcalc.calc.errors import CalcError
from trcalc.calc import stamp
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book as rules_book

from . import fallback, limits, reader, writer
from .compile import Unsupported, compile_formula
from .files import check_file, open_workbook
from .formula import FormulaError, Pattern, parse, tokenize
from .grid import Book, OverBudget, Rng
from .limits import WorkbookError, WorkbookLimitError
from .reader import RawBook
from .udf import OVERRIDES, CellError
from .values import Err

OVERRIDES_NAME = "TRCALC_OVERRIDES"
ENGINES = ("auto", "fast", "formulas")


def known_function_names() -> set[str]:
    """Excel built-ins the engines implement, plus our registry."""
    import formulas

    from .functions import BUILTINS, LAZY
    names = set(formulas.get_functions())
    return ({n for n in names if not n.startswith("_")} | set(REGISTRY) | set(BUILTINS) | set(LAZY)
            | {n[len("_XLFN."):] for n in names if n.startswith("_XLFN.")})


register = fallback.register


def workbook_overrides(wb) -> dict:
    """{parameter: value} from the TRCALC_OVERRIDES named range (empty rows skipped)."""
    dn = wb.defined_names.get(OVERRIDES_NAME)
    if dn is None:
        return {}
    rows = []
    for sheet_name, ref in dn.destinations:
        rows += [[c.value for c in row] for row in wb[sheet_name][ref]]
    return overrides_from_rows(rows)


@dataclass
class Report:
    formulas: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)   # (sheet, cell, message)
    engine: str = "fast"
    fallback: int = 0                  # cells the fast evaluator handed to the formulas engine
    patterns: int = 0                  # distinct formula patterns compiled
    # the stamp (issue 25.5): what computed it and when, as (label, value) rows and as one footer line
    stamp: list[tuple[str, str]] = field(default_factory=list)
    stamp_line: str = ""
    # the headline figures: (label, value) rows of the TRCALC_SUMMARY range (a template's summary sheet)
    headline: list[tuple[str, object]] = field(default_factory=list)

    def summary(self) -> str:
        how = ("hızlı değerlendirici / fast evaluator" if self.engine == "fast"
               else "formulas motoru / formulas engine")
        lines = [f"{self.formulas} formül hesaplandı / formulas computed ({how}; {self.patterns} kalıp / "
                 f"patterns; {self.fallback} hücre formulas motoruyla / cells by the formulas engine); "
                 f"{len(self.errors)} hücre hatalı / cells in error"]
        lines += [f"  {s}!{c}: {m}" for s, c, m in self.errors]
        return "\n".join(lines)


# --- loading ----------------------------------------------------------------------------------

def input_value(v, data_type: str):
    """An openpyxl cell value as the engine holds it (numbers are floats; dates are serials)."""
    t = type(v)
    if t is float or t is bool:
        return v
    if t is int:
        return float(v)
    if t is str:
        # a date typed as text stays text (criteria skip it); arithmetic reads it (values.to_number)
        return Err(v) if data_type == "e" else v
    if isinstance(v, dt.datetime):
        return float(to_serial(v.date())) + (v - dt.datetime.combine(v.date(), dt.time())).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float(to_serial(v))
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second) / 86400
    if isinstance(v, Decimal):
        return float(v)
    return None if v is None else str(v)


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
        for dr in range(h):
            for dc in range(self.c2 - c + 1):
                if dr or dc:
                    done[(i, r + dr, c + dc)] = items[dr]
        return items[0]


class MemberCell:
    """A cell inside an array formula's range: its value comes from the anchor's computation."""
    __slots__ = ("row", "col", "anchor", "fallback")

    def __init__(self, row: int, col: int, anchor: tuple[int, int]):
        self.row, self.col, self.anchor, self.fallback = row, col, anchor, False

    @property
    def coord(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    def evaluate(self, book, s, r, c):
        book.get(s, *self.anchor)
        return book.done.get((s.index, r, c), Err("#N/A"))


def _formula_text(v) -> str:
    text = getattr(v, "text", v)          # openpyxl ArrayFormula / DataTableFormula
    return text if isinstance(text, str) else ""


class _Compiler:
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
            ranges = []
            for name in inputs:
                rng = _input_range(book, s, name)
                if rng is None:
                    return Err("#REF!", f"{where}: başvuru çözülemedi ({name}) — cannot resolve ({name})")
                ranges.append(rng)
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
            ranges = []
            for name in inputs:
                rng = _input_range(book, s, name)
                if rng is None:
                    return Err("#REF!", f"{where}: başvuru çözülemedi ({name}) — cannot resolve ({name})")
                ranges.append(rng)
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
                    limits.check("range_cells", (r2 - r1 + 1) * (c2 - c1 + 1), where)
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


def _input_range(book: Book, own, name: str):
    got = _input_area(name)
    if got is None:
        return None
    sheet = own if not got[0] else book.by_upper.get(got[0].upper())
    return None if sheet is None else Rng(book, sheet, *got[1])


def raw_value(v):
    """A value as `reader` gives it, as the engine holds it (text dates read as dates)."""
    t = type(v)
    if t is float or t is bool:
        return v
    if t is str:
        return input_value(v, "s")
    if v[0] == "e":
        return Err(v[1])
    try:                                   # ("d", ISO 8601 text): a date cell (ECMA-376 §18.17.4)
        return input_value(dt.datetime.fromisoformat(v[1].rstrip("Z")), "d")
    except ValueError:
        return input_value(v[1], "s")


def load(raw: RawBook, overrides: dict, mode: str) -> tuple[Book, list, _Compiler]:
    """The file's cells as a Book; returns (book, formula cells in sheet/row order, compiler)."""
    book = Book(overrides)
    compiler = _Compiler(book, mode)
    order = []
    for rs in raw.sheets:
        s = book.add_sheet(rs.name)
        s.values = {k: raw_value(v) for k, v in rs.values.items()}
        i = s.index
        book.done.update({(i, r, c): v for (r, c), v in s.values.items()})   # one look-up per read, not three
        keys = [*rs.values, *((r, c) for r, c, _, _ in rs.formulas)]
        s.max_row = max((r for r, _ in keys), default=0)
        s.max_col = max((c for _, c in keys), default=0)
    book.by_upper = {s.name.upper(): s for s in book.sheets}
    _names(raw, book)
    for rs, s in zip(raw.sheets, book.sheets):
        last: dict[int, tuple] = {}            # per column: the pattern of the cell above, and its renderer
        shared: dict[tuple, tuple] = {}         # a shared formula's master → its pattern (or error)
        for n, (r, c, text, master) in enumerate(sorted(rs.formulas, key=lambda t: (t[1], t[0]))):
            if not n & 255:
                deadline.check()              # the time limit, and a turn for the worker's other requests
            if (r, c) in rs.arrays:              # compiled for arrays below (`_arrays`)
                s.formulas[(r, c)] = Cell(r, c, text, None)
                continue
            pattern, error = None, None
            if master is not None:              # ECMA-376 §18.3.1.40: the master's formula, moved here
                hit = shared.get(master)
                if hit is None:
                    hit = shared[master] = [*_tokenize(master[2], master[0], master[1]), None]
                elif hit[2] is not None:        # its pattern compiled already: the same closure
                    s.formulas[(r, c)] = Cell(r, c, text, hit[2])
                    continue
                pattern, error = hit[0], hit[1]
            else:
                prev = last.get(c)
                if prev is not None and prev[1](r) == text:
                    if prev[2] is not None:
                        s.formulas[(r, c)] = Cell(r, c, text, prev[2])
                        continue
                    pattern = prev[0]
                else:
                    pattern, error = _tokenize(text, r, c)
                    hit = last[c] = [pattern, pattern.row_renderer(c), None] if pattern is not None else None
            cell = s.formulas[(r, c)] = compiler.cell(s.name, text, pattern, error, r, c)
            hit = shared.get(master) if master is not None else last.get(c)
            if hit is not None and hit[2] is None and compiler.compiled.get(pattern.key) is cell.fn:
                hit[2] = cell.fn                 # the next cells of this column share the closure
        _arrays(rs, s, compiler)
        order.append((s, rs, sorted(s.formulas)))
    return book, order, compiler


def _arrays(rs, s, compiler: "_Compiler") -> None:
    """Array formulas: the anchor computes the range, every other cell of it is a member (its value in
    the file — the last result a program saved — is not an input)."""
    for (r, c), (r2, c2) in rs.arrays.items():
        cell = s.formulas.get((r, c))
        if cell is None:
            continue
        # a formula of its own inside the range: Excel cannot spill there (#SPILL!, "Dynamic array
        # formulas and spilled array behavior", support.microsoft.com); that formula keeps its cell
        own = [(rr, cc) for rr in range(r, r2 + 1) for cc in range(c, c2 + 1)
               if (rr, cc) != (r, c) and (rr, cc) in s.formulas and (rr, cc) not in rs.arrays]
        if own:
            where = f"{get_column_letter(own[0][1])}{own[0][0]}"
            s.formulas[(r, c)] = Cell(r, c, cell.text, compiler.fixed(Err(
                "#SPILL!", f"{s.name}!{get_column_letter(c)}{r}: sütun formülünün alanında başka bir formül var "
                           f"({where}) — the column formula's range holds another formula ({where})")))
            continue
        pattern, error = _tokenize(cell.text, r, c) if cell.text is not None else (None, None)
        s.formulas[(r, c)] = compiler.array(s.name, cell.text, pattern, error, r, c, r2, c2)
        for rr in range(r, r2 + 1):
            for cc in range(c, c2 + 1):
                if (rr, cc) != (r, c):
                    s.values.pop((rr, cc), None)
                    compiler.book.done.pop((s.index, rr, cc), None)
                    s.formulas[(rr, cc)] = MemberCell(rr, cc, (r, c))
        s.max_row, s.max_col = max(s.max_row, r2), max(s.max_col, c2)


def _tokenize(text: str, r: int, c: int):
    try:
        return tokenize(text, r, c), None
    except FormulaError as exc:
        return None, exc


def _destination(text: str):
    """(sheet name, (r1, c1, r2, c2)) of a defined name that is one plain range, else None."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.workbook.defined_name import DefinedName
    try:
        dests = list(DefinedName("n", attr_text=text).destinations)
        if len(dests) != 1:
            return None
        sheet_name, ref = dests[0]
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError, AttributeError):
        return None
    if None in (c1, r1, c2, r2):
        return None
    return sheet_name, (r1, c1, r2, c2)


def _names(raw: RawBook, book: Book) -> None:
    for name, text in raw.names:
        dest = _destination(text)
        s = dest and book.sheet(dest[0])
        if s is not None:
            book.names[name.casefold()] = (s, dest[1])


def raw_overrides(raw: RawBook) -> dict:
    """{parameter: value} from the TRCALC_OVERRIDES named range, as `workbook_overrides` reads it."""
    from openpyxl.utils.datetime import from_excel
    text = next((t for n, t in raw.names if n == OVERRIDES_NAME), None)
    dest = text and _destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs:
        return {}
    (r1, c1, r2, c2), rows = dest[1], []
    # only as far as the sheet is used (`$A$1:$XFD$1048576` names 17 billion cells, the used area a few),
    # and no more than one range may hold (TRCALC_MAX_RANGE_CELLS), before anything is read
    used = [*rs.values, *((r, c) for r, c, _, _ in rs.formulas)]
    r2 = min(r2, max((r for r, _ in used), default=r1))
    c2 = min(c2, max((c for _, c in used), default=c1))
    limits.check("range_cells", max(0, r2 - r1 + 1) * max(0, c2 - c1 + 1), OVERRIDES_NAME)
    for r in range(r1, r2 + 1):
        row = []
        for c in range(c1, c2 + 1):
            v = rs.values.get((r, c))
            if type(v) is tuple:
                v = v[1]
            elif type(v) is float and (r, c) in rs.dates:
                v = from_excel(v)
            row.append(v)
        rows.append(row)
    return overrides_from_rows(rows)


def _run(book: Book, order) -> None:
    """Every formula cell, sheet by sheet, row by row (a cell computes what it needs first, with no
    deep recursion: `Book.compute`); a budget that runs out while computing refuses the workbook."""
    try:
        for s, _ws, coords in order:
            for r, c in sorted(coords):
                book.compute(s, r, c)
    except OverBudget as exc:
        raise exc.error from None


def _results(book: Book, order) -> tuple[Report, dict, dict]:
    """The report, and per sheet part the computed values and the notes of cells in error."""
    report = Report()
    parts, notes = {}, {}
    done = book.done
    for s, rs, coords in order:
        values = parts[rs.part] = {}
        for r, c in coords:
            value = done.get((s.index, r, c))
            values[(r, c)] = value
            if type(value) is Err:
                coord = f"{get_column_letter(c)}{r}"
                message = value.message or value.code
                report.errors.append((s.name, coord, message))
                notes.setdefault(rs.part, []).append((coord, message))
    report.formulas = sum(len(v) for v in parts.values())
    return report, parts, notes


ERRORS_NAME = "TRCALC_ERRORS"
MAX_LISTED = 5_000


def _listing(raw: RawBook, report: Report):
    """The error list for the TRCALC_ERRORS range (its first cell; the templates' Hatalar sheet):
    (sheet part, first row, first column, rows of sheet | cell | message), or None."""
    text = next((t for n, t in raw.names if n == ERRORS_NAME), None)
    dest = text and _destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs or not report.errors:
        return None
    rows = list(report.errors[:MAX_LISTED])
    more = len(report.errors) - MAX_LISTED
    if more > 0:
        rows.append(("", "", f"… ve {more} hücre daha — … and {more} more cells"))
    return rs.part, dest[1][0], dest[1][1], rows


# Named ranges a workbook may define for what `compute` adds (issue 25.5; the templates define all three):
STAMP_NAME = "TRCALC_STAMP"        # first cell of where the stamp rows (label | value) are written
SUMMARY_NAME = "TRCALC_SUMMARY"    # label | value rows: the headline figures the upload page shows
KEYS_NAME = "TRCALC_KEYS"          # key input columns of the tables, 'Sheet'!$B$5:$B$204,…: the print area
                                   # of each ends at its last filled row (empty table rows do not print)


def _stamp_listing(raw: RawBook, report: Report):
    text = next((t for n, t in raw.names if n == STAMP_NAME), None)
    dest = text and _destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs or not report.stamp:
        return None
    return rs.part, dest[1][0], dest[1][1], [("Hesaplama damgası", ""), *report.stamp]


def _summary(raw: RawBook, parts: dict) -> list[tuple[str, object]]:
    text = next((t for n, t in raw.names if n == SUMMARY_NAME), None)
    dest = text and _destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs:
        return []
    (r1, c1, r2, _c2) = dest[1]
    computed = parts.get(rs.part, {})
    out = []
    for r in range(r1, r2 + 1):
        label = rs.values.get((r, c1))
        value = computed.get((r, c1 + 1), rs.values.get((r, c1 + 1)))
        if isinstance(label, str) and label.strip():
            out.append((label.strip(), value.code if type(value) is Err else value))
    return out


def _split_union(text: str) -> list[str]:
    """'A'!$B$5:$B$9,'B, C'!$B$5:$B$9 → its ranges (commas inside quoted sheet names kept)."""
    out, cur, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [x for x in [*out, cur] if x.strip()]


def _print_rows(raw: RawBook) -> dict[int, int]:
    """{sheet index: last row to print} for each table named in TRCALC_KEYS: its last row with a key
    value, or the row above the table when none is filled."""
    text = next((t for n, t in raw.names if n == KEYS_NAME), None)
    out: dict[int, int] = {}
    for piece in _split_union(text or ""):
        dest = _destination(piece)
        index = dest and next((i for i, x in enumerate(raw.sheets) if x.name == dest[0]), None)
        if index is None:
            continue
        rs = raw.sheets[index]
        (r1, c1, r2, c2) = dest[1]
        filled = [r for (r, c), v in rs.values.items()
                  if r1 <= r <= r2 and c1 <= c <= c2 and v is not None and not (isinstance(v, str) and not v.strip())]
        out[index] = max(out.get(index, 0), max(filled, default=r1 - 1))
    return out


def _write_openpyxl(src: Path, tmp: str, raw: RawBook, parts: dict, notes: dict, listing=None,
                    on_resave=None, footer: str | None = None, print_rows: dict | None = None) -> None:
    """The general path for what `writer` leaves (a sheet with notes of its own, cells without their
    address): openpyxl re-saves the file; `on_resave(wb)` (the caller's: the templates put their
    charts back, which openpyxl drops) runs before the save."""
    wb = open_workbook(src)
    by_part = {rs.part: rs.name for rs in raw.sheets}
    for part, values in parts.items():
        ws = wb[by_part[part]]
        messages = dict(notes.get(part, []))
        for (r, c), value in values.items():
            cell = ws.cell(r, c)
            if type(value) is Err:
                cell.value = value.code
                cell.data_type = "e"
                cell.comment = Comment(messages.get(cell.coordinate, value.code), "trcalc")
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"          # text never becomes a formula
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
                cell.value = int(value)
            else:
                cell.value = value
    for part, r1, c1, rows in ([] if not listing else [listing] if isinstance(listing, tuple) else listing):
        from openpyxl.styles import Alignment
        ws = wb[by_part[part]]
        from .textsize import wrapped_height
        for i, values in enumerate(rows):
            for j, v in enumerate(values):
                cell = ws.cell(r1 + i, c1 + j, v)
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[r1 + i].height = max(
                wrapped_height(str(v), ws.column_dimensions[get_column_letter(c1 + j)].width or 8.43)
                for j, v in enumerate(values))
    if footer:
        for ws in wb.worksheets:
            ws.oddFooter.center.text = (ws.oddFooter.center.text or "") + writer.footer_code(footer)
    for index, last in (print_rows or {}).items():
        ws = wb.worksheets[index]
        area = ws.print_area
        area = area[0] if isinstance(area, (list, tuple)) else area
        m = area and re.search(r"(:\$?[A-Z]{1,3}\$?)(\d+)$", area)
        if m and int(m[2]) > last:
            ws.print_area = area[:m.start(2)].split("!")[-1].replace("$", "") + str(last)
    if on_resave:
        on_resave(wb)
    wb.save(tmp)


def compute(src: Path, engine: str = "auto") -> tuple[RawBook, Report, dict, dict]:
    """Compute `src`: (what was read, the report, values per sheet part, notes per sheet part).

    engine: "auto" or "fast" (the compiled evaluator, the `formulas` engine for cells it
    does not know) or "formulas" (every cell by the `formulas` engine, for comparison).
    """
    if engine not in ENGINES:
        raise WorkbookError(f"bilinmeyen motor ({engine})", f"unknown engine ({engine})")
    check_file(src)
    raw = reader.read(src)
    try:
        overrides = read_rule_overrides(raw_overrides(raw))
    except CalcError as exc:
        which = f"{exc.argument}: " if exc.argument else ""      # the parameter's name
        raise WorkbookError(f"Parametreler ({OVERRIDES_NAME}) okunamadı: {which}{exc.message_tr}",
                            f"cannot read the overrides ({OVERRIDES_NAME}): {which}{exc.message_en}") from None
    mode = "formulas" if engine == "formulas" else "fast"
    book, order, compiler = load(raw, overrides, mode)
    token = OVERRIDES.set(overrides)
    try:
        with stamp.bulletins() as used:          # the TCMB bulletins the formulas read, for the stamp
            _run(book, order)
    finally:
        OVERRIDES.reset(token)
    report, parts, notes = _results(book, order)
    when, version = stamp.now(), rules_book().version
    report.stamp = stamp.rows(when, version, used)
    report.stamp_line = stamp.line(when, version, used)
    report.headline = _summary(raw, parts)
    report.engine = mode
    report.fallback = compiler.fallbacks
    report.patterns = len(compiler.compiled)
    return raw, report, parts, notes


def compute_file(src: Path, dst: Path, engine: str = "auto", on_resave=None) -> Report:
    """Compute `src` into `dst` (never `src` itself). `on_resave(wb)` runs on the openpyxl workbook
    when the file has to be re-saved by openpyxl (see `_write_openpyxl`)."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise WorkbookError("çıktı dosyası girdiyle aynı olamaz: girdi hiçbir zaman değiştirilmez",
                            "the output must not be the input: the input is never changed")
    raw, report, parts, notes = compute(src, engine)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # created with O_EXCL and mode 0666 less the umask, as any file the user writes (mkstemp's 0600
    # would make the result unreadable to the colleagues it is for)
    tmp = str(dst.parent / f".{dst.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        listing = [x for x in (_listing(raw, report), _stamp_listing(raw, report)) if x]
        footer, print_rows = report.stamp_line or None, _print_rows(raw)
        if (any(rs.positional for rs in raw.sheets if rs.formulas)
                or not writer.write(src, tmp, parts, notes, listing, footer, print_rows,
                                    frozenset(rs.part for rs in raw.sheets if rs.arrays))):
            _write_openpyxl(src, tmp, raw, parts, notes, listing, on_resave, footer, print_rows)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return report


def compute_bytes(data: bytes, on_resave=None) -> tuple[bytes, Report]:
    """For the server: bytes in, bytes out, through temporary files."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.xlsx", Path(d) / "out.xlsx"
        src.write_bytes(data)
        report = compute_file(src, dst, on_resave=on_resave)
        return dst.read_bytes(), report


__all__ = ["CellError", "Report", "WorkbookError", "WorkbookLimitError", "compute_bytes", "compute_file",
           "compute", "known_function_names", "register", "workbook_overrides"]
