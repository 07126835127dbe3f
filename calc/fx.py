"""Official TCMB exchange rates: TR_FX, TR_CUSTOMS_FX, and `fx = "TCMB"` in every function.

    =TR_FX("USD"; "08.07.2024")                 → 32,6401   (döviz alış, the default kind)
    =TR_FX("JPY"; "08.07.2024"; "DOVIZ_SATIS")  → 0,203626  (the bulletin quotes 100 yen: ÷ Unit)
    =TR_CUSTOMS_FX("EUR"; "09.07.2024")         → 35,4241   (customs: see fx.customs.* in rules/fx.yaml)
    =TR_DUTY(…; fx: "TCMB")                     → the customs rate for EUR on the function's date

The rate of a date is the bulletin of that date or, on a weekend or holiday
when none is published, the last bulletin before it.  TR_FX's default kind is
DOVIZ_ALIS — the TCMB forex buying rate that tax valuation uses (VUK); the
rate customs uses is a rule (`fx.customs.rate_kind`, `fx.customs.bulletin_lag_days`),
applied by TR_CUSTOMS_FX and by every `fx` argument given as "TCMB".

Where the rates come from is `source()`: by default the local store
(calc.fxstore, filled from TCMB on demand, see calc.tcmb); `set_source` puts
another in its place (a test, or a browser build without sqlite/network).
Nothing here imports sqlite3 or urllib until a rate is actually looked up.
"""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from .coerce import CodeSet, fold, to_positive
from .dates import today
from . import settings
from .errors import CalcError
from .stamp import note_bulletin
from .money import ONE, fmt, fmt_num
from .registry import AS_OF, Arg, Deferred, Outcome, function, kind
from .rules.store import param
from .tcmb import FIELDS, KIND_TR, Bulletin

P_CUSTOMS_KIND = param("fx.customs.rate_kind")
P_CUSTOMS_LAG = param("fx.customs.bulletin_lag_days")

DEFAULT_KIND = "DOVIZ_ALIS"
MAX_GAP_DAYS = 16          # the longest run of days without a bulletin (a long bayram with weekends)
RETRY_AFTER_S = 60.0       # after a network failure, answer from the store only for this long

KINDS = CodeSet("kur türü", {
    "DOVIZ_ALIS": ["ForexBuying", "Döviz alış", "FOREX_BUYING", "ALIS"],
    "DOVIZ_SATIS": ["ForexSelling", "Döviz satış", "FOREX_SELLING", "SATIS"],
    "EFEKTIF_ALIS": ["BanknoteBuying", "Efektif alış", "BANKNOTE_BUYING"],
    "EFEKTIF_SATIS": ["BanknoteSelling", "Efektif satış", "BANKNOTE_SELLING"],
})
kind("fx_kind", KINDS.read, "string", KINDS.codes)

_CURRENCY_NAMES = {"TL": "TRY", "YTL": "TRY", "₺": "TRY", "€": "EUR", "$": "USD", "£": "GBP",
                   "turklirasi": "TRY", "euro": "EUR", "avro": "EUR", "dolar": "USD", "abddolari": "USD",
                   "usdollar": "USD", "sterlin": "GBP", "ingilizsterlini": "GBP", "isvicrefrangi": "CHF",
                   "japonyeni": "JPY", "yen": "JPY"}


def read_currency(value, arg: str) -> str:
    """An ISO 4217 code (USD, eur), a symbol (₺, €, $, £) or a common name (TL, Euro, Dolar)."""
    if isinstance(value, str):
        t = value.strip()
        if len(t) == 3 and t.isascii() and t.isalpha():
            return t.upper()
        code = _CURRENCY_NAMES.get(t.upper()) or _CURRENCY_NAMES.get(t) or _CURRENCY_NAMES.get(fold(t))
        if code:
            return code
    raise CalcError("invalid", f"para birimi ISO kodu bekleniyordu (USD, EUR, JPY, TRY…), {value!r} geldi",
                    f"expected a currency ISO code (USD, EUR, JPY, TRY…), got {value!r}", arg)


kind("currency", read_currency, "string")


class _Tcmb(Deferred):
    """What an `fx` argument holds when the cell says "TCMB", until the function's currency is known."""
    __slots__ = ()

    def __repr__(self):
        return "TCMB"


TCMB = _Tcmb()


