"""What an Excel cell sends and gets back: the logic behind every xlwings UDF.

Kept apart from xlwings so it runs (and is tested) on any machine.

* Arguments arrive as xlwings gives them: floats, text, None for an empty
  cell, datetimes for date cells, and lists for ranges.
* A range (a column or a row) in any argument switches to the array form:
  one call computes the whole column and returns a column that spills, so a
  10,000-row sheet is one UDF call, not 10,000.
* Results go back as Excel holds them (Decimal → float, dates as dates); a
  `_DETAIL` table is a 2-D list that spills.
* Errors come back as one line of text starting with "#" (xlwings cannot
  return real Excel errors), Turkish then English — never a traceback.
* A workbook's TRCALC_OVERRIDES named range (parameter | value) overrides rule
  parameters for that workbook's calls; it is read once per recalculation
  burst (cached for a few seconds), not once per cell.
"""
from __future__ import annotations

import datetime as dt
import time

from trcalc.calc.context import overrides_from_rows, read_overrides
from trcalc.calc.errors import CalcError
from trcalc.calc.excel import column as _column
from trcalc.calc.excel import error_text, to_excel
from trcalc.calc.registry import Function, call_many

from . import remote

OVERRIDES_NAME = "TRCALC_OVERRIDES"
_CACHE_SECONDS = 3.0
_cache: dict[str, tuple[float, dict]] = {}


def _book_of(caller):
    try:
        return caller.sheet.book
    except Exception:
        return None


def workbook_overrides(caller) -> dict:
    """{parameter: value} from the calling workbook's TRCALC_OVERRIDES range."""
    book = _book_of(caller)
    if book is None:
        return {}
    key = str(getattr(book, "fullname", None) or getattr(book, "name", id(book)))
    hit = _cache.get(key)
    now = time.monotonic()
    if hit and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    try:
        rows = book.names[OVERRIDES_NAME].refers_to_range.value
    except Exception:        # no such name in this workbook
        rows = None
    out = overrides_from_rows(rows)
    _cache[key] = (now, out)
    return out


def run(fn: Function, args: tuple, caller=None):
    """The cell's value (or a spilling column/table) for `fn` on Excel's arguments."""
    try:
        values = [_column(a) for a in args]
        while values and values[-1] is None:     # trailing omitted arguments
            values.pop()
        overrides = workbook_overrides(caller)
        book = _book_of(caller)
        url = remote.server_url(book)
        is_array = any(isinstance(v, list) for v in values)
        if url:
            return _remote(url, fn, values, overrides, is_array, book)
        if is_array:
            out = call_many(fn.name, values, read_overrides(overrides))
            return [[error_text(v.message) if isinstance(v, CalcError) else to_excel(v)] for v in out]
        return to_excel(fn(*values, overrides=overrides))
    except CalcError as exc:
        return error_text(exc.message)
    except (remote.RemoteError, remote.CallError) as exc:
        return error_text(exc.message)
    except Exception as exc:          # never a traceback in a cell
        return error_text(f"beklenmeyen hata — unexpected error ({type(exc).__name__})")


def _remote(url, fn, values, overrides, is_array, book=None):
    key = remote.api_key(book)
    if is_array:
        rows = remote.column(url, fn.name, values, overrides, key)
        return [[_cell(fn, r)] for r in rows]
    (result,) = remote.batch(url, [{"function": fn.name, "args": remote.jsonable(values)}], overrides, key)
    return _cell(fn, result)


def _cell(fn: Function, result: dict):
    if result.get("error"):
        return error_text(result["error"]["message"])
    return _from_json(fn, result.get("value"))


def _from_json(fn: Function, value):
    if fn.result == "date" and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if value is None:
        return ""
    return value
