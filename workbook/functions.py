"""Excel built-ins the fast evaluator computes itself, and the call into the registry.

Each follows Microsoft's function reference (support.microsoft.com, "Excel
functions (alphabetical)"); what is not here goes, cell by cell, to the
`formulas` engine.  SUMIFS, COUNTIFS and MATCH with exact criteria are answered
from indexes built once per range (`grid.PrefixIndex`), so a 10,000-line table
is not 10,000 scans.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from .bridge import CalcError, call_many, from_serial, to_date, to_serial

from . import budgets
from .grid import Rng, match_key
from .values import DIV0, NA, NOT_ONE_VALUE, NUM, VALUE, Err, cell_key, compare, criterion, text_number, to_bool, to_number

# --- helpers ---------------------------------------------------------------------------------


def _scalar(v):
    if type(v) is Rng:
        if v.r1 == v.r2 and v.c1 == v.c2:
            return v.book.get(v.sheet, v.r1, v.c1)
        return NOT_ONE_VALUE
    return v


def _numbers(args, *, strict_scalars=True):
    """Numbers of SUM/MIN/MAX arguments: in ranges only numbers count; a typed argument is converted."""
    out = []
    for a in args:
        if type(a) is Rng:
            for v in a.values():
                t = type(v)
                if t is float:
                    out.append(v)
                elif t is Err:
                    return v
        elif a is not None:
            x = to_number(a)
            if type(x) is Err:
                return x
            out.append(x)
    return out


def to_result(v):
    """A registry result as a cell value."""
    if isinstance(v, bool) or v is None:
        return "" if v is None else v
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dt.date):
        return float(to_serial(v if not isinstance(v, dt.datetime) else v.date()))
    if isinstance(v, CalcError):
        return Err("#VALUE!", v.message)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):                    # a _DETAIL table in one cell: its first cell
        first = v[0] if v else ""
        return to_result(first[0] if isinstance(first, list) and first else first)
    return v


def registry_call(book, fn, values: list):
    args = []
    for v in values:
        if type(v) is Rng:
            if v.size == 1:
                v = v.book.get(v.sheet, v.r1, v.c1)
            else:
                if v.size > budgets.value("range_cells"):
                    return Err("#VALUE!", budgets.refusal("range_cells", v.size).message)
                h, w = v.shape
                if h > 1 and w > 1:
                    return Err("#VALUE!", "tek sütun ya da tek satır bekleniyordu — expected a single column or row")
                flat = v.flat()
                v = flat + [None] * (v.size - len(flat))
        if type(v) is Err:
            return v
        if type(v) is list:
            bad = next((x for x in v if type(x) is Err), None)
            if bad is not None:
                return bad
        args.append(v)
    book.calls += 1
    try:
        if any(type(a) is list for a in args):
            out = call_many(fn.name, args, book.overrides)
            return to_result(out[0]) if out else ""
        return to_result(fn.run(fn.read_args(args), book.overrides))
    except CalcError as exc:
        return Err("#VALUE!", exc.message)
    except Exception as exc:                     # never a traceback into a cell
        return Err("#VALUE!", f"beklenmeyen hata — unexpected error: {type(exc).__name__}")


# --- lazy forms (arguments computed only when needed) -----------------------------------------

def _if(b, s, r, c, args):
    if not 2 <= len(args) <= 3:
        return VALUE
    cond = to_bool(_scalar(args[0](b, s, r, c)))
    if type(cond) is Err:
        return cond
    if cond:
        return args[1](b, s, r, c)
    return args[2](b, s, r, c) if len(args) == 3 else False


def _iferror(b, s, r, c, args):
    if len(args) != 2:
        return VALUE
    v = _scalar(args[0](b, s, r, c))
    return args[1](b, s, r, c) if type(v) is Err else v


def _ifna(b, s, r, c, args):
    if len(args) != 2:
        return VALUE
    v = _scalar(args[0](b, s, r, c))
    return args[1](b, s, r, c) if type(v) is Err and v.code == "#N/A" else v


def _logical(kind):
    def impl(b, s, r, c, args):
        seen = []
        for f in args:
            v = f(b, s, r, c)
            items = v.flat() if type(v) is Rng else [v]
            for x in items:
                if type(x) is Err:
                    return x
                if type(v) is Rng and not isinstance(x, (bool, float)):
                    continue
                x = to_bool(x)
                if type(x) is Err:
                    return x
                seen.append(x)
        if not seen:
            return VALUE
        return all(seen) if kind == "and" else any(seen)
    return impl


def _row(b, s, r, c, args):
    """ROW (support.microsoft.com, "ROW function"): the row number of a reference's first row, or the
    formula's own row; over an array formula's rows, arrays.py gives one per row."""
    if not args:
        return float(r)
    v = args[0](b, s, r, c)
    return float(v.r1) if type(v) is Rng else VALUE


LAZY = {"ROW": _row, "IF": _if, "IFERROR": _iferror, "IFNA": _ifna, "AND": _logical("and"), "OR": _logical("or")}


# --- aggregates --------------------------------------------------------------------------------

def _sum(b, args):
    xs = _numbers(args)
    return xs if type(xs) is Err else math.fsum(xs) if len(xs) > 50 else sum(xs, 0.0)


def _minmax(pick):
    def impl(b, args):
        xs = _numbers(args)
        if type(xs) is Err:
            return xs
        return pick(xs) if xs else 0.0
    return impl


def _count(b, args):
    n = 0
    for a in args:
        if type(a) is Rng:
            n += sum(1 for v in a.values() if type(v) is float)
        elif isinstance(a, float) or (isinstance(a, str) and text_number(a) is not None):
            n += 1
    return float(n)


def _counta(b, args):
    n = 0
    for a in args:
        if type(a) is Rng:
            n += sum(1 for v in a.values() if v is not None)
        elif a is not None:
            n += 1
    return float(n)


def _pairs(args, first: int):
    """Range/criterion pairs of the *IFS functions, checked."""
    rest = args[first:]
    if len(rest) % 2 or not rest:
        return VALUE
    ranges, crits = rest[0::2], rest[1::2]
    if any(type(x) is not Rng for x in ranges):
        return VALUE
    shape = ranges[0].shape
    if any(x.shape != shape for x in ranges):
        return VALUE
    out = []
    for x in crits:
        crit = criterion(_scalar(x))
        if type(crit) is Err:
            return crit
        out.append(crit)
    return list(ranges), out


def _indexable(ranges: list[Rng], crits) -> bool:
    return (all(c.key is not None for c in crits) and all(x.c1 == x.c2 for x in ranges)
            and len({x.r1 for x in ranges}) == 1)


def _ifs(kind):
    """SUMIFS, COUNTIFS, AVERAGEIFS, MINIFS, MAXIFS (and SUMIF/COUNTIF through them)."""
    def impl(b, args):
        value_rng = None
        if kind != "count":
            if not args or type(args[0]) is not Rng:
                return VALUE
            value_rng = args[0]
        got = _pairs(args, 0 if kind == "count" else 1)
        if type(got) is Err:
            return got
        ranges, crits = got
        if value_rng is not None and value_rng.shape != ranges[0].shape:
            return VALUE
        if kind in ("sum", "count") and _indexable(ranges + ([value_rng] if value_rng else []), crits):
            ix = b.prefix_index(value_rng, ranges)
            key = tuple(c.key for c in crits)
            total, n = ix.query(key, ranges[0].r2)
            if kind == "sum":
                return total
            if all(k == ("blank",) for k in key):      # blank rows past the used area match too
                n += max(0, ranges[0].r2 - max(ranges[0].r1 - 1, min(ranges[0].r2, ix.upto)))
            return float(n)
        bounded = [i for i, c in enumerate(crits) if c.key is None]
        if (kind in ("sum", "count") and len(bounded) == 1 and crits[bounded[0]].bound is not None
                and _indexable(ranges + ([value_rng] if value_rng else []),
                               [c for i, c in enumerate(crits) if i != bounded[0]])):
            i = bounded[0]
            exact = [x for j, x in enumerate(ranges) if j != i]
            ix = b.sorted_index(value_rng, exact, ranges[i])
            total, n = ix.query(tuple(c.key for j, c in enumerate(crits) if j != i), *crits[i].bound)
            return total if kind == "sum" else float(n)
        columns = [x.flat() for x in ranges]
        values = value_rng.flat() if value_rng is not None else None
        hits = []
        for i in range(len(columns[0])):
            if all(crit.test(col[i]) for crit, col in zip(crits, columns)):
                hits.append(i)
        if kind == "count":
            n = len(hits)
            if all(crit.test(None) for crit in crits):
                n += ranges[0].size - len(columns[0])
            return float(n)
        picked = []
        for i in hits:
            v = values[i] if i < len(values) else None
            if type(v) is Err:
                return v
            if type(v) is float:
                picked.append(v)
        if kind == "sum":
            return sum(picked, 0.0)
        if kind == "avg":
            return sum(picked) / len(picked) if picked else DIV0
        if not picked:
            return 0.0
        return min(picked) if kind == "min" else max(picked)
    return impl


def _sumif(b, args):
    if len(args) not in (2, 3):
        return VALUE
    rng, crit = args[0], args[1]
    total = args[2] if len(args) == 3 else rng
    if type(total) is Rng and type(rng) is Rng and total.shape != rng.shape:
        h, w = rng.shape
        total = Rng(b, total.sheet, total.r1, total.c1, total.r1 + h - 1, total.c1 + w - 1)
    return _ifs("sum")(b, [total, rng, crit])


_COUNTIFS = _ifs("count")


def _countif(b, args):
    if len(args) != 2:
        return VALUE
    rng = args[0]
    if type(rng) is Rng and rng.r1 == rng.r2 and rng.c1 == rng.c2:     # one cell: test it
        crit = criterion(_scalar(args[1]))
        if type(crit) is Err:
            return crit
        return 1.0 if crit.test(b.get(rng.sheet, rng.r1, rng.c1)) else 0.0
    return _COUNTIFS(b, args)


# --- lookups -----------------------------------------------------------------------------------

def _match(b, args):
    if len(args) not in (2, 3):
        return VALUE
    x, rng = _scalar(args[0]), args[1]
    how = to_number(_scalar(args[2])) if len(args) == 3 and args[2] is not None else 1.0
    if type(x) is Err:
        return x
    if type(how) is Err:
        return how
    if type(rng) is not Rng or (rng.shape[0] > 1 and rng.shape[1] > 1):
        return NA
    if x is None:
        return NA
    if how == 0:
        if isinstance(x, str):
            crit = criterion(x)                       # wildcards allowed in exact MATCH
            if crit.key is None:
                for i, v in enumerate(rng.flat()):
                    if isinstance(v, str) and crit.test(v):
                        return float(i + 1)
                return NA
        i = b.match_index(rng).get(match_key(x))
        return NA if i is None else float(i + 1)
    found = None
    for i, v in enumerate(rng.flat()):
        if v is None or type(v) is Err or type(v) is not type(x):
            continue
        if (how > 0 and compare(v, x, "<=")) or (how < 0 and compare(v, x, ">=")):
            found = i
        else:
            break
    return NA if found is None else float(found + 1)


def _index(b, args):
    if len(args) not in (2, 3) or type(args[0]) is not Rng:
        return VALUE
    rng = args[0]
    i = to_number(_scalar(args[1]))
    j = to_number(_scalar(args[2])) if len(args) == 3 else 1.0
    if type(i) is Err:
        return i
    if type(j) is Err:
        return j
    h, w = rng.shape
    if len(args) == 2 and h == 1:
        i, j = 1.0, i
    i, j = int(i), int(j)
    if not (1 <= i <= h and 1 <= j <= w):
        return REF_ERR
    return rng.cell(i - 1, j - 1)


REF_ERR = Err("#REF!")


# --- numbers, dates, information ---------------------------------------------------------------

def _num_args(n_min, n_max):
    def deco(f):
        def impl(b, args):
            if not n_min <= len(args) <= n_max:
                return VALUE
            xs = []
            for a in args:
                x = to_number(_scalar(a))
                if type(x) is Err:
                    return x
                xs.append(x)
            return f(*xs)
        return impl
    return deco


def _round(mode):
    @_num_args(1, 2)
    def impl(x, digits=0.0):
        q = Decimal(1).scaleb(-int(digits))
        d = Decimal(format(x, ".15g")).quantize(q, rounding=mode) if abs(x) < 1e15 else Decimal(x)
        return float(d)
    return impl


def _date_of(v):
    v = _scalar(v)
    if type(v) is Err:
        return v
    if isinstance(v, str):
        try:
            return to_date(v, "date")
        except CalcError:
            return VALUE
    x = to_number(v)
    if type(x) is Err:
        return x
    if x < 0 or x > 2958465:
        return NUM
    if x < 1:
        return None                              # serial 0: Excel's 0 January 1900
    return from_serial(int(x))


def _date_part(part):
    def impl(b, args):
        if len(args) != 1:
            return VALUE
        d = _date_of(args[0])
        if type(d) is Err:
            return d
        if d is None:
            return {"year": 1900.0, "month": 1.0, "day": 0.0}[part]
        return float(getattr(d, part))
    return impl


@_num_args(3, 3)
def _date(y, m, d):
    y, m, d = int(y), int(m), int(d)
    if 0 <= y < 1900:
        y += 1900
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        out = dt.date(y, m, 1) + dt.timedelta(days=d - 1)
    except (ValueError, OverflowError):
        return NUM
    return float(to_serial(out))


def _n(b, args):
    if len(args) != 1:
        return VALUE
    v = args[0]
    if type(v) is Rng:
        v = v.cell(0, 0)
    if type(v) is Err:
        return v
    if type(v) is bool:
        return 1.0 if v else 0.0
    return v if type(v) is float else 0.0


def _is(test):
    def impl(b, args):
        if len(args) != 1:
            return VALUE
        return test(_scalar(args[0]))
    return impl


def _not(b, args):
    if len(args) != 1:
        return VALUE
    v = to_bool(_scalar(args[0]))
    return v if type(v) is Err else not v


def _abs(b, args):
    return _num_args(1, 1)(abs)(b, args)


def _int(b, args):
    return _num_args(1, 1)(lambda x: float(math.floor(x)))(b, args)


def _mod(b, args):
    def f(x, y):
        return DIV0 if y == 0 else x - y * math.floor(x / y)
    return _num_args(2, 2)(f)(b, args)


def _text_fn(f):
    def impl(b, args):
        if len(args) != 1:
            return VALUE
        v = _scalar(args[0])
        if type(v) is Err:
            return v
        from .values import to_text
        return f(to_text(v))
    return impl


def _left(b, args):
    """LEFT(text, [n]) (support.microsoft.com, "LEFT, LEFTB functions")."""
    if not 1 <= len(args) <= 2:
        return VALUE
    from .values import to_text
    v = _scalar(args[0])
    if type(v) is Err:
        return v
    n = to_number(_scalar(args[1])) if len(args) == 2 else 1.0
    if type(n) is Err:
        return n
    if n < 0:
        return VALUE
    return to_text(v)[:int(n)]


def _concatenate(b, args):
    """CONCATENATE (support.microsoft.com, "CONCATENATE function"): the texts of its values joined."""
    from .values import to_text
    out = []
    for a in args:
        v = _scalar(a)
        if type(v) is Err:
            return v
        out.append(to_text(v))
    return "".join(out)


def _rept(b, args):
    """REPT(text; times): Microsoft's reference — times truncated to a whole number, negative is
    #VALUE!, a result over 32,767 characters is #VALUE! (checked before the text is built)."""
    if len(args) != 2:
        return VALUE
    from .values import MAX_TEXT, TEXT_TOO_LONG, to_text
    text, n = _scalar(args[0]), to_number(_scalar(args[1]))
    if type(text) is Err:
        return text
    if type(n) is Err:
        return n
    text = to_text(text)
    if n < 0:
        return VALUE
    times = int(min(n, MAX_TEXT + 1))
    if len(text) * times > MAX_TEXT:
        return Err("#VALUE!", TEXT_TOO_LONG)
    return text * times


