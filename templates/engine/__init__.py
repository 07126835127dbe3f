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
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from calc.context import overrides_from_rows, read_overrides as read_rule_overrides
from calc.dates import to_serial
from calc.errors import CalcError
from calc.registry import REGISTRY

from . import fallback, limits
from .compile import Unsupported, compile_node
from .files import check_file, open_workbook
from .formula import FormulaError, Pattern, parse, tokenize
from .grid import Book, Rng
from .limits import WorkbookError, WorkbookLimitError
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
        if error is not None:
            return Cell(*coord, text, self.fixed(Err("#NAME?" if not error.unsafe else "#REF!",
                                                     f"{where}: {error.message}")))
        fn = None
        if self.mode != "formulas":
            hit = self.compiled.get(pattern.key)
            if hit is None:
                try:
                    node = parse(pattern)
                    hit = compile_node(node, self.book)
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
    from openpyxl.utils import column_index_from_string

    from .formula import MAX_COL, MAX_ROW
    out = []
    for name in inputs:
        m = _INPUT.match(name)
        if not m:
            return None
        c1 = column_index_from_string(m[2]) if m[2] else 1
        r1 = int(m[3]) if m[3] else 1
        if m[4] or m[5]:
            c2 = column_index_from_string(m[4]) if m[4] else MAX_COL
            r2 = int(m[5]) if m[5] else MAX_ROW
        else:
            c2, r2 = c1, r1
        sheet = (m[1] or own).upper()
        hits = [i for i, ref in enumerate(refs)
                if (ref.sheet or own).upper() == sheet and ref.at(row, col) == (min(r1, r2), min(c1, c2),
                                                                                max(r1, r2), max(c1, c2))]
        if not hits:
            return None
        out.append(hits[0])
    return out


_INPUT = re.compile(r"^(?:'?(.+?)'?!)?\$?([A-Z]+)?\$?(\d+)?(?::\$?([A-Z]+)?\$?(\d+)?)?$")


def _input_range(book: Book, own, name: str):
    from openpyxl.utils import column_index_from_string
    m = _INPUT.match(name)
    if not m:
        return None
    sheet = own
    if m[1]:
        sheet = book.by_upper.get(m[1].upper())
        if sheet is None:
            return None
    from .formula import MAX_COL, MAX_ROW
    c1 = column_index_from_string(m[2]) if m[2] else 1
    r1 = int(m[3]) if m[3] else 1
    if m[4] or m[5]:
        c2 = column_index_from_string(m[4]) if m[4] else MAX_COL
        r2 = int(m[5]) if m[5] else MAX_ROW
    elif m[2] and m[3]:
        c2, r2 = c1, r1
    else:
        return None
    return Rng(book, sheet, r1, c1, r2, c2)


def load(wb, overrides: dict, mode: str) -> tuple[Book, list, _Compiler]:
    """The openpyxl workbook as a Book; returns (book, formula cells in sheet/row order, compiler)."""
    book = Book(overrides)
    compiler = _Compiler(book, mode)
    order = []
    raw = []
    for ws in wb.worksheets:
        s = book.add_sheet(ws.title)
        cells = ws._cells
        last_row = last_col = 0
        forms = []
        for (r, c), cell in cells.items():
            v = cell._value
            if v is None:
                continue
            if r > last_row:
                last_row = r
            if c > last_col:
                last_col = c
            if cell.data_type == "f":
                forms.append((r, c, cell))
            else:
                s.values[(r, c)] = input_value(v, cell.data_type)
        s.max_row, s.max_col = last_row, last_col
        raw.append((s, ws, forms))
    book.by_upper = {s.name.upper(): s for s in book.sheets}
    _names(wb, book)
    limits.check("formula_cells", sum(len(f) for _, _, f in raw))
    for s, ws, forms in raw:
        last: dict[int, tuple] = {}            # per column: the pattern of the cell above, and its renderer
        forms.sort(key=lambda t: (t[1], t[0]))
        for r, c, cell in forms:
            text = _formula_text(cell._value)
            pattern, error = None, None
            prev = last.get(c)
            if prev is not None and prev[1](r) == text:
                pattern = prev[0]
            else:
                try:
                    pattern = tokenize(text, r, c)
                except FormulaError as exc:
                    pattern, error = None, exc
                if pattern is not None:
                    last[c] = (pattern, pattern.row_renderer(c))
            s.formulas[(r, c)] = compiler.cell(s.name, text, pattern, error, r, c)
        order.append((s, ws, sorted(s.formulas)))
    return book, order, compiler


