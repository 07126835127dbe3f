"""Computing a workbook without Excel: the `formulas` engine with every registry function.

`compute_file(IN, OUT)` reads a filled workbook, computes every formula with
the `formulas` package (a real Excel formula engine) to which each registry
function is given under its Excel name, and writes a new workbook in which
each formula cell holds its computed value (like "paste values"; the formulas
stay in the template).  A cell that ends in an error keeps the error value
and gets a comment with the message, Turkish then English; the report lists
them.  The input is never written: OUT must be another path, and OUT is
written through a temporary file, so a failure leaves nothing half-written.

Overrides: a named range TRCALC_OVERRIDES (two columns, parameter | value,
the "Parametreler" sheet of the templates) applies to every call in the
workbook, as it does in Excel through the add-in.

Files are checked before they are opened: a file that is not an xlsx zip
(an old .xls, a password-protected workbook, anything else), a zip bomb, or
a sheet larger than the limits gives a `WorkbookError`.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")     # formulas' progress bars are noise here

import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import schedula as sh  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from calc.context import overrides_from_rows, read_overrides as read_rule_overrides  # noqa: E402
from calc.dates import to_serial  # noqa: E402
from calc.errors import CalcError  # noqa: E402
from calc.registry import REGISTRY, Function, call_many  # noqa: E402

from .sheets import FIRST_ROW, HEADER_ROW  # noqa: E402

OVERRIDES_NAME = "TRCALC_OVERRIDES"
MAX_FILE_BYTES = 20 * 1024 * 1024          # the upload itself
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024     # all parts once unzipped
MAX_RATIO = 200                            # a zip bomb compresses far better than any workbook
MAX_CELLS = 2_000_000

_OVERRIDES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("trcalc_overrides", default=None)


class WorkbookError(Exception):
    def __init__(self, tr: str, en: str):
        self.message = f"{tr} — {en}"
        super().__init__(self.message)


def _xl_error_type():
    from formulas.tokens.operand import XlError
    return XlError


class CellError(_xl_error_type()):
    """#VALUE! that carries the CalcError's message to the report and the cell comment."""

    def __new__(cls, message: str):
        obj = super().__new__(cls, "#VALUE!")
        obj.message = message
        return obj


def _scalar(x):
    if x is sh.EMPTY:
        return None
    if isinstance(x, np.generic):
        return x.item()
    return x


def _flatten(arg):
    """A formulas argument as a scalar, or a list for a one-column/one-row range."""
    from formulas.ranges import Ranges
    if isinstance(arg, Ranges):
        arg = arg.value
    if isinstance(arg, np.ndarray):
        if arg.size == 1:
            return _scalar(arg.reshape(-1)[0])
        if arg.ndim == 2 and 1 not in arg.shape:
            raise CalcError("invalid", "tek sütun ya da tek satır bekleniyordu",
                            "expected a single column or row")
        return [_scalar(v) for v in arg.reshape(-1)]
    return _scalar(arg)


def to_cell(value):
    """A calc result as the engine (and Excel) holds it."""
    if isinstance(value, bool) or value is None:
        return value if value is not None else ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return to_serial(value)
    if isinstance(value, CalcError):
        return CellError(value.message)
    if isinstance(value, list):
        return np.array([[to_cell(c) for c in row] for row in value], dtype=object)
    return value


def _first_error(values):
    XlError = _xl_error_type()
    for v in values:
        items = v if isinstance(v, list) else [v]
        for x in items:
            if isinstance(x, XlError):
                return x
    return None


def engine_function(fn: Function):
    def udf(*args):
        try:
            values = [_flatten(a) for a in args]
            err = _first_error(values)
            if err is not None:                      # an error in an input propagates, as in Excel
                return err
            if any(isinstance(v, list) for v in values):
                out = call_many(fn.name, values, _OVERRIDES.get() or {})
                return np.array([[to_cell(v)] for v in out], dtype=object)
            return to_cell(fn(*values, overrides=_OVERRIDES.get() or {}))
        except CalcError as exc:
            return CellError(exc.message)
        except Exception as exc:                         # never a traceback into a cell
            return CellError(f"beklenmeyen hata — unexpected error: {type(exc).__name__}")
    udf.__name__ = fn.name
    return udf


def register() -> None:
    """Give every registry function to the `formulas` engine (idempotent)."""
    import formulas
    functions = formulas.get_functions()
    for name, fn in REGISTRY.items():
        functions[name] = engine_function(fn)


def known_function_names() -> set[str]:
    """Excel built-ins the engine implements, plus our registry."""
    import formulas
    return {n for n in formulas.get_functions() if not n.startswith("_")} | set(REGISTRY) | {
        n[len("_XLFN."):] for n in formulas.get_functions() if n.startswith("_XLFN.")}


