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
EXEMPT   books up to 150 EUR from 2018-04-11 (art. 45(1)), up to 1,500 EUR from 2022-05-01
         (art. 62(2), 0 %, Decision 5303); samples up to 30 EUR; any parcel up to 22 EUR
         from 2018-04-11 until 2019-05-29 (art. 45(1), rewritten by Decision 1111 with
         effect 30.05.2019 to cover books only).  Company recipients: art. 62(3), the flat
         tax up to 22 EUR, from 2022-05-01 (Decision 5303, RG 15.03.2022).
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

Amounts in TL or USD (issue 25.6): the last arguments `doviz` (the amounts' currency; empty: EUR)
and `doviz_kuru` (TL per unit of it; empty or TCMB: the customs rate of the date).  The limits are
in EUR, so the value is converted — to TL at the currency's customs rate, then to EUR at `kur`
(TL per EUR; empty or TCMB: the customs rate) — and the converted value is tested; the taxes are
assessed in TL.  1,080 TL at 36 TL/€ is 30 €, inside the 30 € limit: flat tax 60 % of 1,080 TL:

>>> call("TR_DUTY", 1080, 0, 0, "CN", None, "2025-03-01", None, 36, None, None, None, None, "TL")
Decimal('648.00')
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .coerce import CodeSet
from .countries import EU, NON_EU, name_tr
from .errors import CalcError
from .fx import customs_rate, read_currency
from .money import ONE, ZERO, fmt, fmt_rate, round_money
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
P_POSTAL_STAMP = param("customs.stamp.postal_item")

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

EUR, TRY = "EUR", "TRY"


class _ParcelCurrencies:
    """The currencies a parcel's amounts are offered in (issue 25.6: peers take TL or USD): the drop-down's
    codes with their Turkish names. Any ISO code TCMB publishes is read (a parcel priced in GBP works too)."""
    aliases = {EUR: ("Avro",), "USD": ("ABD doları",), TRY: ("Türk lirası",)}

    def read(self, value, arg: str) -> str:
        return read_currency(value, arg)


_PARCEL_CURRENCIES = _ParcelCurrencies()
kind("parcel_currency", _PARCEL_CURRENCIES.read, "string", tuple(_ParcelCurrencies.aliases))
SYMBOL = {EUR: "€", TRY: "TL"}

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
    currency: str                # the result's: EUR, or TRY when a rate is given or the amounts are not in EUR
    goods: Decimal               # the amounts, in `amounts` (EUR unless given in TL, USD…)
    freight: Decimal
    insurance: Decimal
    cif: Decimal
    base: Decimal                # the value the limits are tested on, in `amounts`
    base_includes_transport: bool
    origin: str
    eu: bool
    category: str
    fx: Decimal | None           # TL per EUR
    amounts: str = EUR           # the currency of the amounts (issue 25.6)
    amounts_fx: Decimal | None = None   # TL per unit of `amounts` (None for EUR)
    base_eur: Decimal = ZERO     # `base` in EUR (unrounded): what the EUR limits are compared with
    cif_eur: Decimal = ZERO
    postal_stamp: Decimal | None = None     # TL per item by post (PTT), outside the taxes (TR_POSTAL_STAMP)
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

    def _in_cur(self, x: Decimal) -> Decimal:
        """An amount given in `amounts` in the result's currency."""
        if self.amounts == EUR:
            return x * self.fx if self.fx is not None else x
        return x * self.amounts_fx

    def rows(self):
        m, cur = self._m, self._in_cur
        sym = SYMBOL.get(self.amounts, self.amounts)
        rows = [
            ("Rejim", REGIME_TR[self.regime], self.regime),
            ("Gönderen ülke", f"{name_tr(self.origin)} ({'AB' if self.eu else 'AB dışı'}; oran menşeye değil "
                              "gönderildiği ülkeye göre)", self.origin),
            ("Kategori", self.category, self.category),
            ("Eşya bedeli", f"{fmt(self.goods)} {sym}", self.goods),
            ("Navlun", f"{fmt(self.freight)} {sym}", self.freight),
            ("Sigorta", f"{fmt(self.insurance)} {sym}", self.insurance),
            ("CIF (gümrük değeri)", f"{fmt(self.goods)} {sym} + {fmt(self.freight)} {sym} + {fmt(self.insurance)} {sym}",
             self.cif),
            ("Sınır testi matrahı",
             "CIF (navlun ve sigorta dahil)" if self.base_includes_transport else "yalnız eşya bedeli", self.base),
        ]
        if self.amounts != EUR:
            # the limits are in EUR: the value converted at the customs rates (issue 25.6)
            if self.amounts != TRY:
                rows.append((f"Kur (TL/{self.amounts})", f"{fmt(self.amounts_fx, 4)} TL", self.amounts_fx))
            rows.append(("Kur (TL/€)", f"{fmt(self.fx, 4)} TL", self.fx))
            how = (f"{fmt(self.base)} TL ÷ {fmt(self.fx, 4)}" if self.amounts == TRY else
                   f"{fmt(self.base)} {sym} × {fmt(self.amounts_fx, 4)} ÷ {fmt(self.fx, 4)}")
            rows.append(("Sınır testi matrahı (€)", how, self.base_eur))
        if self.limit is not None:
            shown = fmt(self.base_eur, 2 if self.base_eur == round_money(self.base_eur) else 4)
            rows.append(("Sınır testi", f"{shown} € ≤ {fmt(self.limit)} € ({self.limit_name})",
                         "evet" if self.base_eur <= self.limit else "hayır"))
        elif self.regime == REGULAR:
            rows.append(("Sınır testi", "genel eşyada tek ve maktu vergi yolu kapalı: her değerde normal rejim",
                         "normal rejim"))
        if self.fx is not None and self.amounts == EUR:
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
        if self.postal_stamp is not None:
            rows.append(("Ayrıca, PTT ile gelirse: damga vergisi (TL)",
                         "gönderi başına, vergilere dahil değil (488 s. K. (1) s. tablo IV-2/a; TR_POSTAL_STAMP); "
                         "hızlı kargoda bunu öngören metin yok", self.postal_stamp))
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
    """The per-parcel exemption of Karar art. 45(1) (22 EUR, 11.04.2018–29.05.2019), when one is in force."""
    if book().find(P_SMALL_LIMIT, ctx.on) is None:
        return None
    return ctx.rule(P_SMALL_LIMIT)


def _regime(ctx, out: DutyOutcome) -> tuple[str, str, Decimal | None]:
    """(regime, which limit, limit) for the category and value (in EUR, as the limits are)."""
    cat, base = out.category, out.base_eur
    if cat == "KITAP":
        limit = ctx.rule(P_KITAP_LIMIT)
        return (EXEMPT if base <= limit else REGULAR), "kitap muafiyet sınırı", limit
    if cat == "NUMUNE":
        limit = ctx.rule(P_NUMUNE_LIMIT)
        if base <= limit:
            return EXEMPT, "numune muafiyet sınırı", limit
    if cat == "TUZEL" and ctx.rule(P_TUZEL_ROUTE):      # art. 62(3) from 2022-05-01 (Decision 5303)
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


def _customs_fx(ctx, currency: str, arg: str) -> Decimal:
    """The customs rate of the date for `currency` (TR_CUSTOMS_FX's rule), named in the breakdown; a missing
    bulletin is the error of the rate's own field, where the rate can be typed instead."""
    try:
        r = customs_rate(ctx, currency, ctx.on)
    except CalcError as exc:
        if exc.code == "no_rate":
            raise exc.for_argument(arg) from None
        raise
    ctx.note_fx(r)
    return r.value


def _rates(ctx, currency: str, fx, currency_fx) -> tuple[Decimal | None, Decimal | None]:
    """(TL per EUR, TL per unit of the amounts' currency) for amounts in `currency` (issue 25.6)."""
    if currency == EUR:
        if currency_fx is not None:
            raise CalcError("invalid", "tutarlar avro iken doviz_kuru boş kalır: TL/€ kuru kur alanına yazılır",
                            "with amounts in EUR leave doviz_kuru empty: the TRY per EUR rate goes in kur",
                            "currency_fx")
        return fx, None
    if currency == TRY:
        if currency_fx not in (None, ONE):
            raise CalcError("invalid", f"tutarlar TL iken doviz_kuru boş kalır ya da 1'dir ({currency_fx})",
                            f"with amounts in TRY leave doviz_kuru empty or 1 (got {currency_fx})", "currency_fx")
        amounts_fx = ONE
    else:
        amounts_fx = currency_fx if currency_fx is not None else _customs_fx(ctx, currency, "currency_fx")
    return (fx if fx is not None else _customs_fx(ctx, EUR, "fx")), amounts_fx


def classify(ctx, goods, freight, insurance, origin, category, fx, currency=None, currency_fx=None) -> DutyOutcome:
    """The regime and its limit test, before any tax is computed.

    The limits are in EUR: amounts in another currency are tested at their value in EUR, converted at
    the customs rates (to TL at the currency's rate, then at `fx`, TL per EUR), unrounded."""
    category = category or "GENEL"
    currency = currency or EUR
    fx, amounts_fx = _rates(ctx, currency, fx, currency_fx)
    cif = goods + freight + insurance
    incl = ctx.rule(P_BASE_INCL)
    base = cif if incl else goods
    to_eur = (lambda x: x) if currency == EUR else (lambda x: x * amounts_fx / fx)
    out = DutyOutcome(currency="TRY" if fx is not None else "EUR", goods=goods, freight=freight,
                      insurance=insurance, cif=cif, base=base,
                      base_includes_transport=incl, origin=origin, eu=_origin_is_eu(ctx, origin),
                      category=category, fx=fx, amounts=currency, amounts_fx=amounts_fx,
                      base_eur=to_eur(base), cif_eur=to_eur(cif))
    out.regime, out.limit_name, out.limit = _regime(ctx, out)
    return out


def assess(ctx, goods, freight, insurance, origin, duty_rate, category, fx,
           kdv_rate=None, otv=None, anti_dumping=None, other_charges=None, currency=None,
           currency_fx=None) -> DutyOutcome:
    out = classify(ctx, goods, freight, insurance, origin, category, fx, currency, currency_fx)
    charges_given = [c for c in (otv, anti_dumping, other_charges) if c is not None]
    regime, category, cif = out.regime, out.category, out.cif
    in_cur = out._in_cur

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
    out.postal_stamp = _postal_stamp(ctx)
    courier = ctx.rule(P_COURIER_EUR)
    if out.cif_eur > courier:
        out.notes.append(lambda: f"değer {fmt(courier)} €'nun üzerinde: ticari ithalat, gümrük müşaviri gerekir / "
                                 f"value above {courier} EUR: commercial import, customs broker needed")
    return out


def _postal_stamp(ctx) -> Decimal | None:
    """Issue 25.6: what a parcel pays besides the taxes where a text says so — the stamp duty per item on the
    post office's list declaration (TR_POSTAL_STAMP; none found for courier parcels); None when the rules
    hold no amount for the date."""
    try:
        return round_money(ctx.overrides.get(P_POSTAL_STAMP) or book().lookup(P_POSTAL_STAMP, ctx.on).value)
    except CalcError:
        return None


@dataclass
class PostalStampOutcome(Outcome):
    unit = "TL"
    per_item: Decimal
    items: int
    value: Decimal

    def rows(self):
        return [("Damga vergisi (gönderi maddesi başına)",
                 "488 sayılı Damga Vergisi Kanunu, (1) sayılı tablo IV-2/a: yabancı memleketlerden gelen posta "
                 "gönderileri için postanelerce gümrüğe verilen liste beyannamesinde yazılı her gönderi maddesi "
                 "(maktu)", self.per_item),
                ("Gönderi maddesi", "liste beyannamesindeki madde sayısı", self.items),
                ("Damga vergisi", f"{fmt(self.per_item)} TL × {self.items}", self.value),
                ("Not", "yalnız posta (PTT) gönderileri: hızlı kargo (basitleştirilmiş beyan) için damga vergisini "
                        "düzenleyen bir metin bulunamadı", "")]


@function("TR_POSTAL_STAMP", topic="imports", result="money", detail=True,
          summary_tr="Posta (PTT) ile gelen gönderinin damga vergisi: liste beyannamesinde gönderi maddesi başına "
                     "maktu tutar, TL",
          summary_en="stamp duty on parcels by post (PTT): a fixed amount per item on the post office's list "
                     "declaration, TRY",
          args=[Arg("count", "count", "Gönderi maddesi sayısı (boş: 1)", "number of items (empty: 1)", optional=True),
                AS_OF])
def tr_postal_stamp(ctx, count, date):
    n = 1 if count is None else count
    per_item = round_money(ctx.rule(P_POSTAL_STAMP))
    return PostalStampOutcome(per_item, n, round_money(per_item * n))


_GOODS = Arg("goods", "money", "Eşya bedeli (€)", "goods value in EUR")
_FREIGHT = Arg("freight", "money", "Navlun/kargo ücreti (€)", "freight in EUR")
_INSURANCE = Arg("insurance", "money", "Sigorta (€)", "insurance in EUR")
_IN = ("€ ya da doviz", "EUR, or in doviz")


@function("TR_CIF", topic="imports", result="money",
          summary_tr="Gümrük değeri (CIF): eşya + navlun + sigorta",
          summary_en="customs value (CIF): goods + freight + insurance",
          args=[_GOODS, replace(_FREIGHT, optional=True), replace(_INSURANCE, optional=True)])
def tr_cif(ctx, goods, freight, insurance):
    return goods + (freight or ZERO) + (insurance or ZERO)


DUTY_ARGS = [
    replace(_GOODS, doc_tr=f"Eşya bedeli ({_IN[0]})", doc_en=f"goods value ({_IN[1]})"),
    replace(_FREIGHT, doc_tr=f"Navlun/kargo ücreti ({_IN[0]})", doc_en=f"freight ({_IN[1]})"),
    replace(_INSURANCE, doc_tr=f"Sigorta ({_IN[0]})", doc_en=f"insurance ({_IN[1]})"),
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
        "TRY per EUR, or TCMB (the customs rate on the date); result in TRY when given (empty with amounts "
        "not in EUR: TCMB)", optional=True, fx_of="EUR"),
]
# The amounts' currency (issue 25.6), after every older argument: the limits stay in EUR.
CURRENCY_ARGS = [
    Arg("currency", "parcel_currency", "Tutarların para birimi: EUR (boş), USD, TRY; EUR değilse sonuç TL",
        "currency of the amounts: EUR (empty), USD, TRY; the result is in TRY unless EUR (kur empty: TCMB)",
        optional=True),
    Arg("currency_fx", "fx", "Dövizin kuru (TL/birim) ya da TCMB; boş: gümrük kuru",
        "TRY per unit of the amounts' currency, or TCMB; empty: the customs rate on the date (empty for TRY "
        "and EUR)", optional=True),
]
# The regular regime's KDV (KDV Law 3065 art. 21 and 28): new arguments only at the end.
KDV_ARGS = [
    Arg("kdv_rate", "rate", "KDV oranı (normal rejim; boş: genel oran, örn. %10 ya da %1)",
        "KDV rate (regular regime; empty: the general rate, e.g. 10% or 1%)", optional=True, excel="kdv_orani"),
    Arg("otv", "money", f"ÖTV tutarı ({_IN[0]}; normal rejimde KDV matrahına girer)",
        f"ÖTV (special consumption tax), {_IN[1]}; joins the KDV base in the regular regime", optional=True,
        excel="otv_tutari"),
    Arg("anti_dumping", "money", f"Damping vergisi tutarı ({_IN[0]}; KDV matrahına girer)",
        f"anti-dumping duty, {_IN[1]}; joins the KDV base", optional=True, excel="damping_tutari"),
    Arg("other_charges", "money", f"Diğer ithalat vergi, harç ve payları ({_IN[0]}; KDV matrahına girer)",
        f"other import taxes, fees and levies, {_IN[1]}; join the KDV base", optional=True, excel="diger_vergiler"),
]


