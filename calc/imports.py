"""Import taxes on parcels by post and express courier.

The rules are art. 62 of the "Gümrük Kanununun Bazı Maddelerinin Uygulanması
Hakkında Karar" (annex to BKK 2009/15481) as amended (RG 06.08.2024; Decision
10813, RG 07.01.2026).  Three regimes, picked from the date, the value, the
sending country and the category:

FLAT     "tek ve maktu vergi": one tax on the value (which, from 2024-12-27,
         includes freight and insurance), at the rate for goods sent directly
         from the EU or the other rate — the country the parcel is SENT from,
         not the goods' origin; it includes KDV.  ÖTV list IV goods (OTV4)
         add 20 %.  Medicines up to 1,500 EUR take it from 2024-08-21, food
         supplements too from 2026-02-06 (then with a health report or
         prescription).
EXEMPT   books up to 150 EUR from 2018-04-11, up to 1,500 EUR from 2024-08-21; samples up
         to 30 EUR; any parcel up to 22 EUR from 2018-04-11 (Karar art. 45(1)) until
         the 2022-03-15 restructuring (end date low confidence).
REGULAR  customs duty = CIF × the GTİP tariff rate (the `duty_rate` the user
         gives); KDV = (CIF + duty + ÖTV + anti-dumping duty + other import
         charges) × the KDV rate (KDV Law 3065 art. 21; the general rate unless
         the goods' own rate is given).  A popular example table puts KDV on CIF
         alone (15.00); the law puts it on CIF + duty, so with 20 % duty on a
         CIF of 75 EUR the KDV is 18.00 and the total 33.00.

Example (a 60 EUR shirt, 10 EUR freight, 5 EUR insurance, regular regime, 20 %
duty, 2025-03-01, above the 30 EUR flat-tax limit):

>>> from trcalc.calc import call
>>> call("TR_DUTY", 60, 10, 5, "DE", 0.20, "2025-03-01")
Decimal('33.00')
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .coerce import CodeSet
from .countries import EU, NON_EU, name_tr
from .errors import CalcError
from .money import ZERO, fmt, fmt_rate, round_money
from .registry import AS_OF, Arg, Outcome, function, kind
from .rules.store import book, param

P_GENERAL_ROUTE = param("import.flat.general_route")
P_LIMIT = param("import.flat.limit")
P_BASE_INCL = param("import.flat.base_includes_transport")
P_RATE_EU = param("import.flat.rate_eu")
P_RATE_OTHER = param("import.flat.rate_other")
P_INCLUDES_KDV = param("import.flat.includes_kdv")
P_OTV4 = param("import.otv4.addon_rate")
P_ILAC_ROUTE = param("import.ilac.own_route")
P_ILAC_LIMIT = param("import.ilac.flat_limit")
P_SUPPLEMENTS = param("import.ilac.supplements")
P_HEALTH_REPORT = param("import.ilac.health_report")
P_TUZEL_ROUTE = param("import.tuzel.own_route")
P_TUZEL_LIMIT = param("import.tuzel.flat_limit")
P_KITAP_LIMIT = param("import.kitap.exempt_limit")
P_NUMUNE_LIMIT = param("import.numune.exempt_limit")
P_SMALL_LIMIT = param("import.small.exempt_limit")
P_COURIER_EUR = param("import.courier.limit_eur")
P_KDV = param("kdv.general_rate")
P_EU = param("eu.members")
P_EU_TRANSITION = param("eu.transition_members")
P_EU_RATE_TRANSITION = param("import.flat.eu_rate_transition")

CATEGORIES = CodeSet("kategori", {
    "GENEL": ["GENERAL", "Genel eşya"],
    "OTV4": ["ÖTV4", "OTV IV", "ÖTV (IV)", "ÖTV IV listesi"],
    "KITAP": ["Kitap", "BOOK", "BOOKS"],
    "ILAC": ["İlaç", "MEDICINE"],
    "TAKVIYE": ["Takviye", "Takviye edici gıda", "Gıda takviyesi", "SUPPLEMENT"],
    "NUMUNE": ["SAMPLE"],
    "TUZEL": ["Tüzel kişi", "COMPANY"],
})
kind("category", CATEGORIES.read, "string", CATEGORIES.codes)

FLAT, EXEMPT, REGULAR = "FLAT", "EXEMPT", "REGULAR"
REGIME_TR = {FLAT: "Tek ve maktu vergi", EXEMPT: "Muaf", REGULAR: "Normal rejim"}
LEGAL_BASIS = {
    FLAT: "2009/15481 sayılı BKK eki Gümrük Kanununun Bazı Maddelerinin Uygulanması Hakkında Karar md. 62 "
          "(posta ve hızlı kargoda tek ve maktu vergi; değişik: RG 06.08.2024, 10813 sayılı CK RG 07.01.2026)",
    EXEMPT: "Karar md. 62 ve Posta ve Hızlı Kargo Tebliği (kitap ve basılı yayında yüzde 0, numune)",
    REGULAR: "4458 sayılı Gümrük Kanunu (GTİP oranıyla gümrük vergisi); 3065 sayılı KDV Kanunu md. 21 "
             "(matrah: gümrük değeri + gümrük vergisi, ÖTV, damping ve diğer ithalat vergileri), md. 28 (oran)",
}


@dataclass
class DutyOutcome(Outcome):
    currency: str
    goods: Decimal
    freight: Decimal
    insurance: Decimal
    cif: Decimal                 # EUR
    base: Decimal                # EUR: the value the limits are tested on
    base_includes_transport: bool
    origin: str
    eu: bool
    category: str
    fx: Decimal | None
    regime: str = REGULAR
    limit: Decimal | None = None
    limit_name: str = ""
    flat_rate: Decimal | None = None
    flat_tax: Decimal = ZERO
    otv_rate: Decimal | None = None
    otv: Decimal = ZERO
    duty_rate: Decimal | None = None
    duty: Decimal = ZERO
    kdv_rate: Decimal | None = None
    kdv_rate_given: bool = False
    otv_amount: Decimal = ZERO          # regular regime: ÖTV, anti-dumping and other charges given,
    anti_dumping: Decimal = ZERO        # in the result's currency
    other_charges: Decimal = ZERO
    kdv_base: Decimal = ZERO
    kdv: Decimal = ZERO
    value: Decimal = ZERO
    notes: list = field(default_factory=list)       # callables giving the warning text

    @property
    def unit(self) -> str:
        return "TL" if self.currency == "TRY" else "€"

    def _m(self, x: Decimal) -> str:
        return f"{fmt(x)} {'TL' if self.currency == 'TRY' else '€'}"

    def _in_cur(self, eur: Decimal) -> Decimal:
        return eur * self.fx if self.fx is not None else eur

    def rows(self):
        m, cur = self._m, self._in_cur
        rows = [
            ("Rejim", REGIME_TR[self.regime], self.regime),
            ("Gönderen ülke", f"{name_tr(self.origin)} ({'AB' if self.eu else 'AB dışı'}; oran menşeye değil "
                              "gönderildiği ülkeye göre)", self.origin),
            ("Kategori", self.category, self.category),
            ("Eşya bedeli", f"{fmt(self.goods)} €", self.goods),
            ("Navlun", f"{fmt(self.freight)} €", self.freight),
            ("Sigorta", f"{fmt(self.insurance)} €", self.insurance),
            ("CIF (gümrük değeri)", f"{fmt(self.goods)} € + {fmt(self.freight)} € + {fmt(self.insurance)} €", self.cif),
            ("Sınır testi matrahı",
             "CIF (navlun ve sigorta dahil)" if self.base_includes_transport else "yalnız eşya bedeli", self.base),
        ]
        if self.limit is not None:
            rows.append(("Sınır testi", f"{fmt(self.base)} € ≤ {fmt(self.limit)} € ({self.limit_name})",
                         "evet" if self.base <= self.limit else "hayır"))
        elif self.regime == REGULAR:
            rows.append(("Sınır testi", "genel eşyada tek ve maktu vergi yolu kapalı: her değerde normal rejim",
                         "normal rejim"))
        if self.fx is not None:
            rows.append(("Kur (TL/€)", f"{fmt(self.fx, 4)} TL", self.fx))
        if self.regime == FLAT:
            rows.append(("Tek ve maktu vergi", f"{m(cur(self.base))} × {fmt_rate(self.flat_rate)}", self.flat_tax))
            if self.otv_rate is not None:
                rows.append(("ÖTV (IV) ek vergisi", f"{m(cur(self.base))} × {fmt_rate(self.otv_rate)}", self.otv))
            if self.kdv_rate is not None:
                rows.append(("KDV matrahı", "matrah + tek vergi + ÖTV", self.kdv_base))
                rows.append(("KDV", f"{m(self.kdv_base)} × {fmt_rate(self.kdv_rate)}", self.kdv))
            else:
                rows.append(("KDV", "tek ve maktu vergiye dahil", ZERO))
        elif self.regime == REGULAR:
            rows.append(("Gümrük vergisi", f"{m(cur(self.cif))} × {fmt_rate(self.duty_rate)}", self.duty))
            base = [m(cur(self.cif)), m(self.duty)]
            for label, amount in self._charges():
                rows.append((label, "kullanıcının verdiği tutar", amount))
                base.append(m(amount))
            rows.append(("KDV matrahı", " + ".join(base) + " (KDV Kanunu md. 21)", self.kdv_base))
            which = "eşyanın oranı (kullanıcı)" if self.kdv_rate_given else "genel oran"
            rows.append(("KDV", f"{m(self.kdv_base)} × {fmt_rate(self.kdv_rate)} ({which})", self.kdv))
        else:
            rows.append(("Vergi", "muaf", ZERO))
        rows.append(("Toplam vergi", " + ".join(self._parts()) or "0", self.value))
        rows.append(("Toplam maliyet (vergiler dahil)", f"{m(cur(self.cif))} + {m(self.value)}", cur(self.cif) + self.value))
        rows.append(("Yasal dayanak", LEGAL_BASIS[self.regime], ""))
        return rows

    def _charges(self):
        """The regular regime's other import charges that were given (label, amount)."""
        return [(label, amount) for label, amount in (("ÖTV", self.otv_amount), ("Damping vergisi", self.anti_dumping),
                                                      ("Diğer ithalat vergi ve harçları", self.other_charges))
                if amount]

    def _parts(self):
        optional = lambda rate, amount: amount if rate is not None else None  # noqa: E731
        parts = {FLAT: [("tek vergi", self.flat_tax), ("ÖTV", optional(self.otv_rate, self.otv)),
                        ("KDV", optional(self.kdv_rate, self.kdv))],
                 REGULAR: [("gümrük vergisi", self.duty), *((lbl.lower() if lbl == "Damping vergisi" else lbl, a)
                                                             for lbl, a in self._charges()), ("KDV", self.kdv)],
                 EXEMPT: []}[self.regime]
        return [f"{label} {self._m(v)}" for label, v in parts if v is not None]

    def warnings(self):
        return [note() for note in self.notes]      # built only when a detail is asked for


