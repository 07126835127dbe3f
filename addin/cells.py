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
* The rules version a workbook was last computed with (issue 24.5) is kept in the workbook as
  the name TRCALC_LAST_RULES, a text constant (`="2026.12.06+3ca17fbe"`): the installed rules in
  local mode, the server's (every answer carries it) in remote mode. A user-defined function may
  not add names while Excel calculates (Microsoft, "Description of limitations of custom functions
  in Excel": a UDF cannot "add names to a workbook"; Application.ThisCell: keep the cell "for later
  use and perform additional actions when the recalculation is finished"), so the name is written
  after the burst, from a thread of its own, with xlwings' documented API for names —
  `Book.names.add(name, refers_to)` and `Name.refers_to` (docs.xlwings.org, API reference "Names" /
  "Name"; Microsoft, Name.RefersTo: "the formula that the name is defined to refer to … beginning
  with an equal sign") — retrying while Excel is busy as xlwings' own delayed writes do
  (`xlwings.udfs.ComRange._com`). When the version recorded differs from the one computing now,
  `=TR_RULES_VERSION()` in that workbook shows the warning for the rest of the session (as the
  Office add-in's task pane does); `=TR_RULES_VERSION()` otherwise shows the version computing.
"""
from __future__ import annotations

import copy
import datetime as dt
import threading
import sys
import time

from trcalc.calc.context import overrides_from_rows, read_overrides
from trcalc.calc.errors import CalcError
from trcalc.calc.excel import column as _column
from trcalc.calc.excel import error_text, orient, orientation, refuse_detail_range, to_excel
from trcalc.calc.registry import Function, call_many
from trcalc.calc.rules.store import book as rules_book

from . import remote

OVERRIDES_NAME = "TRCALC_OVERRIDES"
BURST_GAP = 0.5               # seconds without a call that end a recalculation burst
XL_ERR_VALUE = -2146826273    # the SCODE of #VALUE! (0x800A07DF = CVErr(xlErrValue))
VT_ERROR = 10                 # VARENUM VT_ERROR (pythoncom.VT_ERROR)
_cache: dict[tuple, list] = {}        # (what, workbook) → [time of the last call using it, value]
reads = {"overrides": 0, "settings": 0, "rules": 0}   # how often the workbook was read (tests, bench)
LAST_RULES_NAME = "TRCALC_LAST_RULES"
_last_call = [0.0]                    # time.monotonic() of the latest call (the burst's end is BURST_GAP later)
_warned: dict[str, str] = {}          # workbook → the other version it had been computed with (this session)
_pending: dict[str, tuple] = {}       # workbook → (its caller, the version to record) once the burst is over
_writer_lock = threading.Lock()
_writer: list = [None]                # the thread writing TRCALC_LAST_RULES, while one runs
# COM answers that mean "Excel is busy, call again" (xlwings.udfs: RPC_E_SERVERCALL_RETRYLATER, and
# DISP_E_EXCEPTION with no or a retryable scode), on which xlwings' own delayed writes retry.
_RETRY_HRESULTS = {-2147418111, -2146777998}
_DISP_E_EXCEPTION, _RETRY_SCODES = -2147352567, {None, -2146827284}


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


def _constant(text) -> str | None:
    """The text of a name's constant formula: '="2026.12.06+3ca17fbe"' → '2026.12.06+3ca17fbe'."""
    t = str(text or "").strip()
    t = t[1:].strip() if t.startswith("=") else t
    if len(t) >= 2 and t[0] == t[-1] == '"':
        t = t[1:-1].replace('""', '"')
    return t or None


def last_rules(book) -> str | None:
    """The rules version the workbook says it was last computed with (TRCALC_LAST_RULES), read once per burst."""
    if book is None:
        return None

    def read():
        try:
            return _constant(book.names[LAST_RULES_NAME].refers_to)
        except Exception:            # no such name (a workbook never computed by this add-in)
            return None
    return _per_burst("rules", book, read)


def write_last_rules(book, version: str) -> None:
    """Record `version` in the workbook: the name TRCALC_LAST_RULES refers to the text constant."""
    formula = '="' + version.replace('"', '""') + '"'
    names = book.names
    if LAST_RULES_NAME in names:
        names[LAST_RULES_NAME].refers_to = formula
    else:
        names.add(LAST_RULES_NAME, formula)


def _computed(book, caller, before: str | None, version: str | None) -> None:
    """A call of the burst computed with `version`: warn for the session when the workbook says another,
    and record it once the burst is over."""
    if book is None or not version:
        return
    key = _book_key(book)
    if before and before != version:
        _warned.setdefault(key, before)
    if before != version:
        with _writer_lock:
            if key in _pending and _pending[key][1] == version:
                return                   # once per burst, not once per cell
            # a COM range (xlwings' ComRange) is used by another thread through a copy marshalled here
            _pending[key] = (copy.copy(caller) if hasattr(caller, "_ser") else caller, version)
        _start_writer()


def _start_writer() -> None:
    with _writer_lock:
        if _writer[0] is None:
            _writer[0] = threading.Thread(target=_write_after_bursts, name="trcalc-last-rules", daemon=True)
            _writer[0].start()


def due(now: float | None = None) -> list[tuple]:
    """The records to write now: every pending one once no call came for BURST_GAP (the burst is over)."""
    now = time.monotonic() if now is None else now
    with _writer_lock:
        if now - _last_call[0] < BURST_GAP or not _pending:
            return []
        items = list(_pending.values())
        _pending.clear()
        return items


def _write_after_bursts() -> None:
    try:
        import pythoncom            # a COM thread of its own (Windows); absent elsewhere
        pythoncom.CoInitialize()
    except ImportError:
        pass
    while True:
        time.sleep(BURST_GAP)
        for caller, version in due():
            _retrying(lambda c=caller, v=version: write_last_rules(_book_of(c), v))
        with _writer_lock:
            if not _pending:
                _writer[0] = None
                return


def _retrying(write, tries: int = 40) -> bool:
    """Run `write`, again (backing off, at most ~20 s) while Excel answers that it is busy."""
    pause = 0.05
    for _ in range(tries):
        try:
            write()
            return True
        except Exception as exc:
            hresult = getattr(exc, "hresult", None)
            args = getattr(exc, "args", ())
            scode = args[2][5] if hresult == _DISP_E_EXCEPTION and len(args) > 2 and args[2] else None
            if not (hresult in _RETRY_HRESULTS or (hresult == _DISP_E_EXCEPTION and scode in _RETRY_SCODES)):
                return False         # the workbook was closed, or has no names: nothing to record
        time.sleep(pause)
        pause = min(pause * 2, 1.0)
    return False


def error_value(message: str, as_text: bool = False):
    """Excel's #VALUE! for a failing cell or row (see the module's docstring)."""
    if as_text:
        return error_text(message)
    # pywin32's VARIANT, from the module xlwings itself has imported on Windows (xlwings/udfs.py, the UDF
    # server, and xlwings/_xlwindows.py import win32com.client at load): read from sys.modules, because
    # a failed import is not cached and searches sys.path again on every error cell elsewhere (the
    # 36,000 refused blank rows of a 10,000-line DİR: ~1 s)
    variant = getattr(sys.modules.get("win32com.client"), "VARIANT", None)
    if variant is None:
        return CellError(" ".join(str(message).split()))
    return variant(VT_ERROR, XL_ERR_VALUE)


def run(fn: Function, args: tuple, caller=None):
    """The cell's value (or a spilling column, row or table) for `fn` on Excel's arguments."""
    as_text = False
    _last_call[0] = time.monotonic()
    try:
        book = _book_of(caller)
        url, key, as_text = settings(book)
        before = last_rules(book)
        how = orientation(args)
        values = [_column(a) for a in args]
        while values and values[-1] is None:     # trailing omitted arguments
            values.pop()
        if fn.name == "TR_RULES_VERSION" and not values and book is not None:
            # the version the workbook was last computed with: a different one is the warning (issue 24.5)
            last = _warned.get(_book_key(book)) or before
            values = [last] if last else []
        is_array = any(isinstance(v, list) for v in values)
        if is_array:
            refuse_detail_range(fn)
        overrides = workbook_overrides(caller)
        if url:
            out = _remote(url, key, fn, values, overrides, is_array, how, as_text)
            _computed(book, caller, before, remote.SEEN.get(url))
            return out
        if is_array:
            out = call_many(fn.name, values, read_overrides(overrides))
            _computed(book, caller, before, rules_book().version)
            return orient([error_value(v.message, as_text) if isinstance(v, CalcError) else to_excel(v)
                           for v in out], how)
        out = to_excel(fn(*values, overrides=overrides))
        _computed(book, caller, before, rules_book().version)
        return out
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
