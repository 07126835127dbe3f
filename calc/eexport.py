"""E-export supports: Decision 5986 and its Genelge (codes follow the Genelge's arts. 13–19).

Decision 5986 (E-İhracat Destekleri Hakkında Karar, RG 25.08.2022 no. 31934) pays 50 % of an
eligible expense — up to 20 points more in a target country (art. 16), except for the
integration and store supports — where

* the eligible expense is capped by a sales ratio where the article has one —
  REKLAM (Decision art. 4): 20 % of the sales the ads brought; SIPARIS (art. 6/1): 10 %
  of the e-commerce sales in the target country;
* the support is capped by the year's cap for (support, beneficiary) less what was already
  paid (`claimed`); DEPO (art. 6/2): warehouse units × the per-unit cap, and never more than
  art. 6's cap, which it shares with SIPARIS; ENTEGRASYON (art. 7): integrations × the
  per-integration cap, which covers the integration's whole term (so `claimed` is what was
  paid for those integrations so far, not only this year).

Every TL cap is the Decision's 2022 base amount revalued each 1 January (calc/eexport_caps.py).
A company's cap "by tier" (kademe) is published as a single figure, which is used.

>>> from trcalc.calc import call
>>> call("EIHR_CAP", "REKLAM", "SIRKET", 100000, 1000000, 2025)
Decimal('50000.00')
>>> call("EIHR_END", "2023-03-15")
datetime.date(2026, 3, 14)
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .coerce import CodeSet
from .dates import add_years
from .eexport_caps import derive, refuse_revaluation_overrides
from .errors import CalcError
from .money import HUNDRED, ZERO, floor_money, fmt, fmt_rate, round_money
from .registry import Arg, Outcome, function, kind
from .rules.store import CHECKS, book, param

SUPPORTS = CodeSet("destek", {
    "REKLAM": ["13", "Madde 13", "Dijital pazaryeri reklam", "ADVERTISING"],
    "TANITIM": ["14", "Madde 14", "E-ihracat tanıtım", "PROMOTION"],
    "SIPARIS": ["15", "Madde 15", "Sipariş karşılama", "FULFILMENT", "FULFILLMENT"],
    "DEPO": ["16", "Madde 16", "Depo kira", "WAREHOUSE"],
    "ENTEGRASYON": ["17", "Madde 17", "Pazaryeri entegrasyon", "INTEGRATION"],
    "MAGAZA": ["18", "Madde 18", "Çevrim içi mağaza", "STORE"],
    "KOMISYON": ["19", "Madde 19", "Pazaryeri komisyon", "COMMISSION"],
})
BENEFICIARIES = CodeSet("yararlanıcı", {
    "SIRKET": ["Şirket", "COMPANY"],
    "PERAKENDE": ["Perakende e-ticaret sitesi", "RETAIL"],
    "KONSORSIYUM": ["E-ihracat konsorsiyumu", "CONSORTIUM"],
    "B2B": ["B2B platformu"],
    "PAZARYERI": ["Pazaryeri", "MARKETPLACE"],
})
kind("support", SUPPORTS.read, "string", SUPPORTS.codes)
kind("beneficiary", BENEFICIARIES.read, "string", BENEFICIARIES.codes)

ARTICLE = {code: 13 + i for i, code in enumerate(SUPPORTS.codes)}          # the Genelge's article
DECISION_ARTICLE = {"REKLAM": "4", "TANITIM": "5", "SIPARIS": "6/1", "DEPO": "6/2", "ENTEGRASYON": "7",
                    "MAGAZA": "8", "KOMISYON": "9"}                        # Decision 5986's article
P_RATE = param("eexport.support_rate")
P_WINDOW = param("eexport.window_years")
P_TIERED = param("eexport.tiered_caps")
P_MAX_POINTS = param("eexport.target_bonus.max_points")
P_NO_POINTS = param("eexport.target_bonus.excluded")
P_WHO = {s: param(f"eexport.beneficiaries.{s.lower()}") for s in SUPPORTS.codes}
P_RATIO = {"REKLAM": param("eexport.ratio.reklam"), "SIPARIS": param("eexport.ratio.siparis")}
RATIO_BASIS = {"REKLAM": "reklamlardan gelen satış", "SIPARIS": "hedef ülke e-ticaret satışı"}
P_ITEM = {"DEPO": (param("eexport.item_cap.depo"), param("eexport.item_max.depo"), "depo birimi"),
          "ENTEGRASYON": (param("eexport.item_cap.entegrasyon"), param("eexport.item_max.entegrasyon"),
                          "entegrasyon")}
SHARED_CAP = {"DEPO": "SIPARIS"}       # art. 6's cap covers fulfilment and warehouse rent together
TERM_CAP = {"ENTEGRASYON"}             # art. 7: per integration for its whole term, not per year
BASIS = "5986 sayılı Cumhurbaşkanı Kararı (E-İhracat Destekleri Hakkında Karar), RG 25.08.2022, sayı 31934"


def cap_param(support: str, beneficiary: str) -> str:
    return f"eexport.cap.{support.lower()}.{beneficiary.lower()}"


def _caps_for_every_beneficiary(rb) -> list[str]:
    """Each beneficiary an article names needs its annual cap (except per-item supports)."""
    return sorted({cap_param(s, b) for s, name in P_WHO.items() if s not in P_ITEM and name in rb.params
                   for e in rb.params[name] for b in e.value if cap_param(s, b) not in rb.params})


CHECKS.append(_caps_for_every_beneficiary)


@dataclass(frozen=True)
class CapPart:
    """One cap of the breakdown: its base, the revaluation steps and the published figure."""
    label: str
    name: str
    year: int
    value: Decimal
    base: object = None                # the base's rules Entry; None when the user gave the figure
    steps: tuple = ()
    table: object = None               # the Ministry's published figure (an Entry), when known

    def rows(self, shown: set) -> list:
        if self.base is None:
            return [(f"{self.label} ({self.year}, kullanıcı değeri)", self.name, self.value)]
        rows = [(f"{self.label}: taban tutar ({self.base.start.year})", self.base.source, self.base.value)]
        for s in self.steps:
            rows.append(s.row())
            if s.year not in shown:        # each year's index sources once per breakdown
                shown.add(s.year)
                rows.append(s.source_row())
        if self.table is not None:
            same = "türetilen tutarla aynı" if self.table.value == self.value else "TÜRETİLEN TUTARDAN FARKLI"
            rows.append((f"{self.label}: Bakanlığın {self.year} tablosu",
                         f"{self.table.source}: {fmt(self.table.value, 0)} TL ({same})", self.table.value))
        return rows


@dataclass
class SupportOutcome(Outcome):
    unit = "TL"
    support: str
    beneficiary: str
    year: int
    expense: Decimal
    rate: Decimal
    rate_formula: object               # callables: the texts are built only for a breakdown
    eligible: Decimal
    before_caps: Decimal
    cap: Decimal
    cap_formula: object
    cap_parts: list
    claimed: Decimal
    remaining: Decimal
    value: Decimal
    sales: Decimal | None = None
    ratio: Decimal | None = None
    ratio_cap: Decimal | None = None
    notes: list = field(default_factory=list)      # callables giving the warning text

    def rows(self):
        rows = [
            ("Destek", f"Genelge md. {ARTICLE[self.support]} / Karar md. {DECISION_ARTICLE[self.support]} — "
                       f"{self.support}", self.support),
            ("Yararlanıcı", self.beneficiary, self.beneficiary),
            ("Yıl", str(self.year), self.year),
            ("Harcama", f"{fmt(self.expense)} TL", self.expense),
        ]
        if self.ratio is not None:
            rows.append(("Satış oranı sınırı",
                         f"{fmt(self.sales)} TL ({RATIO_BASIS[self.support]}) × {fmt_rate(self.ratio)}", self.ratio_cap))
            rows.append(("Uygun harcama", f"en küçüğü ({fmt(self.expense)}; {fmt(self.ratio_cap)})", self.eligible))
        else:
            rows.append(("Uygun harcama", "satış oranı sınırı yok", self.eligible))
        term = self.support in TERM_CAP
        rows += [
            ("Destek oranı", self.rate_formula(), self.rate),
            ("Destek (sınırlar öncesi)", f"{fmt(self.eligible)} × {fmt_rate(self.rate)}", self.before_caps),
            *self._cap_rows(),
            ("Üst sınır (destek süresince)" if term else "Yıllık/kalem üst sınırı", self.cap_formula(), self.cap),
            ("Önceden ödenen (tüm süre)" if term else "Bu yıl önce ödenen", "girilen tutar", self.claimed),
            ("Kalan sınır", f"en büyüğü (0; {fmt(self.cap)} − {fmt(self.claimed)})", self.remaining),
            ("Ödenecek destek", f"en küçüğü ({fmt(self.before_caps)}; {fmt(self.remaining)})", self.value),
        ]
        return rows

    def _cap_rows(self):
        shown: set[int] = set()
        return [row for part in self.cap_parts for row in part.rows(shown)]

    def warnings(self):
        return [note() for note in self.notes]      # built only when a detail is asked for


class _Rules:
    """The rules for one support year: looked up as of 31 December, errors naming `year`."""

    def __init__(self, ctx, year: int, notes: list):
        self.ctx, self.year, self.on, self.notes = ctx, year, dt.date(year, 12, 31), notes
        refuse_revaluation_overrides(ctx.overrides)

    def entry(self, name):
        try:
            return self.ctx.entry(name, self.on)
        except CalcError as exc:
            if exc.code != "no_rule":
                raise
            last = book().params[name][-1]
            if last.end is not None and last.end < self.on:
                raise CalcError(
                    "out_of_range",
                    f"bu destek {last.end + dt.timedelta(days=1):%d.%m.%Y} tarihinden itibaren yürürlükte değil "
                    f"({name}: {(last.note or last.source).split(';')[0]}); {self.year} yılı için hesaplanamaz",
                    f"this support is not in force from {last.end + dt.timedelta(days=1)} ({name}); "
                    f"it cannot be computed for {self.year}", "year") from None
            raise exc.for_argument("year") from None

    def __call__(self, name):
        e = self.entry(name)
        return self.ctx.overrides[name] if e is None else e.value

    def revalued(self, name, label: str) -> tuple[Decimal, CapPart]:
        """The year's TL cap from its 2022 base, and what the breakdown shows of it."""
        base = self.entry(name)
        if base is None:                   # the user gave this year's figure
            value = self.ctx.overrides[name]
            return value, CapPart(label, name, self.year, value)
        value, steps, table = derive(base, self.year)
        if table is not None and table.value != value:
            year = self.year
            self.notes.append(lambda: (
                f"{year} için türetilen tutar ({fmt(value, 0)} TL) Bakanlığın tablosundan ({fmt(table.value, 0)} "
                "TL) farklı: türetilen tutar kullanıldı / the derived cap differs from the Ministry's table"))
        return value, CapPart(label, name, self.year, value, base, steps, table)


