"""xlwings UDFs: one per registry function, generated from the registry.

Point xlwings' "UDF Modules" setting at `addin.trcalc_udfs` and press
"Import Functions": every function of `calc.registry` appears under its Excel
name, with its Turkish help in the function wizard.  No argument list is
written here: each UDF takes its signature and help from its registry entry,
so a function added to the registry appears after the next import.

On Linux and macOS xlwings' decorators pass the function through unchanged,
so this module imports anywhere and the tests call the UDFs directly.
"""
from __future__ import annotations

import inspect

import xlwings as xw

from trcalc.addin.cells import run
from trcalc.calc.registry import REGISTRY, Function
from trcalc.calc.rules.check import require_valid

require_valid()       # refuse to load on rules that fail `trcalc rules check` (the message says why)

CATEGORY = "trcalc"
_LIMIT = 255          # Excel's limit for function and argument help


def _udf(fn: Function):
    def udf(*args):
        n = len(fn.args)
        caller = args[n] if len(args) > n else None    # xlwings' reserved argument
        return run(fn, args[:n], caller)

    params = [inspect.Parameter(a.excel, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                default=None if a.optional else inspect.Parameter.empty)
              for a in fn.args]
    params.append(inspect.Parameter("caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    udf.__signature__ = inspect.Signature(params)
    udf.__name__ = udf.__qualname__ = fn.name
    udf.__module__ = __name__
    udf.__doc__ = f"{fn.summary_tr} / {fn.summary_en}"[:_LIMIT]
    udf.arg_help = {a.excel: f"{a.doc_tr} / {a.doc_en}"[:_LIMIT] for a in fn.args}
    for a in reversed(fn.args):
        udf = xw.arg(a.excel, doc=udf.arg_help[a.excel])(udf)
    # volatile (issue 23.4): xlwings' generator then writes `Application.Volatile` into the VBA wrapper,
    # so a result that follows today, and the rules version, are recalculated on every recalculation.
    return xw.func(category=CATEGORY, volatile=fn.volatile)(udf)


for _name, _fn in REGISTRY.items():
    globals()[_name] = _udf(_fn)

__all__ = sorted(REGISTRY)
