"""THE function catalogue: one entry per spreadsheet function.

Every surface is driven from here — the xlwings UDFs, the server's routes and
OpenAPI schema, the Office.js metadata, docs/islevler.md and the functions the
`formulas` engine knows.  Adding a function means adding one `@function`
entry in its topic module; a main function declared with `detail=True` also
gets its `_DETAIL` twin, which returns the breakdown table.

Arguments arrive as Excel gives them (floats, text, None for an empty cell,
dates or serial numbers); each is read by its kind's reader, which names the
argument in any error.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from decimal import Context as DecimalContext
from itertools import repeat

from . import coerce, deadline
from .context import Context, read_overrides
from .countries import country
from .dates import FIRST, LAST, to_date, today
from .errors import CalcError
from .numeric import CALC, LIMIT, LIMIT_TEXT
from .money import round_money

_PLAIN = {str, float, int, Decimal, bool, dt.date, dt.datetime}     # read as they are


class Deferred:
    """A reader's placeholder that its kind's `resolve` replaces once the call's date is known."""
    __slots__ = ()


@dataclass(frozen=True)
class Kind:
    """How an argument is read and how other surfaces should describe it."""
    name: str
    reader: Callable
    json_type: str              # "number" | "string" | "boolean" | "any" (OpenAPI / Office.js)
    choices: tuple[str, ...] = ()
    # For a reader that may return a placeholder needing the other arguments (fx = "TCMB" needs
    # the function's currency and date): resolve(function, values, ctx, index) → the value.
    resolve: Callable | None = None


def _year(value, arg):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, str) and ("-" in value or value.count(".") == 2):
        return to_date(value, arg).year          # a date given for the year, as text
    n = coerce.to_count(value, arg)
    if not 2000 <= n <= 2100:
        raise CalcError("out_of_range", f"yıl 2000–2100 arasında olmalı ({value!r})",
                        f"year must be between 2000 and 2100 ({value!r})", arg)
    return n


KINDS: dict[str, Kind] = {}


def kind(name: str, reader: Callable, json_type: str, choices: Sequence[str] = (),
         resolve: Callable | None = None) -> str:
    KINDS[name] = Kind(name, reader, json_type, tuple(choices), resolve)
    return name


kind("number", coerce.to_number, "number")
kind("money", coerce.to_nonneg, "number")
kind("positive", coerce.to_positive, "number")
kind("rate", coerce.to_rate, "any")
kind("waste", coerce.to_rate_below_one, "any")
kind("date", to_date, "any")
kind("year", _year, "any")
kind("bool", coerce.to_bool, "boolean")
kind("count", coerce.to_count, "number")
kind("text", coerce.to_text, "string")
kind("country", country, "string")
kind("origin", lambda v, a: country(v, a, groups=True), "string")


# The name every surface shows for an argument (see docs/islevler.md, "Argument names"): Turkish in
# ASCII, a valid VBA identifier and no VBA keyword, because xlwings' "Import Functions" writes it
# as a VBA parameter and Excel shows it in the formula tooltip.  Keyed by the argument's Python
# name (the implementation's parameter, used only inside Python); one entry serves every function
# that has the argument.  `tests/test_arg_names.py` checks every registry argument against
# Microsoft's list of VBA keywords.
EXCEL_NAMES: dict[str, str] = {
    # dates and years
    "date": "tarih", "due_date": "vade_tarihi", "pay_date": "odeme_tarihi",
    "start_date": "baslangic_tarihi", "year": "yil",
    # imports (TR_CIF, TR_DUTY…)
    "goods": "esya_bedeli", "freight": "navlun", "insurance": "sigorta", "origin": "mense",
    "duty_rate": "gv_orani", "category": "kategori", "fx": "kur",
    # inward processing (TR_TEV…)
    "import_value": "ithal_degeri", "import_qty": "ithal_miktari", "export_qty": "ihrac_miktari",
    "consumption": "birim_tuketim", "waste_rate": "fire_orani", "destination": "varis_ulkesi",
    "certificate": "mense_belgesi", "tev": "tev_tutari", "voluntary": "gonullu",
    "hs": "ihrac_gtip", "endorsed": "revize_kural",
    # late interest, micro export, export KDV refund
    "amount": "tutar", "gross_kg": "brut_kg", "value_eur": "deger_eur",
    "input_kdv": "yuklenilen_kdv", "export_value": "ihracat_bedeli",
    # e-export support
    "support": "destek", "beneficiary": "yararlanici", "expense": "harcama", "sales": "satis",
    "claimed": "odenen", "count": "adet",
    # commercial import declarations (TR_IMPORT_TAXES)
    "value": "gumruk_degeri", "igv_rate": "igv_orani", "otv": "otv_tutari",
    "antidumping": "damping_tutari", "other_costs": "diger_giderler", "kdv_rate": "kdv_orani",
    "payment": "odeme_sekli", "part": "vergi_kalemi",
    # the tariff book (TR_GTIP_RATE)
    "code": "gtip", "tax": "vergi", "quantity": "miktar",
    # rules
    "name": "parametre",
    # functions of a whole column (TR_RUNNING_SUM)
    "group": "grup", "order": "sira",
    # look-ups of a whole column in a table (TR_MATCH, TR_SUMBY, TR_COUNTBY)
    "key": "anahtar", "keys": "anahtarlar", "key2": "anahtar2", "keys2": "anahtarlar2", "amounts": "tutarlar",
    "upto": "ust_sinir", "values": "degerler",
    # exchange rates (TR_FX, TR_CUSTOMS_FX, TR_IMPORT_TAXES; TR_TEV's currency for fx = TCMB; TR_DUTY's
    # currency of the amounts and its rate, issue 25.6)
    "currency": "doviz", "kind": "kur_turu", "currency_fx": "doviz_kuru",
}