def read_fx(value, arg: str):
    """A positive rate, or the text TCMB: the customs rate for the function's currency and date."""
    if isinstance(value, str) and fold(value) == "tcmb":
        return TCMB
    return to_positive(value, arg)


# -- rates -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rate:
    currency: str
    kind: str
    value: Decimal            # TRY for ONE unit
    quoted: Decimal           # as the bulletin gives it, for `unit` units
    unit: int
    asked: dt.date            # the date asked for
    bulletin_date: dt.date
    bulletin_number: str
    source: str

    def describe_tr(self) -> str:
        per = f"{self.unit} birim" if self.unit != 1 else "1 birim"
        return (f"TCMB gösterge kurları, bülten {self.bulletin_number or '—'} ({self.bulletin_date:%d.%m.%Y}), "
                f"{KIND_TR[self.kind]}, {per} = {fmt_num(self.quoted)} TL")

    def source_row(self) -> list:
        """The breakdown row naming the bulletin behind an `fx` given as TCMB."""
        return ["Kur kaynağı", f"{self.currency}: {self.describe_tr()}; {CUSTOMS_BASIS}", self.value]


def _database_error(exc: Exception) -> bool:
    """sqlite3's and SQLAlchemy's errors (the rate store's database, calc.db), not imported here."""
    return type(exc).__module__.split(".")[0] in ("sqlite3", "sqlalchemy", "psycopg")


def _no_rate(currency: str, on: dt.date, why_tr: str, why_en: str, arg: str = "date") -> CalcError:
    if sys.platform == "emscripten":       # inside xlwings Lite (Pyodide): no store, no command line
        return CalcError("no_rate",
                         f"{currency} için {on:%d.%m.%Y} tarihli TCMB kuru xlwings Lite'ta alınamaz: kuru elle "
                         "yazın (ekip sunucusunun /hesap/TR_FX sayfasında ya da TR_FX ile bulunur)",
                         f"no TCMB rate for {currency} on {on} inside xlwings Lite: type the rate in (the team "
                         "server's /hesap/TR_FX page or TR_FX in the desktop add-in gives it)", arg)
    cmd = f"trcalc fx sync --from {on - dt.timedelta(days=7)} --to {on}"
    return CalcError("no_rate",
                     f"{currency} için {on:%d.%m.%Y} tarihli TCMB kuru yok: {why_tr}. İnternete bağlıyken "
                     f"`{cmd}` çalıştırın ya da kuru elle yazın",
                     f"no TCMB rate for {currency} on {on}: {why_en}. When online run `{cmd}`, "
                     f"or type the rate in", arg,
                     data={"currency": currency, "date": on, "command": cmd})


class _Flight:
    """One look-up in progress; others asking for the same date wait for its outcome."""
    __slots__ = ("done", "result", "error")

    def __init__(self):
        # `threading.Event` looked up now, not at import: in a gevent worker the module is patched
        # by then (gunicorn patches after the app was preloaded), so this is a greenlet's event.
        self.done = threading.Event()
        self.result = self.error = None