def _substitute(b, args):
    """SUBSTITUTE(text; old; new; [instance]) (Microsoft's reference); a result over 32,767
    characters is #VALUE!, known from the count of `old` before anything is built."""
    if not 3 <= len(args) <= 4:
        return VALUE
    from .values import MAX_TEXT, TEXT_TOO_LONG, to_text
    vals = [_scalar(a) for a in args]
    bad = next((v for v in vals if type(v) is Err), None)
    if bad is not None:
        return bad
    text, old, new = (to_text(v) for v in vals[:3])
    if not old:
        return text
    if len(vals) == 4 and vals[3] is not None:
        k = to_number(vals[3])
        if type(k) is Err:
            return k
        if k < 1:
            return VALUE
        k = int(k)
        at, i = -1, 0
        for _ in range(k):
            at = text.find(old, i)
            if at < 0:
                return text
            i = at + len(old)
        out_len = len(text) - len(old) + len(new)
        if out_len > MAX_TEXT:
            return Err("#VALUE!", TEXT_TOO_LONG)
        return text[:at] + new + text[at + len(old):]
    if len(text) + text.count(old) * (len(new) - len(old)) > MAX_TEXT:
        return Err("#VALUE!", TEXT_TOO_LONG)
    return text.replace(old, new)


# the IS functions: a test of one value (a one-cell range read first)
IS_TESTS = {
    "ISBLANK": lambda v: v is None, "ISNUMBER": lambda v: type(v) is float,
    "ISTEXT": lambda v: type(v) is str, "ISERROR": lambda v: type(v) is Err,
    "ISNA": lambda v: type(v) is Err and v.code == "#N/A",
}

