"""A cell the fast evaluator does not know, computed by the `formulas` engine — that cell alone.

`formulas` (pypi.org/project/formulas) compiles one formula into a function of
its input ranges (`Parser().ast(text)[1].compile()`, whose `inputs` name the
ranges); the values come from our own grid, so the engine never loads a file
and never sees any cell but the inputs.  Unsafe references never get here
(`formula.tokenize` refuses them first).
"""
from __future__ import annotations

import os

os.environ.setdefault("TQDM_DISABLE", "1")     # formulas' progress bars are noise here

import numpy as np  # noqa: E402

from .values import MAX_TEXT, TEXT_TOO_LONG, Err, text_date  # noqa: E402

_REGISTERED = False


def _xl():
    from formulas.tokens.operand import XlError
    return XlError


def register() -> None:
    """Give every registry function to the `formulas` engine (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    import formulas

    from .udf import engine_function
    from .bridge import REGISTRY
    functions = formulas.get_functions()
    for name, fn in REGISTRY.items():
        functions[name] = engine_function(fn)
        functions["TRCALC." + name] = functions[name]
        functions["ORG.TRCALC.CALC.FUNCTIONS." + name] = functions[name]      # the LibreOffice extension's spelling
    _bounded_text(functions)
    for name in ("YEAR", "MONTH", "DAY"):
        functions[name] = _lifted(functions[name])
    _REGISTERED = True


def _bounded_text(functions) -> None:
    """The engine's REPT and SUBSTITUTE, with Excel's 32,767-character limit checked before the text is
    built (the engine's own built `REPT("x"; 1E9)` — a gigabyte — and only then failed; issue 22.3)."""
    from formulas.functions import Error, replace_empty, wrap_ufunc
    from formulas.functions.text import _kw0, _str, xsubstitute

    from .values import MAX_TEXT

    def rept(text, number_times):
        s, n = _str(text), float(replace_empty(number_times))
        if n < 0 or len(s) * min(n, MAX_TEXT + 1) > MAX_TEXT:
            return Error.errors["#VALUE!"]
        return s * int(n)

    def substitute(text, old_text, new_text, instance_num=None):
        t, old, new = _str(text), _str(old_text), _str(new_text)
        if old and len(t) + t.count(old) * (len(new) - len(old)) > MAX_TEXT:
            return Error.errors["#VALUE!"]
        return xsubstitute(text, old_text, new_text, instance_num)

    functions["REPT"] = wrap_ufunc(rept, **_kw0)
    functions["SUBSTITUTE"] = wrap_ufunc(substitute, input_parser=lambda *a: a,
                                         args_parser=lambda *a: (replace_empty(v, "") for v in a))


def _lifted(f):
    """`formulas` computes YEAR/MONTH/DAY of one date only; Excel computes them element by element over
    an array ("Guidelines and examples of array formulas", support.microsoft.com), as an array formula
    of the templates (issue 23.1) asks."""
    def lifted(*args):
        args = [a.value if hasattr(a, "value") and not isinstance(a, np.ndarray) else a for a in args]
        arrays = [a for a in args if isinstance(a, np.ndarray) and a.size > 1]
        if not arrays:
            return f(*args)
        shape = arrays[0].shape
        out = np.empty(shape, dtype=object)
        for idx in np.ndindex(shape):
            one = [np.array([[a[idx]]], dtype=object) if isinstance(a, np.ndarray) and a.shape == shape else a
                   for a in args]
            v = f(*one)
            out[idx] = v.reshape(-1)[0] if isinstance(v, np.ndarray) else v
        return out
    return lifted


def compile_cell(text: str):
    import formulas
    register()
    func = formulas.Parser().ast(text)[1].compile()
    return func, list(func.inputs)


def _to_engine(v, scalar: bool = False):
    import schedula as sh
    if v is None:
        return sh.EMPTY
    if scalar and type(v) is str:
        # one cell's date text goes in as its date (the `formulas` engine would read "10.02.2025"
        # month-first); in a range it stays text, as criteria see it (values.text_date)
        d = text_date(v)
        if d is not None:
            return d
    if type(v) is Err:
        from .udf import CellError
        return CellError(v.message) if v.message else _xl()(v.code)
    return v


def from_engine(v):
    import schedula as sh
    XlError = _xl()
    if hasattr(v, "value") and not isinstance(v, (np.ndarray, XlError)):
        v = v.value
    if isinstance(v, np.ndarray):
        v = v.reshape(-1)[0] if v.size else None
    if v is sh.EMPTY or v is None:
        return 0.0
    if isinstance(v, XlError):
        return Err(str(v), getattr(v, "message", ""))
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and len(v) > MAX_TEXT:
        return Err("#VALUE!", TEXT_TOO_LONG)
    return v


def _as_ranges(name: str, value):
    """An input as the `formulas` engine's own reference object (ROW of a range needs its address)."""
    from formulas.ranges import Ranges
    try:
        return Ranges().push(name, value if isinstance(value, np.ndarray) else np.array([[value]], dtype=object))
    except Exception:
        return value


def evaluate(func, inputs: list[str], ranges, array: bool = False) -> object:
    """Call the compiled formula on the values of `ranges` (one per input, in order); with `array`, the
    list of the result's values (row by row: an array formula's cells)."""
    args = []
    for rng in ranges:
        if rng.size == 1:
            args.append(_to_engine(rng.book.get(rng.sheet, rng.r1, rng.c1), scalar=True))
        else:
            rows = rng.rows()
            w = rng.shape[1]
            arr = np.empty((max(1, len(rows)), w), dtype=object)
            arr.fill(_to_engine(None))
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    arr[i, j] = _to_engine(v)
            args.append(arr)
    if array:
        args = [_as_ranges(name, a) for name, a in zip(inputs, args)]
    try:
        out = func(*args)
        if array:
            if hasattr(out, "value") and not isinstance(out, (np.ndarray, _xl())):
                out = out.value
            if isinstance(out, np.ndarray):
                return [from_engine(v) for v in out.reshape(-1)]
            return [from_engine(out)]
        return from_engine(out)
    except Exception as exc:                 # the engine's own failure stays in this cell
        return Err("#VALUE!", f"formül hesaplanamadı ({type(exc).__name__}) — the formula could not be "
                              f"computed ({type(exc).__name__})")
