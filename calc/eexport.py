"""E-export supports (seed 000: Genelge of 2024-12-03, arts. 13–19, under Decision 5986).

The support paid for an expense is 50 % of the eligible expense, where

* the eligible expense is capped by a sales ratio where the article has one —
  art. 13 (REKLAM): 20 % of the sales the ads brought; art. 15 (SIPARIS): 10 %
  of the e-commerce sales in the target country;
* the support is capped by the annual cap for (support, beneficiary, year)
  less what was already paid that year (`claimed`), or, for art. 16 (DEPO)
  and art. 17 (ENTEGRASYON), by a per-item cap × the number of items
  (at most 25 warehouse units, 6 marketplace integrations; more are counted
  as the maximum, with a warning).

Caps are the Genelge's amounts.  The Ministry revalues them each 1 January;
a year whose revalued figure is not in the rules uses the Genelge amount and
the detail warns.  Company caps that vary by tier ("kademe") use the top tier.

>>> from calc import call
>>> call("EIHR_CAP", "REKLAM", "SIRKET", 100000, 1000000, 2025)
Decimal('50000.00')
>>> call("EIHR_END", "2025-03-15")
datetime.date(2028, 3, 14)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .coerce import CodeSet
from .dates import add_years
from .errors import CalcError
from .money import ZERO, floor_money, fmt, fmt_rate, round_money
from .registry import Arg, Outcome, function, kind
from .rules.store import CHECKS, param

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

ARTICLE = {code: 13 + i for i, code in enumerate(SUPPORTS.codes)}
P_RATE = param("eexport.support_rate")
P_WINDOW = param("eexport.window_years")
P_TIERED = param("eexport.tiered_caps")
P_WHO = {s: param(f"eexport.beneficiaries.{s.lower()}") for s in SUPPORTS.codes}
P_RATIO = {"REKLAM": param("eexport.ratio.reklam"), "SIPARIS": param("eexport.ratio.siparis")}
RATIO_BASIS = {"REKLAM": "reklamlardan gelen satış", "SIPARIS": "hedef ülke e-ticaret satışı"}
P_ITEM = {"DEPO": (param("eexport.item_cap.depo"), param("eexport.item_max.depo"), "depo birimi"),
          "ENTEGRASYON": (param("eexport.item_cap.entegrasyon"), param("eexport.item_max.entegrasyon"),
                          "entegrasyon")}


def cap_param(support: str, beneficiary: str) -> str:
    return f"eexport.cap.{support.lower()}.{beneficiary.lower()}"


def _caps_for_every_beneficiary(rb) -> list[str]:
    """Each beneficiary an article names needs its annual cap (except per-item supports)."""
    return sorted({cap_param(s, b) for s, name in P_WHO.items() if s not in P_ITEM and name in rb.params
                   for e in rb.params[name] for b in e.value if cap_param(s, b) not in rb.params})


CHECKS.append(_caps_for_every_beneficiary)


@dataclass
class SupportOutcome(Outcome):
    unit = "TL"
    support: str
    beneficiary: str
    year: int
    expense: Decimal
    rate: Decimal
    eligible: Decimal
    before_caps: Decimal
    cap: Decimal
    cap_formula: str
    claimed: Decimal
    remaining: Decimal
    value: Decimal
    sales: Decimal | None = None
    ratio: Decimal | None = None
    ratio_cap: Decimal | None = None
    notes: list = field(default_factory=list)      # callables giving the warning text

    def rows(self):
        rows = [
            ("Destek", f"Madde {ARTICLE[self.support]} — {self.support}", self.support),
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
        rows += [
            ("Destek oranı", fmt_rate(self.rate), self.rate),
            ("Destek (sınırlar öncesi)", f"{fmt(self.eligible)} × {fmt_rate(self.rate)}", self.before_caps),
            ("Yıllık/kalem üst sınırı", self.cap_formula, self.cap),
            ("Bu yıl önce ödenen (claimed)", "", self.claimed),
            ("Kalan sınır", f"en büyüğü (0; {fmt(self.cap)} − {fmt(self.claimed)})", self.remaining),
            ("Ödenecek destek", f"en küçüğü ({fmt(self.before_caps)}; {fmt(self.remaining)})", self.value),
        ]
        return rows

    def warnings(self):
        return [note() for note in self.notes]      # built only when a detail is asked for


class _Rules:
    """The rules for one support year: looked up as of 31 December, errors naming `year`."""

    def __init__(self, ctx, year: int, notes: list):
        self.ctx, self.year, self.on, self.notes = ctx, year, dt.date(year, 12, 31), notes

    def entry(self, name):
        try:
            return self.ctx.entry(name, self.on)
        except CalcError as exc:
            raise exc.for_argument("year") if exc.code == "no_rule" else exc from None

    def __call__(self, name):
        e = self.entry(name)
        return self.ctx.overrides[name] if e is None else e.value

    def revalued(self, name):
        """A TL cap; warns when the year's revalued figure is not in the rules."""
        e = self.entry(name)
        if e is None:                      # the user gave this year's figure
            return self.ctx.overrides[name]
        if e.start.year < self.year:
            year = self.year
            self.notes.append(lambda: (
                f"{year} yılı yeniden değerlemesi kurallarda yok: Genelge tutarı ({fmt(e.value)} TL) "
                "kullanıldı; Bakanlığın tablosunu kontrol edin ya da parametre olarak girin / yearly "
                "revaluation not in the rules: check the Ministry's table, or enter it as an override"))
        return e.value


