"""What one request may cost: budgets checked before the work, a time limit, a memory ceiling.

Every refusal names the limit and the setting that changes it (`TRCALC_*`, see server.config),
Turkish then English: 413 when the request is too large (body, batch length, table calls,
response size), 422 when it runs past the time limit.

The time limit is a SIGALRM timer armed around the view (once the body has been read, so a
slow client costs no time of it). Signals only reach the main thread: gunicorn's workers (sync
and gevent) run requests there; in the threaded development server only the batch loop's own
deadline check applies. A request stopped by the timer may leave a library half-way through
its work, so the worker is recycled after that response (as it is when its memory passes
TRCALC_MAX_WORKER_MIB) — see `post_request` in server/gunicorn.conf.py.
"""
from __future__ import annotations

import contextlib
import signal
import time

from trcalc.calc.errors import TrcalcError

# why the worker should be replaced after the current response (read by gunicorn's post_request hook)
_recycle: list[str] = []
CEILING_MIB = 1024          # set by create_app from Settings.max_worker_mib


class Refused(TrcalcError):
    """A budget refused the request; `status` 413 or 422; the setting is its `argument`."""

    def __init__(self, status: int, code: str, tr: str, en: str, setting: str):
        self.setting = setting
        super().__init__(f"{tr} (ayar {setting})", f"{en} (setting {setting})", setting, code=code, status=status)


class TimeLimit(Refused):
    def __init__(self, seconds: float):
        super().__init__(422, "time_limit", f"istek {seconds:g} saniyelik süre sınırını aştı",
                         f"the request ran past the time limit of {seconds:g} s", "TRCALC_REQUEST_SECONDS")


class _Interrupt(BaseException):
    """Raised by the timer: a BaseException, so no library's `except Exception` swallows it on its
    way out to `time_limit`, which turns it into TimeLimit."""


def too_large(tr: str, en: str, setting: str) -> Refused:
    return Refused(413, "too_large", tr, en, setting)


def memory_refusal() -> Refused:
    recycle("MemoryError")
    return Refused(413, "too_large", "istek, sunucu işçisinin bellek sınırına ulaştı",
                   "the request reached the worker's memory limit", "TRCALC_MAX_WORKER_MIB")


class Deadline:
    """The cooperative side of the time limit: loops call `check()` between pieces of work."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise TimeLimit(self.seconds)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit in the running code when `seconds` pass (main thread only; else a no-op).

    A timer already set (pytest-timeout uses SIGALRM) is put back afterwards with the time it
    had left, so this nests inside it."""
    def _alarm(signum, frame):
        recycle("time limit")
        raise _Interrupt()

    # Python lets only the main OS thread set a handler (ValueError elsewhere). Asking it is the
    # reliable test: under gevent, threading.current_thread() is a greenlet's stand-in, not main.
    try:
        old_handler = signal.signal(signal.SIGALRM, _alarm)
    except (ValueError, AttributeError):
        yield
        return
    started = time.monotonic()
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Interrupt:
        raise TimeLimit(seconds) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            left = max(old_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


def recycle(why: str) -> None:
    _recycle.append(why)


def peak_mib() -> float:
    """The most resident memory this process has held (getrusage: one system call per request, where
    reading /proc costs ten times more; a peak past the ceiling is a worker past it)."""
    try:
        import resource
    except ImportError:                  # Windows (a development server): no ceiling
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024       # KiB on Linux (getrusage(2))


def recycle_reason() -> str | None:
    """Why this worker should exit after the response now being sent, or None."""
    if _recycle:
        why = ", ".join(_recycle)
        _recycle.clear()
        return why
    rss = peak_mib()
    if rss > CEILING_MIB:
        return f"memory {rss:.0f} MiB > TRCALC_MAX_WORKER_MIB={CEILING_MIB}"
    return None
