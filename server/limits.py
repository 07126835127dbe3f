"""What one request may cost: budgets checked before the work, a time limit, a memory ceiling.

Every refusal names the limit and the setting that changes it (`TRCALC_*`, see server.config),
Turkish then English: 413 when the request is too large (body, batch length, table calls,
response size), 422 when it runs past the time limit, 408 when the client takes longer than
TRCALC_READ_SECONDS to send its request, 503 while the worker already holds
TRCALC_MAX_BODY_BUFFER_MIB of request bodies.

The time limit is per request (issue 22.2): a deadline in a ContextVar (`calc.deadline`), which
each greenlet of a gevent worker and each thread of the development server holds for itself, and
which the work checks as it goes (the batch loop per call, the workbook engine per cell). Under
gevent a `gevent.Timeout` of the same length also stops a request waiting on the network. There is
no process-wide timer: the SIGALRM timer used before was one per worker, shared by its greenlets,
so one request's alarm fired in another request, or after them all and killed the worker.

Reading the request (issue 22.5): the whole request — headers and body — must arrive within
TRCALC_READ_SECONDS of the connection (server/worker.py holds the headers to it; `read_body` the
body), and the bodies a worker holds in memory at once are capped, so unfinished uploads cannot
pin memory or connections.
"""
from __future__ import annotations

import contextlib
import sys
import time
from contextvars import ContextVar

from trcalc.calc import deadline

# why the worker should be replaced after the current response (read by gunicorn's post_request hook)
_recycle: list[str] = []
CEILING_MIB = 1024          # set by create_app from Settings.max_worker_mib


class Refused(Exception):
    """A budget refused the request; `status` 413 or 422."""

    def __init__(self, status: int, code: str, tr: str, en: str, setting: str):
        self.status, self.code, self.setting = status, code, setting
        self.message = f"{tr} (ayar {setting}) — {en} (setting {setting})"
        super().__init__(self.message)


class TimeLimit(Refused):
    def __init__(self, seconds: float):
        super().__init__(422, "time_limit", f"istek {seconds:g} saniyelik süre sınırını aştı",
                         f"the request ran past the time limit of {seconds:g} s", "TRCALC_REQUEST_SECONDS")


class ReadTimeout(Refused):
    def __init__(self, seconds: float):
        super().__init__(408, "read_timeout", f"istek {seconds:g} saniyede gönderilip bitirilmedi",
                         f"the request was not sent in full within {seconds:g} s", "TRCALC_READ_SECONDS")


class Busy(Refused):
    def __init__(self, mib: int):
        super().__init__(503, "busy", f"sunucu şu anda {mib} MiB yükleme tutuyor; biraz sonra yeniden deneyin",
                         f"the server is holding {mib} MiB of uploads now; try again shortly",
                         "TRCALC_MAX_BODY_BUFFER_MIB")


class _OverCeiling(BaseException):
    """The worker's peak memory passed TRCALC_MAX_WORKER_MIB during a request's work (a BaseException:
    no `except Exception` of a function on the way turns it into a cell error)."""


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


def _gevent_timeout(seconds: float, exception=None):
    """A gevent.Timeout for the current greenlet when this process runs under gevent, else None."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("socket"):
        return None
    import gevent
    return gevent.Timeout(seconds, exception)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit in this request when `seconds` pass: at the work's next `deadline.check()`,
    or, under gevent, at its next wait on the network. Nothing here is shared with other requests."""
    timer = _gevent_timeout(seconds)
    sleep = None
    if timer is not None:                  # a gevent worker: long work yields to the worker's other requests
        import gevent
        sleep = gevent.sleep

    def pause(_):
        # every slice of long work (calc.deadline.SLICE): the memory ceiling, while the work is done
        # (not only after the response), then a turn for the worker's other requests
        if resident_mib() > CEILING_MIB:
            raise _OverCeiling()
        if sleep is not None:
            # not sleep(0): gevent may run this greenlet again before its loop polls the sockets ("a
            # greenlet that repeatedly sleeps with 0 can prevent greenlets that are ready to do I/O from
            # being scheduled", gevent.sleep's docstring); any time above 0 waits for the next loop turn
            sleep(0.0005)
    with deadline.within(seconds, pause):
        if timer is not None:
            timer.start()
        try:
            yield
        except deadline.TimeUp as exc:
            raise TimeLimit(exc.seconds) from None
        except _OverCeiling:
            raise memory_refusal() from None
        except BaseException as exc:
            if timer is not None and exc is timer:
                raise TimeLimit(seconds) from None
            raise
        finally:
            if timer is not None:
                timer.cancel()


# When this request's connection was accepted (set by server/worker.py, in the connection's greenlet).
accepted_at: ContextVar[float | None] = ContextVar("trcalc_accepted_at", default=None)
# (timer, readers, socket) of this connection's request (server/worker.py): the app ends its reading
# phase once the body is in, so it is no longer a candidate to be dropped for a new connection.
header_timer: ContextVar[tuple | None] = ContextVar("trcalc_header_timer", default=None)
# Request bodies this worker holds in memory now (bytes); bodies of requests still being read or served.
_buffered = [0]


def read_body(request, cap: int, read_seconds: float, buffer_bytes: int) -> bytes:
    """The whole body, read in pieces: at most `cap` bytes (413), complete within `read_seconds` of the
    connection (408), and only while this worker holds less than `buffer_bytes` of bodies (503).
    Returns the body and leaves it cached on the request (Werkzeug's `get_data` returns it)."""
    from werkzeug.exceptions import RequestEntityTooLarge
    start = accepted_at.get() or time.monotonic()
    timer = _gevent_timeout(max(start + read_seconds - time.monotonic(), 0.001), ReadTimeout(read_seconds))
    held, parts = 0, []
    stream = request.stream
    try:
        if timer is not None:
            timer.start()
        while True:
            chunk = stream.read(65536)
            if not chunk:
                break
            if _buffered[0] + len(chunk) > buffer_bytes:
                raise Busy(buffer_bytes // (1024 * 1024))
            _buffered[0] += len(chunk)
            held += len(chunk)
            parts.append(chunk)
            if time.monotonic() > start + read_seconds:          # where no gevent timer can interrupt
                raise ReadTimeout(read_seconds)
        # Werkzeug stops a chunked body quietly at the limit (LimitedStream): one more byte from the raw
        # input tells a body of exactly the limit from a longer one
        if held > cap or (request.content_length is None and held >= cap and request.input_stream.read(1)):
            raise RequestEntityTooLarge()
    except BaseException:
        _buffered[0] -= held
        raise
    finally:
        if timer is not None:
            timer.cancel()
    request.environ["trcalc.body_bytes"] = held
    done_reading()
    data = b"".join(parts)
    request._cached_data = data          # what Werkzeug's get_data() caches (werkzeug.wrappers.Request)
    return data


def done_reading() -> None:
    """This request has been read whole: not one of the worker's connections still sending."""
    held = header_timer.get()
    if held is not None:
        held[1].pop(held[2], None)


def release_body(environ) -> None:
    """The request is over: its body no longer counts against the worker's buffer."""
    _buffered[0] -= environ.pop("trcalc.body_bytes", 0)


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


def resident_mib() -> float:
    """The memory this process holds now (Linux: /proc/self/statm, resident pages; elsewhere the peak).
    Read once per slice of long work, where the peak would also count what an earlier request held."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return peak_mib()
    import os
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


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
