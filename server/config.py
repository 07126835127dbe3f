"""Server settings, read once when the app is made, from the `TRCALC_*` settings that
`trcalc.calc.settings` declares (name, type, default, meaning; the table in the docs is generated
there: `settings_markdown()`).

The instances of a deployment share one database (TRCALC_DATABASE_URL): named keys, the TCMB rate
store and the sync lock; otherwise they keep no state between requests, so any number can run
behind a load balancer; they agree as long as they share a rules version (every response says which).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from trcalc.calc import settings
from trcalc.calc.settings import OFFICE_FRAME_ANCESTORS, SettingError

__all__ = ["OFFICE_FRAME_ANCESTORS", "SettingError", "Settings", "host", "port"]


def _default(name: str):
    return settings.SETTINGS[name].default


def _setting(name: str, **kw):
    """A field read from the setting `name`, with the setting's declared default."""
    return field(default=_default(name), metadata={"setting": name}, **kw)


@dataclass(frozen=True)
class Settings:
    api_keys: frozenset[str] = field(default_factory=frozenset, metadata={"setting": "TRCALC_API_KEYS"})
    cors_origins: tuple[str, ...] = _setting("TRCALC_CORS_ORIGINS")
    frame_ancestors: tuple[str, ...] = _setting("TRCALC_FRAME_ANCESTORS")
    max_request_bytes: int = _setting("TRCALC_MAX_REQUEST_BYTES")
    max_batch: int = _setting("TRCALC_MAX_BATCH")
    max_column_rows: int = _setting("TRCALC_MAX_COLUMN_ROWS")
    max_batch_tables: int = _setting("TRCALC_MAX_BATCH_TABLES")
    max_response_bytes: int = _setting("TRCALC_MAX_RESPONSE_BYTES")
    max_workbook_bytes: int = _setting("TRCALC_MAX_WORKBOOK_BYTES")
    request_seconds: int = _setting("TRCALC_REQUEST_SECONDS")
    max_worker_mib: int = _setting("TRCALC_MAX_WORKER_MIB")
    read_seconds: int = _setting("TRCALC_READ_SECONDS")
    workers: int = field(default=0, metadata={"setting": "TRCALC_WORKERS"})        # 0: 2 × cores
    worker_connections: int = _setting("TRCALC_WORKER_CONNECTIONS")
    max_body_buffer_mib: int = _setting("TRCALC_MAX_BODY_BUFFER_MIB")
    trusted_proxies: int = _setting("TRCALC_TRUSTED_PROXIES")
    access_log: str = _setting("TRCALC_ACCESS_LOG")
    database_url: str = field(default="", metadata={"setting": "TRCALC_DATABASE_URL"})
    keys_refresh_seconds: int = _setting("TRCALC_KEYS_REFRESH_SECONDS")
    fx_autosync: bool = _setting("TRCALC_FX_AUTOSYNC")
    fx_sync_at: tuple[int, int] = _setting("TRCALC_FX_SYNC_AT")
    fx_sync_days: int = _setting("TRCALC_FX_SYNC_DAYS")
    fx_sync_check_seconds: int = _setting("TRCALC_FX_SYNC_CHECK_SECONDS")
    fx_sync_retry_seconds: int = _setting("TRCALC_FX_SYNC_RETRY_SECONDS")

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        """Every field from its setting; a bad value is a SettingError naming it."""
        values = {f.name: settings.get(f.metadata["setting"], environ) for f in fields(cls)}
        values["api_keys"] = frozenset(values["api_keys"])
        values["frame_ancestors"] = values["frame_ancestors"] or OFFICE_FRAME_ANCESTORS
        values["read_seconds"] = max(1, values["read_seconds"])
        values["worker_connections"] = max(10, values["worker_connections"])
        values["max_body_buffer_mib"] = max(1, values["max_body_buffer_mib"])
        values["database_url"] = values["database_url"] or ""
        return cls(**values)


def host() -> str:
    return settings.get("TRCALC_HOST")


def port() -> int:
    return settings.get("TRCALC_PORT")
