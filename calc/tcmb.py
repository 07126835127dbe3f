"""The TCMB daily bulletin of indicative exchange rates: its XML and where it lives.

TCMB (Türkiye Cumhuriyet Merkez Bankası) sets its indicative rates at 15:30 on
every business day and publishes them as one XML file per day:

    {base}/today.xml                  the latest bulletin
    {base}/{YYYYMM}/{DDMMYYYY}.xml    the bulletin of that date (404 on weekends and holidays)

with `base` = https://www.tcmb.gov.tr/kurlar (setting TRCALC_TCMB_URL).  The file:

    <?xml version="1.0" encoding="UTF-8"?>
    <?xml-stylesheet type="text/xsl" href="isokur.xsl"?>
    <Tarih_Date Tarih="08.07.2024" Date="07/08/2024" Bulten_No="2024/126">
      <Currency CrossOrder="5" Kod="JPY" CurrencyCode="JPY">
        <Unit>100</Unit>                          quotes are for this many units
        <Isim>JAPON YENİ</Isim> <CurrencyName>JAPENESE YEN</CurrencyName>
        <ForexBuying>20.2286</ForexBuying>        döviz alış
        <ForexSelling>20.3626</ForexSelling>      döviz satış
        <BanknoteBuying>20.1538</BanknoteBuying>  efektif alış (empty for many currencies)
        <BanknoteSelling>20.4400</BanknoteSelling> efektif satış
        <CrossRateUSD>160.97</CrossRateUSD> <CrossRateOther/>
      </Currency> …

(the shape of the real bulletin 2024/126, kept in tests/fixtures/tcmb/).  Sources:
the TCMB files themselves; "gösterge niteliğindeki kurlar … her iş günü saat
15.30'da belirlenir" (vergidosyasi.com, 2021-05-07); no file on weekends and
holidays (github.com/lineofflight/frankfurter issue 84).

Parsing is pure (xml.etree); `fetch` imports urllib only when called, so the
calculation package stays importable where there is no network (Pyodide).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections import deque
from contextvars import ContextVar
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_BASE = "https://www.tcmb.gov.tr/kurlar"
# Settings of the outbound look-ups (README, "Exchange rates"); each read from the environment when used.
#   TRCALC_TCMB_TIMEOUT           seconds one fetch may take in all: connecting, sending, every byte of
#                                 the answer (a total deadline, not a per-read timeout)         default 10
#   TRCALC_TCMB_MAX_PER_REQUEST   fetches one server request (or one `trcalc compute`) may cause    default 32
#   TRCALC_TCMB_MAX_PER_MINUTE    fetches one process may send in any 60 seconds                   default 120
# (`trcalc fx sync` asks for a range on purpose and is bounded by its own MAX_DAYS, not by these.)
TIMEOUT_S = 10.0
MAX_PER_REQUEST = 32         # one look-up walks back at most MAX_GAP_DAYS (16) days: two of those
MAX_PER_MINUTE = 120
MAX_BYTES = 1_000_000                # a bulletin is ~10 kB; anything far larger is not one

# The four published rates: our code → the bulletin's element.
FIELDS = {
    "DOVIZ_ALIS": "ForexBuying",
    "DOVIZ_SATIS": "ForexSelling",
    "EFEKTIF_ALIS": "BanknoteBuying",
    "EFEKTIF_SATIS": "BanknoteSelling",
}
KIND_TR = {"DOVIZ_ALIS": "döviz alış", "DOVIZ_SATIS": "döviz satış",
           "EFEKTIF_ALIS": "efektif alış", "EFEKTIF_SATIS": "efektif satış"}
# Every bulletin TCMB has published quotes these; a file without them is truncated or not a bulletin.
CORE = ("USD", "EUR")


class BulletinError(Exception):
    """The content is not a usable TCMB bulletin (the message says why)."""


class FetchError(Exception):
    """The bulletin could not be fetched (network, timeout, an HTTP status other than 200/404)."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One currency's line in a bulletin; rates are per `unit` units, None when not published."""
    code: str
    unit: int
    name: str
    rates: dict[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class Bulletin:
    date: dt.date
    number: str
    quotes: dict[str, Quote]
    source: str = ""                 # the URL it came from


def _text(el, tag: str) -> str:
    child = el.find(tag)
    return (child.text or "").strip() if child is not None else ""


# The published format: a plain decimal with a point, no sign, no exponent (32.6401, 0.8746, 20.2286);
# TCMB gives at most 4–6 places. Bounds: one unit of any currency TCMB lists has been worth between
# 0.000001 TL (1 IRR per 100 units is ~0.08 TL) and 10^7 TL (the old lira before 2005: 1 USD ≈ 1.4
# million TL) — a figure outside them is a broken file, not a rate (1E-999999 made duties 0.00).
_RATE_TEXT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,8})?")
RATE_MIN, RATE_MAX = Decimal("0.000001"), Decimal("10000000")
UNIT_MAX = 1_000_000