def _check_beneficiary(rule: _Rules, support: str, beneficiary: str) -> None:
    who = rule(P_WHO[support])
    if beneficiary not in who:
        raise CalcError(
            "out_of_range",
            f"{beneficiary}, Madde {ARTICLE[support]} ({support}) desteğinden yararlanamaz; yararlanabilenler: {', '.join(who)}",
            f"{beneficiary} may not apply under art. {ARTICLE[support]} ({support}); who may apply: {', '.join(who)}",
            "beneficiary")


def _cap(rule: _Rules, support: str, beneficiary: str, count: int | None) -> tuple[Decimal, Callable, list]:
    """(cap, how it is made up — text built on demand —, its CapParts): the year's cap, or per-item cap × items."""
    _check_beneficiary(rule, support, beneficiary)
    tiered = rule(P_TIERED)
    if f"{support}.{beneficiary}" in tiered:
        rule.notes.append(lambda: "Karar şirketler için üst sınırın kademeye göre belirleneceğini söyler; Bakanlığın "
                                  "tablosu tek tutar yayımlar, o kullanıldı / the cap varies by company tier; the "
                                  "single published figure is used")
    if support not in P_ITEM:
        if count is not None:
            rule.notes.append(lambda: f"adet bu destekte kullanılmaz / adet is not used for {support}")
        cap, part = rule.revalued(cap_param(support, beneficiary), "Yıllık üst sınır")
        year = rule.year
        return cap, lambda: f"Karar md. {DECISION_ARTICLE[support]}, {beneficiary}, {year} yılı üst sınırı", [part]
    cap_name, max_name, unit = P_ITEM[support]
    if count is None:
        raise CalcError("missing", f"{unit} sayısı gerekli", f"the number of items ({unit}) is required", "count")
    most = int(rule(max_name))
    used = min(count, most)
    if count > most:
        rule.notes.append(lambda: f"en çok {most} {unit} desteklenir: {count} girildi, {most} esas alındı / "
                                  f"at most {most} supported: {count} given, {most} used")
    per_item, part = rule.revalued(cap_name, f"{unit.capitalize()} başına üst sınır")
    parts = [part]
    cap = per_item * used

    def formula():
        return f"{fmt(per_item, 0)} TL × {used} {unit}"
    if support in SHARED_CAP:
        shared = SHARED_CAP[support]
        article, part = rule.revalued(cap_param(shared, beneficiary), "Karar md. 6 toplam üst sınırı")
        parts.append(part)
        rule.notes.append(lambda: f"Karar md. 6'nın yıllık üst sınırı ({fmt(article, 0)} TL) {shared} ve {support} "
                                  f"desteklerinin toplamına uygulanır: {shared} ödemelerini de odenen'e ekleyin / "
                                  f"art. 6's cap is shared with {shared}: add its payments to odenen")
        item_formula, cap = formula, min(cap, article)

        def formula():
            return f"en küçüğü ({item_formula()}; Karar md. 6 üst sınırı {fmt(article, 0)} TL)"
    return cap, formula, parts


