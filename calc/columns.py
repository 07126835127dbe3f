"""Functions of a whole column: what a row's value needs from the rows before it, in one call.

The templates allocate imports to exports first in, first out (DİR: each export line takes its input
from the oldest imports left; the e-export ledger: an expense gets what the year's cap leaves after the
expenses dated before it).  Per row that is "the sum of the same group's rows that come before this
one" — written per row as SUMIFS over the whole table, every row scans every row: a 10,000-line table is
10⁸ comparisons in Excel and LibreOffice, which have no index (issue 23.1).  TR_RUNNING_SUM computes
the column at once: the rows sorted by group and order, one running total (n log n), one call.

Rows are ordered by `order` (a date serial in the templates), then by their position in the column:
the row above comes first on the same date, as the accountant reads the table.  The group is compared
as SUMIFS compares a criterion with a cell without wildcards: text without regard to case, a number
and the same number written as text alike.

>>> from trcalc.calc.registry import call_many
>>> [float(v) for v in call_many("TR_RUNNING_SUM", [["A", "B", "a", "A"], [3, 1, 1, 3], [10, 20, 30, 40]])]
[30.0, 0.0, 0.0, 40.0]

TR_GROUP_FIRST gives each row its group's first value (the e-export ledger's first expense date of a
support and market, where its 3-year window starts):

>>> [float(v) for v in call_many("TR_GROUP_FIRST", [["A", "B", "a"], [3, 1, 2], [45000, 45001, 45002]])]
[45002.0, 45001.0, 45002.0]
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from .coerce import to_number
from .dates import to_date, to_serial
from .errors import CalcError
from .registry import Arg, function, kind


def _group(value, arg):
    """A group key: text without case, a number as its shortest text (5205 and "5205" alike)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not d.is_finite():
            return str(value).casefold()
        return format(d.normalize(), "f") if d == d.to_integral_value() else format(d.normalize(), "f")
    return str(value).strip().casefold()


def _amount(value, arg):
    """A quantity to add: a number (also written as text); anything else (a text such as "norm yok")
    adds nothing, as in SUMIFS."""
    if isinstance(value, bool):
        return Decimal(0)
    try:
        return to_number(value, arg)
    except CalcError:
        return Decimal(0)


def _order(value, arg):
    """An order value: a number, or a date — a date cell (xlwings gives a date) or a date written as
    text — as its serial."""
    if isinstance(value, str) and not _NUMBER.match(value.strip()):
        value = to_date(value, arg)
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return Decimal(to_serial(day))
    return to_number(value, arg)


def _value(value, arg):
    """A value to hand back: a number (also written as text), a date, else the text itself."""
    if isinstance(value, (bool, dt.date, dt.datetime)):
        return value
    try:
        number = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
    except (TypeError, ValueError):
        number = None
    if number is not None:
        if not number.is_finite():
            raise CalcError("invalid", f"sonlu bir sayı değil ({value!r})", f"not a finite number ({value!r})", arg)
        return number
    try:
        return to_date(value, arg)
    except CalcError:
        return value


_NUMBER = re.compile(r"^[+-]?[\d.,]+([eE][+-]?\d+)?$")


kind("group", _group, "any")
kind("amount", _amount, "any")
kind("order", _order, "any")
kind("value", _value, "any")


@function("TR_RUNNING_SUM", topic="columns", result="number", column=True,
          summary_tr="Aynı gruptaki önceki satırların toplamı (sıra değerine, eşitse satır sırasına göre; "
                     "ilk giren ilk çıkar): sütun başına tek çağrı",
          summary_en="the sum over the rows of the same group that come before this one (by order value, "
                     "then row position; first in, first out): one call per column",
          args=[Arg("group", "group", "Grup (girdi adı, destek…): aynı gruptaki satırlar toplanır",
                    "group (input name, support…): rows of the same group are added"),
                Arg("order", "order", "Sıra değeri (tarih): küçük olan önce gelir",
                    "order value (a date): the smaller comes first"),
                Arg("amount", "amount", "Eklenecek miktar (boş ya da sayı değilse 0)",
                    "the amount to add (0 when empty or not a number)", optional=True)])
