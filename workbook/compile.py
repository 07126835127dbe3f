"""A formula pattern → one Python closure `(book, sheet, row, col) → value`, built once per pattern.

Every node of the syntax tree becomes a small closure; references are resolved
against the cell being computed, so the closure serves every cell of a
copied-down column.  Functions are the Excel built-ins in `functions.py` and
every registry function under its Excel name (an optional prefix such as
`TRCALC.` or `_xlfn.` is ignored).  A construct this compiler does not know
raises `Unsupported`, and the cell goes to the `formulas` engine alone.
"""
from __future__ import annotations

import math
import threading

from .bridge import REGISTRY

from .formula import FormulaError, Node, Ref
from .functions import BUILTINS, LAZY, registry_call
from .grid import Rng
from .values import MAX_TEXT, NOT_ONE_VALUE, TEXT_TOO_LONG, Err, compare, to_number, to_text


class Unsupported(Exception):
    """This compiler does not know the construct; another engine may."""


BLOCKED = {"INDIRECT", "OFFSET", "WEBSERVICE", "FILTERXML", "RTD", "CALL", "REGISTER.ID", "HYPERLINK", "INFO",
           "CELL", "IMAGE"}


NOT_COMPUTED = {"LET", "LAMBDA", "MAP", "REDUCE", "SCAN", "MAKEARRAY", "BYROW", "BYCOL"}


def function_name(name: str) -> str:
    up = name.upper()
    # Excel's future-function prefixes, the Office add-in's (templates/office.py) and the LibreOffice
    # extension's spelling (libreoffice/build.py CALC_PREFIX)
    for prefix in ("_XLFN._XLWS.", "_XLFN.", "_XLWS.", "TRCALC.", "_XLDUDF_TRCALC_", "ORG.TRCALC.CALC.FUNCTIONS."):
        if up.startswith(prefix):
            up = up[len(prefix):]
    return up


def resolve_ref(ref: Ref, book, sheet):
    if ref.sheet is None:
        return sheet
    target = book.sheet(ref.sheet)
    if target is None:
        raise FormulaError(f"sayfa yok ({ref.sheet})", f"no such sheet ({ref.sheet})")
    return target


def scalar(v):
    """A value where one cell is expected: a one-cell range gives its value; a larger one #VALUE!."""
    if type(v) is Rng:
        if v.r1 == v.r2 and v.c1 == v.c2:
            return v.book.get(v.sheet, v.r1, v.c1)
        return NOT_ONE_VALUE
    return v


_STATE = threading.local()          # the repeated subtrees of the formula being compiled


def repeated_subtrees(node: Node) -> set:
    """The subtrees written more than once in a formula (the template's `MATCH(D5&"#"&(O5+0),…)`
    appears up to six times in one cell): each is computed once per cell."""
    counts: dict = {}

    def walk(n):
        if n.kind in ("call", "binary", "chain", "unary", "percent"):
            counts[n] = counts.get(n, 0) + 1
            if counts[n] > 1:
                return
        for a in n.args:
            if isinstance(a, Node):
                walk(a)
    walk(node)
    return {n for n, k in counts.items() if k > 1}


def compile_formula(node: Node, book):
    """`compile_node` for a whole formula, its repeated subtrees computed once per cell."""
    _STATE.repeated = repeated_subtrees(node)
    _STATE.done = {}
    try:
        return compile_node(node, book)
    finally:
        _STATE.repeated = _STATE.done = None


def _once_per_cell(f):
    last = [None, None]             # one slot: the repeats of a subtree come within one cell's computation

    def once(b, s, r, c):
        k = (s.index, r, c)
        if last[0] == k:
            return last[1]
        v = f(b, s, r, c)
        last[0], last[1] = k, v
        return v
    return once