def _rate(rule: _Rules, support: str, points: Decimal | None) -> tuple[Decimal, Callable]:
    base = rule(P_RATE)
    if not points:
        return base, lambda: fmt_rate(base)
    most = rule(P_MAX_POINTS)
    if points > most:
        raise CalcError("out_of_range", f"hedef ülke ilave puanı en çok {most} olabilir ({BASIS}, md. 16/1)",
                        f"target-country points may be at most {most} (Decision 5986 art. 16/1)", "target_points")
    if support in rule(P_NO_POINTS):
        raise CalcError("out_of_range", f"{support} desteğinde hedef ülke ilave puanı uygulanmaz ({BASIS}, md. 16)",
                        f"no target-country points for {support} (Decision 5986 art. 16)", "target_points")
    rate = base + points / HUNDRED
    shown = fmt(points, 0) if points == points.to_integral() else fmt(points)
    return rate, lambda: f"{fmt_rate(base)} + {shown} puan (hedef ülke, Karar md. 16) = {fmt_rate(rate)}"


def payable(ctx, support, beneficiary, expense, sales, year, claimed, count, points=None) -> SupportOutcome:
    notes: list = []
    rule = _Rules(ctx, year, notes)
    cap, cap_formula, cap_parts = _cap(rule, support, beneficiary, count)
    rate, rate_formula = _rate(rule, support, points)
    eligible, ratio, ratio_cap = expense, None, None
    if support in P_RATIO:
        if sales is None:
            raise CalcError("missing", f"Madde {ARTICLE[support]} için satış tutarı gerekli ({RATIO_BASIS[support]})",
                            f"art. {ARTICLE[support]} needs the sales figure", "sales")
        ratio = rule(P_RATIO[support])
        ratio_cap = sales * ratio
        eligible = min(expense, ratio_cap)
    elif sales is not None:
        notes.append(lambda: f"satis bu destekte kullanılmaz / satis is not used for {support}")
    claimed = claimed or ZERO
    remaining = max(ZERO, cap - claimed)
    before = eligible * rate
    # the support is rounded once, half-up; the cap it may not exceed is cut to whole kuruş
    payable_now = min(round_money(before), floor_money(remaining))
    return SupportOutcome(support, beneficiary, year, expense, rate, rate_formula, eligible, before, cap,
                          cap_formula, cap_parts, claimed, remaining, payable_now, sales, ratio, ratio_cap, notes)