# --- files ------------------------------------------------------------------------------------

def check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        raise WorkbookError(f"dosya okunamadı: {path}", f"cannot read the file: {path}") from None
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"dosya çok büyük ({size} bayt; sınır {MAX_FILE_BYTES})",
                            f"file too large ({size} bytes; limit {MAX_FILE_BYTES})")
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError("dosya parola korumalı bir çalışma kitabı ya da eski .xls biçiminde; parolasız .xlsx "
                            "olarak kaydedin",
                            "the file is password-protected or an old .xls; save it as an .xlsx without a password")
    if not zipfile.is_zipfile(path):
        raise WorkbookError("dosya bir .xlsx çalışma kitabı değil", "the file is not an .xlsx workbook")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError):
        raise WorkbookError("dosya bozuk (zip okunamadı)", "the file is damaged (unreadable zip)") from None
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_RATIO:
        raise WorkbookError("dosya açıldığında aşırı büyüyor (zip bombası olabilir)",
                            "the file expands far too much when unzipped (possible zip bomb)")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise WorkbookError("dosya bir .xlsx çalışma kitabı değil", "the file is not an .xlsx workbook")
    _check_dimensions(path, [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")])


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')


def _check_dimensions(path: Path, sheets: list[str]) -> None:
    """Refuse a huge sheet from its <dimension> tag, before openpyxl loads a single cell."""
    total = 0
    with zipfile.ZipFile(path) as z:
        for name in sheets:
            with z.open(name) as f:
                m = _DIMENSION.search(f.read(4096))
            if m:
                col = 0
                for ch in m[1].decode():
                    col = col * 26 + ord(ch) - 64
                total += col * int(m[2])
    if total > MAX_CELLS:
        raise WorkbookError(f"çalışma kitabı çok büyük ({total} hücre; sınır {MAX_CELLS})",
                            f"workbook too large ({total} cells; limit {MAX_CELLS})")


def _open(path: Path, **kw):
    try:
        return openpyxl.load_workbook(path, **kw)
    except Exception as exc:   # openpyxl raises many types on malformed parts; defusedxml on XML bombs
        from defusedxml import DefusedXmlException
        name = type(exc).__name__
        if isinstance(exc, DefusedXmlException) or isinstance(exc.__cause__ or exc.__context__, DefusedXmlException):
            raise WorkbookError("dosyada izin verilmeyen XML yapısı var (XML bombası olabilir)",
                                "the file holds forbidden XML constructs (possible XML bomb)") from None
        raise WorkbookError(f"çalışma kitabı okunamadı ({name})", f"cannot read the workbook ({name})") from None


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
    engine: str = "formulas"

    def summary(self) -> str:
        how = ("şablon hızlı yolu / template fast path" if self.engine == "fast"
               else "formulas motoru / formulas engine")
        lines = [f"{self.formulas} formül hesaplandı / formulas computed ({how}); "
                 f"{len(self.errors)} hücre hatalı / cells in error"]
        lines += [f"  {s}!{c}: {m}" for s, c, m in self.errors]
        return "\n".join(lines)


def _solution_by_cell(sol) -> dict[tuple[str, str], object]:
    out = {}
    for key, value in sol.items():
        if not isinstance(key, str) or "!" not in key or ":" in key.rsplit("!", 1)[1]:
            continue
        sheet, cell = key.rsplit("!", 1)
        sheet = sheet.strip("'").split("]", 1)[-1]
        out[(sheet, cell)] = value.value if hasattr(value, "value") else value
    return out


def _plain(v):
    if isinstance(v, np.ndarray):
        v = v.reshape(-1)[0] if v.size else None
    if v is sh.EMPTY:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    return v


def _write(wb, value_of) -> Report:
    """Put each formula cell's computed value in its place; errors keep their message."""
    from .fast import Err
    XlError = _xl_error_type()
    report = Report()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                report.formulas += 1
                value = value_of(ws, c)
                if isinstance(value, (XlError, Err)):
                    code = value.code if isinstance(value, Err) else str(value)
                    message = value.message if isinstance(value, Err) else getattr(value, "message", code)
                    message = message or code
                    report.errors.append((ws.title, c.coordinate, message))
                    c.value = code
                    c.data_type = "e"
                    c.comment = Comment(message, "trcalc")
                elif isinstance(value, str):
                    c.value = value
                    c.data_type = "s"          # text never becomes a formula
                elif isinstance(value, Decimal):
                    c.value = float(value)
                elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                    c.value = dt.datetime(value.year, value.month, value.day)
                else:
                    c.value = value
    return report


def _formulas_engine(src: Path, wb, overrides: dict) -> Report:
    import formulas
    register()
    token = _OVERRIDES.set(overrides)
    try:
        model = formulas.ExcelModel().loads(str(src)).finish()
        solution = _solution_by_cell(model.calculate())
    except Exception as exc:
        raise WorkbookError(f"formüller hesaplanamadı ({type(exc).__name__})",
                            f"the formulas could not be computed ({type(exc).__name__})") from None
    finally:
        _OVERRIDES.reset(token)
    return _write(wb, lambda ws, c: _plain(solution.get((ws.title.upper(), c.coordinate))))


def _template_of(wb):
    """The fresh template (with its Python twins) this workbook was made from, or None.

    Only a workbook whose every formula is exactly what the builder writes for the
    same table sizes qualifies; an edited formula or a moved row sends it to the engine.
    """
    from . import build
    kind = (wb.properties.keywords or "").removeprefix(build.MARK)
    if kind not in build.BUILDERS:
        return None
    sheet, table = build.MAIN_TABLE[kind]
    try:
        ref = wb[sheet].tables[table].ref
        rows = int(ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - HEADER_ROW
        fresh = build.BUILDERS[kind](rows)
    except (KeyError, ValueError, IndexError):
        return None

    def formulas_of(book):
        return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows()
                for c in row if c.data_type == "f"}
    return fresh if formulas_of(fresh) == formulas_of(wb) else None


def _fast_path(fresh, wb, overrides: dict) -> Report:
    from .fast import Env, Table
    tables = {}
    env = Env(tables, overrides, wb)
    for sheet, _name, cols, rows in fresh.trcalc_tables:
        t = tables[sheet] = Table(sheet, cols, rows)
        ws = wb[sheet]
        for i, col in enumerate(cols, start=1):
            if col.is_input:
                t.values[col.key] = [ws.cell(FIRST_ROW + r, i).value for r in range(rows)]
        computed = [col for col in cols if not col.is_input]
        for r in range(rows):
            for col in computed:
                t[col.key][r] = col.fast(env, t, r)
        for i, col in enumerate(cols, start=1):
            if not col.is_input:
                for r in range(rows):
                    env.computed[(sheet, f"{get_column_letter(i)}{FIRST_ROW + r}")] = t[col.key][r]
    for where, twin in fresh.trcalc_cells.items():
        env.computed[where] = twin(env)
    report = _write(wb, lambda ws, c: env.computed[(ws.title, c.coordinate)])
    report.engine = "fast"
    return report


def compute_workbook(src: Path, engine: str = "auto") -> tuple[object, Report]:
    """Compute `src`; returns the openpyxl workbook holding values, and the report.

    engine: "auto" (the template fast path when the workbook is an unedited template,
    else the formulas engine), "formulas" or "fast" (an error when not possible).
    """
    check_file(src)
    wb = _open(src)
    cells = sum(ws.max_row * ws.max_column for ws in wb.worksheets)
    if cells > MAX_CELLS:
        raise WorkbookError(f"çalışma kitabı çok büyük ({cells} hücre; sınır {MAX_CELLS})",
                            f"workbook too large ({cells} cells; limit {MAX_CELLS})")
    try:
        overrides = read_rule_overrides(workbook_overrides(wb))
    except CalcError as exc:
        which = f"{exc.argument}: " if exc.argument else ""      # the parameter's name
        raise WorkbookError(f"Parametreler ({OVERRIDES_NAME}) okunamadı: {which}{exc.message_tr}",
                            f"cannot read the overrides ({OVERRIDES_NAME}): {which}{exc.message_en}") from None
    fresh = _template_of(wb) if engine != "formulas" else None
    if engine == "fast" and fresh is None:
        raise WorkbookError("hızlı yol yalnız değiştirilmemiş şablonlar için", "the fast path is for unedited templates only")
    if fresh is not None:
        return wb, _fast_path(fresh, wb, overrides)
    return wb, _formulas_engine(src, wb, overrides)


def compute_file(src: Path, dst: Path, engine: str = "auto") -> Report:
    src, dst = Path(src), Path(dst)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise WorkbookError("çıktı dosyası girdiyle aynı olamaz: girdi hiçbir zaman değiştirilmez",
                            "the output must not be the input: the input is never changed")
    wb, report = compute_workbook(src, engine)
    from .build import restore_charts
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


__all__ = ["CellError", "Report", "WorkbookError", "compute_bytes", "compute_file", "compute_workbook",
           "known_function_names", "register", "workbook_overrides"]
