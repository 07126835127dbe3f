"""Every `TRCALC_*` setting, declared once: name, type, default, meaning (Turkish and English), reader.

All code reads its settings here (`get`), so a setting's name, default and check live in one
line, and the documentation's table is generated from the same lines (`settings_markdown`).
A bad value is a `SettingError` naming the setting, Turkish then English — one line, never a
traceback:

>>> import os
>>> os.environ["TRCALC_WORKERS"] = "abc"
>>> try:
...     get("TRCALC_WORKERS")
... except SettingError as exc:
...     print(exc)
TRCALC_WORKERS='abc': tam sayı olmalı — TRCALC_WORKERS='abc': must be a whole number
>>> del os.environ["TRCALC_WORKERS"]

Adding a setting is one `declare(...)` line below; tests/test_settings.py checks that every
`TRCALC_` name in the code is declared here and every declared one is read somewhere.
Standard library only: this module ships inside xlwings Lite with the rest of `calc`.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Callable

from .errors import TrcalcError


class SettingError(TrcalcError):
    """A `TRCALC_*` value that cannot be read; `argument` is the setting's name."""
    code = "setting"
    status = 500                 # the server's own configuration, not the request
    names_argument = True


def _whole(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise _Refused("eksi olamaz", "must not be negative")
    return value


def _seconds(raw: str) -> float:
    value = float(raw)
    if not value >= 0 or value == float("inf"):
        raise _Refused("eksi olmayan, sonlu bir süre olmalı (saniye)", "must be a finite duration, not negative (seconds)")
    return value


def _flag(raw: str) -> bool:
    low = raw.lower()
    if low in ("1", "true", "yes", "on", "evet", "doğru"):
        return True
    if low in ("0", "false", "no", "off", "hayır", "hayir", "yanlış"):
        return False
    raise ValueError(raw)


def _items(raw: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in raw.split(",") if x.strip())


def _date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw)


def _clock(raw: str) -> tuple[int, int]:
    h, sep, m = raw.partition(":")
    if sep and h.isdigit() and m.isdigit() and int(h) < 24 and int(m) < 60:
        return int(h), int(m)
    raise ValueError(raw)


class _Refused(Exception):
    def __init__(self, tr: str, en: str):
        self.tr, self.en = tr, en


@dataclass(frozen=True)
class Kind:
    """A setting's type: how its text is read, and what the error says when it cannot be."""
    name_tr: str
    name_en: str
    read: Callable[[str], object]
    wrong_tr: str
    wrong_en: str


KINDS = {
    "int": Kind("tam sayı", "whole number", _whole, "tam sayı olmalı", "must be a whole number"),
    "seconds": Kind("saniye", "seconds", _seconds, "sayı olmalı (saniye)", "must be a number (seconds)"),
    "flag": Kind("evet/hayır", "yes/no", _flag, "1/0, true/false, evet/hayır olmalı", "must be 1/0, true/false, yes/no"),
    "list": Kind("virgülle ayrılmış liste", "comma-separated list", _items, "", ""),
    "text": Kind("metin", "text", str, "", ""),
    "path": Kind("klasör ya da dosya yolu", "folder or file path", str, "", ""),
    "url": Kind("adres (URL)", "address (URL)", str, "", ""),
    "clock": Kind("saat (SS:DD)", "time (HH:MM)", _clock, "SS:DD biçiminde bir saat olmalı (örn. 15:45)",
                  "must be a time HH:MM (e.g. 15:45)"),
    "date": Kind("tarih (YYYY-AA-GG)", "date (YYYY-MM-DD)", _date, "YYYY-AA-GG biçiminde bir tarih olmalı",
                 "must be a date as YYYY-MM-DD"),
}
PARTS = {            # who reads a setting: the docs group the table by it
    "calc": ("hesap (her yerde)", "calculations (everywhere)"),
    "workbook": ("çalışma kitabı motoru (trcalc compute, sunucu)", "workbook engine (trcalc compute, server)"),
    "server": ("ekip sunucusu", "team server"),
    "gunicorn": ("trcalc serve --production (gunicorn)", "trcalc serve --production (gunicorn)"),
    "addin": ("Excel eklentisi (xlwings)", "Excel add-in (xlwings)"),
    "cli": ("komut satırı", "command line"),
    "tests": ("testler ve fuzz (geliştiriciler)", "tests and fuzzing (developers)"),
}


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str
    default: object               # a value, None (unset), or a function giving it
    tr: str
    en: str
    part: str
    shown: str = ""               # the default as the docs show it, when it is not a plain value

    def default_value(self):
        return self.default() if callable(self.default) else self.default

    def default_text(self) -> str:
        if self.shown:
            return self.shown
        d = self.default
        if d is None or d == ():
            return "—"
        if isinstance(d, bool):
            return "1" if d else "0"
        if isinstance(d, tuple):
            return ", ".join(d)
        if isinstance(d, int) and d >= 1024 * 1024 and d % (1024 * 1024) == 0:
            return f"{d // (1024 * 1024)} MiB ({d})"
        return str(d)


