"""The stamp a computed result carries (issue 25.5): what it was computed with, and when.

Every computed workbook (`trcalc compute`, the server's upload, the add-ins where they can) and
every printed web result says which rules version, which TCMB bulletins and which trcalc computed it,
and when — in Türkiye's time (UTC+3 all year since 2016) — so a page filed months later can be
checked against the same rules.

`bulletins()` collects, for the duration of a `with`, the TCMB bulletins that `calc.fx.rate`
answered from; it is a context variable, so each request or workbook has its own.

One definition (issue 25.5): `PARTS` names the stamp's rows; `rows()` gives them for a computed workbook's
report, the footer `line()`, and the registry's TR_STAMP(kalem) the value of one of them — the formula
the templates' stamp cells hold, so that an add-in's recalculation fills them too. Inside a whole-workbook
computation (`computation()`: `trcalc compute`, the upload) TR_STAMP gives that computation's instant and,
once every other cell is computed, its bulletins; in an add-in's cell the instant is the recalculation's
and the bulletins are not known to the cell (each rate's bulletin is in its row's _DETAIL breakdown).

>>> rows(dt.datetime(2026, 12, 6, 20, 5, tzinfo=dt.timezone.utc), "2026.11.25", [])[1]
('Hesaplama zamanı (Türkiye, UTC+3)', '06.12.2026 23:05')
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

TURKEY = dt.timezone(dt.timedelta(hours=3), "TSİ")

_USED: contextvars.ContextVar[set | None] = contextvars.ContextVar("trcalc_bulletins", default=None)
# (instant, rules version) of the whole-workbook computation under way, for TR_STAMP
_COMPUTATION: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("trcalc_computation", default=None)

HEADING = "Hesaplama damgası"
# The stamp's rows: TR_STAMP's code, the label a summary sheet shows beside it.
PARTS = (("KURALLAR", "Kurallar sürümü"), ("ZAMAN", "Hesaplama zamanı (Türkiye, UTC+3)"),
         ("BULTENLER", "TCMB bültenleri"), ("TRCALC", "trcalc sürümü"))
IN_A_CELL = "_DETAIL dökümlerinde"     # the bulletins, in an add-in's cell: each row's breakdown names its own


def version() -> str:
    """The installed trcalc's version (its wheel's metadata); in xlwings Lite and the LibreOffice extension,
    which carry trcalc without metadata, the version their build wrote (`trcalc/_version.py`)."""
    from importlib.metadata import PackageNotFoundError, version as dist_version
    try:
        return dist_version("trcalc")
    except PackageNotFoundError:
        try:
            from trcalc._version import VERSION     # written by lite/build.py into the bundles
            return VERSION
        except ImportError:                  # a checkout that is not installed
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


def value(part: str, when: dt.datetime, rules_version: str, used) -> str:
    """One row of the stamp (`PARTS`' code); `used` None: the bulletins are not known here (an add-in's cell)."""
    if part == "KURALLAR":
        return rules_version
    if part == "ZAMAN":
        return f"{when.astimezone(TURKEY):%d.%m.%Y %H:%M}"
    if part == "BULTENLER":
        return IN_A_CELL if used is None else bulletin_text(used)
    return version()


def rows(when: dt.datetime, rules_version: str, used) -> list[tuple[str, str]]:
    """The stamp as (label, value) rows, for a summary sheet."""
    return [(label, value(part, when, rules_version, used)) for part, label in PARTS]


@contextlib.contextmanager
def computation(when: dt.datetime, rules_version: str):
    """A whole-workbook computation: TR_STAMP inside it gives `when` and `rules_version`, and the
    bulletins collected so far (yields their set, as `bulletins()`)."""
    token = _COMPUTATION.set((when, rules_version))
    try:
        with bulletins() as used:
            yield used
    finally:
        _COMPUTATION.reset(token)


def live(part: str, rules_version: str) -> str:
    """TR_STAMP's value: the computation's, inside one; else now, the rules computing, no bulletins."""
    under_way = _COMPUTATION.get()
    if under_way is not None:
        return value(part, under_way[0], under_way[1], _USED.get() or set())
    return value(part, now(), rules_version, None)


def line(when: dt.datetime, rules_version: str, used) -> str:
    """The stamp on one line, for a print footer."""
    return "trcalc " + " · ".join(f"{label}: {value}" for label, value in rows(when, rules_version, used)
                                  if label != "trcalc sürümü") + f" · sürüm {version()}"
