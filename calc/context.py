"""One calculation's view of the rules: its as-of date, its overrides, what it used.

Overrides let an accountant who holds a newer Official Gazette figure use it
now, for one call, one request or one workbook.  They are read with the
parameter's unit (a rate as 0.25 or "25%", a list as "DE, FR") and every
result that used one says so in its detail.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .coerce import to_bool, to_count, to_nonneg, to_rate
from .countries import country
from .errors import CalcError
from .rules.store import Entry, book


def _read_list(value, arg):
    items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
    return tuple(str(x).strip().upper() for x in items if str(x).strip())


_READERS = {
    "rate": to_rate, "EUR": to_nonneg, "TRY": to_nonneg, "kg": to_nonneg,
    "count": to_count, "years": to_count, "bool": to_bool,
    "countries": lambda v, a: tuple(country(c, a) for c in _read_list(v, a)),
    "codes": _read_list,
}


_HEADERS = {"parametre", "parameter", "parametreadi", "name"}


def overrides_from_rows(rows) -> dict[str, object]:
    """{parameter: value} from a two-column range (a TRCALC_OVERRIDES named range).

    Empty rows and a header row ("Parametre | Değer") are skipped; values are
    read later, with the parameter's unit, by `read_overrides`.
    """
    from .coerce import fold
    out = {}
    for row in rows or []:
        if not isinstance(row, (list, tuple)) or len(row) < 2:
            continue
        name, value = row[0], row[1]
        if isinstance(name, str) and name.strip() and fold(name) not in _HEADERS and value not in (None, ""):
            out[name.strip()] = value
    return out


def read_overrides(overrides: Mapping | None) -> dict[str, object]:
    """Check and convert {parameter: value}; unknown names and bad values are CalcErrors."""
    if not overrides:
        return {}
    if not isinstance(overrides, Mapping):
        raise CalcError("invalid", "overrides {parametre: değer} biçiminde olmalı",
                        "overrides must be a mapping {parameter: value}", "overrides")
    rb = book()
    out = {}
    for name, value in overrides.items():
        name = str(name).strip()
        if name not in rb.params:
            raise CalcError("unknown_code", f"bilinmeyen kural parametresi ({name!r})",
                            f"unknown rule parameter ({name!r})", "overrides")
        try:
            out[name] = _READERS[rb.unit(name)](value, name)
        except CalcError as exc:
            raise exc.for_argument(f"overrides[{name}]") from None
    return out


_MISSING = object()


class Context:
    __slots__ = ("on", "overrides", "used", "fx_used", "_book", "_values")

    def __init__(self, on: dt.date, overrides: dict[str, object] | None = None):
        self.on = on
        self.overrides = overrides or {}
        # (name, start) → entry; start None: the value came from an override
        self.used: dict[tuple[str, dt.date | None], Entry | None] = {}
        self._book = book()
        self._values: dict[str, object] = {}     # as-of-date values already looked up
        self.fx_used: list = []                  # calc.fx.Rate for each `fx` given as TCMB

    def note_fx(self, rate) -> None:
        if rate not in self.fx_used:
            self.fx_used.append(rate)

    def entry(self, name: str, on: dt.date | None = None) -> Entry | None:
        """The rules entry in force on `on` (default: the as-of date); None when overridden."""
        if name in self.overrides:
            self.used[(name, None)] = None
            return None
        entry = self._book.lookup(name, on or self.on)
        self.used[(name, entry.start)] = entry
        return entry

    def rule(self, name: str, on: dt.date | None = None):
        """The parameter's value on `on` (default: the as-of date)."""
        if on is None:
            value = self._values.get(name, _MISSING)
            if value is not _MISSING:
                return value
        entry = self.entry(name, on)
        value = self.overrides[name] if entry is None else entry.value
        if on is None:
            self._values[name] = value
        return value

    def description(self, name: str) -> str:
        """The parameter's description ("Turkish / English")."""
        return self._book.descriptions.get(name, name)

    @property
    def version(self) -> str:
        return self._book.version