def compile_value(node: Node, book):
    """`compile_node` where one value is wanted: a one-cell reference reads the cell directly
    (no range object on the way — the commonest operand of arithmetic and comparisons)."""
    if node.kind == "ref":
        ref: Ref = node.value
        (ar1, vr1), (ac1, vc1) = ref.r1, ref.c1
        if (ref.r1, ref.c1) == (ref.r2, ref.c2):
            target = resolve_ref(ref, book, None) if ref.sheet is not None else None
            if ar1 and ac1:
                return lambda b, s, r, c: b.get(target or s, vr1, vc1)
            if ac1:
                return lambda b, s, r, c: b.get(target or s, r + vr1, vc1)
            if ar1:
                return lambda b, s, r, c: b.get(target or s, vr1, c + vc1)
            return lambda b, s, r, c: b.get(target or s, r + vr1, c + vc1)
    f = compile_node(node, book)
    if node.kind in _SCALAR_KINDS:
        return f
    return lambda b, s, r, c: scalar(f(b, s, r, c))


_SCALAR_KINDS = {"num", "str", "bool", "err", "missing", "unary", "percent", "binary", "chain"}   # never a range
# functions that read one value from an argument (a one-cell reference is read directly): IF's test,
# the IS… functions, N, NOT, text functions, and every registry function (`registry_call`)
_FIRST_VALUE = {"IF", "IFERROR", "IFNA"}
_VALUE_ARGS = {"N", "NOT", "ISBLANK", "ISNUMBER", "ISTEXT", "ISERROR", "ISNA", "LEN", "UPPER", "TRIM"}


def _one_cell(node) -> bool:
    return node.kind == "ref" and (node.value.r1, node.value.c1) == (node.value.r2, node.value.c2)


def _arg(node, book):
    return compile_value(node, book) if _one_cell(node) else compile_node(node, book)


def compile_node(node: Node, book):
    repeated = getattr(_STATE, "repeated", None)
    if repeated and node in repeated:
        done = _STATE.done
        hit = done.get(node)
        if hit is None:
            repeated.discard(node)
            try:
                hit = done[node] = _once_per_cell(compile_node(node, book))
            finally:
                repeated.add(node)
        return hit
    k = node.kind
    if k in ("num", "str", "bool"):
        value = node.value
        return lambda b, s, r, c: value
    if k == "err":
        e = Err(node.value)
        return lambda b, s, r, c: e
    if k == "missing":
        return lambda b, s, r, c: None
    if k == "ref":
        ref: Ref = node.value
        fixed = ref.sheet is not None
        target = resolve_ref(ref, book, None) if fixed else None
        (ar1, vr1), (ac1, vc1), (ar2, vr2), (ac2, vc2) = ref.r1, ref.c1, ref.r2, ref.c2
        if (ar1, vr1, ac1, vc1) == (ar2, vr2, ac2, vc2):              # one cell
            def one(b, s, r, c):
                return Rng(b, target or s, vr1 if ar1 else r + vr1, vc1 if ac1 else c + vc1,
                           vr1 if ar1 else r + vr1, vc1 if ac1 else c + vc1)
            return one

        if ar1 and ac1 and ar2 and ac2:                                 # fixed: one range object per sheet
            rows, cols = sorted((vr1, vr2)), sorted((vc1, vc2))
            fixed_rngs: dict = {}

            def fixed_area(b, s, r, c):
                t = target or s
                rng = fixed_rngs.get(t.index)
                if rng is None:
                    rng = fixed_rngs[t.index] = Rng(b, t, rows[0], cols[0], rows[1], cols[1])
                return rng
            return fixed_area

        def area(b, s, r, c):
            r1, c1, r2, c2 = ref.at(r, c)
            if r1 < 1 or c1 < 1:
                return Err("#REF!")
            return Rng(b, target or s, r1, c1, r2, c2)
        return area
    if k == "name":
        hit = book.names.get(str(node.value).casefold())
        if hit is None:
            raise FormulaError(f"tanımsız ad ({node.value})", f"undefined name ({node.value})")
        target, (r1, c1, r2, c2) = hit
        return lambda b, s, r, c: Rng(b, target, r1, c1, r2, c2)
    if k == "unary":
        f = compile_value(node.args[0], book)

        def neg(b, s, r, c):
            x = to_number(f(b, s, r, c))
            return x if type(x) is Err else -x
        return neg
    if k == "percent":
        f = compile_value(node.args[0], book)

        def pct(b, s, r, c):
            x = to_number(f(b, s, r, c))
            return x if type(x) is Err else x / 100
        return pct
    if k == "binary":
        return _binary(node.value, compile_value(node.args[0], book), compile_value(node.args[1], book))
    if k == "chain":                      # `A1+A2-A3+…`: left to right in one loop, however long
        first, rest = compile_value(node.args[0], book), [compile_value(a, book) for a in node.args[1:]]
        steps = list(zip([_apply(op) for op in node.value], rest))

        def chain(b, s, r, c):
            x = first(b, s, r, c)
            for step, f in steps:
                x = step(x, f(b, s, r, c))
            return x
        return chain
    if k == "call":
        return _call(node, book)
    raise Unsupported(k)