def running_sum(rows):
    out: list = [None] * len(rows)
    keyed = []
    for i, row in enumerate(rows):
        if row is None:
            continue
        group, order, _ = row
        if group is None or order is None:
            out[i] = CalcError("missing", "grup ya da sıra boş", "the group or the order is empty")
            continue
        keyed.append((group, order, i))
    keyed.sort()
    totals: dict = {}
    for group, _, i in keyed:
        before = totals.get(group, Decimal(0))
        out[i] = before
        totals[group] = before + (rows[i][2] or Decimal(0))
    return out


@function("TR_GROUP_FIRST", topic="columns", result="any", column=True,
          summary_tr="Grubun ilk satırının değeri (sıra değerine, eşitse satır sırasına göre): sütun başına tek çağrı",
          summary_en="the value on the first row of the group (by order value, then row position): one call "
                     "per column",
          args=[Arg("group", "group", "Grup (destek ve pazaryeri…)", "group (support and market…)"),
                Arg("order", "order", "Sıra değeri (tarih): küçük olan önce gelir",
                    "order value (a date): the smaller comes first"),
                Arg("value", "value", "Grubun ilk satırından alınacak değer", "the value taken from the group's "
                    "first row")])
def group_first(rows):
    first: dict = {}
    for row in rows:
        if row is None:
            continue
        group, order, value = row
        best = first.get(group)
        if best is None or order < best[0]:
            first[group] = (order, value)
    return [first[row[0]][1] if row is not None else None for row in rows]


# --- look-ups of a whole column in a table (issue 23.1) ---------------------------------------------------
# Written per row, "this row's norm" or "the typed rate of this currency and date" is SUMIFS / COUNTIFS /
# MATCH over the table: every row scans the table, and a column of n rows over a table of m rows is n × m
# comparisons in Excel and LibreOffice, which compute every such criterion as written.  These functions
# take the table once (its columns are table arguments, `Arg.whole`: the whole range, of its own length)
# and the column's keys, index the table in one pass and answer every row from the index: n + m.
#
# Keys are compared as SUMIFS compares a criterion without wildcards with a cell: text without regard to
# case, a number and the same number written as text alike, a date as its serial number; an empty key
# matches nothing (Excel reads an empty criterion cell as 0, which no empty cell equals).


def _key(value, arg):
    """A key as SUMIFS compares it (see above); None for an empty cell."""
    t = type(value)
    if t is str:
        return _text_key(value) if value else None
    if t is float and value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))                        # what _group gives a whole number, without Decimal
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = Decimal(to_serial(value.date())) + Decimal((value - dt.datetime.combine(value.date(), dt.time()))
                                                           .total_seconds()) / 86400
    elif isinstance(value, dt.date):
        value = to_serial(value)
    elif isinstance(value, str):
        return _text_key(value)
    return _group(value, arg)


@functools.lru_cache(maxsize=4096)
def _text_key(value: str):
    """A key typed as text: a number or a date written as text is that number or that date's serial (as
    everywhere in trcalc, and so "0.0" and 0 match); other text is itself, without regard to case."""
    text = value.strip()
    if _NUMBER.match(text):
        try:
            return _group(to_number(text, None), None)
        except CalcError:
            pass
    try:
        return _group(to_serial(to_date(text, None)), None)
    except (CalcError, ValueError, TypeError):
        return _group(value, None)


def _keys(values, arg):
    return [_key(v, arg) for v in values]