def _origin_is_eu(ctx, origin: str) -> bool:
    if origin in (EU, NON_EU):
        return origin == EU
    if origin in ctx.rule(P_EU):
        return True
    # the Brexit transition (01.02–31.12.2020): the UK treated as an EU member (Cumhurbaşkanlığı
    # Genelgesi, 2020); whether that reaches the parcel rate is a reading, kept as its own rule
    try:
        if origin not in book().lookup(P_EU_TRANSITION, ctx.on).value:
            return False
    except CalcError:
        return False                       # no transition in force on the date
    return origin in ctx.rule(P_EU_TRANSITION) and bool(ctx.rule(P_EU_RATE_TRANSITION))


def _small_exemption(ctx) -> Decimal | None:
    """The per-parcel exemption of Karar art. 45(1) (22 EUR from 11.04.2018), when one is in force."""
    if book().find(P_SMALL_LIMIT, ctx.on) is None:
        return None
    return ctx.rule(P_SMALL_LIMIT)


def _regime(ctx, out: DutyOutcome) -> tuple[str, str, Decimal | None]:
    """(regime, which limit, limit) for the category and value."""
    cat, base = out.category, out.base
    if cat == "KITAP":
        limit = ctx.rule(P_KITAP_LIMIT)
        return (EXEMPT if base <= limit else REGULAR), "kitap muafiyet sınırı", limit
    if cat == "NUMUNE":
        limit = ctx.rule(P_NUMUNE_LIMIT)
        if base <= limit:
            return EXEMPT, "numune muafiyet sınırı", limit
    if cat == "TUZEL" and ctx.rule(P_TUZEL_ROUTE):      # from 2026-02-06 companies follow the general rule
        limit = ctx.rule(P_TUZEL_LIMIT)
        return (FLAT if base <= limit else REGULAR), "tüzel kişi tek vergi sınırı", limit
    if cat in ("ILAC", "TAKVIYE") and ctx.rule(P_ILAC_ROUTE) and (cat == "ILAC" or ctx.rule(P_SUPPLEMENTS)):
        limit = ctx.rule(P_ILAC_LIMIT)
        if ctx.rule(P_HEALTH_REPORT):
            out.notes.append(lambda: "ilaç/takviye edici gıda yolu sağlık raporu veya reçete şartına bağlı (10813 "
                                     "sayılı CK): belge yoksa eşya normal rejimdedir / the medicines' route needs a "
                                     "health report or prescription; without one the regular regime applies")
        return (FLAT if base <= limit else REGULAR), "ilaç/takviye tek vergi sınırı", limit
    small = _small_exemption(ctx)
    if small is not None and base <= small:
        return EXEMPT, "gönderi başına muafiyet sınırı", small
    if not ctx.rule(P_GENERAL_ROUTE):
        return REGULAR, "", None
    limit = ctx.rule(P_LIMIT)
    return (FLAT if base <= limit else REGULAR), "tek ve maktu vergi sınırı", limit


