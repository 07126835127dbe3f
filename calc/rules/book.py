"""The rules model: dated entries and the book that looks them up — data only, no I/O.

Two readers build a `RuleBook`: `store` from the YAML files (checked with pydantic), and `bundle`
from the JSON bundle that xlwings Lite ships (standard library only).  Neither imports the other
for the model, and this module imports neither (tests/test_layout.py refuses a cycle).
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CalcError

if TYPE_CHECKING:          # pydantic is imported only where the YAML is checked
    from .schema import Meta

# Every parameter name the code asks for, registered where it is used (see `param`);
# the validator checks each one is in the data.
REQUIRED: set[str] = set()


# Cross-parameter checks registered by topic modules: each returns problems as text.
CHECKS: list = []


def param(name: str) -> str:
    REQUIRED.add(name)
    return name


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    unit: str
    value: object
    start: dt.date
    end: dt.date | None
    source: str
    confidence: str
    note: str
    file: str


class RulesFileError(Exception):
    """A rules file that does not pass the checks; the message names file and entry."""


_MISSING = object()


class RuleBook:
    def __init__(self, params: dict[str, list[Entry]], descriptions: dict[str, str],
                 meta: Meta | MetaInfo, digest: str):
        self.params = params
        self.descriptions = descriptions
        self.meta = meta
        self.version = f"{meta.version}+{digest[:8]}"
        self._starts = {n: [e.start for e in es] for n, es in params.items()}
        self._cache: dict[tuple[str, dt.date], Entry] = {}

    def unit(self, name: str) -> str:
        return self._entries(name)[0].unit

    def _entries(self, name: str) -> list[Entry]:
        try:
            return self.params[name]
        except KeyError:
            raise CalcError("unknown_code", f"bilinmeyen kural parametresi ({name!r})",
                            f"unknown rule parameter ({name!r})", "name") from None

    def find(self, name: str, on: dt.date) -> Entry | None:
        """The entry in force on `on` (as `lookup`), or None when none is — a rule that has ended or not
        begun yet, asked on every call (TR_DUTY's per-parcel exemption) without raising each time."""
        key = (name, on)
        hit = self._cache.get(key, _MISSING)
        if hit is not _MISSING:
            return hit
        entries = self._entries(name)
        i = bisect.bisect_right(self._starts[name], on) - 1
        entry = None if i < 0 or (entries[i].end is not None and on > entries[i].end) else entries[i]
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = entry
        return entry

    def lookup(self, name: str, on: dt.date) -> Entry:
        """The entry whose `from` is the latest on or before `on`; a date before the first entry, or
        after an entry's `to` with nothing after it, is an error — never a guess."""
        hit = self._cache.get((name, on))
        if hit is not None:
            return hit
        hit = self.find(name, on)
        if hit is None:
            entries = self._entries(name)
            first = entries[0].start
            raise CalcError(
                "no_rule",
                f"{on:%d.%m.%Y} tarihinde yürürlükte '{name}' kuralı yok (bilinen ilk tarih {first:%d.%m.%Y}); "
                "tarihi kontrol edin ya da değeri parametre olarak verin",
                f"no '{name}' rule in force on {on} (earliest known {first}); check the date "
                "or give the value as an override",
                "date")
        return hit

    def in_force(self, on: dt.date) -> list[Entry]:
        out = []
        for name in sorted(self.params):
            try:
                out.append(self.lookup(name, on))
            except CalcError:
                pass
        return out


@dataclass(frozen=True)
class MetaInfo:
    """The `_meta.yaml` header (version, review date) without pydantic (the bundle's)."""
    version: str
    reviewed: dt.date
    description: str = ""


def missing_parameters(rb: RuleBook) -> list[str]:
    """Names the code asks for that the data lacks (including those cross-checks find)."""
    missing = set(REQUIRED - set(rb.params))
    for check in CHECKS:
        missing.update(check(rb))
    return sorted(missing)
