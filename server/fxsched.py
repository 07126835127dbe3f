"""The daily TCMB sync of a running server: every worker looks every TRCALC_FX_SYNC_CHECK_SECONDS
(with jitter) whether a sync is due — the day's bulletin is out (TRCALC_FX_SYNC_AT, Türkiye time,
after TCMB's 15:30) and the store's last success does not cover it — and the one that takes the
lease in the database (calc.db.acquire) runs it: once per deployment however many workers and
instances share the database. Missed days (a server off over a holiday) are caught up from the last
success on. A failure is recorded (shown on /admin/status) and retried after
TRCALC_FX_SYNC_RETRY_SECONDS; requests meanwhile answer from the store or fetch on demand
within TRCALC_TCMB_TIMEOUT per fetch.
"""
from __future__ import annotations

import logging
import os
import random
import socket
import threading

log = logging.getLogger("trcalc.server")

_started: dict[int, threading.Thread] = {}


def holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def check(settings) -> None:
    """One look (exceptions logged, never raised: the next look tries again)."""
    from trcalc.calc.fxstore import Store
    from trcalc.calc.fxsync import SyncError, run_due
    try:
        report = run_due(Store(url=settings.database_url or None), holder(), settings.fx_sync_at,
                         settings.fx_sync_days, settings.fx_sync_retry_seconds)
        if report is not None:
            log.warning("trcalc: TCMB sync: %s", report.summary())
    except SyncError as exc:
        log.error("trcalc: TCMB sync failed: %s", exc.message)
    except Exception:
        log.exception("trcalc: TCMB sync check failed")


def start(settings) -> threading.Thread | None:
    """Start this process's checker (once per process; after a fork, again in the child)."""
    if not settings.fx_autosync:
        return None
    pid = os.getpid()
    if pid in _started:
        return _started[pid]
    stop = threading.Event()

    def loop():
        stop.wait(random.uniform(0.5, 3.0))         # workers starting together do not all look at once
        while not stop.is_set():
            check(settings)
            period = max(1, settings.fx_sync_check_seconds)
            stop.wait(random.uniform(0.8, 1.2) * period)

    t = threading.Thread(target=loop, name="trcalc-fx-sync", daemon=True)
    t.start()
    _started[pid] = t
    return t