@dataclass(frozen=True)
class Arg:
    """One argument.  `name` is the Python name (the implementation's parameter); `excel` is
    the name every surface shows — Excel's tooltip, the VBA xlwings writes, Office.js metadata,
    the docs, the API's function list, web forms and every error message.  `excel` defaults
    to the argument's entry in EXCEL_NAMES."""
    name: str
    kind: str
    doc_tr: str
    doc_en: str
    optional: bool = False
    # A required position that may still be left empty, the function saying what empty means
    # (TR_IMPORT_TAXES' fx: empty = the TCMB rate).  Excel, xlwings and Office.js put optional
    # parameters only after the required ones, so such an argument is not marked optional.
    empty_ok: bool = False
    excel: str = ""
    # A table argument (issue 23.1: look-ups of a whole column): the whole range, of its own length, read
    # once by its kind's reader as a list — never split into rows, never repeated per row. Only in a
    # function of a whole column (`function(column=True)`).
    whole: bool = False
    # For an `fx` argument: the currency whose rate it is when given as TCMB — an ISO code, or empty
    # for the function's `currency` argument (else its `fx_currency`). TR_DUTY's `kur` is always TL per
    # EUR (its limits are in EUR), whatever currency its amounts are in (issue 25.6).
    fx_of: str = ""

    def __post_init__(self):
        if not self.excel:
            object.__setattr__(self, "excel", EXCEL_NAMES.get(self.name, self.name))

    @property
    def reader(self) -> Callable:
        return KINDS[self.kind].reader


# Every function's optional as-of date (SPEC §3): the rules in force on it are used.
AS_OF = Arg("date", "date", "Tarih (boş: bugün)", "as-of date (empty: today)", optional=True)