def _sum_value(value, arg=None):
    """A cell's contribution to a sum, as SUMIFS adds it: a number (a date as its serial; a number written
    as text too, as everywhere in trcalc, within trcalc's limits); other text, empty and TRUE/FALSE add
    nothing."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dt.datetime):
        return Decimal(repr((value - dt.datetime(1899, 12, 30)).total_seconds() / 86400))
    if isinstance(value, dt.date):
        return Decimal(to_serial(value))
    if isinstance(value, str) and not _NUMBER.match(value.strip()):
        return _text_date(value)
    return to_number(value, arg)


@functools.lru_cache(maxsize=4096)
def _text_date(value: str):
    """A date written as text as its serial; None for other text (it adds nothing)."""
    try:
        return Decimal(to_serial(to_date(value, None)))
    except CalcError:
        return None


def _numbers(values, arg):
    return [_sum_value(v, arg) for v in values]


def _upto(value, arg):
    """A bound: a number, or a date (also written as text) as its serial."""
    out = _sum_value(value, arg)
    if out is None:
        raise CalcError("invalid", f"sayı ya da tarih bekleniyordu ({value!r})", f"expected a number or a date ({value!r})",
                        arg)
    return out


kind("key", _key, "any")
kind("keys", _keys, "any")
kind("numbers", _numbers, "any")
kind("upto", _upto, "number")

_KEY = Arg("key", "key", "Satırın anahtarı (ürün, girdi, döviz…; boşsa eşleşme yok)",
           "the row's key (product, input, currency…; empty matches nothing)", empty_ok=True)
_KEYS = Arg("keys", "keys", "Tablonun anahtar sütunu (aralık)", "the table's key column (a range)", whole=True)
_KEY2 = Arg("key2", "key", "İkinci anahtar (isteğe bağlı)", "a second key", optional=True)
_KEYS2 = Arg("keys2", "keys", "Tablonun ikinci anahtar sütunu (aralık)", "the table's second key column (a range)",
             optional=True, whole=True)


def _table(rows, *columns: int) -> list | None:
    """The table arguments (the same on every row; None when every row failed), checked for equal lengths."""
    first = next((row for row in rows if row is not None), None)
    if first is None:
        return None
    table = [first[i] for i in columns]
    lengths = {len(c) for c in table if c is not None}
    if len(lengths) > 1:
        raise CalcError("invalid", f"tablonun sütunlarının satır sayıları farklı ({sorted(lengths)})",
                        f"the table's columns have different lengths ({sorted(lengths)})")
    return table


def _index(keys: list, keys2: list | None) -> dict:
    """{(key, key2): [positions…]} of the table's rows whose keys are not empty, in row order."""
    out: dict = {}
    for i, k in enumerate(keys):
        k2 = keys2[i] if keys2 is not None else None
        if k is None or (keys2 is not None and k2 is None):
            continue
        out.setdefault((k, k2), []).append(i)
    return out


_WILD = re.compile(r"~[*?~]|[*?]")


@functools.lru_cache(maxsize=4096)
def _wildcard(key):
    """A text key with SUMIFS's wildcards (* any text, ? one character, ~ before either or ~ itself for
    that character) as a compiled pattern; None for a key without them."""
    if not isinstance(key, str) or not _WILD.search(key):
        return None
    parts, i = [], 0
    for m in _WILD.finditer(key):
        parts.append(re.escape(key[i:m.start()]))
        token = m.group()
        parts.append(re.escape(token[1]) if token.startswith("~") else (".*" if token == "*" else "."))
        i = m.end()
    parts.append(re.escape(key[i:]))
    return re.compile("".join(parts), re.S)


def _found(index: dict, k, k2, two: bool) -> tuple[list | tuple, bool]:
    """(the positions of the rows matching (k, k2) in row order, whether they came from the index as they are)."""
    p, p2 = _wildcard(k), _wildcard(k2) if two else None
    if p is None and p2 is None:
        return index.get((k, k2 if two else None), ()), True
    hits = [pos for (a, b), pos in index.items()
            if (p.fullmatch(a) if p is not None and isinstance(a, str) else a == k)
            and (not two or (p2.fullmatch(b) if p2 is not None and isinstance(b, str) else b == k2))]
    return sorted(i for pos in hits for i in pos), False


def _lookups(rows, table_keys: tuple[int, int], row_keys: tuple[int, int], answer) -> list:
    """Each row's answer(row, positions, cache key) from the table's rows matching its key(s); a row that
    failed stays None (its error). The cache key is (key, key2) when the positions are the index's own."""
    try:
        table = _table(rows, *table_keys)
    except CalcError as exc:
        return [exc] * len(rows)
    if table is None:
        return [None] * len(rows)
    two = table[1] is not None
    index = _index(*table)
    out = []
    for row in rows:
        if row is None:
            out.append(None)
            continue
        k, k2 = row[row_keys[0]], row[row_keys[1]]
        if k is None or (two and k2 is None):
            out.append(answer(row, (), None))
            continue
        found, exact = _found(index, k, k2, two)
        out.append(answer(row, found, (k, k2) if exact else None))
    return out