SETTINGS: dict[str, Setting] = {}


def declare(name: str, kind: str, default, tr: str, en: str, part: str, shown: str = "") -> Setting:
    """One setting, once. `kind` is a key of KINDS, `part` of PARTS."""
    assert name.startswith("TRCALC_") and name not in SETTINGS, name
    assert kind in KINDS and part in PARTS, (name, kind, part)
    SETTINGS[name] = s = Setting(name, kind, default, tr, en, part, shown)
    return s


def raw(name: str, environ=None) -> str | None:
    """The setting's text as set (stripped), or None when unset or blank."""
    value = (os.environ if environ is None else environ).get(SETTINGS[name].name, "")
    return value.strip() or None


def get(name: str, environ=None):
    """The setting's value, read now (so a test or a team can change it while a process runs):
    the default when unset or blank; a SettingError naming it when its text cannot be read."""
    s = SETTINGS[name]
    text = raw(name, environ)
    if text is None:
        return s.default_value()
    kind = KINDS[s.kind]
    try:
        return kind.read(text)
    except _Refused as exc:
        tr, en = exc.tr, exc.en
    except ValueError:
        tr, en = kind.wrong_tr, kind.wrong_en
    raise SettingError(tr, en, f"{name}={text!r}")


def check_all(environ=None, parts=None) -> None:
    """Read every setting (of `parts`) once: a bad value is refused now, with its name, not later
    from inside a request or a worker."""
    for s in SETTINGS.values():
        if parts is None or s.part in parts:
            get(s.name, environ)


def settings_markdown() -> str:
    """The settings table for the documentation (docs/), grouped by the part that reads them."""
    out = []
    for part, (part_tr, part_en) in PARTS.items():
        rows = [s for s in SETTINGS.values() if s.part == part]
        if not rows:
            continue
        out += [f"### {part_tr} / {part_en}", "",
                "| Ayar / setting | Tür / type | Varsayılan / default | Anlamı | Meaning |",
                "|---|---|---|---|---|"]
        for s in rows:
            k = KINDS[s.kind]
            out.append(f"| `{s.name}` | {k.name_tr} / {k.name_en} | {s.default_text()} | {s.tr} | {s.en} |")
        out.append("")
    return "\n".join(out)


def _cores() -> int:
    return 2 * (os.cpu_count() or 1)


# Office on the web shows add-in pages in an iframe of the Office host page. Microsoft's list of
# frame-ancestors for Microsoft 365 hosts ("Content Security Policy headers", Microsoft Teams platform
# docs: *.cloud.microsoft, *.office.com, *.microsoft365.com, outlook.office365.com) plus the hosts of
# Excel on the web (excel.officeapps.live.com, workbooks in SharePoint / OneDrive).
OFFICE_FRAME_ANCESTORS = ("https://*.cloud.microsoft", "https://*.office.com", "https://*.office365.com",
                          "https://*.microsoft365.com", "https://*.officeapps.live.com",
                          "https://*.sharepoint.com", "https://onedrive.live.com")
MIB = 1024 * 1024

