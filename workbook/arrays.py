"""Array formulas: one formula computing a whole column (issue 23.1).

An array formula (ECMA-376 Part 1, §18.3.1.40 `f t="array" ref="P5:P304"`) is one formula whose result
fills the cells of `ref`; Excel 365 / 2021 store a dynamic-array formula (one that spills) the same way,
its spill range in `ref` (MS-XLSX: the cell's `cm` names dynamic-array metadata).  The templates write
each computed column so: `=IF($E$5:$E$304="","",TR_TEV(...ranges...))` is computed once for the column —
one call of a registry function with whole columns (the registry's column form, `call_many`) instead of
one call per row.

How a formula computes over arrays follows Microsoft's "Guidelines and examples of array formulas" and
"Dynamic array formulas" (support.microsoft.com): an operator or a function that takes one value, given
a range or an array, is computed element by element ("lifting"); the arguments a function takes as a
range (SUMIFS's sum and criteria ranges, MATCH's lookup array, INDEX's array, the ranges of SUM, MIN,
MAX, COUNT…) stay ranges; a one-element array repeats; arrays of different lengths give #N/A past the
shorter one.  Only column arrays (n × 1) are computed here; a wider one is #VALUE!.
"""
from __future__ import annotations

import operator
from itertools import repeat

from .bridge import REGISTRY, call_many
from .compile import BLOCKED, Unsupported, compile_node, function_name, repeated_subtrees
from .formula import FormulaError, Node
from .functions import BUILTINS, IS_TESTS, _scalar, to_result
from .grid import Rng
from .values import NA, VALUE, Err, compare, to_bool, to_number, to_text


class Arr(list):
    """A column of values (the elements of an array result)."""
    __slots__ = ()


# Arguments each function takes as a range (never lifted); every other argument of a built-in is a value.
_RANGE_ARGS = {
    "SUMIFS": lambda i: i == 0 or i % 2 == 1, "AVERAGEIFS": lambda i: i == 0 or i % 2 == 1,
    "MINIFS": lambda i: i == 0 or i % 2 == 1, "MAXIFS": lambda i: i == 0 or i % 2 == 1,
    "COUNTIFS": lambda i: i % 2 == 0, "SUMIF": lambda i: i in (0, 2), "COUNTIF": lambda i: i == 0,
    "MATCH": lambda i: i == 1, "INDEX": lambda i: i == 0,
}
_AGGREGATES = {"SUM", "MIN", "MAX", "COUNT", "COUNTA"}      # every argument a range or values to fold
# Functions whose answer, their ranges fixed, depends only on their other arguments' values: over a
# column, a repeated set of values (a product and an input, a currency and a date) is answered once.
_OF_VALUES = {"SUMIFS", "COUNTIFS", "AVERAGEIFS", "MINIFS", "MAXIFS", "SUMIF", "COUNTIF", "MATCH"}


def cell_value(v):
    """An element as a cell holds it: a one-cell range read, blank as 0 (an array shows a blank as 0)."""
    if type(v) is Rng:
        v = v.book.get(v.sheet, v.r1, v.c1) if v.size == 1 else VALUE
    return 0.0 if v is None else v


def _cells(v: Rng) -> list:
    """A one-column or one-row range's values up to the used area. Not charged to the cell-read budget
    (TRCALC_MAX_CELL_READS): an array formula reads each cell of its own rows once, as the one-cell
    references of a formula per row do, which are not charged either."""
    from .bridge import deadline
    book = v.book
    get, s = book.get, v.sheet
    if v.c1 == v.c2:
        out = []
        done, i, c = book.done, s.index, v.c1
        for r in range(v.r1, min(v.r2, s.max_row) + 1):
            if not r & 4095:
                deadline.check()
            x = done.get((i, r, c), _MISSING)
            out.append(get(s, r, c) if x is _MISSING else x)
        return out
    return [get(s, v.r1, c) for c in range(v.c1, min(v.c2, max(s.max_col, v.c1)) + 1)]


_MISSING = object()


def as_column(v):
    """A multi-cell range as the array of its values (blank stays None inside expressions); other
    values as they are."""
    if type(v) is Rng and v.size > 1:
        if v.c1 != v.c2 and v.r1 != v.r2:
            return VALUE
        book = v.book
        key = (v.sheet.index, v.r1, v.c1, v.r2, v.c2)
        hit = book.columns.get(key)
        if hit is not None:
            return hit
        cycles = book.cycles
        flat = _cells(v)
        out = Arr(flat + [None] * (v.size - len(flat)))
        if book.cycles == cycles == 0:           # every value read is final: the next read of the same
            book.columns[key] = out              # range (a dozen formulas read $E$5:$E$10005) is this one
        return out
    if type(v) is Rng:
        return v.book.get(v.sheet, v.r1, v.c1)
    return v


