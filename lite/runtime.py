"""What trcalc's xlwings Lite functions call inside Pyodide.

How xlwings Lite calls a custom function (read from xlwings' own code, issue 23.3):
the Lite add-in passes Excel's arguments to `xlwings.server.custom_functions_call`
(xlwings/pro/udfs_officejs.py; the Wasm runtime is xlwings-server's
`xlwings_server/wasm/wasm_runtime.py`, which first turns the JS object into Python
with `to_py()`). Every parameter is a matrix; a 1×1 matrix becomes a scalar; an
argument that is then `None` takes the parameter's default; anything else goes
through xlwings' converter (`@arg(..., ndim=2)` here, so a 1×N row stays a row).

- **JsNull.** Pyodide ≥ 0.28 turns JS `null` (an omitted argument, an empty cell)
  into `pyodide.ffi.jsnull`, not `None`. xlwings maps it back to `None` only from
  0.36.7 (changelog: "fix empty values in custom functions (showed jsnull instead of
  None with Pyodide 314.0.0)"); with 0.33.20 — the version Lite gave new workbooks,
  which keep it — it reaches this code. It is read here as omitted/empty.
- **Errors.** A single call that fails raises: Lite shows the error value with the
  message (custom-functions-code.js throws `CustomFunctions.Error(invalidValue,
  message)` for the call's error). A failing row of a column is the text
  "#VALUE!", which xlwings' officejs converter writes as a real error value
  (`errorstr_to_errortype`, custom functions runtime ≥ 1.4), so SUM over the column
  is an error too; its message is the row's own call (one cell) or its `_DETAIL`.
- **Shape.** A range (one column or one row) switches to the column form: one call
  for the whole column, the result in the range's orientation. A `_DETAIL` function
  given a range is refused.
"""
from __future__ import annotations

from trcalc.calc import call_many, get
from trcalc.calc.errors import CalcError, TrcalcError
from trcalc.calc.excel import column, orient, orientation, refuse_detail_range, to_excel

try:                                  # Pyodide ≥ 0.28; elsewhere nothing is a JsNull
    from pyodide.ffi import JsNull as _JsNull
except ImportError:                   # pragma: no cover - CPython, older Pyodide
    _JsNull = ()

ROW_ERROR = "#VALUE!"                 # xlwings Lite writes it as Excel's #VALUE! error value


def _plain(value):
    """JsNull (an empty or omitted argument under xlwings < 0.36.7) as None, in ranges too."""
    if _JsNull and isinstance(value, _JsNull):
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _single(value):
    """`ndim=2` gives a single value as [[v]]: that is one cell, not a range."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1:
        return value[0][0]
    return value


def _argument(value):
    """One argument as `_single(_plain(value))` gives it, a 1×1 matrix (one cell, the common case) at once."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1:
        v = value[0][0]
        return None if _JsNull and isinstance(v, _JsNull) else v
    return _single(_plain(value))


def run(name: str, *args):
    fn = get(name)
    try:
        raw = [_argument(a) for a in args]
        if not any(isinstance(v, list) for v in raw):      # one cell: every argument a single value
            while raw and raw[-1] is None:                  # trailing omitted arguments
                raw.pop()
            return to_excel(fn(*raw))
        how = orientation(raw)
        values = [column(a) for a in raw]
        while values and values[-1] is None:          # trailing omitted arguments
            values.pop()
        if any(isinstance(v, list) for v in values):
            refuse_detail_range(fn)
            rows = call_many(fn.name, values)
            return orient([ROW_ERROR if isinstance(v, CalcError) else to_excel(v) for v in rows], how)
        return to_excel(fn(*values))
    except CalcError as exc:
        raise TrcalcError(exc.message) from None          # the cell shows the message, argument named