# --- calculations, wherever they run ----------------------------------------------------------------
declare("TRCALC_TODAY", "date", None, "“bugün”ü sabitler: bir ekip ya da test aynı günle hesaplar", "pins “today”: a team or a test computes on one day", "calc", "Türkiye'de bugün / today in Türkiye")
declare("TRCALC_RULES_DIR", "path", None, "başka bir kural klasörü (ekibin gözden geçirilmiş kopyası)", "another rules folder (a team's reviewed copy)", "calc", "paketteki kurallar / the packaged rules")
declare("TRCALC_DATA_DIR", "path", None, "yerel kur deposunun klasörü", "folder of the local exchange-rate store", "calc", "kullanıcının veri klasörü / the user's data folder")
declare("TRCALC_FX_OFFLINE", "flag", False, "TCMB'den kur indirme; yalnız depodaki kurlar", "never fetch rates from TCMB; stored rates only", "calc")
declare("TRCALC_TCMB_URL", "url", "https://www.tcmb.gov.tr/kurlar", "TCMB kur bültenlerinin adresi (ayna ya da test sunucusu)", "where TCMB rate bulletins are fetched (a mirror or a test server)", "calc")
declare("TRCALC_TCMB_TIMEOUT", "seconds", 10.0, "TCMB'den bir bültenin alınması için toplam süre: bağlanma, gönderme, yanıtın her baytı (en az 0,1 s)", "how long one TCMB fetch may take in all: connecting, sending, every byte of the answer (at least 0.1 s)", "calc")
declare("TRCALC_TCMB_MAX_PER_REQUEST", "int", 32, "bir sunucu isteğinin (ya da bir `trcalc compute`'un) TCMB'den isteyebileceği en çok bülten", "most TCMB fetches one server request (or one `trcalc compute`) may cause", "calc")
declare("TRCALC_TCMB_MAX_PER_MINUTE", "int", 120, "bir sürecin TCMB'ye 60 saniyede gönderebileceği en çok istek", "most TCMB fetches one process may send in any 60 seconds", "calc")

# --- the workbook engine's budgets (trcalc compute and the server's /api/v1/workbook) --------------
declare("TRCALC_MAX_WORKBOOK_BYTES", "int", 20 * MIB, "en büyük çalışma kitabı dosyası (bayt)", "largest workbook file (bytes)", "workbook")
declare("TRCALC_MAX_UNZIPPED_BYTES", "int", 200 * MIB, "çalışma kitabının açılmış parçalarının toplamı (bayt)", "all parts of a workbook once unzipped (bytes)", "workbook")
declare("TRCALC_MAX_CELLS", "int", 2_000_000, "dolu hücre (değer ya da formül, tüm sayfalar)", "cells holding a value or a formula, all sheets", "workbook")
declare("TRCALC_MAX_FORMULA_CELLS", "int", 500_000, "formül hücresi (tüm sayfalar)", "formula cells, all sheets", "workbook")
declare("TRCALC_MAX_ROWS", "int", 100_000, "bir sayfanın son kullanılan satırı", "the last used row of any sheet", "workbook")
declare("TRCALC_MAX_RANGE_CELLS", "int", 100_000, "bir fonksiyona hücre hücre verilen tek aralığın hücreleri", "cells of one range handed to a function cell by cell", "workbook")
declare("TRCALC_MAX_AREA_CELLS", "int", 2_000_000, "tek aralıkta okunacak hücre: kullanılan satırlar × sütunlar (`SUM(1:1048576)`), okunmadan önce denetlenir", "cells of one range read as a grid: used rows × columns (`SUM(1:1048576)`), checked before it is read", "workbook")
declare("TRCALC_MAX_CELL_READS", "int", 2_000_000, "bir çalışma kitabının tüm formüllerinin aralıklardan okuduğu hücre (okundukça sayılır)", "cells read through ranges by all the formulas of a workbook together, counted as read (the 10,000-line DİR reads 123,036; about 1 CPU-second at most)", "workbook")

