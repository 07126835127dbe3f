"""Server settings, from the environment (TRCALC_*), read once when the app is made.

| variable | meaning | default |
|---|---|---|
| TRCALC_API_KEYS | comma-separated keys; when set, the API, the web calculator and the upload need one | (none: open) |
| TRCALC_CORS_ORIGINS | comma-separated origins allowed to call /api/ from a browser, or `*` | (none) |
| TRCALC_FRAME_ANCESTORS | who may show the Office add-in pages in a frame (CSP frame-ancestors) | Office hosts |
| TRCALC_MAX_REQUEST_BYTES | largest JSON request body | 2 MiB |
| TRCALC_MAX_BATCH | most calls in one /api/v1/batch request | 10000 |
| TRCALC_MAX_BATCH_TABLES | most table (`_DETAIL`) calls in one batch | 1000 |
| TRCALC_MAX_RESPONSE_BYTES | largest batch response | 4 MiB |
| TRCALC_MAX_WORKBOOK_BYTES | largest workbook upload | 20 MiB |
| TRCALC_REQUEST_SECONDS | time limit of one request | 30 |
| TRCALC_MAX_WORKER_MIB | memory ceiling of a worker, checked while long work is done (413) and after each response; past it the worker is recycled | 1024 |
| TRCALC_READ_SECONDS | time a client has to send its whole request, headers and body (then 408 / closed) | 30 |
| TRCALC_MAX_BODY_BUFFER_MIB | request bodies one worker holds in memory at once (past it: 503, Retry-After) | 256 |
| TRCALC_WORKER_CONNECTIONS | open connections per gevent worker (`--production`); the oldest unfinished one is dropped when they are all taken | 1000 |
| TRCALC_TCMB_TIMEOUT | total seconds of one TCMB fetch (connect, send, every byte) | 10 |
| TRCALC_TCMB_MAX_PER_REQUEST, TRCALC_TCMB_MAX_PER_MINUTE | TCMB fetches one request / one worker process may send (calc.tcmb) | 32, 120 |
| TRCALC_FX_STORE_WAIT | seconds a look-up waits for a rate store another process has locked | 0.5 |
| TRCALC_HOST, TRCALC_PORT | where `trcalc serve` listens | 127.0.0.1, 8000 |
| TRCALC_WORKERS | gunicorn workers (`trcalc serve --production`) | 2 × cores |
| TRCALC_TODAY, TRCALC_RULES_DIR | pin "today"; use another rules folder | — |
| TRCALC_PUBLIC_URL | the address users reach (https://…): the Office add-in manifest's URLs and `<Id>` | (the request's) |
| TRCALC_TRUSTED_PROXIES | how many proxies in front set X-Forwarded-For/-Proto/-Host (werkzeug ProxyFix); 0: ignore them | 0 |
| TRCALC_ACCESS_LOG | the access log: `-` (stdout), a file, or `off` | - |
| TRCALC_DATABASE_URL | the database of keys, rates and the sync lock (postgresql+psycopg://…) | SQLite in TRCALC_DATA_DIR |
| TRCALC_KEYS_REFRESH_SECONDS | how often a worker re-reads the named keys (`trcalc keys`) | 5 |
| TRCALC_FX_AUTOSYNC | the server keeps the TCMB rates current (a daily sync, once per deployment) | 1 |
| TRCALC_FX_SYNC_AT | the time (Türkiye) after which the day's bulletin is fetched (TCMB publishes at 15:30) | 15:45 |
| TRCALC_FX_SYNC_DAYS | days fetched when the store is empty (and most caught up in one run) | 30 |
| TRCALC_FX_SYNC_CHECK_SECONDS | how often each worker looks whether a sync is due | 300 |
| TRCALC_FX_SYNC_RETRY_SECONDS | after a failed or incomplete sync, wait this long before the next | 1800 |
| TRCALC_CERTFILE, TRCALC_KEYFILE | `trcalc serve` serves HTTPS itself with this certificate (no proxy) | — |

The instances of a deployment share one database (TRCALC_DATABASE_URL): named keys, the TCMB rate
store and the sync lock; otherwise they keep no state between requests, so any number can run
behind a load balancer; they agree as long as they share a rules version (every response says which).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

# Office on the web shows add-in pages in an iframe of the Office host page. Microsoft's list of
# frame-ancestors for Microsoft 365 hosts ("Content Security Policy headers", Microsoft Teams platform
# docs: *.cloud.microsoft, *.office.com, *.microsoft365.com, outlook.office365.com) plus the hosts of
# Excel on the web (excel.officeapps.live.com, workbooks in SharePoint / OneDrive).
OFFICE_FRAME_ANCESTORS = ("https://*.cloud.microsoft", "https://*.office.com", "https://*.office365.com",
                          "https://*.microsoft365.com", "https://*.officeapps.live.com",
                          "https://*.sharepoint.com", "https://onedrive.live.com")


class SettingError(ValueError):
    pass


def _list(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r}: tam sayı olmalı — must be a whole number") from None
    if value < 0:
        raise SettingError(f"{name}={raw!r}: eksi olamaz — must not be negative")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on", "evet"):
        return True
    if raw in ("0", "false", "no", "off", "hayir", "hayır"):
        return False
    raise SettingError(f"{name}={raw!r}: 1 ya da 0 olmalı — must be 1 or 0")


def _clock(name: str, default: tuple[int, int]) -> tuple[int, int]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    h, sep, m = raw.partition(":")
    if sep and h.isdigit() and m.isdigit() and int(h) < 24 and int(m) < 60:
        return int(h), int(m)
    raise SettingError(f"{name}={raw!r}: SS:DD biçiminde bir saat olmalı (örn. 15:45) — must be a time HH:MM")


@dataclass(frozen=True)
class Settings:
    api_keys: frozenset[str] = field(default_factory=frozenset)
    cors_origins: tuple[str, ...] = ()
    frame_ancestors: tuple[str, ...] = OFFICE_FRAME_ANCESTORS
    max_request_bytes: int = 2 * 1024 * 1024
    max_batch: int = 10_000
    max_batch_tables: int = 1000
    max_response_bytes: int = 4 * 1024 * 1024
    max_workbook_bytes: int = 20 * 1024 * 1024
    request_seconds: int = 30
    max_worker_mib: int = 1024
    trusted_proxies: int = 0
    access_log: str = "-"
    database_url: str = ""
    keys_refresh_seconds: int = 5
    fx_autosync: bool = True
    fx_sync_at: tuple[int, int] = (15, 45)
    fx_sync_days: int = 30
    fx_sync_check_seconds: int = 300
    fx_sync_retry_seconds: int = 1800
    read_seconds: int = 30
    workers: int = 0                   # 0: 2 × cores
    worker_connections: int = 1000
    max_body_buffer_mib: int = 256

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            api_keys=frozenset(_list("TRCALC_API_KEYS")),
            cors_origins=_list("TRCALC_CORS_ORIGINS"),
            frame_ancestors=_list("TRCALC_FRAME_ANCESTORS") or OFFICE_FRAME_ANCESTORS,
            max_request_bytes=_int("TRCALC_MAX_REQUEST_BYTES", cls.max_request_bytes),
            max_batch=_int("TRCALC_MAX_BATCH", cls.max_batch),
            max_batch_tables=_int("TRCALC_MAX_BATCH_TABLES", cls.max_batch_tables),
            max_response_bytes=_int("TRCALC_MAX_RESPONSE_BYTES", cls.max_response_bytes),
            max_workbook_bytes=_int("TRCALC_MAX_WORKBOOK_BYTES", cls.max_workbook_bytes),
            request_seconds=_int("TRCALC_REQUEST_SECONDS", cls.request_seconds),
            max_worker_mib=_int("TRCALC_MAX_WORKER_MIB", cls.max_worker_mib),
            trusted_proxies=_int("TRCALC_TRUSTED_PROXIES", cls.trusted_proxies),
            access_log=os.environ.get("TRCALC_ACCESS_LOG", "").strip() or cls.access_log,
            database_url=os.environ.get("TRCALC_DATABASE_URL", "").strip(),
            keys_refresh_seconds=_int("TRCALC_KEYS_REFRESH_SECONDS", cls.keys_refresh_seconds),
            fx_autosync=_bool("TRCALC_FX_AUTOSYNC", cls.fx_autosync),
            fx_sync_at=_clock("TRCALC_FX_SYNC_AT", cls.fx_sync_at),
            fx_sync_days=_int("TRCALC_FX_SYNC_DAYS", cls.fx_sync_days),
            fx_sync_check_seconds=_int("TRCALC_FX_SYNC_CHECK_SECONDS", cls.fx_sync_check_seconds),
            fx_sync_retry_seconds=_int("TRCALC_FX_SYNC_RETRY_SECONDS", cls.fx_sync_retry_seconds),
            read_seconds=max(1, _int("TRCALC_READ_SECONDS", cls.read_seconds)),
            workers=_int("TRCALC_WORKERS", cls.workers),
            worker_connections=max(10, _int("TRCALC_WORKER_CONNECTIONS", cls.worker_connections)),
            max_body_buffer_mib=max(1, _int("TRCALC_MAX_BODY_BUFFER_MIB", cls.max_body_buffer_mib)),
        )


def host() -> str:
    return os.environ.get("TRCALC_HOST", "127.0.0.1")


def port() -> int:
    return _int("TRCALC_PORT", 8000)
