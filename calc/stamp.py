"""The stamp a computed result carries (issue 25.5): what it was computed with, and when.

Every computed workbook (`trcalc compute`, the server's upload, the add-ins where they can) and
every printed web result says which rules version, which TCMB bulletins and which trcalc computed it,
and when — in Türkiye's time (UTC+3 all year since 2016) — so a page filed months later can be
checked against the same rules.

`bulletins()` collects, for the duration of a `with`, the TCMB bulletins that `calc.fx.rate`
answered from; it is a context variable, so each request or workbook has its own.

>>> rows(dt.datetime(2026, 12, 6, 20, 5, tzinfo=dt.timezone.utc), "2026.11.25", [])[1]
('Hesaplama zamanı (Türkiye, UTC+3)', '06.12.2026 23:05')
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

TURKEY = dt.timezone(dt.timedelta(hours=3), "TSİ")

_USED: contextvars.ContextVar[set | None] = contextvars.ContextVar("trcalc_bulletins", default=None)


def version() -> str:
    """The installed trcalc's version (its wheel's metadata)."""
    from importlib.metadata import PackageNotFoundError, version as dist_version
    try:
        return dist_version("trcalc")
    except PackageNotFoundError:            # a checkout that is not installed
        return "geliştirme"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@contextlib.contextmanager
def bulletins():
    """Collect the TCMB bulletins used inside the block: yields the set of (date, number)."""
    seen: set = set()
    token = _USED.set(seen)
    try:
        yield seen
    finally:
        _USED.reset(token)


def note_bulletin(date: dt.date, number: str) -> None:
    """Called by calc.fx for every rate read from a bulletin."""
    seen = _USED.get()
    if seen is not None:
        seen.add((date, number or ""))


def bulletin_text(used) -> str:
    """'2025/41 (28.02.2025), 2025/42 (03.03.2025)' — at most five, then how many more; or that none was used."""
    if not used:
        return "kullanılmadı"
    items = [f"{n} ({d:%d.%m.%Y})" if n else f"{d:%d.%m.%Y}" for d, n in sorted(used)]
    if len(items) > 5:
        items = items[:4] + [f"… {len(items) - 4} bülten daha (son: {items[-1]})"]
    return ", ".join(items)


def rows(when: dt.datetime, rules_version: str, used) -> list[tuple[str, str]]:
    """The stamp as (label, value) rows, for a summary sheet."""
    return [
        ("Kurallar sürümü", rules_version),
        ("Hesaplama zamanı (Türkiye, UTC+3)", f"{when.astimezone(TURKEY):%d.%m.%Y %H:%M}"),
        ("TCMB bültenleri", bulletin_text(used)),
        ("trcalc sürümü", version()),
    ]


def line(when: dt.datetime, rules_version: str, used) -> str:
    """The stamp on one line, for a print footer."""
    return "trcalc " + " · ".join(f"{label}: {value}" for label, value in rows(when, rules_version, used)
                                  if label != "trcalc sürümü") + f" · sürüm {version()}"