class StoreSource:
    """Bulletins from the local SQLite store, fetched from TCMB when a date is unknown.

    Answers that can no longer change (a past date) are cached in the process, so a
    warm look-up does not touch the file.

    Concurrency (issue 22.1): no lock is held while waiting on the network or the store. A lock
    made at import is an OS lock even in a gevent worker (gunicorn preloads the app, then patches):
    a greenlet blocked on it blocks its whole worker, and with it the greenlet holding it, which
    waits on a socket — 8 concurrent look-ups froze a worker until gunicorn killed it. Instead the
    first look-up of a date is the one that fetches it (single flight, claimed by one atomic
    `dict.setdefault`); later ones for that date wait on its event — a gevent event in a gevent
    worker, a thread event elsewhere — for at most the fetch deadline, and share its answer.
    Different dates proceed side by side; SQLite itself serializes the writes.
    """

    def __init__(self, path=None, online: bool | None = None):
        self._path = path
        self._online = online
        self._flights: dict[tuple, _Flight] = {}
        self._resolved: dict[tuple, Bulletin] = {}
        self._stores: dict = {}
        self._down_until = 0.0

    def _store(self, currency: str, on: dt.date):
        try:
            from .fxstore import Store
        except ImportError:          # a Python without sqlite3/SQLAlchemy (some Pyodide builds)
            raise _no_rate(currency, on, "bu ortamda yerel kur deposu (sqlite3) yok",
                           "this Python has no local rate store (no sqlite3)") from None
        from . import db
        where = str(self._path) if self._path else db.url()
        store = self._stores.get(where)
        if store is None:                    # one Store per database (calc.db): its schema is checked once
            store = self._stores[where] = Store(self._path) if self._path else Store(url=where)
        return store

    def online(self) -> bool:
        if self._online is not None:
            return self._online
        from .tcmb import offline
        return not offline()

    def bulletin(self, on: dt.date, currency: str) -> Bulletin:
        if sys.platform == "emscripten":     # inside xlwings Lite: no rate store and no network to fetch with
            raise _no_rate(currency, on, "", "")
        from .tcmb import base_url
        key = (str(self._path) if self._path else settings.raw("TRCALC_DATA_DIR") or "",
               settings.raw("TRCALC_DATABASE_URL") or "", base_url(), on)
        hit = self._resolved.get(key)
        if hit is not None:
            return hit
        now = today()
        if on > now:
            raise _no_rate(currency, on, "bu tarih gelecekte; bülteni henüz yayımlanmadı",
                           "the date is in the future; its bulletin is not published yet")
        flight = _Flight()
        leader = self._flights.setdefault(key + (currency,), flight)
        if leader is not flight:                       # the same look-up is under way: wait for it
            from .tcmb import timeout
            if not leader.done.wait(timeout() * 2 + 1):
                raise _no_rate(currency, on, "aynı kur başka bir istek tarafından aranıyor ve zamanında bitmedi",
                               "another request is looking the same rate up and did not finish in time")
            if leader.error is not None:
                raise leader.error
            return leader.result
        try:
            b = self._resolve(on, now, currency)
        except (OSError, ImportError) as exc:          # sqlite3.Error is not imported here
            flight.error = self._unreadable(currency, on, exc)
        except Exception as exc:
            if not _database_error(exc):
                flight.error = exc
            else:
                flight.error = self._unreadable(currency, on, exc)
        else:
            flight.result = b
            if on < now or b.date == on:      # today's answer may still change at 15:30
                if len(self._resolved) > 50_000:
                    self._resolved.clear()
                self._resolved[key] = b
        finally:
            del self._flights[key + (currency,)]
            flight.done.set()
        if flight.error is not None:
            raise flight.error.with_traceback(None) from None
        return b

    def _unreadable(self, currency: str, on: dt.date, exc: Exception) -> CalcError:
        from .fxstore import default_path, describe_error
        path = self._path or (settings.raw("TRCALC_DATABASE_URL") and "TRCALC_DATABASE_URL") or default_path()
        tr, en = describe_error(exc)
        return _no_rate(currency, on, f"yerel kur deposu ({path}) {tr}", f"the local rate store ({path}) {en}")

    def _resolve(self, on: dt.date, now: dt.date, currency: str) -> Bulletin:
        from .tcmb import BudgetError, BulletinError, FetchError, fetch
        from .fxstore import NONE
        store = self._store(currency, on)
        first = on - dt.timedelta(days=MAX_GAP_DAYS)
        states = store.states(first, on)
        d = on
        while d >= first:
            state = states.get(d)
            if state == NONE:
                d -= dt.timedelta(days=1)
                continue
            if state is not None:
                return store.bulletin(d)
            if not self.online():
                raise _no_rate(currency, on, f"yerel depoda {d:%d.%m.%Y} yok ve çevrimdışı çalışılıyor",
                               f"{d} is not in the local store and fetching is off (TRCALC_FX_OFFLINE)")
            if time.monotonic() < self._down_until:
                raise _no_rate(currency, on, f"yerel depoda {d:%d.%m.%Y} yok ve TCMB'ye az önce ulaşılamadı",
                               f"{d} is not in the local store and TCMB could not be reached a moment ago")
            try:
                b = fetch(d) if d != now else fetch(None)
            except BudgetError as exc:               # nothing was sent: TCMB is not "down"
                cmd = f"trcalc fx sync --from {on - dt.timedelta(days=7)} --to {on}"
                raise CalcError("no_rate", f"{currency} için {on:%d.%m.%Y} tarihli TCMB kuru yerel depoda yok ve "
                                f"{exc.tr} (ayar {exc.setting}); depoyu `{cmd}` ile doldurun",
                                f"no TCMB rate for {currency} on {on} in the local store, and {exc.en} "
                                f"(setting {exc.setting}); fill the store with `{cmd}`", "date") from None
            except FetchError as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_S
                raise _no_rate(currency, on, f"yerel depoda {d:%d.%m.%Y} yok ve TCMB'ye ulaşılamadı ({exc})",
                               f"{d} is not in the local store and TCMB could not be reached ({exc})") from None
            except BulletinError as exc:
                raise _no_rate(currency, on, f"TCMB'den gelen {d:%d.%m.%Y} dosyası geçerli bir bülten değil ({exc})",
                               f"the file TCMB sent for {d} is not a valid bulletin ({exc})") from None
            if d == now and b is not None and b.date != d:
                # Today's bulletin is set at 15:30; until then today.xml is the last one: keep it for its
                # own date (when it has the currency) and look there, without marking today as bulletin-less.
                if first <= b.date < d and b.date not in states and (currency == "TRY" or currency in b.quotes):
                    store.save([b])
                    states[b.date] = b.number
                d -= dt.timedelta(days=1)
                continue
            if b is None:
                if d < now:                      # today's file appears at 15:30: do not remember its absence
                    store.save(missing=[d])
                d -= dt.timedelta(days=1)
                continue
            if currency != "TRY" and currency not in b.quotes:
                # Not stored: a bulletin without the asked currency may be a partial file.
                raise CalcError("unknown_code",
                                f"{d:%d.%m.%Y} tarihli TCMB bülteninde {currency} yok; bültendekiler: "
                                f"{', '.join(sorted(b.quotes))}",
                                f"the TCMB bulletin of {d} has no {currency}; it has: {', '.join(sorted(b.quotes))}",
                                "currency")
            store.save([b])
            return b
        raise _no_rate(currency, on, f"{first:%d.%m.%Y}–{on:%d.%m.%Y} arasında hiç bülten yok",
                       f"there is no bulletin between {first} and {on}")


