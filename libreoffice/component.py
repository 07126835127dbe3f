"""trcalc in LibreOffice Calc: the extension's UNO component (shipped as `trcalc_functions.py`).

LibreOffice loads this file with its own Python (pyuno) when Calc first needs a trcalc function
(the extension's manifest declares it `application/vnd.sun.star.uno-component;type=Python`). Its
class implements `org.trcalc.calc.XFunctions`, the interface of the extension's type library, one
method per registry function, and is registered for the service `com.sun.star.sheet.AddIn`; the
extension's Addins.xcu names it and gives each function its Turkish and English help (LibreOffice
Developer's Guide, "Spreadsheet Add-Ins"). trcalc's pure-Python code and its rules (JSON) sit in the
extension's `pythonpath` folder, which LibreOffice's Python loader puts on `sys.path` for a
component beside it (pythonloader.py, checkForPythonPathBesideComponent).

How Calc passes arguments declared `any` (sc/source/core/tool/addincol.cxx, ScUnoAddInCall): a
number or date as a double (a date is its serial number), text as a string, a range as a tuple of
row tuples, an omitted argument as nothing (None here) — and an empty cell as 0, which is why the
Calc templates pass single cells as one-cell ranges (build.one_cell_ranges). Results go back the
same way: a number or a string, or rows of values for a `_DETAIL` table (an array formula).
A failing call raises, and Calc shows #VALUE! (any exception other than IllegalArgument or
NoConvergence is FormulaError::NoValue there: sc/source/core/tool/addincol.cxx).
"""
import unohelper
from org.trcalc.calc import XFunctions  # noqa: F401  (the extension's own type library)

IMPLEMENTATION = "org.trcalc.calc.Functions"
SERVICES = ("com.sun.star.sheet.AddIn",)
NAMES = ()          # the registry's function names, filled in by trcalc.libreoffice.build


class TrcalcError(Exception):
    """A trcalc error: Calc shows #VALUE!; the message is the Turkish-then-English text."""


def _arg(value):
    if isinstance(value, tuple) and len(value) == 1 and len(value[0]) == 1:
        value = value[0][0]                   # a one-cell range: that cell (empty stays empty, not 0)
    if value is None or value == "":
        return None
    if isinstance(value, tuple):
        return [[None if c == "" else c for c in row] for row in value]
    return value


def _column(value):
    """A range's rows as one column (a row as a column too); other values as they are."""
    from trcalc.calc.errors import CalcError
    if not isinstance(value, list):
        return value
    if all(len(row) == 1 for row in value):
        return [row[0] for row in value]
    if len(value) == 1:
        return list(value[0])
    raise CalcError("invalid", "tek sütun ya da tek satır bekleniyordu", "expected a single column or row")


def _cell(value):
    import datetime as dt
    from decimal import Decimal

    from trcalc.calc.dates import to_serial
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, dt.date):
        return float(to_serial(value if not isinstance(value, dt.datetime) else value.date()))
    if value is None:
        return ""
    return value


def run(name, args):
    """One call from a Calc cell: a value, or the rows of a `_DETAIL` table."""
    from trcalc.calc import get
    from trcalc.calc.errors import CalcError
    fn = get(name)
    values = [_arg(a) for a in args]
    while values and values[-1] is None:                     # trailing omitted arguments
        values.pop()
    try:
        if any(isinstance(v, list) for v in values):
            if fn.result == "table":
                raise CalcError("invalid", f"{name}: döküm tek satır içindir; bir aralık verilemez",
                                f"{name}: a breakdown is for one row; it takes no range")
            # the column form (issue 23.1): a column (or row) in, one value per row out, in one call — the
            # templates' computed columns are array formulas; a failing row is NaN, which Calc shows as an
            # error value in that row (sc/source/core/tool/rangeseq.cxx: a non-finite double is an error)
            from trcalc.calc.registry import call_many
            rows = call_many(fn.name, [_column(v) for v in values])
            return tuple((float("nan") if isinstance(r, CalcError) else _cell(r),) for r in rows)
        value = fn(*values)
    except CalcError as exc:
        raise TrcalcError(exc.message) from None
    if fn.result == "table":                                 # declared as rows of values
        return tuple(tuple(_cell(c) for c in row) for row in value)
    return _cell(value)


class Functions(unohelper.Base, XFunctions):
    def __init__(self, ctx):
        self.ctx = ctx


def _method(name):
    def method(self, *args):
        return run(name, args)
    method.__name__ = name
    return method


for _name in NAMES:
    setattr(Functions, _name, _method(_name))

g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, IMPLEMENTATION, SERVICES)