# --- the team server ---------------------------------------------------------------------------------
declare("TRCALC_API_KEYS", "list", (), "anahtarlar; verilirse API, web hesaplayıcı ve yükleme anahtar ister", "keys; when set, the API, the web calculator and the upload need one", "server", "yok: açık / none: open")
declare("TRCALC_CORS_ORIGINS", "list", (), "/api/'yi tarayıcıdan çağırabilecek kökenler ya da `*`", "origins allowed to call /api/ from a browser, or `*`", "server")
declare("TRCALC_FRAME_ANCESTORS", "list", OFFICE_FRAME_ANCESTORS, "Office eklenti sayfalarını çerçevede gösterebilecekler (CSP frame-ancestors)", "who may show the Office add-in pages in a frame (CSP frame-ancestors)", "server", "Office sunucuları / Office hosts")
declare("TRCALC_MAX_REQUEST_BYTES", "int", 2 * MIB, "en büyük JSON istek gövdesi (bayt)", "largest JSON request body (bytes)", "server")
declare("TRCALC_MAX_BATCH", "int", 10_000, "bir /api/v1/batch isteğindeki en çok çağrı", "most calls in one /api/v1/batch request", "server")
declare("TRCALC_MAX_COLUMN_ROWS", "int", 100_000, "bölünemeyen bir sütun çağrısının (TR_RUNNING_SUM, TR_MATCH, TR_SUMBY…) en çok satırı", "most rows of a column call that cannot be split (TR_RUNNING_SUM, TR_MATCH, TR_SUMBY…)", "server")
declare("TRCALC_MAX_BATCH_TABLES", "int", 1000, "bir toplu istekteki en çok tablo (`_DETAIL`) çağrısı", "most table (`_DETAIL`) calls in one batch", "server")
declare("TRCALC_MAX_RESPONSE_BYTES", "int", 4 * MIB, "en büyük toplu yanıt (bayt)", "largest batch response (bytes)", "server")
declare("TRCALC_REQUEST_SECONDS", "int", 30, "bir isteğin süre sınırı (saniye)", "time limit of one request (seconds)", "server")
declare("TRCALC_MAX_WORKER_MIB", "int", 1024, "bir işçinin bellek tavanı (MiB): uzun işlerde (413) ve her yanıttan sonra denetlenir; aşınca işçi yenilenir", "memory ceiling of a worker (MiB), checked while long work is done (413) and after each response; past it the worker is replaced", "server")
declare("TRCALC_READ_SECONDS", "int", 30, "istemcinin isteğin tamamını (başlıklar ve gövde) göndermesi için süre (saniye; sonra 408 / kapatılır; en az 1)", "time a client has to send its whole request, headers and body (seconds; then 408 / closed; at least 1)", "server")
declare("TRCALC_MAX_BODY_BUFFER_MIB", "int", 256, "bir işçinin aynı anda bellekte tuttuğu istek gövdeleri (MiB; aşılınca 503, Retry-After; en az 1)", "request bodies one worker holds in memory at once (MiB; past it 503, Retry-After; at least 1)", "server")
declare("TRCALC_FX_STORE_WAIT", "seconds", 0.5, "bir kur sorgusunun başka bir sürecin kilitlediği kur deposunu bekleme süresi", "how long a look-up waits for a rate store another process has locked (at most 60 s)", "calc")
declare("TRCALC_HOST", "text", "127.0.0.1", "`trcalc serve`'ün dinlediği adres", "the address `trcalc serve` listens on", "server")
declare("TRCALC_PORT", "int", 8000, "`trcalc serve`'ün dinlediği port", "the port `trcalc serve` listens on", "server")
declare("TRCALC_PUBLIC_URL", "url", None, "kullanıcıların ulaştığı adres (https://…): Office eklenti bildirimindeki adresler", "the address users reach (https://…): the Office add-in manifest's URLs", "server", "isteğin kendi adresi / the request's own")
declare("TRCALC_TRUSTED_PROXIES", "int", 0, "önde X-Forwarded-For/-Proto/-Host yazan vekil sayısı (werkzeug ProxyFix); 0: yok sayılır", "how many proxies in front set X-Forwarded-For/-Proto/-Host (werkzeug ProxyFix); 0: ignore them", "server")
declare("TRCALC_ACCESS_LOG", "text", "-", "erişim kaydı: `-` (standart çıktı), bir dosya ya da `off`", "the access log: `-` (standard output), a file, or `off`", "server")
declare("TRCALC_DATABASE_URL", "url", None, "anahtarların, kurların ve eşitleme kilidinin veritabanı (postgresql+psycopg://…)", "the database of keys, rates and the sync lock (postgresql+psycopg://…)", "server", "TRCALC_DATA_DIR içinde SQLite / SQLite in TRCALC_DATA_DIR")
declare("TRCALC_KEYS_REFRESH_SECONDS", "int", 5, "bir işçinin adlı anahtarları (`trcalc keys`) yeniden okuma aralığı (saniye)", "how often a worker re-reads the named keys (`trcalc keys`), seconds", "server")
declare("TRCALC_FX_AUTOSYNC", "flag", True, "sunucu TCMB kurlarını güncel tutar (günde bir eşitleme, dağıtım başına bir kez)", "the server keeps the TCMB rates current (a daily sync, once per deployment)", "server")
declare("TRCALC_FX_SYNC_AT", "clock", (15, 45), "günün bülteninin alındığı saat (Türkiye; TCMB 15:30'da yayımlar)", "the time (Türkiye) after which the day's bulletin is fetched (TCMB publishes at 15:30)", "server", "15:45")
declare("TRCALC_FX_SYNC_DAYS", "int", 30, "depo boşken alınan gün sayısı (bir çalıştırmada en çok yakalanan)", "days fetched when the store is empty (and most caught up in one run)", "server")
declare("TRCALC_FX_SYNC_CHECK_SECONDS", "int", 300, "her işçinin eşitleme zamanının gelip gelmediğine bakma aralığı (saniye)", "how often each worker looks whether a sync is due (seconds)", "server")
declare("TRCALC_FX_SYNC_RETRY_SECONDS", "int", 1800, "başarısız ya da eksik bir eşitlemeden sonra bekleme (saniye)", "after a failed or incomplete sync, wait this long before the next (seconds)", "server")
declare("TRCALC_CERTFILE", "path", None, "`trcalc serve` HTTPS'i bu sertifikayla kendisi sunar (vekilsiz)", "`trcalc serve` serves HTTPS itself with this certificate (no proxy)", "server")
declare("TRCALC_KEYFILE", "path", None, "TRCALC_CERTFILE sertifikasının özel anahtarı", "the private key of the TRCALC_CERTFILE certificate", "server")