@dataclass(frozen=True)
class Function:
    name: str
    args: tuple[Arg, ...]
    summary_tr: str
    summary_en: str
    result: str                 # "money" | "number" | "bool" | "text" | "date" | "table"
    impl: Callable = field(repr=False)
    topic: str = ""
    detail_of: str | None = None   # set on a _DETAIL twin: the main function's name
    fx_currency: str = ""          # the currency of its amounts, for fx = "TCMB" (else its `currency` argument)
    # A function of a whole column (its rows depend on each other, e.g. a running total in FIFO order):
    # called with every row's read arguments at once (None for a row that could not be read), it
    # returns one value (or CalcError) per row. One cell is a column of one row.
    column: Callable | None = field(default=None, repr=False)

    @property
    def volatile(self) -> bool:
        """Recalculated on every recalculation in every host (issue 23.4): TR_RULES_VERSION (its
        result changes with the installed rules, not with any cell) and every function whose
        result follows today when a date or year is left empty (SPEC §3: empty = today). TR_RULES_VERSION's
        optional `son_hesap` (kind rules_version, issue 24.5) leaves it volatile; so is TR_STAMP (kind
        stamp_part, issue 25.5): the time and version of the recalculation."""
        return not self.args or any((a.optional and a.kind in ("date", "year", "rules_version"))
                                    or a.kind == "stamp_part" for a in self.args)

    @property
    def required(self) -> int:
        return sum(1 for a in self.args if not a.optional)

    def read_arg(self, i: int, v):
        a = self.args[i]
        if a.whole:
            if v is None:
                if not a.optional:
                    raise CalcError("missing", "zorunlu bağımsız değişken boş", "required argument is empty", a.excel)
                return None
            return a.reader(list(v) if isinstance(v, (list, tuple)) else [v], a.excel)
        if v is None or (type(v) is str and not v.strip()):
            if not (a.optional or a.empty_ok):
                raise CalcError("missing", "zorunlu bağımsız değişken boş",
                                "required argument is empty", a.excel)
            return None
        if type(v) not in _PLAIN:
            v = coerce.scalar(v, a.excel)         # numpy scalars; an array or a list is an error
        return a.reader(v, a.excel)

    def check_arity(self, n: int) -> None:
        if n > len(self.args):
            raise CalcError(
                "arity",
                f"{self.name} en çok {len(self.args)} bağımsız değişken alır, {n} verildi",
                f"{self.name} takes at most {len(self.args)} arguments, {n} given")

    def read_args(self, args: Sequence) -> list:
        self.check_arity(len(args))
        n = len(args)
        return [self.read_arg(i, args[i] if i < n else None) for i in range(len(self.args))]

    def as_of(self, values: list) -> dt.date:
        i = self._date_index
        if i is not None and values[i] is not None:
            return values[i]
        return today()

    @functools.cached_property
    def _date_index(self) -> int | None:
        return self.arg_index("date")

    def arg_index(self, name: str) -> int | None:
        return next((i for i, a in enumerate(self.args) if a.name == name), None)

    @functools.cached_property
    def _deferred(self) -> tuple:
        return tuple((i, KINDS[a.kind].resolve) for i, a in enumerate(self.args) if KINDS[a.kind].resolve)

    def _resolve(self, values: list, ctx: Context) -> list:
        """Placeholders (fx = "TCMB") replaced by their values, now that the date is known."""
        for i, resolve in self._deferred:
            if isinstance(values[i], Deferred):
                values = list(values)
                values[i] = resolve(self, values, ctx, i)
        return values

    @functools.cached_property
    def _shown(self) -> dict[str, str]:
        return {a.name: a.excel for a in self.args if a.name != a.excel}

    def _compute(self, ctx: Context, values: list):
        """The implementation's result; an error it raises names the argument as users see it."""
        try:
            if self._deferred:
                values = self._resolve(values, ctx)
            return self.impl(ctx, *values)
        except CalcError as exc:
            if exc.argument in self._shown:
                raise exc.for_argument(self._shown[exc.argument]) from None
            raise

    def run(self, values: list, overrides: dict, ctx: Context | None = None):
        """Compute on already-read arguments and overrides (in `ctx` when one is given)."""
        with localcontext(CALC):
            return self.run_in_context(values, overrides, ctx)

    def run_in_context(self, values: list, overrides: dict, ctx: Context | None = None):
        """`run`, the decimal context CALC already in force (the column form enters it once for its rows)."""
        ctx = ctx or Context(self.as_of(values), overrides)
        try:
            out = self._compute(ctx, values)
            value = self._checked(out.value if isinstance(out, Outcome) else out)
            if self.detail_of:
                return detail_table(out, ctx)
            return value
        except ArithmeticError as exc:
            raise self._domain_error(exc) from None

    def _checked(self, value):
        """The numeric-domain policy on results: money below the limit and to the kuruş (a sum
        such as TR_CIF is rounded here, once; an assessed amount already is), dates in 1900–2199."""
        if isinstance(value, Decimal):
            if value.copy_abs() >= LIMIT:
                raise CalcError("out_of_range", f"{self.name}: sonuç {LIMIT_TEXT} sınırını aşıyor",
                                f"{self.name}: the result exceeds the {LIMIT_TEXT} limit")
            if self.result == "money":
                return round_money(value)
        elif isinstance(value, dt.date) and not FIRST <= value <= LAST:
            raise CalcError("out_of_range", f"{self.name}: sonuç tarihi ({value}) 1900–2199 dışında",
                            f"{self.name}: the resulting date ({value}) is outside 1900–2199")
        return value

    def _domain_error(self, exc: ArithmeticError) -> CalcError:
        # Inputs inside the limits keep every formula finite; this is the net under that
        # reasoning, so that no arithmetic fault ever reaches a user as a traceback.
        return CalcError("out_of_range",
                         f"{self.name}: ara sonuç sayı sınırlarının dışına çıktı ({type(exc).__name__}); "
                         "girdileri kontrol edin",
                         f"{self.name}: an intermediate result left the numeric domain "
                         f"({type(exc).__name__}); check the inputs")

    def __call__(self, *args, overrides=None):
        return self.run(self.read_args(args), read_overrides(overrides))

    def evaluate(self, args, overrides=None) -> tuple[object, list[list] | None, str]:
        """(value, breakdown table or None, unit) in one computation, for the web pages."""
        values = self.read_args(args)
        ctx = Context(self.as_of(values), read_overrides(overrides))
        with localcontext(CALC):
            try:
                out = self._compute(ctx, values)
                value = self._checked(out.value if isinstance(out, Outcome) else out)
                if isinstance(out, Outcome):
                    return value, detail_table(out, ctx), out.unit
                return value, None, ""
            except ArithmeticError as exc:
                raise self._domain_error(exc) from None


