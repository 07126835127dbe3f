"""trcalc's domain package: Turkish trade-tax formulas, pure Python.

    >>> from trcalc.calc import call
    >>> call("TR_TEV", 100000, 10000, 5000, 1, 0.10, 30)
    Decimal('150000.00')

`call` returns what the Excel cell would show (Decimal, bool, str or a 2-D
list for _DETAIL functions); bad input raises `CalcError` (a ValueError) with
the message in Turkish then English.  No Excel, no Flask here: the adapters
(add-in, server, CLI, formula engine) all go through `calc.registry`.
"""
from __future__ import annotations

from .errors import CalcError
from .registry import REGISTRY, call_many, get

# Topic modules register their functions on import.
from . import imports  # noqa: E402,F401
from . import tev, interest, microexport  # noqa: E402,F401
from . import eexport  # noqa: E402,F401
from . import customs  # noqa: E402,F401
from . import rulefuncs  # noqa: E402,F401
from . import fx  # noqa: E402,F401
from . import datefuncs  # noqa: E402,F401
from . import columns  # noqa: E402,F401
from . import workdays  # noqa: E402,F401
from . import gtip  # noqa: E402,F401

__all__ = ["CalcError", "call", "call_many", "function_names", "get"]


def call(name: str, *args, overrides=None):
    """Compute one spreadsheet function as a cell would."""
    return get(name)(*args, overrides=overrides)


def function_names() -> list[str]:
    return sorted(REGISTRY)