_source = StoreSource()


def source():
    return _source


def set_source(new) -> object:
    """Use `new` (anything with `bulletin(on, currency) -> Bulletin`); returns the previous source."""
    global _source
    old, _source = _source, new
    return old


def rate(currency: str, on: dt.date, kind: str = DEFAULT_KIND) -> Rate:
    """TRY for one unit of `currency` by the bulletin of `on` (or the last one before it)."""
    if currency == "TRY":
        return Rate("TRY", kind, ONE, ONE, 1, on, on, "", "")
    b = _source.bulletin(on, currency)
    q = b.quotes.get(currency)
    if q is None:
        raise CalcError("unknown_code",
                        f"{b.date:%d.%m.%Y} tarihli TCMB bülteninde {currency} yok; bültendekiler: "
                        f"{', '.join(sorted(b.quotes))}",
                        f"the TCMB bulletin of {b.date} has no {currency}; it has: {', '.join(sorted(b.quotes))}",
                        "currency")
    quoted = q.rates.get(kind)
    if quoted is None:
        have = [k for k in FIELDS if q.rates.get(k) is not None]
        raise CalcError("unknown_code",
                        f"TCMB {currency} için {KIND_TR[kind]} kuru yayımlamıyor; olanlar: {', '.join(have)}",
                        f"TCMB publishes no {kind} rate for {currency}; it has: {', '.join(have)}", "kind")
    value = quoted if q.unit == 1 else quoted / q.unit
    note_bulletin(b.date, b.number)              # the stamp of a computed workbook names it
    return Rate(currency, kind, value, quoted, q.unit, on, b.date, b.number, b.source)


def customs_rate(ctx, currency: str, registration: dt.date) -> Rate:
    """The rate customs uses for a declaration registered on `registration` (rules fx.customs.*)."""
    # read as any kind argument is: an override may hold any text ({"fx.customs.rate_kind": "XYZ"})
    kind_ = KINDS.read(ctx.rule(P_CUSTOMS_KIND, registration)[0], "fx.customs.rate_kind")
    lag = int(ctx.rule(P_CUSTOMS_LAG, registration))
    return rate(currency, registration - dt.timedelta(days=lag), kind_)


CUSTOMS_BASIS = ("4458 sayılı Gümrük Kanunu md. 30 ve Gümrük Yönetmeliği md. 57: gümrük yükümlülüğünün "
                 "başladığı (tescil) tarihte yürürlükte olan TCMB kuru; uygulamada tescil gününden önce TCMB'nin "
                 "ilan ettiği son kur")


