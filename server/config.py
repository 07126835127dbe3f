"""Server settings, from the environment (TRCALC_*), read once when the app is made.

| variable | meaning | default |
|---|---|---|
| TRCALC_API_KEYS | comma-separated keys; when set, every /api/ route needs `X-API-Key` | (none: open) |
| TRCALC_CORS_ORIGINS | comma-separated origins allowed to call /api/ from a browser, or `*` | (none) |
| TRCALC_MAX_REQUEST_BYTES | largest JSON request body | 2 MiB |
| TRCALC_MAX_BATCH | most calls in one /api/v1/batch request | 10000 |
| TRCALC_MAX_WORKBOOK_BYTES | largest workbook upload | 20 MiB |
| TRCALC_HOST, TRCALC_PORT | where `trcalc serve` listens | 127.0.0.1, 8000 |
| TRCALC_WORKERS | gunicorn workers (`trcalc serve --production`) | 2 × cores |
| TRCALC_TODAY, TRCALC_RULES_DIR | pin "today"; use another rules folder | — |
| TRCALC_PUBLIC_URL | the address users reach (https://…): the Office add-in manifest's URLs | (the request's) |

The server keeps no state between requests, so any number of instances can run
behind a load balancer; they agree as long as they share a rules version
(every response says which).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _list(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    api_keys: frozenset[str] = field(default_factory=frozenset)
    cors_origins: tuple[str, ...] = ()
    max_request_bytes: int = 2 * 1024 * 1024
    max_batch: int = 10_000
    max_workbook_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            api_keys=frozenset(_list("TRCALC_API_KEYS")),
            cors_origins=_list("TRCALC_CORS_ORIGINS"),
            max_request_bytes=_int("TRCALC_MAX_REQUEST_BYTES", cls.max_request_bytes),
            max_batch=_int("TRCALC_MAX_BATCH", cls.max_batch),
            max_workbook_bytes=_int("TRCALC_MAX_WORKBOOK_BYTES", cls.max_workbook_bytes),
        )


def host() -> str:
    return os.environ.get("TRCALC_HOST", "127.0.0.1")


def port() -> int:
    return _int("TRCALC_PORT", 8000)