@function("TR_DUTY", topic="imports", result="money", detail=True,
          summary_tr="Posta/hızlı kargo ithalatında toplam vergi (rejimi tarih, değer ve kategoriye göre seçer)",
          summary_en="total import taxes on a parcel (regime by date, value and category)",
          args=DUTY_ARGS + KDV_ARGS + CURRENCY_ARGS, fx_currency="EUR")
def tr_duty(ctx, goods, freight, insurance, origin, duty_rate, date, category, fx,
            kdv_rate, otv, anti_dumping, other_charges, currency, currency_fx):
    return assess(ctx, goods, freight, insurance, origin, duty_rate, category, fx,
                  kdv_rate, otv, anti_dumping, other_charges, currency, currency_fx)


@function("TR_DUTY_REGIME", topic="imports", result="text",
          summary_tr="TR_DUTY'nin seçtiği rejim: FLAT (tek ve maktu vergi), EXEMPT (muaf) ya da REGULAR (normal)",
          summary_en="the regime TR_DUTY picks: FLAT, EXEMPT or REGULAR",
          args=DUTY_ARGS + CURRENCY_ARGS, fx_currency="EUR")
def tr_duty_regime(ctx, goods, freight, insurance, origin, duty_rate, date, category, fx, currency, currency_fx):
    return classify(ctx, goods, freight, insurance, origin, category, fx, currency, currency_fx).regime