def _check_beneficiary(rule: _Rules, support: str, beneficiary: str) -> None:
    who = rule(P_WHO[support])
    if beneficiary not in who:
        raise CalcError(
            "out_of_range",
            f"{beneficiary}, Madde {ARTICLE[support]} ({support}) desteğinden yararlanamaz; yararlanabilenler: {', '.join(who)}",
            f"{beneficiary} may not apply under art. {ARTICLE[support]} ({support}); who may apply: {', '.join(who)}",
            "beneficiary")


def _cap(rule: _Rules, support: str, beneficiary: str, count: int | None) -> tuple[Decimal, str]:
    """(cap, how it is made up): the annual cap, or per-item cap × items for DEPO/ENTEGRASYON."""
    _check_beneficiary(rule, support, beneficiary)
    if support in P_ITEM:
        cap_name, max_name, unit = P_ITEM[support]
        if count is None:
            raise CalcError("missing", f"{unit} sayısı gerekli", f"the number of items ({unit}) is required", "count")
        most = int(rule(max_name))
        used = min(count, most)
        if count > most:
            rule.notes.append(lambda: f"en çok {most} {unit} desteklenir: {count} girildi, {most} esas alındı / "
                                      f"at most {most} supported: {count} given, {most} used")
        per_item = rule.revalued(cap_name)
        return per_item * used, f"{fmt(per_item)} TL × {used} {unit}"
    if count is not None:
        rule.notes.append(lambda: f"count bu destekte kullanılmaz / count is not used for {support}")
    cap = rule.revalued(cap_param(support, beneficiary))
    if f"{support}.{beneficiary}" in rule(P_TIERED):
        rule.notes.append(lambda: "şirket kademesine göre değişen üst sınır: kaynakta yalnız en yüksek kademe var, "
                                  "o kullanıldı / the cap varies by company tier; the top tier is used")
    return cap, f"Madde {ARTICLE[support]}, {beneficiary}, {rule.year} yıllık üst sınırı"


def payable(ctx, support, beneficiary, expense, sales, year, claimed, count) -> SupportOutcome:
    notes: list = []
    rule = _Rules(ctx, year, notes)
    cap, cap_formula = _cap(rule, support, beneficiary, count)
    rate = rule(P_RATE)
    eligible, ratio, ratio_cap = expense, None, None
    if support in P_RATIO:
        if sales is None:
            raise CalcError("missing", f"Madde {ARTICLE[support]} için satış tutarı gerekli ({RATIO_BASIS[support]})",
                            f"art. {ARTICLE[support]} needs the sales figure", "sales")
        ratio = rule(P_RATIO[support])
        ratio_cap = sales * ratio
        eligible = min(expense, ratio_cap)
    elif sales is not None:
        notes.append(lambda: f"sales bu destekte kullanılmaz / sales is not used for {support}")
    claimed = claimed or ZERO
    remaining = max(ZERO, cap - claimed)
    before = eligible * rate
    # the support is rounded once, half-up; the cap it may not exceed is cut to whole kuruş
    payable_now = min(round_money(before), floor_money(remaining))
    return SupportOutcome(support, beneficiary, year, expense, rate, eligible, before, cap, cap_formula,
                          claimed, remaining, payable_now, sales, ratio, ratio_cap, notes)