# --- trcalc serve --production (gunicorn.conf.py) ---------------------------------------------------------
declare("TRCALC_WORKERS", "int", _cores, "gunicorn işçi sayısı", "number of gunicorn workers", "gunicorn", "2 × çekirdek / 2 × cores")
declare("TRCALC_WORKER_CLASS", "text", "trcalc.server.worker.Worker", "gunicorn işçi türü (trcalc'ın okuma süresi sınırlı gevent işçisi)", "gunicorn worker class (trcalc's gevent worker with a read deadline)", "gunicorn")
declare("TRCALC_WORKER_CONNECTIONS", "int", 1000, "gevent işçisi başına açık bağlantı; hepsi doluyken en eski bitmemiş istek düşürülür (en az 10)", "open connections per gevent worker; the oldest unfinished one is dropped when all are taken (at least 10)", "gunicorn")
declare("TRCALC_THREADS", "int", 1, "işçi başına iş parçacığı (gthread işçileri)", "threads per worker (gthread workers)", "gunicorn")
declare("TRCALC_BIND", "text", None, "gunicorn'un dinlediği adres:port (`trcalc serve` bunu HOST ve PORT'tan yazar)", "gunicorn's host:port (`trcalc serve` writes it from HOST and PORT)", "gunicorn", "TRCALC_HOST:TRCALC_PORT")

# --- the Excel add-in (xlwings): also read from the xlwings.conf sheet or ~/.xlwings/xlwings.conf --------
declare("TRCALC_SERVER_URL", "url", None, "ekip sunucusu: hesaplar oraya gönderilir (uzak kip)", "the team server: calls are sent there (remote mode)", "addin", "yok: yerel hesap / none: local")
declare("TRCALC_API_KEY", "text", None, "ekip sunucusuna gönderilen anahtar (X-API-Key)", "the key sent to the team server (X-API-Key)", "addin")
declare("TRCALC_SERVER_TIMEOUT", "seconds", 15.0, "ekip sunucusundan yanıt bekleme süresi", "how long to wait for the team server", "addin")
declare("TRCALC_BATCH_ROWS", "int", 10_000, "bir istekte gönderilen ilk satır sayısı (413'te yarıya iner)", "rows sent in the first request of a column (halved on a 413)", "addin")
declare("TRCALC_ERRORS_AS_TEXT", "flag", False, "hatalı hücrede #VALUE! yerine \"#ileti\" metni (nedeni ararken)", "a failing cell shows \"#message\" text instead of #VALUE! (while finding out why)", "addin")

# --- the command line, and the developers' own --------------------------------------------------------------
declare("TRCALC_DEBUG", "flag", False, "beklenmeyen bir hatada tam izi göster", "show the full traceback of an unexpected error", "cli")
declare("TRCALC_HYPOTHESIS_PROFILE", "text", "ci", "özellik testlerinin Hypothesis profili (`ci`, `fuzz`)", "the property tests' Hypothesis profile (`ci`, `fuzz`)", "tests")
declare("TRCALC_FUZZ_EXAMPLES", "int", 3000, "`fuzz` profilinde test başına örnek sayısı", "examples per test under the `fuzz` profile", "tests")
declare("TRCALC_LO_CALLS", "path", None, "kıyaslamanın LibreOffice eklentisi çağrı sayacı dosyası (`make bench`)", "the benchmark's call counter file for the LibreOffice extension (`make bench`)", "tests")