_BENEFICIARY = Arg("beneficiary", "beneficiary", "Yararlanıcı: SIRKET, PERAKENDE, KONSORSIYUM, B2B, PAZARYERI",
                   "beneficiary: SIRKET, PERAKENDE, KONSORSIYUM, B2B, PAZARYERI")
_SUPPORT = Arg("support", "support", "Destek: REKLAM, TANITIM, SIPARIS, DEPO, ENTEGRASYON, MAGAZA, KOMISYON (ya da 13–19)",
               "support: REKLAM, TANITIM, SIPARIS, DEPO, ENTEGRASYON, MAGAZA, KOMISYON (or 13–19)")
_YEAR = Arg("year", "year", "Destek yılı, 2022'den (boş: bu yıl)", "support year, from 2022 (empty: this year)",
            optional=True)
_COUNT = Arg("count", "count", "DEPO: depo birimi, ENTEGRASYON: entegrasyon sayısı",
             "DEPO: warehouse units; ENTEGRASYON: integrations", optional=True)


@function("EIHR_CAP", topic="eexport", result="money", detail=True,
          summary_tr="E-ihracat desteğinde bu harcama için ödenecek destek (oran, satış oranı ve yıllık/kalem sınırlarıyla)",
          summary_en="e-export support payable for this expense (rate, sales-ratio and annual/per-item caps)",
          args=[_SUPPORT, _BENEFICIARY,
                Arg("expense", "money", "Harcama tutarı (TL)", "expense in TRY"),
                Arg("sales", "money", "İlgili satış (TL): REKLAM'da reklam satışı, SIPARIS'te hedef ülke e-ticaret satışı",
                    "related sales in TRY (REKLAM: ad-driven sales; SIPARIS: target-country e-commerce sales)", optional=True),
                _YEAR,
                Arg("claimed", "money", "Bu yıl bu destekte daha önce ödenen (TL); ENTEGRASYON'da bu entegrasyonlar için "
                    "şimdiye kadar ödenen", "already paid this year for this support, TRY; ENTEGRASYON: paid so far "
                    "for these integrations", optional=True),
                _COUNT,
                Arg("target_points", "money", "Hedef ülke ilave puanı (0–20; boş: 0). ENTEGRASYON ve MAGAZA'da "
                    "uygulanmaz", "target-country extra points (0–20; empty: 0); not for ENTEGRASYON and MAGAZA",
                    optional=True, excel="hedef_puani")])