class Outcome:
    """What a main function computes: its cell value and, on request, its breakdown.

    Subclasses keep plain numbers; `rows()` builds the (label, formula, amount)
    table only when a _DETAIL function asks, so single calls stay cheap.
    """
    value: object
    unit: str = ""          # "TL", "€" … for pages that show the value with its currency

    def rows(self) -> list[tuple[str, str, object]]:
        raise NotImplementedError

    def warnings(self) -> list[str]:
        return []


HEADER = ("Adım", "Hesaplama", "Tutar")
_CONFIDENCE_TR = {"high": "yüksek", "medium-high": "orta-yüksek", "medium": "orta", "low": "düşük"}


def detail_table(out: Outcome, ctx: Context) -> list[list]:
    """The breakdown: the outcome's rows, then warnings, overrides, sources and rules version."""
    table = [list(HEADER)] + [[_show(c) for c in r] for r in out.rows()]
    for w in out.warnings():
        table.append(["Uyarı", w, ""])
    for rate in ctx.fx_used:
        table.append([_show(c) for c in rate.source_row()])
    for (name, _start), entry in ctx.used.items():
        if entry is None:
            table.append(["Geçersiz kılınan parametre", f"{name} = {_show(ctx.overrides[name])} (kullanıcı değeri)", ""])
    for (name, _start), entry in ctx.used.items():
        if entry is not None:
            # a legal basis an accountant can check: the rule's Turkish name, its source, since when, confidence
            what = ctx.description(name).split(" / ")[0]
            note = f"; not: {entry.note}" if entry.note else ""
            table.append([f"Kaynak: {what}",
                          f"{entry.source} — {entry.start:%d.%m.%Y} tarihinden itibaren; güven: "
                          f"{_CONFIDENCE_TR[entry.confidence]}{note}",
                          _show(entry.value)])
    table.append(["Kurallar sürümü", ctx.version, ""])
    return table


def _show(value) -> object:
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, Decimal):
        if len(value.as_tuple().digits) > _SHOWN_DIGITS:
            value = _SHOWN.plus(value)          # a quotient's endless decimals: 28 digits shown
        if value.as_tuple().exponent > 0:
            return value.quantize(Decimal(1), context=_SHOWN_WIDE)       # 6.25E+3 → 6250
    return value


# A breakdown shows intermediate quotients to 28 significant digits (assessed amounts are
# rounded from the exact values, not from these).
_SHOWN_DIGITS = 28
_SHOWN = DecimalContext(prec=_SHOWN_DIGITS, rounding=ROUND_HALF_EVEN)
_SHOWN_WIDE = DecimalContext(prec=400)


REGISTRY: dict[str, Function] = {}


def function(name: str, *, args: Sequence[Arg], summary_tr: str, summary_en: str,
             result: str, topic: str, detail: bool = False,
             detail_summary: tuple[str, str] | None = None, fx_currency: str = "", column: bool = False):
    """Register `impl` under the Excel name `name` (and `name_DETAIL` when `detail`).

    `column`: `impl(rows)` computes a whole column (see Function.column); one cell is one row."""
    def deco(impl):
        if column:
            whole = impl

            def one_row(ctx, *values):
                (out,) = whole([tuple(values)])
                if isinstance(out, CalcError):
                    raise out
                return out
            REGISTRY[name] = Function(name, tuple(args), summary_tr, summary_en, result, one_row, topic,
                                      column=whole)
            return impl
        for n in (name, f"{name}_DETAIL") if detail else (name,):
            assert n not in REGISTRY, f"{n} registered twice"
        REGISTRY[name] = Function(name, tuple(args), summary_tr, summary_en, result, impl, topic,
                                  fx_currency=fx_currency)
        if detail:
            s_tr, s_en = detail_summary or (
                f"{name} hesabının adım adım dökümü (tablo)", f"step-by-step breakdown of {name} (table)")
            REGISTRY[f"{name}_DETAIL"] = Function(f"{name}_DETAIL", tuple(args), s_tr, s_en,
                                                  "table", impl, topic, detail_of=name, fx_currency=fx_currency)
        return impl
    return deco