def _length(values) -> int | None:
    ns = [len(v) for v in values if type(v) is Arr]
    return max(ns) if ns else None


def _at(v, i: int):
    if type(v) is not Arr:
        return v
    if len(v) == 1:
        return v[0]
    return v[i] if i < len(v) else NA


def binop(op: str, x, y):
    """One element of a binary operator, as the scalar evaluator computes it (compile._binary)."""
    if op in ("=", "<>", "<", ">", "<=", ">="):
        if type(x) is Err:
            return x
        if type(y) is Err:
            return y
        return compare(x, y, op)
    if op == "&":
        if type(x) is Err:
            return x
        if type(y) is Err:
            return y
        return to_text(x) + to_text(y)
    x = to_number(x)
    if type(x) is Err:
        return x
    y = to_number(y)
    if type(y) is Err:
        return y
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return Err("#DIV/0!") if y == 0 else x / y
    try:
        out = x ** y
    except (OverflowError, ZeroDivisionError):
        return Err("#NUM!")
    return Err("#NUM!") if isinstance(out, complex) else float(out)


_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_ORDER = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le,
          ">=": operator.ge}


def element(op: str):
    """`binop(op, x, y)` as a function of (x, y), the common cases (two numbers; two texts compared or
    joined) computed at once, as binop computes them: numbers by their value, texts without case
    (values.compare ranks text by casefold)."""
    if op in _ARITH:
        f = _ARITH[op]

        def arith(x, y):
            tx, ty = type(x), type(y)
            if tx is float and ty is float:
                return f(x, y)
            if (tx is float or tx is bool) and (ty is float or ty is bool):    # TRUE is 1, FALSE 0
                return f(float(x), float(y))
            return binop(op, x, y)
        return arith
    if op == "/":
        def div(x, y):
            if type(x) is float and type(y) is float and y != 0:
                return x / y
            return binop(op, x, y)
        return div
    if op in _ORDER:
        f = _ORDER[op]

        def cmp(x, y):
            t = type(x)
            if t is type(y):
                if t is float:
                    return f(x, y)
                if t is str:
                    return f(x.casefold(), y.casefold())
            return binop(op, x, y)
        return cmp
    if op == "&":
        def join(x, y):
            if type(x) is str and type(y) is str:
                return x + y
            if type(x) is not Err and type(y) is not Err:
                return to_text(x) + to_text(y)
            return binop(op, x, y)
        return join
    return lambda x, y: binop(op, x, y)


def _columns(values, n: int) -> list:
    """Each value as an iterable of n elements: an array as it is (a one-element array repeated, a
    shorter one padded with #N/A), a single value repeated."""
    out = []
    for v in values:
        if type(v) is not Arr:
            out.append(repeat(v, n))
        elif len(v) == n:
            out.append(v)
        elif len(v) == 1:
            out.append(repeat(v[0], n))
        else:
            out.append(list(v) + [NA] * (n - len(v)))
    return out


def _flag(x):
    """An element of IF's condition as TRUE / FALSE (or its error), as to_bool(cell_value(x))."""
    t = type(x)
    if t is bool:
        return x
    if t is float:
        return x != 0
    return to_bool(cell_value(x))


def _spread(v, n: int):
    """n elements of a branch, element i as `_at(v, i)` gives it."""
    if type(v) is not Arr:
        return repeat(v, n)
    if len(v) == 1:
        return repeat(v[0], n)
    if len(v) >= n:
        return v
    return list(v) + [NA] * (n - len(v))


def _lift(f, values):
    """f over the elements when any value is an array, else once."""
    n = _length(values)
    if n is None:
        return f(*values)
    return Arr(map(f, *_columns(values, n)))


def compile_array(node: Node, book):
    """`node` → closure (book, sheet, row, col) → a value, an `Arr` or a range."""
    repeated = repeated_subtrees(node)
    done: dict = {}
    return _node(node, book, repeated, done)