def classify(ctx, goods, freight, insurance, origin, category, fx) -> DutyOutcome:
    """The regime and its limit test, before any tax is computed."""
    category = category or "GENEL"
    cif = goods + freight + insurance
    incl = ctx.rule(P_BASE_INCL)
    out = DutyOutcome(currency="TRY" if fx is not None else "EUR", goods=goods, freight=freight,
                      insurance=insurance, cif=cif, base=cif if incl else goods,
                      base_includes_transport=incl, origin=origin, eu=_origin_is_eu(ctx, origin),
                      category=category, fx=fx)
    out.regime, out.limit_name, out.limit = _regime(ctx, out)
    return out


def assess(ctx, goods, freight, insurance, origin, duty_rate, category, fx,
           kdv_rate=None, otv=None, anti_dumping=None, other_charges=None) -> DutyOutcome:
    out = classify(ctx, goods, freight, insurance, origin, category, fx)
    charges_given = [c for c in (otv, anti_dumping, other_charges) if c is not None]
    regime, category, cif = out.regime, out.category, out.cif
    in_cur = (lambda x: x * fx) if fx is not None else (lambda x: x)

    if regime == FLAT:
        base = in_cur(out.base)
        out.flat_rate = ctx.rule(P_RATE_EU if out.eu else P_RATE_OTHER)
        out.flat_tax = round_money(base * out.flat_rate)
        if category == "OTV4":
            out.otv_rate = ctx.rule(P_OTV4)
            out.otv = round_money(base * out.otv_rate)
        if not ctx.rule(P_INCLUDES_KDV):
            out.kdv_rate = ctx.rule(P_KDV)
            out.kdv_base = base + out.flat_tax + out.otv
            out.kdv = round_money(out.kdv_base * out.kdv_rate)
        out.value = out.flat_tax + out.otv + out.kdv
        if kdv_rate is not None or charges_given:
            out.notes.append(lambda: "KDV oranı, ÖTV, damping ve diğer vergiler tek ve maktu vergide kullanılmaz "
                                     "(verilen değerler yok sayıldı) / the KDV rate and other charges are not used "
                                     "in the flat regime")
        if duty_rate is not None:
            out.notes.append(lambda: "gv_orani tek ve maktu vergide kullanılmaz (verilen oran yok sayıldı) / "
                                     "gv_orani is not used in the flat regime")
    elif regime == REGULAR:
        if duty_rate is None:
            raise CalcError(
                "missing",
                "normal rejimde GTİP gümrük vergisi oranı gerekli (örn. %20)",
                "the regular regime needs the GTİP customs duty rate (e.g. 20%)",
                "duty_rate")
        out.duty_rate = duty_rate
        out.kdv_rate_given = kdv_rate is not None
        out.kdv_rate = kdv_rate if kdv_rate is not None else ctx.rule(P_KDV)
        out.duty = round_money(in_cur(cif) * duty_rate)
        # Charges assessed elsewhere (ÖTV, anti-dumping, other import charges) are amounts in EUR like the
        # goods; each is rounded once in the result's currency and joins the KDV base (KDV Law art. 21).
        out.otv_amount, out.anti_dumping, out.other_charges = (
            round_money(in_cur(c)) if c is not None else ZERO for c in (otv, anti_dumping, other_charges))
        charges = out.otv_amount + out.anti_dumping + out.other_charges
        out.kdv_base = in_cur(cif) + out.duty + charges
        out.kdv = round_money(out.kdv_base * out.kdv_rate)
        out.value = out.duty + charges + out.kdv
        if category == "OTV4" and otv is None:
            out.notes.append(lambda: "ÖTV (IV) listesi eşyası: normal rejimde ÖTV, eşyanın ÖTV oranıyla ayrıca "
                                     "hesaplanıp otv bağımsız değişkeniyle verilmeli; bu sonuçta yoktur / ÖTV list "
                                     "IV goods: give the ÖTV amount (argument otv) in the regular regime")
    elif kdv_rate is not None or charges_given:
        out.notes.append(lambda: "muaf eşyada KDV oranı ve diğer vergiler kullanılmaz / not used for exempt goods")
    courier = ctx.rule(P_COURIER_EUR)
    if cif > courier:
        out.notes.append(lambda: f"değer {fmt(courier)} €'nun üzerinde: ticari ithalat, gümrük müşaviri gerekir / "
                                 f"value above {courier} EUR: commercial import, customs broker needed")
    return out


