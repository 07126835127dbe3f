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
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_BASE = "https://www.tcmb.gov.tr/kurlar"
TIMEOUT_S = 10.0                     # per request (connect and each read)
WAIT_S = 8.0                         # all the TCMB waiting of one calculation (TRCALC_TCMB_WAIT_SECONDS)
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


def _rate(raw: str, where: str) -> Decimal | None:
    if not raw:
        return None
    try:
        d = Decimal(raw)
    except InvalidOperation:
        raise BulletinError(f"{where}: not a number ({raw!r})") from None
    if not d.is_finite() or d <= 0:
        raise BulletinError(f"{where}: must be a positive number ({raw!r})")
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
    number = (root.get("Bulten_No") or "").strip()
    quotes: dict[str, Quote] = {}
    for el in root.findall("Currency"):
        code = (el.get("CurrencyCode") or el.get("Kod") or "").strip().upper()
        if not (len(code) == 3 and code.isalpha()):
            raise BulletinError(f"a <Currency> without a three-letter CurrencyCode ({code!r})")
        try:
            unit = int(_text(el, "Unit") or "1")
        except ValueError:
            raise BulletinError(f"{code}: Unit is not a whole number ({_text(el, 'Unit')!r})") from None
        if unit < 1:
            raise BulletinError(f"{code}: Unit must be at least 1 ({unit})")
        rates = {k: _rate(_text(el, tag), f"{code} {tag}") for k, tag in FIELDS.items()}
        if all(v is None for v in rates.values()):
            raise BulletinError(f"{code}: no rate at all")
        quotes[code] = Quote(code, unit, _text(el, "Isim") or _text(el, "CurrencyName") or code, rates)
    missing = [c for c in CORE if c not in quotes]
    if missing:
        raise BulletinError(f"bulletin of {date} lacks {', '.join(missing)} (truncated?)")
    return Bulletin(date, number, quotes, source)


def base_url() -> str:
    return (os.environ.get("TRCALC_TCMB_URL") or DEFAULT_BASE).rstrip("/")


def url_for(on: dt.date | None) -> str:
    """The file of the bulletin of `on` (None: today.xml)."""
    if on is None:
        return f"{base_url()}/today.xml"
    return f"{base_url()}/{on:%Y%m}/{on:%d%m%Y}.xml"


def timeout() -> float:
    try:
        return max(0.1, float(os.environ.get("TRCALC_TCMB_TIMEOUT", TIMEOUT_S)))
    except ValueError:
        return TIMEOUT_S


def wait_seconds() -> float:
    """TRCALC_TCMB_WAIT_SECONDS: the most one calculation (one API request) waits on TCMB in all."""
    try:
        return max(0.1, float(os.environ.get("TRCALC_TCMB_WAIT_SECONDS", WAIT_S)))
    except ValueError:
        return WAIT_S


def fetch(on: dt.date | None, timeout_s: float | None = None) -> Bulletin | None:
    """The bulletin of `on` (None: the latest), or None when TCMB has none for that date (404).

    Raises FetchError when it cannot be known (network, timeout, other status) and
    BulletinError when the answer is not that date's bulletin.
    """
    import urllib.error
    import urllib.request

    url = url_for(on)
    req = urllib.request.Request(url, headers={"User-Agent": "trcalc (+TCMB daily bulletin reader)"})
    try:
        with urllib.request.urlopen(req, timeout=min(timeout(), timeout_s or timeout())) as resp:
            content = resp.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise FetchError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: {reason}") from None
    bulletin = parse(content, url)
    if on is not None and bulletin.date != on:
        raise BulletinError(f"{url} holds the bulletin of {bulletin.date}, not of {on}")
    return bulletin