_BENEFICIARY = Arg("beneficiary", "beneficiary", "Yararlanıcı: SIRKET, PERAKENDE, KONSORSIYUM, B2B, PAZARYERI",
                   "beneficiary: SIRKET, PERAKENDE, KONSORSIYUM, B2B, PAZARYERI")
_SUPPORT = Arg("support", "support", "Destek: REKLAM, TANITIM, SIPARIS, DEPO, ENTEGRASYON, MAGAZA, KOMISYON (ya da 13–19)",
               "support: REKLAM, TANITIM, SIPARIS, DEPO, ENTEGRASYON, MAGAZA, KOMISYON (or 13–19)")


@function("EIHR_CAP", topic="eexport", result="money", detail=True,
          summary_tr="E-ihracat desteğinde bu harcama için ödenecek destek (oran, satış oranı ve yıllık/kalem sınırlarıyla)",
          summary_en="e-export support payable for this expense (rate, sales-ratio and annual/per-item caps)",
          args=[_SUPPORT, _BENEFICIARY,
                Arg("expense", "money", "Harcama tutarı (TL)", "expense in TRY"),
                Arg("sales", "money", "İlgili satış (TL): REKLAM'da reklam satışı, SIPARIS'te hedef ülke e-ticaret satışı",
                    "related sales in TRY (REKLAM: ad-driven sales; SIPARIS: target-country e-commerce sales)", optional=True),
                Arg("year", "year", "Destek yılı (boş: bu yıl)", "support year (empty: this year)", optional=True),
                Arg("claimed", "money", "Bu yıl bu destekte daha önce ödenen (TL)", "already paid this year for this support, TRY", optional=True),
                Arg("count", "count", "DEPO: depo birimi, ENTEGRASYON: entegrasyon sayısı", "DEPO: warehouse units; ENTEGRASYON: integrations", optional=True)])
def eihr_cap(ctx, support, beneficiary, expense, sales, year, claimed, count):
    return payable(ctx, support, beneficiary, expense, sales, year or ctx.on.year, claimed, count)


@function("EIHR_ANNUAL_CAP", topic="eexport", result="money",
          summary_tr="Destek ve yararlanıcı için yıllık üst sınır (DEPO/ENTEGRASYON: kalem sınırı × adet), TL",
          summary_en="annual cap for the support and beneficiary (DEPO/ENTEGRASYON: per-item cap × count), TRY",
          args=[_SUPPORT, _BENEFICIARY,
                Arg("year", "year", "Destek yılı (boş: bu yıl)", "support year (empty: this year)", optional=True),
                Arg("count", "count", "DEPO: depo birimi, ENTEGRASYON: entegrasyon sayısı",
                    "DEPO: warehouse units; ENTEGRASYON: integrations", optional=True)])
def eihr_annual_cap(ctx, support, beneficiary, year, count):
    return _cap(_Rules(ctx, year or ctx.on.year, []), support, beneficiary, count)[0]


@function("EIHR_END", topic="eexport", result="date",
          summary_tr="3 yıllık destek süresinin son günü (başlangıç + 3 yıl − 1 gün)",
          summary_en="last day of the 3-year support window (start + 3 years − 1 day)",
          args=[Arg("start_date", "date", "Desteğin başladığı tarih", "start of the support"),
                replace(_SUPPORT, optional=True)])
def eihr_end(ctx, start_date, support):
    try:
        years = int(ctx.rule(P_WINDOW, start_date))
    except CalcError as exc:
        raise exc.for_argument("start_date") from None
    # 29 February + 3 years is 1 March, so the window ends on 28 February.
    return add_years(start_date, years) - dt.timedelta(days=1)

