"""A year's e-export cap: Decision 5986's 2022 base amount, revalued every 1 January.

Decision 5986 (E-İhracat Destekleri Hakkında Karar, RG 25.08.2022 no. 31934) art. 18 raises
its TL caps at the start of each calendar year by the average of the previous year's annual
CPI (TÜFE) and domestic PPI (Yİ-ÜFE) changes, both December over December as TÜİK publishes
them.  The Ministry of Trade's yearly tables round each year's figure (to 1,000 TL down in
2023, to the nearest lira in 2024, down to the lira since 2025): the direction and the unit
are dated rules too, and every revaluation starts from the previous year's *rounded* figure,
as the tables do.

    cap(Y) = round(cap(Y−1) × (1 + (TÜFE(Y−1) + Yİ-ÜFE(Y−1)) / 2))

>>> from trcalc.calc import call
>>> call("EIHR_ANNUAL_CAP", "REKLAM", "SIRKET", 2026)
Decimal('36993646.00')
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .errors import CalcError
from .money import fmt
from .rules.store import Entry, book, param

P_TUFE = param("eexport.revaluation.tufe")
P_YIUFE = param("eexport.revaluation.yiufe")
P_STEP = param("eexport.revaluation.step")
P_ROUNDING = param("eexport.revaluation.rounding")
REVALUATION = (P_TUFE, P_YIUFE, P_STEP, P_ROUNDING)
MODES = {"DOWN": (ROUND_FLOOR, "aşağı (kesir atılır)"), "HALF_UP": (ROUND_HALF_UP, "en yakına")}
_CONF_TR = {"high": "yüksek", "medium-high": "orta-yüksek", "medium": "orta", "low": "düşük"}
ONE, TWO = Decimal(1), Decimal(2)


@dataclass(frozen=True)
class Step:
    """One year's revaluation of one cap: the figures, the sources and both amounts."""
    year: int
    tufe: Entry
    yiufe: Entry
    step: Entry
    rounding: Entry
    before: Decimal
    exact: Decimal
    after: Decimal

    @property
    def factor(self) -> Decimal:
        return ONE + (self.tufe.value + self.yiufe.value) / TWO

    def row(self) -> tuple[str, str, Decimal]:
        unit = "1.000 TL" if self.step.value == 1000 else f"{fmt(self.step.value, 0)} TL"
        return (f"{self.year} yeniden değerlemesi",
                f"{fmt(self.before, 0)} × (1 + (%{_pct(self.tufe.value)} TÜFE + %{_pct(self.yiufe.value)} Yİ-ÜFE) / 2)"
                f" = {fmt(self.exact)} → {unit}'ye {MODES[self.rounding.value[0]][1]}", self.after)

    def source_row(self) -> tuple[str, str, str]:
        parts = [f"{e.source} (güven: {_CONF_TR[e.confidence]}{'; ' + e.note if e.note else ''})"
                 for e in (self.tufe, self.yiufe)]
        parts.append(f"yuvarlama: {self.rounding.source} (güven: {_CONF_TR[self.rounding.confidence]})")
        return (f"Dayanak: {self.year} endeksleri", " · ".join(parts), "")


def _pct(rate: Decimal) -> str:
    return f"{rate * 100:.2f}".replace(".", ",")


def _index_entry(name: str, year: int, cap_name: str) -> Entry:
    """The index figure entered for `year` (starting 1 January); an error naming the year otherwise."""
    hit = next((e for e in book().params[name] if e.start == dt.date(year, 1, 1)), None)
    if hit is None:
        raise CalcError(
            "no_rule",
            f"{year} yılı yeniden değerlemesi kurallarda yok (TÜİK'in {year - 1} Aralık TÜFE ve Yİ-ÜFE yıllık "
            f"değişimleri, {name}); Bakanlığın {year} tablosundaki tutarı geçersiz kılma olarak girin "
            f"({cap_name} = tutar)",
            f"the {year} revaluation is not in the rules (TÜİK's December {year - 1} CPI and domestic PPI "
            f"changes, {name}); enter the Ministry's {year} figure as an override ({cap_name} = amount)",
            "year")
    return hit


def revalue(base: Entry, year: int) -> tuple[Decimal, list[Step]]:
    """(the cap for `year`, the revaluation steps) from a base amount's entry.

    A base is in the TL of the year it starts in, so the chain runs from the following year:
    Decision 5986's 2022 amounts are first revalued on 2023-01-01.
    """
    value, steps = base.value, []
    for y in range(base.start.year + 1, year + 1):
        tufe, yiufe = (_index_entry(n, y, base.name) for n in (P_TUFE, P_YIUFE))
        # the rounding is a practice in force until it changes, not a figure of each year
        step, rounding = (book().lookup(n, dt.date(y, 1, 1)) for n in (P_STEP, P_ROUNDING))
        mode = MODES.get(rounding.value[0])
        if mode is None:
            raise CalcError("invalid", f"{P_ROUNDING}: bilinmeyen yuvarlama {rounding.value[0]!r}",
                            f"{P_ROUNDING}: unknown rounding {rounding.value[0]!r}", "year")
        exact = value * (ONE + (tufe.value + yiufe.value) / TWO)
        after = (exact / step.value).to_integral_value(rounding=mode[0]) * step.value
        steps.append(Step(y, tufe, yiufe, step, rounding, value, exact, after))
        value = after
    return value, steps


# Derived caps per rules book: a cap is derived once, not on every call (EIHR_CAP's time budget).
# The key carries the rules version (its data hash), so an edited rules folder is never served stale.
_DERIVED: dict[tuple, tuple] = {}


def derive(base: Entry, year: int) -> tuple[Decimal, list[Step], Entry | None]:
    """(the cap for `year`, its revaluation steps, the Ministry's figure for it if published)."""
    key = (book().version, base.name, base.start, year)
    hit = _DERIVED.get(key)
    if hit is None:
        value, steps = revalue(base, year)
        table = published(base.name.replace("eexport.cap.", "eexport.table.")
                          .replace("eexport.item_cap.", "eexport.table.item."), year)
        if len(_DERIVED) > 10_000:
            _DERIVED.clear()
        hit = _DERIVED[key] = (value, steps, table)
    return hit


def refuse_revaluation_overrides(overrides) -> None:
    """A revaluation figure is one per year: a single override cannot stand for all of them; the
    published tables are only compared with, so an override of one would silently do nothing."""
    for name in overrides:
        if name in REVALUATION or name.startswith("eexport.table."):
            raise CalcError(
                "invalid",
                f"{name} yıllara göre bir dizi değerdir ve geçersiz kılınamaz; bunun yerine yılın üst sınırını "
                "(eexport.cap....) geçersiz kılın",
                f"{name} is one value per year and cannot be overridden; override the year's cap "
                "(eexport.cap....) instead",
                f"overrides[{name}]")


def published(table_name: str, year: int) -> Entry | None:
    """The Ministry's published figure for `year`, when the rules hold one."""
    entries = book().params.get(table_name, ())
    return next((e for e in entries if e.start.year == year), None)
