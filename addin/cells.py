"""What an Excel cell sends and gets back: the logic behind every xlwings UDF.

Kept apart from xlwings so it runs (and is tested) on any machine.

* Arguments arrive as xlwings gives them: floats, text, None for an empty
  cell, datetimes for date cells, and lists for ranges.
* A range (one column or one row) in any argument switches to the array form:
  one call computes the whole column and returns it in the range's orientation
  (a column spills down, a 1×N row spills across), so a 10,000-row sheet is one
  UDF call, not 10,000. A `_DETAIL` function refuses a range (issue 23.4).
* Results go back as Excel holds them (Decimal → float, dates as dates); a
  `_DETAIL` table is a 2-D list that spills.
* Errors — a failing call and each failing row of a column — are Excel's real
  `#VALUE!` error value, so SUM over the column is an error too (issue 23.4). The
  xlwings VBA wrapper returns what Python returns (`xlwings.udfs.generate_vba_wrapper`:
  `Fn = XLPy.CallUDF(…)`), and pywin32 turns a `win32com.client.VARIANT(VT_ERROR,
  scode)` into a COM error variant (`PyCom_VariantFromPyObject` in pywin32's
  com/win32com/src/oleargs.cpp), which Excel shows as the error whose SCODE it is
  (#VALUE! = -2146826273, the value xlwings reads back: `_xlwindows.cell_errors`).
  A VBA UDF cannot carry a message, so the message is not in the cell: set
  TRCALC_ERRORS_AS_TEXT=1 (environment, the workbook's xlwings.conf sheet or
  ~/.xlwings/xlwings.conf) to get "#message" text instead while finding out why.
* Per-workbook settings — the TRCALC_OVERRIDES named range (parameter | value),
  TRCALC_SERVER_URL, TRCALC_API_KEY, TRCALC_ERRORS_AS_TEXT — are read once per
  recalculation: the first call of a burst reads them, the calls that follow
  within `BURST_GAP` seconds of the one before reuse them (issue 23.2).
"""
from __future__ import annotations

import datetime as dt
import time

from trcalc.calc.context import overrides_from_rows, read_overrides
from trcalc.calc.errors import CalcError
from trcalc.calc.excel import column as _column
from trcalc.calc.excel import error_text, orient, orientation, refuse_detail_range, to_excel
from trcalc.calc.registry import Function, call_many

from . import remote

OVERRIDES_NAME = "TRCALC_OVERRIDES"
BURST_GAP = 0.5               # seconds without a call that end a recalculation burst
XL_ERR_VALUE = -2146826273    # the SCODE of #VALUE! (0x800A07DF = CVErr(xlErrValue))
VT_ERROR = 10                 # VARENUM VT_ERROR (pythoncom.VT_ERROR)
_cache: dict[tuple, list] = {}        # (what, workbook) → [time of the last call using it, value]
reads = {"overrides": 0, "settings": 0}   # how often the workbook was read (tests, bench)


class CellError:
    """The error value of a cell where pywin32 is absent (tests, other platforms): its message kept."""
    def __init__(self, message: str):
        self.message = message

    def __eq__(self, other):
        return isinstance(other, CellError) and other.message == self.message

    def __repr__(self):
        return f"CellError({self.message!r})"


def _book_of(caller):
    try:
        return caller.sheet.book
    except Exception:
        return None


def _book_key(book) -> str:
    return str(getattr(book, "fullname", None) or getattr(book, "name", id(book)))


def _per_burst(what: str, book, read):
    key = (what, _book_key(book) if book is not None else None)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit and now - hit[0] < BURST_GAP:
        hit[0] = now
        return hit[1]
    reads[what] += 1
    value = read()
    _cache[key] = [now, value]
    return value


def workbook_overrides(caller) -> dict:
    """{parameter: value} from the calling workbook's TRCALC_OVERRIDES range, read once per burst."""
    book = _book_of(caller)
    if book is None:
        return {}

    def read():
        try:
            rows = book.names[OVERRIDES_NAME].refers_to_range.value
        except Exception:        # no such name in this workbook
            rows = None
        return overrides_from_rows(rows)
    return _per_burst("overrides", book, read)


def settings(book) -> tuple[str | None, str | None, bool]:
    """(server URL, API key, errors as text) for the workbook, read once per burst."""
    def read():
        flag = (remote._setting(book, "TRCALC_ERRORS_AS_TEXT") or "").strip().lower()
        return remote.server_url(book), remote.api_key(book), flag in ("1", "true", "yes", "on", "evet", "doğru")
    return _per_burst("settings", book, read)


def error_value(message: str, as_text: bool = False):
    """Excel's #VALUE! for a failing cell or row (see the module's docstring)."""
    if as_text:
        return error_text(message)
    try:
        from win32com.client import VARIANT
    except ImportError:
        return CellError(" ".join(str(message).split()))
    return VARIANT(VT_ERROR, XL_ERR_VALUE)


def run(fn: Function, args: tuple, caller=None):
    """The cell's value (or a spilling column, row or table) for `fn` on Excel's arguments."""
    as_text = False
    try:
        book = _book_of(caller)
        url, key, as_text = settings(book)
        how = orientation(args)
        values = [_column(a) for a in args]
        while values and values[-1] is None:     # trailing omitted arguments
            values.pop()
        is_array = any(isinstance(v, list) for v in values)
        if is_array:
            refuse_detail_range(fn)
        overrides = workbook_overrides(caller)
        if url:
            return _remote(url, key, fn, values, overrides, is_array, how, as_text)
        if is_array:
            out = call_many(fn.name, values, read_overrides(overrides))
            return orient([error_value(v.message, as_text) if isinstance(v, CalcError) else to_excel(v)
                           for v in out], how)
        return to_excel(fn(*values, overrides=overrides))
    except CalcError as exc:
        return error_value(exc.message, as_text)
    except (remote.RemoteError, remote.CallError) as exc:
        return error_value(exc.message, as_text)
    except Exception as exc:          # never a traceback in a cell
        return error_value(f"beklenmeyen hata — unexpected error ({type(exc).__name__})", as_text)


def _remote(url, key, fn, values, overrides, is_array, how, as_text):
    if is_array:                                   # one request per column (slices only past the server's limit)
        rows = remote.column(url, fn.name, values, overrides, key)
        return orient([_cell(fn, r, as_text) for r in rows], how)
    (result,) = remote.batch(url, [{"function": fn.name, "args": remote.jsonable(values)}], overrides, key)
    return _cell(fn, result, as_text)


def _cell(fn: Function, result: dict, as_text: bool):
    if result.get("error"):
        return error_value(result["error"]["message"], as_text)
    return _from_json(fn, result.get("value"))


def _from_json(fn: Function, value):
    if fn.result == "date" and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if value is None:
        return ""
    return value
