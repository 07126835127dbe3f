"""trcalc: Turkish trade-tax formulas for Excel, a team server and the command line.

    >>> from trcalc import call, CalcError, function_names
    >>> call("TR_TEV", 100000, 10000, 5000, 1, 0.10, 30)
    Decimal('150000.00')

The names come from `calc` (`trcalc.calc` in an installed wheel), loaded on first use so that
`trcalc --help` stays fast.  `trcalc.udfs` is the xlwings UDF module (xlwings "UDF Modules").
"""
from __future__ import annotations

__all__ = ["CalcError", "call", "call_many", "function_names", "get"]


def __getattr__(name: str):
    if name in __all__:
        from trcalc.calc import CalcError, call, call_many, function_names, get   # noqa: F401
        return locals()[name]
    raise AttributeError(f"module 'trcalc' has no attribute {name!r}")
