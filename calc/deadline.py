"""The time limit of one piece of work (a server request), checked by the work itself.

    with deadline.within(30):      # the server, around a request
        ...                        # long loops call deadline.check() between steps

A deadline per request, held in a ContextVar: each thread and each greenlet (greenlet ≥ 1.0 gives
every greenlet its own context) sees only its own. It replaces a per-process SIGALRM timer, which
under gevent is shared by every request of the worker: a timer set by one request fired in another,
or after all of them (issue 22.2). The check is cooperative: work stops only where it checks, so it
is never left half-way inside a library and the worker need not be replaced afterwards.
"""
from __future__ import annotations

import contextlib
import time
from contextvars import ContextVar

_end: ContextVar[tuple | None] = ContextVar("trcalc_deadline", default=None)
# Work that checks its deadline also lets the other requests of its worker run, every SLICE seconds,
# when the server gave it a way to (`pause`: gevent.sleep(0) in a gevent worker). A gevent worker runs
# its greenlets one at a time and never takes the CPU from one: without this, a workbook computing for
# a second held every other request of its worker for that second (issue 22, the soak in bench/soak.py).
SLICE = 0.02
_last_pause = [0.0]


class TimeUp(BaseException):
    """The deadline passed. A BaseException, so no `except Exception` on the way out swallows it
    (the server turns it into a 422 naming TRCALC_REQUEST_SECONDS)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"time limit of {seconds:g} s")


@contextlib.contextmanager
def within(seconds: float, pause=None):
    end = time.monotonic() + seconds
    outer = _end.get()
    if outer is not None and outer[0] < end:          # a nested limit never extends the outer one
        end, seconds, pause = outer[0], outer[1], pause or outer[2]
    token = _end.set((end, seconds, pause))
    try:
        yield
    finally:
        _end.reset(token)


def check() -> None:
    """Raise TimeUp when the current deadline has passed (no deadline: nothing)."""
    end = _end.get()
    if end is None:
        return
    now = time.monotonic()
    if now > end[0]:
        raise TimeUp(end[1])
    if end[2] is not None and now - _last_pause[0] > SLICE:
        _last_pause[0] = now
        end[2](0)                              # let the worker's other requests run a moment


def left() -> float | None:
    """Seconds left before the current deadline, or None when there is none."""
    end = _end.get()
    return None if end is None else end[0] - time.monotonic()