@function("TR_MATCH", topic="columns", result="number", column=True,
          summary_tr="Tabloda anahtarı (ve ikinci anahtarı) eşleşen ilk satırın sırası, yoksa 0 (KAÇINCI'nın "
                     "iki ölçütlü, sütun başına tek çağrı hâli)",
          summary_en="the position of the table's first row whose key (and second key) match, 0 when none (MATCH "
                     "with two criteria, one call per column)",
          args=[_KEY, _KEYS, _KEY2, _KEYS2])
def match(rows):
    return _lookups(rows, (1, 3), (0, 2), lambda row, found, _: Decimal(found[0] + 1) if found else Decimal(0))


@function("TR_SUMBY", topic="columns", result="number", column=True,
          summary_tr="Tabloda anahtarı (ve ikinci anahtarı) eşleşen satırların tutar toplamı (ÇOKETOPLA'nın "
                     "sütun başına tek çağrı hâli)",
          summary_en="the sum of the amounts on the table's rows whose key (and second key) match (SUMIFS, one "
                     "call per column)",
          args=[_KEY, _KEYS,
                Arg("amounts", "numbers", "Toplanacak tutar sütunu (aralık; metin ve boş 0)",
                    "the column of amounts to add (a range; text and empty add nothing)", whole=True),
                _KEY2, _KEYS2])
def sum_by(rows):
    try:
        table = _table(rows, 1, 2, 4)
    except CalcError as exc:
        return [exc] * len(rows)
    amounts = table[1] if table is not None else []

    def total(row, found, _):
        return sum((amounts[i] for i in found if amounts[i] is not None), Decimal(0))
    return _lookups([None if r is None else (r[0], r[1], r[3], r[4]) for r in rows], (1, 3), (0, 2), total)


@function("TR_COUNTBY", topic="columns", result="number", column=True,
          summary_tr="Tabloda anahtarı eşleşen (ve değeri üst sınırı aşmayan) satır sayısı (ÇOKEĞERSAY'ın "
                     "sütun başına tek çağrı hâli)",
          summary_en="the count of the table's rows whose key matches (and whose value is at most the bound) "
                     "(COUNTIFS, one call per column)",
          args=[_KEY, _KEYS,
                Arg("upto", "upto", "Üst sınır (isteğe bağlı): değeri bundan büyük olan satır sayılmaz",
                    "upper bound (optional): rows whose value is greater are not counted", optional=True),
                Arg("values", "numbers", "Üst sınırla karşılaştırılan değer sütunu (aralık; sayı olmayan sayılmaz)",
                    "the column of values compared with the bound (a range; a non-number is not counted)",
                    optional=True, whole=True)])
def count_by(rows):
    import bisect
    try:
        table = _table(rows, 1, 3)
    except CalcError as exc:
        return [exc] * len(rows)
    values = table[1] if table is not None else None
    ordered: dict = {}

    def count(row, found, cache_key):
        bound = row[2]
        if bound is None:
            return Decimal(len(found))
        if values is None:
            raise CalcError("missing", "üst sınır verildi ama değer sütunu yok", "a bound but no column of values",
                            "degerler")
        sorted_values = ordered.get(cache_key) if cache_key is not None else None
        if sorted_values is None:
            sorted_values = sorted(values[i] for i in found if values[i] is not None)
            if cache_key is not None:
                ordered[cache_key] = sorted_values
        return Decimal(bisect.bisect_right(sorted_values, bound))

    def safe(row, found, cache_key):
        try:
            return count(row, found, cache_key)
        except CalcError as exc:
            return exc
    return _lookups([None if r is None else (r[0], r[1], r[2], None) for r in rows], (1, 3), (0, 3), safe)