def resolve_fx(fn, values: list, ctx, i: int):
    """`fx` = "TCMB" → the customs rate for the argument's currency on the function's date (registry hook):
    the currency the argument declares (`Arg.fx_of`), else the function's currency argument, else its
    `fx_currency`."""
    j = fn.arg_index("currency")
    currency = fn.args[i].fx_of or (values[j] if j is not None else None) or fn.fx_currency
    if not currency:
        raise CalcError("missing", "kur = TCMB için para birimi (doviz) gerekli",
                        "kur = TCMB needs the currency (doviz)", "currency")
    try:
        r = customs_rate(ctx, currency, ctx.on)
    except CalcError as exc:
        if exc.code == "no_rate":            # the cell to fix (or type a rate into) is the fx one
            raise exc.for_argument(fn.args[i].excel) from None
        raise
    ctx.note_fx(r)
    return r.value


kind("fx", read_fx, "any", resolve=resolve_fx)


# -- the functions ---------------------------------------------------------------------------

@dataclass
class FxOutcome(Outcome):
    rate: Rate
    customs: bool = False
    registration: dt.date | None = None
    unit = "TL"

    @property
    def value(self):
        return self.rate.value

    def rows(self):
        r = self.rate
        rows = [("Para birimi", r.currency, r.currency)]
        if r.currency == "TRY":
            return rows + [("Kur", "TL'nin TL karşılığı", ONE)]
        if self.customs:
            rows.append(("Beyanname tescil tarihi", "", self.registration))
        rows += [
            ("İstenen tarih", "", r.asked),
            ("Bülten tarihi", "o günün bülteni" if r.bulletin_date == r.asked
             else "o gün bülten yok (hafta sonu/tatil): önceki son bülten", r.bulletin_date),
            ("Bülten no", "TCMB gösterge niteliğindeki kurlar", r.bulletin_number),
            ("Kur türü", KIND_TR[r.kind], r.kind),
            ("Birim", f"bülten {r.unit} birim için verir", r.unit),
            ("Bültendeki kur", f"{r.unit} {r.currency} = {fmt_num(r.quoted)} TL", r.quoted),
            ("1 birim kur", f"{fmt_num(r.quoted)} ÷ {r.unit}" if r.unit != 1 else "bültendeki kur", r.value),
            ("Kaynak", r.source or "TCMB", ""),
        ]
        if self.customs:
            rows.append(("Yasal dayanak", CUSTOMS_BASIS, ""))
        return rows


_CURRENCY = Arg("currency", "currency", "Para birimi kodu (USD, EUR, JPY…)", "currency code (USD, EUR, JPY…)")


@function("TR_FX", topic="fx", result="number", detail=True,
          summary_tr="TCMB kuru: 1 birim dövizin TL karşılığı (tarihin bülteni ya da ondan önceki son bülten)",
          summary_en="TCMB rate: TRY for one unit (the bulletin of the date, or the last one before it)",
          args=[_CURRENCY, AS_OF,
                Arg("kind", "fx_kind", "Kur türü: DOVIZ_ALIS (varsayılan), DOVIZ_SATIS, EFEKTIF_ALIS, EFEKTIF_SATIS",
                    "rate: DOVIZ_ALIS (default, forex buying), DOVIZ_SATIS, EFEKTIF_ALIS, EFEKTIF_SATIS",
                    optional=True)])
def tr_fx(ctx, currency, date, kind_):
    return FxOutcome(rate(currency, ctx.on, kind_ or DEFAULT_KIND))


@function("TR_CUSTOMS_FX", topic="fx", result="number", detail=True,
          summary_tr="Gümrükte kullanılan kur: tescil tarihinden önce TCMB’nin ilan ettiği son kur",
          summary_en="the rate customs uses for a declaration registered on the date (rule fx.customs.*)",
          args=[_CURRENCY, Arg("date", "date", "Beyanname tescil tarihi (boş: bugün)",
                               "registration date of the declaration (empty: today)", optional=True)])
def tr_customs_fx(ctx, currency, date):
    return FxOutcome(customs_rate(ctx, currency, ctx.on), customs=True, registration=ctx.on)


def _fmt_rate(r: Rate) -> str:        # used by the CLI
    return f"{r.currency} {r.kind} {r.asked}: {fmt(r.value, 6)} TL ({r.describe_tr()})"
