"""Registry functions as `formulas` engine functions (for cells computed by that engine)."""
from __future__ import annotations

import contextvars
import datetime as dt
from decimal import Decimal

import numpy as np
import schedula as sh

from .bridge import CalcError, Function, call_many, to_serial

OVERRIDES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("trcalc_overrides", default=None)


def _xl_error_type():
    from formulas.tokens.operand import XlError
    return XlError


class CellError(_xl_error_type()):
    """#VALUE! that carries the CalcError's message to the report and the cell comment."""

    def __new__(cls, message: str):
        obj = super().__new__(cls, "#VALUE!")
        obj.message = message
        return obj


def _scalar(x):
    if x is sh.EMPTY:
        return None
    if isinstance(x, np.generic):
        return x.item()
    return x


def _flatten(arg):
    """A formulas argument as a scalar, or a list for a one-column/one-row range."""
    from formulas.ranges import Ranges
    if isinstance(arg, Ranges):
        arg = arg.value
    if isinstance(arg, np.ndarray):
        if arg.size == 1:
            return _scalar(arg.reshape(-1)[0])
        if arg.ndim == 2 and 1 not in arg.shape:
            raise CalcError("invalid", "tek sütun ya da tek satır bekleniyordu",
                            "expected a single column or row")
        return [_scalar(v) for v in arg.reshape(-1)]
    return _scalar(arg)


def to_cell(value):
    """A calc result as the engine (and Excel) holds it."""
    if isinstance(value, bool) or value is None:
        return value if value is not None else ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return to_serial(value)
    if isinstance(value, CalcError):
        return CellError(value.message)
    if isinstance(value, list):
        return np.array([[to_cell(c) for c in row] for row in value], dtype=object)
    return value


def _first_error(values):
    XlError = _xl_error_type()
    for v in values:
        items = v if isinstance(v, list) else [v]
        for x in items:
            if isinstance(x, XlError):
                return x
    return None


def engine_function(fn: Function):
    def udf(*args):
        try:
            values = [_flatten(a) for a in args]
            err = _first_error(values)
            if err is not None:                      # an error in an input propagates, as in Excel
                return err
            if any(isinstance(v, list) for v in values):
                out = call_many(fn.name, values, OVERRIDES.get() or {})
                return np.array([[to_cell(v)] for v in out], dtype=object)
            return to_cell(fn(*values, overrides=OVERRIDES.get() or {}))
        except CalcError as exc:
            return CellError(exc.message)
        except Exception as exc:                         # never a traceback into a cell
            return CellError(f"beklenmeyen hata — unexpected error: {type(exc).__name__}")
    udf.__name__ = fn.name
    return udf