def _names(wb, book: Book) -> None:
    from openpyxl.utils.cell import range_boundaries
    for name, dn in wb.defined_names.items():
        try:
            dests = list(dn.destinations)
        except Exception:
            continue
        if len(dests) != 1:
            continue
        sheet_name, ref = dests[0]
        s = book.sheet(sheet_name)
        if s is None:
            continue
        try:
            c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        except (ValueError, TypeError):
            continue
        book.names[name.casefold()] = (s, (r1, c1, r2, c2))


def _run(book: Book, order) -> None:
    """Every formula cell, sheet by sheet, row by row (a cell computes what it needs first)."""
    for s, _ws, coords in order:
        for r, c in sorted(coords):
            book.get(s, r, c)


def _in_big_stack(fn):
    """Deep chains (a cell needing the cell below, 10,000 times) need a deep stack: a thread with one."""
    import contextvars
    out, err = [], []
    ctx = contextvars.copy_context()            # the overrides travel with the work

    def target():
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 60_000))
        try:
            out.append(ctx.run(fn))
        except BaseException as exc:     # handed back to the caller's thread
            err.append(exc)
        finally:
            sys.setrecursionlimit(old)
    size = threading.stack_size()
    threading.stack_size(512 * 1024 * 1024)
    try:
        t = threading.Thread(target=target, name="trcalc-compute")
        t.start()
    finally:
        threading.stack_size(size)
    t.join()
    if err:
        raise err[0]
    return out[0] if out else None


def _write(wb, book: Book, order) -> Report:
    """Put each formula cell's computed value in its place; errors keep their message."""
    report = Report()
    for s, ws, coords in order:
        for r, c in coords:
            report.formulas += 1
            value = book.done.get((s.index, r, c))
            cell = ws.cell(r, c)
            if type(value) is Err:
                where = f"{s.name}!{cell.coordinate}"
                message = value.message or value.code
                message = message if message.startswith(where) else message
                report.errors.append((ws.title, cell.coordinate, message))
                cell.value = value.code
                cell.data_type = "e"
                cell.comment = Comment(message, "trcalc")
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"          # text never becomes a formula
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
                cell.value = int(value)
            else:
                cell.value = value
    return report


def compute_workbook(src: Path, engine: str = "auto") -> tuple[object, Report]:
    """Compute `src`; returns the openpyxl workbook holding values, and the report.

    engine: "auto" or "fast" (the compiled evaluator, the `formulas` engine for cells it
    does not know) or "formulas" (every cell by the `formulas` engine, for comparison).
    """
    if engine not in ENGINES:
        raise WorkbookError(f"bilinmeyen motor ({engine})", f"unknown engine ({engine})")
    check_file(src)
    wb = open_workbook(src)
    try:
        overrides = read_rule_overrides(workbook_overrides(wb))
    except CalcError as exc:
        which = f"{exc.argument}: " if exc.argument else ""      # the parameter's name
        raise WorkbookError(f"Parametreler ({OVERRIDES_NAME}) okunamadı: {which}{exc.message_tr}",
                            f"cannot read the overrides ({OVERRIDES_NAME}): {which}{exc.message_en}") from None
    mode = "formulas" if engine == "formulas" else "fast"
    book, order, compiler = load(wb, overrides, mode)
    token = OVERRIDES.set(overrides)
    try:
        _in_big_stack(lambda: _run(book, order))
    finally:
        OVERRIDES.reset(token)
    report = _write(wb, book, order)
    report.engine = mode
    report.fallback = compiler.fallbacks
    report.patterns = len(compiler.compiled)
    return wb, report


def compute_file(src: Path, dst: Path, engine: str = "auto") -> Report:
    src, dst = Path(src), Path(dst)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise WorkbookError("çıktı dosyası girdiyle aynı olamaz: girdi hiçbir zaman değiştirilmez",
                            "the output must not be the input: the input is never changed")
    wb, report = compute_workbook(src, engine)
    from templates.build import restore_charts
    restore_charts(wb)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # created with O_EXCL and mode 0666 less the umask, as any file the user writes (mkstemp's 0600
    # would make the result unreadable to the colleagues it is for)
    tmp = str(dst.parent / f".{dst.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        wb.save(tmp)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return report


def compute_bytes(data: bytes) -> tuple[bytes, Report]:
    """For the server: bytes in, bytes out, through temporary files."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.xlsx", Path(d) / "out.xlsx"
        src.write_bytes(data)
        report = compute_file(src, dst)
        return dst.read_bytes(), report


__all__ = ["CellError", "Report", "WorkbookError", "WorkbookLimitError", "compute_bytes", "compute_file",
           "compute_workbook", "known_function_names", "register", "workbook_overrides"]