def get(name: str) -> Function:
    fn = REGISTRY.get(str(name).strip().upper())
    if fn is None:
        raise CalcError("unknown_function", f"bilinmeyen işlev ({name!r})", f"unknown function ({name!r})")
    return fn


_MISS = object()
_MEMO_TYPES = frozenset({str, float, int, bool, type(None), Decimal, dt.date, dt.datetime})


def _memo_reader(fn: "Function"):
    """`fn.read_arg` for the cells of a column, remembering each distinct value's reading (or its refusal)
    for the rest of the call: a column repeats its values (destinations, dates, blank rows), and reading
    is a pure function of the value and the argument."""
    memos: dict = {}
    read = fn.read_arg

    def cached(i: int, x):
        if type(x) not in _MEMO_TYPES:
            return read(i, x)
        memo = memos.setdefault(i, {})
        key = (type(x), x)
        got = memo.get(key, _MISS)
        if got is _MISS:
            try:
                got = read(i, x)
            except CalcError as exc:
                got = exc
            memo[key] = got
        if isinstance(got, CalcError):
            raise got.with_traceback(None)      # the same refusal, without the tracebacks of earlier rows
        return got
    return cached


def call_many(name: str, args: Sequence, overrides=None) -> list:
    """The array form: any argument may be a column (a list); others repeat on every row.

    Returns one value per row; a row that fails gives its CalcError instead of
    a value, so one bad line never hides the others.
    """
    fn = get(name)
    ov = read_overrides(overrides)
    whole = {i for i, a in enumerate(fn.args) if a.whole}
    lengths = {len(a) for i, a in enumerate(args) if isinstance(a, (list, tuple)) and i not in whole}
    if len(lengths) > 1:
        raise CalcError("invalid", f"sütunların satır sayıları farklı ({sorted(lengths)})",
                        f"the columns have different lengths ({sorted(lengths)})")
    n = lengths.pop() if lengths else 1
    fn.check_arity(len(args))
    args = list(args) + [None] * (len(fn.args) - len(args))
    columns = [i for i, a in enumerate(args) if isinstance(a, (list, tuple)) and i not in whole]
    if fn.column is not None:
        return _whole_column(fn, args, columns, n)
    # A repeated scalar is read once, not once per row.
    values = [None] * len(args)
    try:
        for i, a in enumerate(args):
            if i not in columns:
                values[i] = fn.read_arg(i, a)
    except CalcError as exc:
        return [exc] * n
    out = []
    # Rows on the same date share one rules context (a value, unlike a breakdown, does not
    # depend on which sources the other rows used).
    contexts: dict = {}
    run, read = fn.run_in_context, _memo_reader(fn)
    with localcontext(CALC):             # one decimal context for the rows (as `run` enters for one)
        for r in range(n):
            deadline.check()             # the request's time limit (calc.deadline), between rows
            try:
                for i in columns:
                    values[i] = read(i, args[i][r])
                ctx = None
                if not fn.detail_of:
                    on = fn.as_of(values)
                    ctx = contexts.get(on) or contexts.setdefault(on, Context(on, ov))
                out.append(run(list(values), ov, ctx))
            except CalcError as exc:
                out.append(exc)
    return out


def _whole_column(fn: Function, args: list, columns: list[int], n: int) -> list:
    """A column function over its rows: each row read (a row that cannot be read is its error, the first
    argument that cannot be read named), then the function once over them all."""
    out: list = [None] * n
    # a table argument (Arg.whole) and a single value are read once; a column element by element
    try:
        once = {i: fn.read_arg(i, args[i]) for i in range(len(args)) if i not in columns}
    except CalcError as exc:
        return [exc] * n
    seqs: list = []
    for i in range(len(args)):
        if i in once:
            seqs.append(repeat(once[i], n))
            continue
        read, values = _memo_reader(fn), []
        for r, x in enumerate(args[i]):
            try:
                values.append(read(i, x))
            except CalcError as exc:
                values.append(None)
                if out[r] is None:
                    out[r] = exc
        seqs.append(values)
    rows = [None if out[r] is not None else row for r, row in enumerate(zip(*seqs))] if seqs else [()] * n
    with localcontext(CALC):
        results = fn.column(rows)
    for r, v in enumerate(results):
        if out[r] is None:
            out[r] = v if isinstance(v, CalcError) else fn._checked(v)
    return out