def _node(node: Node, book, repeated: set, done: dict):
    if node in repeated:
        hit = done.get(node)
        if hit is not None:
            return hit
        repeated.discard(node)
        f = _node(node, book, repeated, done)
        repeated.add(node)
        last = [None, None]

        def once(b, s, r, c):              # a subtree written several times: computed once per evaluation
            k = (id(b), s.index, r, c)
            if last[0] == k:
                return last[1]
            v = f(b, s, r, c)
            last[0], last[1] = k, v
            return v
        done[node] = once
        return once
    k = node.kind
    if k in ("num", "str", "bool", "err", "missing", "ref", "name"):
        return compile_node(node, book)

    def sub(n):
        return _node(n, book, repeated, done)
    if k == "unary":
        f = sub(node.args[0])

        def neg(b, s, r, c):
            return _lift(lambda x: binop("-", 0.0, x), [as_column(f(b, s, r, c))])
        return neg
    if k == "percent":
        f = sub(node.args[0])

        def pct(b, s, r, c):
            return _lift(lambda x: binop("/", x, 100.0), [as_column(f(b, s, r, c))])
        return pct
    if k == "binary":
        f = element(node.value)
        fa, fb = sub(node.args[0]), sub(node.args[1])

        def bin_(b, s, r, c):
            return _lift(f, [as_column(fa(b, s, r, c)), as_column(fb(b, s, r, c))])
        return bin_
    if k == "chain":                      # `A1+A2-A3+…` (formula.py): left to right, element by element
        ops = [element(op) for op in node.value]
        fs = [sub(a) for a in node.args]

        def chain(b, s, r, c):
            acc = as_column(fs[0](b, s, r, c))
            for op, f in zip(ops, fs[1:]):
                acc = _lift(op, [acc, as_column(f(b, s, r, c))])
            return acc
        return chain
    if k == "call":
        return _call(node, book, sub)
    raise Unsupported(k)


def _call(node: Node, book, sub):
    name = function_name(node.value)
    if name in BLOCKED:
        raise FormulaError(f"{name} işlevi güvenlik için hesaplanmaz",
                           f"the {name} function is not computed, for safety", unsafe=True)
    args = [sub(a) for a in node.args]
    if name in REGISTRY:
        fn = REGISTRY[name]
        if len(args) > len(fn.args):
            raise FormulaError(f"{name} en çok {len(fn.args)} bağımsız değişken alır",
                               f"{name} takes at most {len(fn.args)} arguments")
        return lambda b, s, r, c: registry_column(b, fn, [as_column(a(b, s, r, c)) for a in args])
    if name == "ROW" and len(args) == 1:
        ref = args[0]

        def row(b, s, r, c):
            v = ref(b, s, r, c)
            if type(v) is not Rng:
                return VALUE
            return Arr(float(i) for i in range(v.r1, v.r2 + 1)) if v.r2 > v.r1 else float(v.r1)
        return row
    if name == "IF":
        if not 2 <= len(args) <= 3:
            return lambda b, s, r, c: VALUE
        test, then = args[0], args[1]
        other = args[2] if len(args) == 3 else (lambda b, s, r, c: False)

        def if_(b, s, r, c):
            cond = as_column(test(b, s, r, c))
            if type(cond) is not Arr:
                cond = to_bool(cell_value(cond))
                if type(cond) is Err:
                    return cond
                return then(b, s, r, c) if cond else other(b, s, r, c)
            flags = list(map(_flag, cond))
            n = len(flags)
            yes = _spread(as_column(then(b, s, r, c)), n) if any(x is True for x in flags) else repeat(None, n)
            no = _spread(as_column(other(b, s, r, c)), n) if any(x is False for x in flags) else repeat(None, n)
            return Arr([x if type(x) is Err else y if x else z for x, y, z in zip(flags, yes, no)])
        return if_
    if name in ("IFERROR", "IFNA"):
        if len(args) != 2:
            return lambda b, s, r, c: VALUE
        first, alt = args

        def caught(v):
            return type(v) is Err and (name == "IFERROR" or v.code == "#N/A")

        def iferror(b, s, r, c):
            v = as_column(first(b, s, r, c))
            if type(v) is not Arr:
                v = cell_value(v) if type(v) is Rng else v
                return alt(b, s, r, c) if caught(v) else v
            hits = [caught(x) for x in v]
            n = len(v)
            other = _spread(as_column(alt(b, s, r, c)), n) if True in hits else repeat(None, n)
            return Arr([y if hit else x for x, hit, y in zip(v, hits, other)])
        return iferror
    if name in ("AND", "OR"):
        raise Unsupported(name)                 # they fold an array into one value: not in our columns
    impl = BUILTINS.get(name)
    if impl is None:
        raise Unsupported(name)
    if name in _AGGREGATES:
        return lambda b, s, r, c: impl(b, [_as_range_arg(a(b, s, r, c)) for a in args])
    if name in IS_TESTS and len(args) == 1:
        return _is_column(IS_TESTS[name], impl, args[0])
    ranged = _RANGE_ARGS.get(name, lambda i: False)
    index = name == "INDEX" and len(args) == 2
    by_values = name in _OF_VALUES
    left = name == "LEFT" and 1 <= len(args) <= 2

    def lifted(b, s, r, c):
        values = []
        for i, a in enumerate(args):
            v = a(b, s, r, c)
            values.append(v if ranged(i) else as_column(v))
        n = _length(values)
        if n is None:
            return impl(b, values)
        if index:
            got = _index_column(b, values[0], values[1], impl)
            if got is not None:
                return got

        def one(*row):
            v = impl(b, list(row))
            return cell_or_value(v) if type(v) is Rng else v
        if left:                        # LEFT(text, n): a text and a count, as _left computes them
            general = one

            def one(x, n=1.0):
                if type(x) is str and type(n) is float and n >= 0:
                    return x[:int(n)]
                return general(x, n)
        if by_values:                   # the same criteria give the same answer: asked once per call
            seen: dict = {}
            plain = one

            def one(*row):
                k = tuple([(type(x), x) for x in row if type(x) is not Rng])
                v = seen.get(k, _MISSING)
                if v is _MISSING:
                    v = seen[k] = plain(*row)
                return v
        return Arr(map(one, *_columns(values, n)))
    return lifted