BUILTINS = {
    "REPT": _rept, "SUBSTITUTE": _substitute, "CONCATENATE": _concatenate, "LEFT": _left,
    "SUM": _sum, "MIN": _minmax(min), "MAX": _minmax(max), "COUNT": _count, "COUNTA": _counta,
    "SUMIFS": _ifs("sum"), "COUNTIFS": _ifs("count"), "AVERAGEIFS": _ifs("avg"), "MINIFS": _ifs("min"),
    "MAXIFS": _ifs("max"), "SUMIF": _sumif, "COUNTIF": _countif,
    "MATCH": _match, "INDEX": _index,
    "ROUND": _round(ROUND_HALF_UP), "ROUNDUP": _round(ROUND_UP), "ROUNDDOWN": _round(ROUND_DOWN),
    "ABS": _abs, "INT": _int, "MOD": _mod,
    "YEAR": _date_part("year"), "MONTH": _date_part("month"), "DAY": _date_part("day"), "DATE": _date,
    "N": _n, "NOT": _not,
    **{name: _is(test) for name, test in IS_TESTS.items()},
    "LEN": _text_fn(lambda t: float(len(t))), "UPPER": _text_fn(str.upper), "TRIM": _text_fn(lambda t: " ".join(t.split())),
}

__all__ = ["BUILTINS", "IS_TESTS", "LAZY", "cell_key", "registry_call", "to_result"]
