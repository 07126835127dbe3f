"""The access log: one line per request, on by default (TRCALC_ACCESS_LOG: `-` stdout, a file, `off`).

    2026-12-06T21:45:38Z 203.0.113.7 POST /api/v1/call/TR_TEV 200 3.1ms key=ali rules=2025.2

It names the key (its name from `trcalc keys`, never the key) and records the client address (the
real one behind a trusted proxy: TRCALC_TRUSTED_PROXIES), method, path, status, duration and rules
version. It never writes a query string: the calculator pages carry the amounts typed there
(/hesap/TR_TEV?…), so the log leaves them out — a request body is never logged either. A path that
matched no route is written as `-` (it may hold anything typed in the address bar).
gunicorn's own access log stays off (it would write query strings); a file is opened with
WatchedFileHandler, so logrotate may move it.
"""
from __future__ import annotations

import logging
import logging.handlers
import sys
import time

from flask import g, request

log = logging.getLogger("trcalc.access")
log.propagate = False
_handlers: dict[str, logging.Handler] = {}


class _Stdout(logging.StreamHandler):
    """Whatever sys.stdout is when a line is written (it may be replaced after the app is made)."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


def configure(destination: str) -> None:
    dest = destination.strip() or "-"
    if dest.lower() in ("off", "0", "none", "no"):
        log.handlers = []
        log.disabled = True
        return
    log.disabled = False
    handler = _handlers.get(dest)
    if handler is None:
        handler = (_Stdout() if dest == "-"
                   else logging.handlers.WatchedFileHandler(dest, encoding="utf-8"))
        handler.setFormatter(logging.Formatter("%(message)s"))
        _handlers[dest] = handler
    log.handlers = [handler]
    log.setLevel(logging.INFO)


def start() -> None:
    g.trcalc_t0 = time.perf_counter()


def write(resp, rules_version: str) -> None:
    if log.disabled or not log.handlers:
        return
    t0 = g.get("trcalc_t0")
    ms = (time.perf_counter() - t0) * 1000 if t0 is not None else 0.0
    path = request.path if request.url_rule is not None else "-"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    log.info("%s %s %s %s %d %.1fms key=%s rules=%s", stamp, request.remote_addr or "-", request.method,
             path.replace(" ", "%20"), resp.status_code, ms, g.get("trcalc_key") or "-", rules_version)