def eihr_cap(ctx, support, beneficiary, expense, sales, year, claimed, count, target_points):
    return payable(ctx, support, beneficiary, expense, sales, year or ctx.on.year, claimed, count, target_points)


@function("EIHR_ANNUAL_CAP", topic="eexport", result="money",
          summary_tr="Destek ve yararlanıcı için yılın üst sınırı (2022 tutarı, yıllık yeniden değerlenmiş; "
                     "DEPO/ENTEGRASYON: kalem sınırı × adet), TL",
          summary_en="the year's cap for the support and beneficiary (2022 amount revalued yearly; "
                     "DEPO/ENTEGRASYON: per-item cap × count), TRY",
          args=[_SUPPORT, _BENEFICIARY, _YEAR, _COUNT])
def eihr_annual_cap(ctx, support, beneficiary, year, count):
    return _cap(_Rules(ctx, year or ctx.on.year, []), support, beneficiary, count)[0]


@function("EIHR_END", topic="eexport", result="date",
          summary_tr="3 yıllık destek süresinin son günü (başlangıç + 3 yıl − 1 gün)",
          summary_en="last day of the 3-year support window (start + 3 years − 1 day)",
          args=[Arg("start_date", "date", "Desteğin başladığı tarih (25.08.2022'den)", "start of the support (from 2022-08-25)"),
                replace(_SUPPORT, optional=True)])
def eihr_end(ctx, start_date, support):
    try:
        years = int(ctx.rule(P_WINDOW, start_date))
    except CalcError as exc:
        raise exc.for_argument("start_date") from None
    # 29 February + 3 years is 1 March, so the window ends on 28 February.
    return add_years(start_date, years) - dt.timedelta(days=1)
