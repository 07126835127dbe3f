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
Calc templates pass single cells as one-cell ranges (build.calc_arguments). Results go back as the
add-in contract allows (com.sun.star.sheet.AddIn: a function returns a number, a string, rows of
values `any[][]`, or `any` holding one of those): rows of values for a `_DETAIL` table and for every
function with the column form (`COLUMNS`: a range in, a column out in one call, see `run`), one value for
a function with a text result. A failing call raises, and Calc shows #VALUE! (any exception other than
IllegalArgument or NoConvergence is FormulaError::NoValue there: sc/source/core/tool/addincol.cxx); a
failing row of a column is #VALUE! in that row (`NO_VALUE`). The contract carries no message: a cell's
message is TR_ERROR_TEXT's (calc/rulefuncs.py).
"""
import datetime
import struct
import time
from decimal import Decimal as _DECIMAL

import unohelper
from org.trcalc.calc import XFunctions  # noqa: F401  (the extension's own type library)

IMPLEMENTATION = "org.trcalc.calc.Functions"
SERVICES = ("com.sun.star.sheet.AddIn",)
NAMES = ()          # the registry's function names, filled in by trcalc.libreoffice.build
COLUMNS = ()        # those with the column form (rows of values back), filled in by trcalc.libreoffice.build


# A failing row of a column: Calc's #VALUE!. Calc holds an error inside a matrix as a NaN whose low 32 bits
# of fraction are the error's code (formula/errorcodes.hxx, CreateDoubleError / GetDoubleErrorValue);
# FormulaError::NoValue is 519, the #VALUE! a failing single call gives. A plain NaN would show Err:503.
_DATE, _DATETIME = datetime.date, datetime.datetime
NO_VALUE = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000 | 519))[0]


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
    """A trcalc value as Calc takes it: a number (a date as its serial, TRUE/FALSE as 1/0), text, or "" for
    nothing."""
    t = type(value)
    if t is _DECIMAL or t is float:
        return float(value)
    if t is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, _DATE):
        from trcalc.calc.dates import to_serial
        return float(to_serial(value if not isinstance(value, _DATETIME) else value.date()))
    if isinstance(value, (int, _DECIMAL)):
        return float(value)
    return value


def _rows_of(how, cells):
    """A column's values as Calc's rows of values: one per row, or one row when every range was a row."""
    return (tuple(cells),) if how == "row" else tuple((c,) for c in cells)


def _orientation(values) -> str:
    ranges = [v for v in values if isinstance(v, list)]
    return "row" if ranges and all(len(v) == 1 and len(v[0]) > 1 for v in ranges) else "column"


def run(name, args):
    """One call from a Calc cell: a value, the rows of a `_DETAIL` table, or a column in the column form.

    The column form (issue 23.1): a function whose result is a number, a date or TRUE/FALSE (`COLUMNS`,
    declared in the type library as rows of values) takes ranges and gives one value per row in one call —
    the Calc templates' computed columns are array formulas, a handful of calls per column; a failing row
    is #VALUE! in that row (sc/source/core/tool/rangeseq.cxx: a non-finite double
    is an error value: `NO_VALUE`), and a single cell gets its value as one row of one value. A function with a text
    result stays one value per call (`VALUES`): Calc 7.4 does not put text from an add-in's array into the
    document's string pool, so `=A1="FLAT"` would be false for a cell showing FLAT
    (tests/test_libreoffice_ext.py pins it)."""
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
            if name not in COLUMNS:
                raise CalcError("invalid", f"{name}: LibreOffice'te metin sonucu veren işlev aralık almaz; her satıra "
                                "bir formül yazın", f"{name}: in LibreOffice a function with a text result takes no "
                                "range; write one formula per row")
            from trcalc.calc.registry import call_many
            how = _orientation(values)
            whole = {i for i, a in enumerate(fn.args) if a.whole}
            rows = call_many(fn.name, [_column(v) if i not in whole else _flat(v) for i, v in enumerate(values)])
            return _rows_of(how, [NO_VALUE if isinstance(r, CalcError) else _cell(r) for r in rows])
        value = fn(*values)
    except CalcError as exc:
        raise TrcalcError(exc.message) from None
    if fn.result == "table":                                 # declared as rows of values
        return tuple(tuple(_cell(c) for c in row) for row in value)
    if name in COLUMNS:
        return ((_cell(value),),)
    return _cell(value)


def _flat(value):
    """A table argument (the whole range, of its own length): its cells row by row."""
    if not isinstance(value, list):
        return value
    return [c for row in value for c in row]


class Functions(unohelper.Base, XFunctions):
    def __init__(self, ctx):
        self.ctx = ctx


def _count(name, seconds):
    """The benchmark's call counter (`make bench`, bench/libreoffice.py): one line per call, its name and the
    seconds trcalc took, in the file that TRCALC_LO_CALLS names, when it names one."""
    from trcalc.calc import settings
    path = settings.get("TRCALC_LO_CALLS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{name} {seconds:.6f}\n")


def _method(name):
    def method(self, *args):
        start = time.perf_counter()
        try:
            return run(name, args)
        finally:
            _count(name, time.perf_counter() - start)
    method.__name__ = name
    return method


for _name in NAMES:
    setattr(Functions, _name, _method(_name))

g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, IMPLEMENTATION, SERVICES)