def _rate(raw: str, where: str) -> Decimal | None:
    if not raw:
        return None
    if not _RATE_TEXT.fullmatch(raw):
        raise BulletinError(f"{where}: {raw[:40]!r} is not a number as TCMB writes a rate (digits, a point, up to 8 places)")
    d = Decimal(raw)
    if not RATE_MIN <= d <= RATE_MAX:
        raise BulletinError(f"{where}: {raw!r} is outside the plausible bounds {RATE_MIN}–{RATE_MAX:f}")
    return d


def _date(raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw.strip(), "%d.%m.%Y").date()
    except ValueError:
        raise BulletinError(f"Tarih attribute is not a DD.MM.YYYY date ({raw!r})") from None


def parse(content: bytes, source: str = "") -> Bulletin:
    """The bulletin in `content`; BulletinError for anything that is not a complete bulletin."""
    if len(content) > MAX_BYTES:
        raise BulletinError(f"{len(content)} bytes: too large for a bulletin")
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise BulletinError(f"not well-formed XML ({exc})") from None
    if root.tag != "Tarih_Date":
        raise BulletinError(f"root element is <{root.tag}>, not <Tarih_Date> (an error page?)")
    date = _date(root.get("Tarih", ""))
    us = (root.get("Date") or "").strip()            # the same date written MM/DD/YYYY
    if us and us != f"{date:%m/%d/%Y}":
        raise BulletinError(f"Date attribute {us[:20]!r} is not the Tarih {date:%d.%m.%Y}")
    number = (root.get("Bulten_No") or "").strip()
    quotes: dict[str, Quote] = {}
    for el in root.findall("Currency"):
        code = (el.get("CurrencyCode") or el.get("Kod") or "").strip().upper()
        if not (len(code) == 3 and code.isalpha()):
            raise BulletinError(f"a <Currency> without a three-letter CurrencyCode ({code!r})")
        if code in quotes:
            raise BulletinError(f"{code} is listed twice")
        raw_unit = _text(el, "Unit") or "1"
        if not (raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) <= 7):
            raise BulletinError(f"{code}: Unit is not a whole number ({raw_unit[:40]!r})")
        unit = int(raw_unit)
        if not 1 <= unit <= UNIT_MAX:
            raise BulletinError(f"{code}: Unit must be 1–{UNIT_MAX} ({unit})")
        rates = {k: _rate(_text(el, tag), f"{code} {tag}") for k, tag in FIELDS.items()}
        if all(v is None for v in rates.values()):
            raise BulletinError(f"{code}: no rate at all")
        for buy, sell in (("DOVIZ_ALIS", "DOVIZ_SATIS"), ("EFEKTIF_ALIS", "EFEKTIF_SATIS")):
            if rates[buy] is not None and rates[sell] is not None and rates[buy] > rates[sell]:
                raise BulletinError(f"{code}: {FIELDS[buy]} {rates[buy]} is above {FIELDS[sell]} {rates[sell]}")
        quotes[code] = Quote(code, unit, _text(el, "Isim") or _text(el, "CurrencyName") or code, rates)
    missing = [c for c in CORE if c not in quotes]
    if missing:
        raise BulletinError(f"bulletin of {date} lacks {', '.join(missing)} (truncated?)")
    return Bulletin(date, number, quotes, source)