def _apply(op):
    """The operator `op` on two values already computed (a step of a chain)."""
    f = _binary(op, lambda b, s, r, c: b, lambda b, s, r, c: s)
    return lambda x, y: f(x, y, None, None)


def _binary(op, fa, fb):
    if op in ("=", "<>", "<", ">", "<=", ">="):
        def cmp(b, s, r, c):
            x, y = fa(b, s, r, c), fb(b, s, r, c)
            if type(x) is Err:
                return x
            if type(y) is Err:
                return y
            return compare(x, y, op)
        return cmp
    if op == "&":
        def cat(b, s, r, c):
            x, y = fa(b, s, r, c), fb(b, s, r, c)
            if type(x) is Err:
                return x
            if type(y) is Err:
                return y
            x, y = to_text(x), to_text(y)
            if len(x) + len(y) > MAX_TEXT:     # Excel: a cell holds at most 32,767 characters → #VALUE!
                return Err("#VALUE!", TEXT_TOO_LONG)
            return x + y
        return cat

    def arith(b, s, r, c):
        x = to_number(fa(b, s, r, c))
        if type(x) is Err:
            return x
        y = to_number(fb(b, s, r, c))
        if type(y) is Err:
            return y
        if op == "+":
            out = x + y
        elif op == "-":
            out = x - y
        elif op == "*":
            out = x * y
        elif op == "/":
            if y == 0:
                return Err("#DIV/0!")
            out = x / y
        else:
            out = None
        if out is not None:
            return out if math.isfinite(out) else Err("#NUM!")     # past ±1.8E308: Excel's #NUM!
        try:
            out = x ** y
        except (OverflowError, ZeroDivisionError):
            return Err("#NUM!")
        return Err("#NUM!") if isinstance(out, complex) else float(out)
    return arith


def _call(node: Node, book):
    name = function_name(node.value)
    if name in NOT_COMPUTED:
        raise FormulaError(f"{name} (Excel 365 adlandırılmış hesaplama) desteklenmiyor: formülü {name} olmadan yazın",
                           f"{name} (an Excel 365 named calculation) is not supported: write the formula without it")
    if name in BLOCKED:
        raise FormulaError(f"{name} işlevi güvenlik için hesaplanmaz", f"the {name} function is not computed, "
                                                                        "for safety", unsafe=True)
    if name in REGISTRY or name in _VALUE_ARGS:
        args = [_arg(a, book) for a in node.args]
    elif name in _FIRST_VALUE and node.args:
        args = [_arg(node.args[0], book), *(compile_node(a, book) for a in node.args[1:])]
    else:
        args = [compile_node(a, book) for a in node.args]
    if name in REGISTRY:
        fn = REGISTRY[name]
        if len(args) > len(fn.args):
            raise FormulaError(f"{name} en çok {len(fn.args)} bağımsız değişken alır",
                               f"{name} takes at most {len(fn.args)} arguments")
        return lambda b, s, r, c: registry_call(b, fn, [a(b, s, r, c) for a in args])
    if name in LAZY:
        impl = LAZY[name]
        return lambda b, s, r, c: impl(b, s, r, c, args)
    impl = BUILTINS.get(name)
    if impl is None:
        raise Unsupported(name)
    return lambda b, s, r, c: impl(b, [a(b, s, r, c) for a in args])