def _is_column(test, impl, arg):
    """ISERROR(column) and the other IS functions, element by element: the test of each value."""
    def elem(x):
        return test(x) if type(x) is not Rng else test(_scalar(x))

    def is_(b, s, r, c):
        v = as_column(arg(b, s, r, c))
        if type(v) is not Arr:
            return impl(b, [v])
        return Arr(map(elem, v))
    return is_


def _index_column(book, rng, rows, impl):
    """INDEX(column range, column of row numbers) by the range's values read once (`as_column`), when
    every cell of the range is computed already (reading it computes nothing, in no new order); each
    element as INDEX gives it (a whole row number inside the range: its value; anything else: INDEX
    itself). None when the fast way does not apply."""
    if type(rng) is not Rng or type(rows) is not Arr or rng.c1 != rng.c2 or rng.r1 == rng.r2 or book.cycles:
        return None
    done, i, c = book.done, rng.sheet.index, rng.c1
    if any((i, r, c) not in done and (r, c) in rng.sheet.formulas
           for r in range(rng.r1, min(rng.r2, rng.sheet.max_row) + 1)):
        return None
    values = as_column(rng)
    h = len(values)

    def one(x):
        if type(x) is float and 1 <= x < h + 1:
            return values[int(x) - 1]
        v = impl(book, [rng, x])
        return cell_or_value(v) if type(v) is Rng else v
    return Arr(map(one, rows))


def _as_range_arg(v):
    if type(v) is Arr:
        raise_value = [x for x in v if type(x) is Err]
        return raise_value[0] if raise_value else None
    return v


def cell_or_value(v):
    """An element that came back as a one-cell range (INDEX) read as its value."""
    if type(v) is Rng:
        return v.book.get(v.sheet, v.r1, v.c1) if v.size == 1 else VALUE
    return v


def registry_column(book, fn, values: list):
    """A registry function over columns: one call of its column form (`call_many`); one value when no
    argument is a column."""
    from .functions import registry_call
    if not any(type(v) is Arr for v in values):
        return registry_call(book, fn, values)
    args, whole = [], [i < len(fn.args) and fn.args[i].whole for i in range(len(values))]
    for i, v in enumerate(values):
        if type(v) is Err:
            return v
        if whole[i]:                     # a table argument goes whole; an error in it is the whole call's
            v = list(v) if type(v) is Arr else [v]
            bad = next((x for x in v if type(x) is Err), None)
            if bad is not None:
                return bad
        args.append(list(v) if type(v) is Arr else v)
    lengths = [len(a) for i, a in enumerate(args) if type(a) is list and not whole[i]]
    if not lengths:
        return registry_call(book, fn, args)
    n = max(lengths)
    args = [a + [None] * (n - len(a)) if type(a) is list and not whole[i] else a for i, a in enumerate(args)]
    # a row whose inputs hold an error value shows that error (as a one-cell call does)
    bad = [next((a[r] for i, a in enumerate(args) if type(a) is list and not whole[i] and type(a[r]) is Err), None)
           for r in range(n)]
    clean = [[None if type(x) is Err else x for x in a] if type(a) is list and not whole[i] else a
             for i, a in enumerate(args)]
    book.calls += 1
    try:
        out = call_many(fn.name, clean, book.overrides)
    except Exception as exc:                     # a refusal of the whole call: every row shows it
        message = getattr(exc, "message", None) or f"beklenmeyen hata — unexpected error: {type(exc).__name__}"
        return Err("#VALUE!", message)
    return Arr(bad[i] if bad[i] is not None else to_result(v) for i, v in enumerate(out))