_GOODS = Arg("goods", "money", "Eşya bedeli (€)", "goods value in EUR")
_FREIGHT = Arg("freight", "money", "Navlun/kargo ücreti (€)", "freight in EUR")
_INSURANCE = Arg("insurance", "money", "Sigorta (€)", "insurance in EUR")


@function("TR_CIF", topic="imports", result="money",
          summary_tr="Gümrük değeri (CIF): eşya + navlun + sigorta",
          summary_en="customs value (CIF): goods + freight + insurance",
          args=[_GOODS, replace(_FREIGHT, optional=True), replace(_INSURANCE, optional=True)])
def tr_cif(ctx, goods, freight, insurance):
    return goods + (freight or ZERO) + (insurance or ZERO)


DUTY_ARGS = [
    _GOODS, _FREIGHT, _INSURANCE,
    Arg("origin", "origin",
        "Gönderen ülke: gönderinin yola çıktığı ülke, eşyanın menşei değil — AB'den doğrudan gelene AB oranı "
        "(DE, Almanya, AB, AB DIŞI)",
        "sending country: where the parcel is dispatched from, not the goods' origin — sent directly from the "
        "EU takes the EU rate (DE, Germany, EU, OTHER)"),
    Arg("duty_rate", "rate", "GTİP gümrük vergisi oranı (normal rejimde gerekli)",
        "GTİP customs duty rate (needed in the regular regime)", optional=True),
    AS_OF,
    Arg("category", "category", "Kategori: GENEL, OTV4, KITAP, ILAC, TAKVIYE, NUMUNE, TUZEL",
        "category: GENEL, OTV4, KITAP, ILAC (medicine), TAKVIYE (food supplement), NUMUNE, TUZEL", optional=True),
    Arg("fx", "fx", "Kur (TL/€) ya da TCMB (tarihteki gümrük kuru); verilirse sonuç TL",
        "TRY per EUR, or TCMB (the customs rate on the date); result in TRY when given", optional=True),
]
# The regular regime's KDV (KDV Law 3065 art. 21 and 28): new arguments only at the end.
KDV_ARGS = [
    Arg("kdv_rate", "rate", "KDV oranı (normal rejim; boş: genel oran, örn. %10 ya da %1)",
        "KDV rate (regular regime; empty: the general rate, e.g. 10% or 1%)", optional=True, excel="kdv_orani"),
    Arg("otv", "money", "ÖTV tutarı (€; normal rejimde KDV matrahına girer)",
        "ÖTV (special consumption tax) in EUR; joins the KDV base in the regular regime", optional=True,
        excel="otv_tutari"),
    Arg("anti_dumping", "money", "Damping vergisi tutarı (€; KDV matrahına girer)",
        "anti-dumping duty in EUR; joins the KDV base", optional=True, excel="damping_tutari"),
    Arg("other_charges", "money", "Diğer ithalat vergi, harç ve payları (€; KDV matrahına girer)",
        "other import taxes, fees and levies in EUR; join the KDV base", optional=True, excel="diger_vergiler"),
]


@function("TR_DUTY", topic="imports", result="money", detail=True,
          summary_tr="Posta/hızlı kargo ithalatında toplam vergi (rejimi tarih, değer ve kategoriye göre seçer)",
          summary_en="total import taxes on a parcel (regime by date, value and category)",
          args=DUTY_ARGS + KDV_ARGS, fx_currency="EUR")
def tr_duty(ctx, goods, freight, insurance, origin, duty_rate, date, category, fx,
            kdv_rate, otv, anti_dumping, other_charges):
    return assess(ctx, goods, freight, insurance, origin, duty_rate, category, fx,
                  kdv_rate, otv, anti_dumping, other_charges)


@function("TR_DUTY_REGIME", topic="imports", result="text",
          summary_tr="TR_DUTY'nin seçtiği rejim: FLAT (tek ve maktu vergi), EXEMPT (muaf) ya da REGULAR (normal)",
          summary_en="the regime TR_DUTY picks: FLAT, EXEMPT or REGULAR",
          args=DUTY_ARGS, fx_currency="EUR")
def tr_duty_regime(ctx, goods, freight, insurance, origin, duty_rate, date, category, fx):
    return classify(ctx, goods, freight, insurance, origin, category, fx).regime