def offline() -> bool:
    """TRCALC_FX_OFFLINE=1: never fetch (look-ups answer from the store, `fx sync` refuses)."""
    return os.environ.get("TRCALC_FX_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def base_url() -> str:
    return (os.environ.get("TRCALC_TCMB_URL") or DEFAULT_BASE).rstrip("/")


def url_for(on: dt.date | None) -> str:
    """The file of the bulletin of `on` (None: today.xml)."""
    if on is None:
        return f"{base_url()}/today.xml"
    return f"{base_url()}/{on:%Y%m}/{on:%d%m%Y}.xml"


def _setting(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


def timeout() -> float:
    return max(0.1, _setting("TRCALC_TCMB_TIMEOUT", TIMEOUT_S))


class BudgetError(FetchError):
    """A fetch refused by the outbound budget (nothing was sent)."""

    def __init__(self, setting: str, limit: int, tr: str, en: str):
        self.setting, self.limit, self.tr, self.en = setting, limit, tr, en
        super().__init__(f"{en} ({setting}={limit})")


# Fetches sent by this process in the last minute, and what one request may still send (a counter
# per request: the server and `trcalc compute` set it with `request_budget`; a ContextVar, so each
# thread or greenlet has its own).  No lock: `deque.append`/`popleft` are atomic, and the count is a
# bound, not a ledger.
_sent: deque = deque()
_left: ContextVar[list | None] = ContextVar("tcmb_fetches_left", default=None)


class request_budget:
    """`with request_budget():` — the fetches inside may number at most TRCALC_TCMB_MAX_PER_REQUEST."""

    def __enter__(self):
        self._token = _left.set([int(_setting("TRCALC_TCMB_MAX_PER_REQUEST", MAX_PER_REQUEST))])
        return self

    def __exit__(self, *exc):
        _left.reset(self._token)


def _take() -> None:
    """Count one fetch against the budgets, or raise BudgetError without sending it."""
    left = _left.get()
    if left is not None:
        if left[0] <= 0:
            n = int(_setting("TRCALC_TCMB_MAX_PER_REQUEST", MAX_PER_REQUEST))
            raise BudgetError("TRCALC_TCMB_MAX_PER_REQUEST", n, f"bu istek TCMB'den en çok {n} bülten isteyebilir",
                              f"one request may fetch at most {n} bulletins from TCMB")
    per_minute = int(_setting("TRCALC_TCMB_MAX_PER_MINUTE", MAX_PER_MINUTE))
    now = time.monotonic()
    while _sent and _sent[0] < now - 60:
        _sent.popleft()
    if len(_sent) >= per_minute:
        raise BudgetError("TRCALC_TCMB_MAX_PER_MINUTE", per_minute,
                          f"bu süreç TCMB'den dakikada en çok {per_minute} bülten isteyebilir",
                          f"this process may fetch at most {per_minute} bulletins a minute from TCMB")
    _sent.append(now)
    if left is not None:
        left[0] -= 1


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    """(status, body) of a GET, all of it within `deadline` (time.monotonic()).

    http.client makes the connection (TLS, SNI) and sends the request; the answer is read here, each
    recv given only the time left, so a server that drips a byte at a time cannot hold the fetch past
    its deadline (a socket timeout alone restarts with every byte), then parsed by http.client.
    Nothing follows a redirect: a 3xx is an error (TCMB's files are at fixed addresses)."""
    import http.client
    import io
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http(s) addresses are fetched")

    def left() -> float:
        rest = deadline - time.monotonic()
        if rest <= 0:
            raise FetchError(f"{url}: timed out: no complete answer within {timeout():g} s (TRCALC_TCMB_TIMEOUT)")
        return rest

    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=left())
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers={"User-Agent": "trcalc (+TCMB daily bulletin reader)",
                                           "Accept-Encoding": "identity", "Connection": "close"})
        sock, raw = conn.sock, bytearray()
        while True:
            sock.settimeout(left())
            try:
                got = sock.recv(65536)
            except (socket.timeout, TimeoutError):
                left()
                continue
            if not got:
                break
            raw += got
            if len(raw) > MAX_BYTES + 65536:
                raise FetchError(f"{url}: more than {MAX_BYTES} bytes: not a bulletin")

        class _Bytes:
            def makefile(self, *a, **k):
                return io.BytesIO(bytes(raw))

        resp = http.client.HTTPResponse(_Bytes(), method="GET")
        resp.begin()
        return resp.status, resp.read()
    finally:
        conn.close()


def fetch(on: dt.date | None, budgeted: bool = True) -> Bulletin | None:
    """The bulletin of `on` (None: the latest), or None when TCMB has none for that date (404).

    Raises FetchError when it cannot be known (network, the deadline, other status, a redirect),
    BudgetError (a FetchError) when the outbound budget refuses it, and BulletinError when the answer
    is not that date's bulletin (the message names the file). `budgeted=False`: `trcalc fx sync`.
    """
    from .dates import today

    if budgeted:
        _take()
    url = url_for(on)
    try:
        status, content = _get(url, time.monotonic() + timeout())
    except FetchError:
        raise
    except (OSError, ValueError) as exc:      # http.client.HTTPException is neither: caught below
        raise FetchError(f"{url}: {getattr(exc, 'reason', None) or exc}") from None
    except Exception as exc:
        if type(exc).__module__ != "http.client":
            raise
        raise FetchError(f"{url}: not an HTTP answer ({type(exc).__name__})") from None
    if status == 404:
        return None
    if 300 <= status < 400:
        raise FetchError(f"{url}: HTTP {status}, a redirect (not followed)")
    if status != 200:
        raise FetchError(f"{url}: HTTP {status}")
    try:
        bulletin = parse(content, url)
    except BulletinError as exc:
        raise BulletinError(f"{url}: {exc}") from None
    if on is not None and bulletin.date != on:
        raise BulletinError(f"{url} holds the bulletin of {bulletin.date}, not of {on}")
    if bulletin.date > today():
        raise BulletinError(f"{url}: bulletin {bulletin.number or '—'} is dated {bulletin.date}, in the future "
                            f"(today is {today()})")
    return bulletin
