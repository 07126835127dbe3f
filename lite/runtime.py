"""What trcalc's xlwings Lite functions call inside Pyodide.

Arguments arrive as xlwings Lite passes them (lite.xlwings.org, "Custom
Functions", Dimension of arguments): a single cell as a float, int, bool or str,
an empty or omitted argument as None, a one-dimensional range as a list and a
two-dimensional range as a list of lists.  A range (one column or one row) in
any argument switches to the column form — one call computes the whole column
and returns a column that spills, as the xlwings add-in does.

A single call that fails raises, so Excel shows an error value in the cell and
totals over it are errors too; in a column, a failing row is one line of text
starting with "#" (a row of an array cannot carry its own exception).
"""
from __future__ import annotations

from trcalc.calc import call_many, get
from trcalc.calc.errors import CalcError, TrcalcError
from trcalc.calc.excel import column, error_text, to_excel


def run(name: str, *args):
    fn = get(name)
    try:
        values = [column(a) for a in args]
        while values and values[-1] is None:          # trailing omitted arguments
            values.pop()
        if any(isinstance(v, list) for v in values):
            rows = call_many(fn.name, values)
            return [[error_text(v.message) if isinstance(v, CalcError) else to_excel(v)] for v in rows]
        return to_excel(fn(*values))
    except CalcError as exc:
        raise TrcalcError(exc.message) from None          # the cell shows the message, argument named
