"""The tariff book: import taxes looked up by GTİP, origin and date (issue 27).

A *measure* is one tax on one goods code from one date: the customs duty (GV), the additional
customs duty (İGV), the ÖTV, a KDV rate other than the general one, or a trade-remedy duty
(DAMPING: anti-dumping or countervailing). It applies to an origin column as the import regime
decision lays its annex out:

- `*` — every other country (the general rate);
- an agreement's id from `rules/tev_partners.yaml` (`eu` for the customs union, `efta`, `kr`, `gb` …)
  — the preferential column of that agreement's parties *on the date* (the parties and the dates an
  agreement is in force are law data trcalc ships, with sources), given the proof of origin the
  agreement knows (A.TR, EUR.1, EUR-MED, origin declaration …);
- an origin group of the decision that is no agreement (`gyu` developing, `eagu` least developed
  countries of the GSP; members, excluded sectors and proof by date in `rules/tariff_groups.yaml`);
- one country (ISO code) — a measure on that origin only (typically anti-dumping).

A code may be given at any level of the GTİP hierarchy (4-digit heading, 6-digit subheading …
12-digit national line): the longest code that covers the goods wins, so a heading's rate holds for
every line under it unless a line has its own. The rates themselves come from the lists the firm
or the team lead loads (`trcalc tariff import FILE`, `tariffstore`); every row keeps its source and
its validity dates, and a later list adds dated versions without touching history.

    >>> m = Measure("520811", "GV", "*", rate=Decimal("0.08"), start=dt.date(2025, 1, 1), source="örnek")
    >>> m.amount(Decimal("1000"), None)
    Decimal('80.00')
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .dates import fmt_date
from .errors import CalcError
from .money import fmt, fmt_rate, round_money

TAXES = {"GV": "Gümrük vergisi", "IGV": "İlave gümrük vergisi", "OTV": "Özel tüketim vergisi",
         "KDV": "Katma değer vergisi", "DAMPING": "Anti-damping / telafi edici vergi"}
OTHERS = "*"                                   # the general column: every origin without a preference
_DIGITS = re.compile(r"\D")


def gtip(value, arg: str = "gtip", partial: bool = False) -> str:
    """A GTİP as its digits: 12 for a goods line (dots and spaces allowed, as the tariff prints
    them); with `partial`, a chapter, heading or subheading (an even number of 2–12 digits).

    >>> gtip("5208.11.10.00.00"), gtip("5208 11", partial=True)
    ('520811100000', '520811')
    """
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    digits = _DIGITS.sub("", text)
    ok = bool(digits) and not re.search(r"[^\d.\s]", text) and (
        len(digits) == 12 or (partial and len(digits) in (2, 4, 6, 8, 10)))
    if not ok:
        need = "2–12 hane (fasıl, pozisyon, alt pozisyon ya da 12 haneli GTİP)" if partial else "12 hane"
        need_en = "2–12 digits (chapter, heading, subheading or a 12-digit line)" if partial else "12 digits"
        raise CalcError("invalid", f"GTİP {need} olmalı ({value!r})", f"a GTİP has {need_en} ({value!r})", arg)
    return digits


@dataclass(frozen=True)
class Measure:
    code: str                          # the GTİP digits it covers (2–12)
    tax: str                           # a TAXES key
    origin: str                        # OTHERS, an agreement id, or an ISO country code
    rate: Decimal = Decimal(0)         # ad valorem, a fraction (0.08 = %8)
    specific: Decimal | None = None    # per unit of `unit`, in `currency`
    unit: str = ""
    currency: str = ""
    minimum: Decimal | None = None     # bounds of the duty per unit, in `currency` (the annex's "asgari/azami")
    maximum: Decimal | None = None
    start: dt.date = dt.date(1900, 1, 1)
    end: dt.date | None = None
    source: str = ""                   # the decision, RG date and number, annex, list
    proof: str = ""                    # the proof of origin a preferential rate assumes
    line: int = 0                      # the line of the file it was loaded from

    def covers(self, code: str, on: dt.date) -> bool:
        return code.startswith(self.code) and self.start <= on and (self.end is None or on <= self.end)

    def amount(self, value: Decimal, quantity: Decimal | None, fx: Decimal = Decimal(1)) -> Decimal:
        """The duty on a customs value (TL) and, for a specific duty, a quantity in its unit; the
        specific part is in the measure's currency × quantity, bounded by the minimum and maximum per unit.
        `fx`: TL per unit of the measure's currency (1 when it is TL), so the specific part and the
        bounds are in TL like the value, and the duty is rounded once, in TL."""
        ad_valorem = value * self.rate
        if self.specific is None and self.minimum is None and self.maximum is None:
            return round_money(ad_valorem)
        if quantity is None:
            raise CalcError("missing", f"{self.tax} maktu tutar içeriyor: miktar ({self.unit}) gerekir",
                            f"{self.tax} has a specific part: the quantity ({self.unit}) is needed", "miktar")
        per_unit = (self.specific or Decimal(0)) * fx + (ad_valorem / quantity if quantity else Decimal(0))
        if self.minimum is not None:
            per_unit = max(per_unit, self.minimum * fx)
        if self.maximum is not None:
            per_unit = min(per_unit, self.maximum * fx)
        return round_money(per_unit * quantity)

    def describe(self) -> str:
        parts = []
        if self.rate or self.specific is None:
            parts.append(fmt_rate(self.rate))
        per = f"{self.currency}/{self.unit}"
        if self.specific is not None:
            parts.append(f"{_amount(self.specific)} {per}")
        if self.minimum is not None:
            parts.append(f"asgari {_amount(self.minimum)} {per}")
        if self.maximum is not None:
            parts.append(f"azami {_amount(self.maximum)} {per}")
        return " + ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:])

    @property
    def ad_valorem_only(self) -> bool:
        """A plain rate on the value: no specific part and no bounds per unit."""
        return self.specific is None and self.minimum is None and self.maximum is None

    def validity(self) -> str:
        return f"{fmt_date(self.start)}–{fmt_date(self.end) if self.end else ''}"


def stored(code: str, tax: str, origin: str, rate: Decimal, specific: Decimal | None, unit: str, currency: str,
           minimum: Decimal | None, maximum: Decimal | None, start: dt.date, end: dt.date | None, source: str,
           proof: str, line: int) -> Measure:
    """A Measure with every field given, built without the frozen dataclass's field-by-field
    `__setattr__` (about 25 times faster; a book and a schedule build hundreds of thousands): the
    same object as `Measure(...)` with the same fields, equal to it.

    >>> a = stored("5208", "GV", "*", Decimal("0.08"), None, "", "", None, None, dt.date(2025, 1, 1), None, "x", "", 2)
    >>> a == Measure("5208", "GV", "*", Decimal("0.08"), start=dt.date(2025, 1, 1), source="x", line=2)
    True
    """
    m = object.__new__(Measure)
    m.__dict__.update(code=code, tax=tax, origin=origin, rate=rate, specific=specific, unit=unit, currency=currency,
                      minimum=minimum, maximum=maximum, start=start, end=end, source=source, proof=proof, line=line)
    return m


def _amount(x: Decimal) -> str:
    """An amount per unit as the tariff prints it: Turkish decimals, as many as it has (0,5; 1.250,75)."""
    places = max(0, -x.normalize().as_tuple().exponent)
    return fmt(x, min(places, 6))


@dataclass
class Found:
    """The measure that applies to one tax, and why."""
    tax: str
    measure: Measure | None
    column: str = ""                   # how the origin column was chosen, in Turkish
    proof_needed: str = ""             # a preferential rate exists but needs this proof
    others: list[Measure] = field(default_factory=list)


def applicable(measures: list[Measure], code: str, tax: str, origin: str, on: dt.date, partner, proof: str,
               groups=()) -> Found:
    """Pick the measure for `tax` among `measures` (all for codes covering `code`).

    `partner`: the agreement binding the origin on the date (tev_partners.find), or None; `groups`: the
    import regime decision's origin groups the origin belongs to on the date (tariffgroups.find: GSP
    developing / least developed countries). Precedence: a measure on the origin itself; the partner
    agreement's column, then a group's column, when the proof given is one it knows; the general
    column. Within a column the longest code, then the latest start, wins."""
    live = [m for m in measures if m.tax == tax and m.covers(code, on)]

    def best(rows):
        return max(rows, key=lambda m: (len(m.code), m.start)) if rows else None

    own = best([m for m in live if m.origin == origin])
    if own is not None:
        return Found(tax, own, f"menşe {origin} için ayrı önlem")
    general = best([m for m in live if m.origin == OTHERS])
    columns = []                        # (measure, column name, proofs it accepts, excluded sectors)
    if partner is not None and partner.in_force:
        pref = best([m for m in live if m.origin == partner.agreement])
        if pref is not None:
            columns.append((pref, partner.name, tuple(partner.proofs), ""))
    for g in groups:
        pref = best([m for m in live if m.origin == g.id])
        if pref is not None:
            columns.append((pref, g.name, tuple(g.proofs), g.excluded))
    needed, excluded_note = [], ""
    for pref, name, known, excluded in columns:
        if excluded:
            excluded_note = f"{name}: {origin} için hariç sektörler {excluded} (tercih elle uygulanır)"
            continue
        proofs = (pref.proof,) if pref.proof else known     # the row's own proof, else the column's
        if proof and proof in proofs:
            return Found(tax, pref, f"{name} tercihli sütunu, {proof} ile", others=[general] if general else [])
        needed.append((pref, proofs))
    if needed:
        need = " ya da ".join(dict.fromkeys(p for _, proofs in needed for p in proofs)) or "menşe ispat belgesi"
        return Found(tax, general, "genel sütun (tercih için belge yok)" if general else "",
                     proof_needed=need, others=[p for p, _ in needed])
    if excluded_note:
        return Found(tax, general, f"genel sütun ({excluded_note})" if general else "",
                     others=[c[0] for c in columns])
    return Found(tax, general, "genel sütun (diğer ülkeler)" if general else "")
