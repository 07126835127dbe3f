"""Commercial imports: the taxes of one customs declaration line, and its stamp duty.

A company's import declaration (serbest dolaşıma giriş beyannamesi) assesses,
line by line (kalem), in Turkish lira:

GV     customs duty = customs value × the GTİP's duty rate (the tariff or the
       preferential rate, which the accountant reads from the tariff); the customs
       value is the transaction value with freight and insurance to the Turkish
       border (CIF), Customs Law 4458 art. 24–27.
İGV    additional customs duty = customs value × the İGV rate of the İthalat Rejimi
       Kararı's annex lists for the GTİP and origin (also on the customs value).
ÖTV,   excise duty and anti-dumping / countervailing duty: amounts in TRY as the
AD     declaration states them (they depend on per-unit amounts and lists this
       function does not hold).
KKDF   the Resource Utilization Support Fund levy (Karar 88/12944 art. 3(d)) on
       imports paid on credit terms — acceptance credit (KABUL), deferred letter of
       credit (VADELI_AKREDITIF), cash against goods (MAL_MUKABILI) — at the dated
       rate (6 % since 13.10.2011), on the import price; none when paid in cash
       (PESIN), against documents (VESAIK) or by sight letter of credit
       (AKREDITIF), nor when the price is transferred by the registration date.
       The rate does not depend on the credit's term for imports (the term-graded
       KKDF rates are those of foreign loans, 88/12944 art. 3(c)).  This function
       takes the line's customs value as the import price; when freight or
       insurance was paid separately in cash, the KKDF base is smaller — compute
       that line with the price alone.
KDV    = the goods' KDV rate (default: the general rate in force) × the KDV base.

The KDV base on import is KDV Law 3065 art. 21:
  (a) the customs value (the value that is the basis of customs duty; CIF when
      duty is not ad valorem or the goods are exempt) — `value` × `fx`;
  (b) every tax, duty, charge and share paid during the import — GV, İGV, ÖTV,
      anti-dumping, and KKDF (a fund share collected by customs on the declaration;
      the KDV General Communiqué names the fund shares paid on import among these;
      rule `customs.kkdf.in_kdv_base`);
  (c) other expenses and payments up to the registration of the declaration, and
      exchange differences (`other_costs`: port, storage, handling, domestic
      transport to the customs office, …).
KDV itself is not in its own base.  The declaration's stamp duty (Law 488, Table
(1) IV-2/c) is per declaration, not per line (`TR_DECLARATION_STAMP`); it is a tax paid
on import, so it is in the KDV base too (art. 21(b); the KDV General Communiqué lists
"damga resmi"; rule `customs.stamp.in_kdv_base`).  Spread it over the lines in proportion
to their customs values with `TR_STAMP_SHARE` and give each line its share as `damga_payi`:
the shares add up to the duty to the kuruş.

Every assessed amount (GV, İGV, KKDF, ÖTV, anti-dumping, KDV) is rounded once,
half-up, to the kuruş; the total is their sum.  The customs value in TRY is a
base, not an assessed amount, and keeps its full precision.

Example: 10,000 USD at 32.50 TRY, 10 % duty, 5 % İGV, paid cash against goods
on 2025-03-01 (KKDF 6 %), KDV 20 %:

    value 325,000.00; GV 32,500.00; İGV 16,250.00; KKDF 19,500.00;
    KDV (325,000 + 32,500 + 16,250 + 19,500) × 20 % = 78,650.00;
    total 146,900.00 TRY

>>> from trcalc.calc import call
>>> call("TR_IMPORT_TAXES", 10000, "USD", 32.5, "10%", "5%", None, None, None, None, "MAL_MUKABILI", "2025-03-01")
Decimal('146900.00')
>>> call("TR_DECLARATION_STAMP", "2025-10-01")
Decimal('1350.00')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .coerce import CodeSet
from .errors import CalcError
from .fx import TCMB, customs_rate
from .money import ONE, ZERO, fmt, fmt_rate, round_money
from .registry import AS_OF, Arg, Outcome, function, kind
from .rules.store import param

P_KDV = param("kdv.general_rate")
P_KKDF_RATE = param("customs.kkdf.credit_rate")
P_KKDF_METHODS = param("customs.kkdf.credit_methods")
P_KKDF_IN_BASE = param("customs.kkdf.in_kdv_base")
P_STAMP = param("customs.stamp.declaration")
P_STAMP_IN_BASE = param("customs.stamp.in_kdv_base")
P_KKDF_EXEMPTIONS = param("customs.kkdf.exemptions")

TRY = "TRY"

PAYMENTS = CodeSet("ödeme şekli", {
    "PESIN": ["Peşin", "Peşin ödeme", "CASH", "Cash in advance", "Advance payment"],
    "VESAIK": ["Vesaik mukabili", "CAD", "D/P", "Cash against documents"],
    "AKREDITIF": ["Akreditif", "Görüşte ödemeli akreditif", "L/C", "LC", "Sight L/C", "Letter of credit"],
    "KABUL": ["Kabul kredili", "Kabul kredisi", "D/A", "Acceptance credit"],
    "VADELI_AKREDITIF": ["Vadeli akreditif", "Vadeli akreditifli", "Deferred L/C", "Deferred letter of credit",
                         "Deferred payment L/C"],
    "MAL_MUKABILI": ["Mal mukabili", "Açık hesap", "Cash against goods", "Open account"],
})
# The drop-down of a declaration's currency: TRY and the currencies of TCMB's daily bulletin (its
# <Currency> elements, tests/fixtures/tcmb; XDR, a unit of account, left out). Any ISO code is accepted.
DECLARATION_CURRENCIES = ("TRY", "USD", "EUR", "GBP", "CHF", "JPY", "CNY", "AUD", "CAD", "DKK", "SEK", "NOK",
                          "KWD", "SAR", "QAR", "AED", "BGN", "RON", "RUB", "AZN", "KRW", "PKR", "IRR")
PAYMENT_TR = {
    "PESIN": "peşin", "VESAIK": "vesaik mukabili", "AKREDITIF": "akreditif (görüşte)",
    "KABUL": "kabul kredili", "VADELI_AKREDITIF": "vadeli akreditif", "MAL_MUKABILI": "mal mukabili",
}
kind("payment", PAYMENTS.read, "string", PAYMENTS.codes)
# Why KKDF is 0 % or not levied on an import on credit terms; which of them are in force on a date is
# data (customs.kkdf.exemptions), the accountant says which applies to the line.
KKDF_EXEMPTIONS = CodeSet("KKDF muafiyeti", {
    "LISTE_2015_7511": ["2015/7511", "BKK 2015/7511", "Liste"],
    "DIIB": ["DİİB", "Dahilde işleme", "Dahilde işleme izin belgesi", "Inward processing"],
})
KKDF_EXEMPTION_TR = {"LISTE_2015_7511": "2015/7511 sayılı BKK eki listedeki eşya (%0)",
                     "DIIB": "dahilde işleme izin belgesi kapsamında ithalat"}
kind("kkdf_exemption", KKDF_EXEMPTIONS.read, "string", KKDF_EXEMPTIONS.codes)


LEGAL = {
    "value": "4458 sayılı Gümrük Kanunu md. 24–27 (gümrük kıymeti: CIF)",
    "GV": "4458 sayılı Gümrük Kanunu; Gümrük Tarife Cetveli / tercihli tarife (GTİP oranı)",
    "İGV": "İthalat Rejimi Kararı ve eki ilave gümrük vergisi listeleri (gümrük kıymeti üzerinden)",
    "KKDF": "88/12944 sayılı Karar md. 3(d); KKDF Tebliği No 6 md. 2(D)",
    "KDV": "3065 sayılı KDV Kanunu md. 21: gümrük kıymeti + ithalat sırasında ödenen her türlü vergi, "
           "resim, harç ve paylar + tescile kadar yapılan diğer giderler ve kur farkları",
    "DV": "488 sayılı Damga Vergisi Kanunu (1) sayılı tablo IV-2/c (beyanname başına); kaleme gümrük değeri "
          "oranında düşen payı; KDV matrahına girer (KDV Kanunu md. 21(b); KDV Genel Uygulama Tebliği)",
}


@dataclass
class ImportOutcome(Outcome):
    unit = "TL"
    value_fx: Decimal
    currency: str
    fx: Decimal
    customs_value: Decimal          # TRY, unrounded: a base, not an assessed amount
    duty_rate: Decimal
    igv_rate: Decimal | None
    payment: str | None
    kdv_rate: Decimal
    otv: Decimal = ZERO
    antidumping: Decimal = ZERO
    other_costs: Decimal = ZERO
    duty: Decimal = ZERO
    igv: Decimal = ZERO
    kkdf_rate: Decimal | None = None
    kkdf: Decimal = ZERO
    kkdf_in_base: bool = True
    kkdf_exemption: str | None = None
    stamp: Decimal | None = None    # this line's share of the declaration's stamp duty
    stamp_in_base: bool = True
    kdv_base: Decimal = ZERO
    kdv: Decimal = ZERO
    value: Decimal = ZERO
    notes: list = field(default_factory=list)
    code: str | None = None         # the GTİP the rates were looked up for (the tariff book)
    how: dict = field(default_factory=dict)      # tax → how the book's figure was found (the breakdown)
    flags: list = field(default_factory=list)    # (Turkish, English): a typed figure that disagrees with the book

    @property
    def landed_cost(self) -> Decimal:
        """Cost of the goods in the books: value, taxes and costs except the deductible KDV."""
        return self.customs_value + self.other_costs + self.value - self.kdv

    def rows(self):
        v = self.customs_value
        if self.currency == TRY:
            value_row = ("Gümrük değeri (TL)", f"{fmt(self.value_fx)} TL", v)
        else:
            value_row = ("Gümrük değeri (TL)", f"{fmt(self.value_fx)} {self.currency} × {fmt(self.fx, 4)} TL", v)
        def rated(rate, tax):
            text = f"{fmt(v)} TL × {fmt_rate(rate)}" if rate is not None else ""
            return "; ".join(t for t in (text, self.how.get(tax, "")) if t)
        rows = [value_row]
        if self.code is not None:
            rows.append(("GTİP", f"{self.code[:4]}.{self.code[4:6]}.{self.code[6:8]}.{self.code[8:10]}.{self.code[10:]}"
                         " — oranlar tarife kitabından (yazılan oran ya da tutar önceliklidir)", ""))
        rows.append(("Gümrük vergisi (GV)", rated(self.duty_rate, "GV"), self.duty))
        if self.igv_rate is not None or "IGV" in self.how:
            rows.append(("İlave gümrük vergisi (İGV)", rated(self.igv_rate, "IGV"), self.igv))
        if self.otv or "OTV" in self.how:
            rows.append(("Özel tüketim vergisi (ÖTV)", self.how.get("OTV", "beyannamedeki tutar"), self.otv))
        if self.antidumping or "DAMPING" in self.how:
            rows.append(("Anti-damping / telafi edici vergi", self.how.get("DAMPING", "beyannamedeki tutar"),
                         self.antidumping))
        for tr, _en in self.flags:
            rows.append(("Tarife kontrolü: FARKLI", tr, ""))
        pay = PAYMENT_TR[self.payment] if self.payment else "verilmedi (peşin sayıldı)"
        if self.kkdf_exemption is not None:
            rows.append(("KKDF", f"{pay}, {KKDF_EXEMPTION_TR[self.kkdf_exemption]}: KKDF %0", ZERO))
        elif self.kkdf_rate is None:
            rows.append(("KKDF", f"ödeme şekli {pay}: KKDF yok", ZERO))
        else:
            rows.append(("KKDF", f"{pay}: {fmt(v)} TL × {fmt_rate(self.kkdf_rate)}", self.kkdf))
        if self.stamp is not None:
            rows.append(("Damga vergisi (kalemin payı)", "beyannamenin damga vergisinden bu kaleme düşen pay",
                         self.stamp))
        if self.other_costs:
            rows.append(("Tescile kadar diğer giderler", "KDV matrahına eklenir (vergi değil)", self.other_costs))
        parts = ["gümrük değeri", "GV"] + [name for name, shown in (
            ("İGV", self.igv_rate is not None), ("ÖTV", self.otv), ("anti-damping", self.antidumping),
            ("KKDF", self.kkdf_rate is not None and self.kkdf_in_base),
            ("damga vergisi", self.stamp is not None and self.stamp_in_base), ("diğer giderler", self.other_costs))
            if shown]
        rows.append(("KDV matrahı", " + ".join(parts), self.kdv_base))
        rows.append(("KDV", rated(self.kdv_rate, "KDV").replace(f"{fmt(v)} TL", f"{fmt(self.kdv_base)} TL", 1),
                     self.kdv))
        taxes = [("GV", self.duty), ("İGV", self.igv if self.igv_rate is not None or "IGV" in self.how else None),
                 ("ÖTV", self.otv or None), ("anti-damping", self.antidumping or None),
                 ("KKDF", self.kkdf if self.kkdf_rate is not None else None), ("damga vergisi", self.stamp),
                 ("KDV", self.kdv)]
        rows.append(("Toplam ithalat vergileri", " + ".join(f"{n} {fmt(a)}" for n, a in taxes if a is not None),
                     self.value))
        rows.append(("Maliyet (KDV hariç)", "gümrük değeri + diğer giderler + vergiler − KDV", self.landed_cost))
        for tax in ("value", "GV", "İGV", "KKDF", "DV", "KDV"):
            if (tax == "İGV" and self.igv_rate is None) or (tax == "DV" and self.stamp is None):
                continue
            rows.append((f"Dayanak: {'gümrük değeri' if tax == 'value' else tax}", LEGAL[tax], ""))
        return rows

    def warnings(self):
        return [note() for note in self.notes] + [f"{tr} / {en}" for tr, en in self.flags]

    def check(self) -> str:
        """The typed figures that disagree with the tariff book, in Turkish ("" when none)."""
        return "; ".join(tr for tr, _en in self.flags)


def _fx_rate(ctx, currency: str, fx) -> Decimal:
    """TRY per unit: the rate given, or the customs rate of the date (empty or TCMB)."""
    if currency == TRY:
        if fx is None or fx == ONE:
            return ONE
        raise CalcError("out_of_range", f"TRY satırında kur 1 olmalı ya da boş bırakılmalı ({fx})",
                        f"a TRY line takes no exchange rate (leave it empty or 1; got {fx})", "fx")
    if fx is None or fx is TCMB:
        r = customs_rate(ctx, currency, ctx.on)      # fx = TCMB is resolved by the registry; empty here
        ctx.note_fx(r)
        return r.value
    return fx


def assess(ctx, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate,
           payment, stamp=None, kkdf_exemption=None, code=None, origin=None, certificate=None,
           quantity=None) -> ImportOutcome:
    rate = _fx_rate(ctx, currency, fx)
    cv = value * rate
    if code is None and duty_rate is None:
        raise CalcError("missing", "gümrük vergisi oranı ya da GTİP gerekli (GTİP verilirse oranlar tarife "
                        "kitabından alınır)", "the customs duty rate or the GTİP is needed (with a GTİP the rates "
                        "come from the tariff book)", "duty_rate")
    out = ImportOutcome(value_fx=value, currency=currency, fx=rate, customs_value=cv, duty_rate=duty_rate,
                        igv_rate=igv_rate, payment=payment,
                        kdv_rate=ctx.rule(P_KDV) if kdv_rate is None else kdv_rate,
                        otv=round_money(otv) if otv is not None else ZERO,
                        antidumping=round_money(antidumping) if antidumping is not None else ZERO,
                        other_costs=other_costs if other_costs is not None else ZERO)
    if code is not None:
        _from_book(ctx, out, code, origin, certificate, quantity, duty_rate, igv_rate, otv, antidumping, kdv_rate)
    else:
        out.duty = round_money(cv * duty_rate)
    if out.igv_rate is not None:
        out.igv = round_money(cv * out.igv_rate)
    on_credit = payment is not None and payment in ctx.rule(P_KKDF_METHODS)
    if on_credit and kkdf_exemption is not None:
        try:
            exempt = kkdf_exemption in ctx.rule(P_KKDF_EXEMPTIONS)
        except CalcError:
            exempt = False
        if not exempt:
            raise CalcError("out_of_range", f"{kkdf_exemption} KKDF muafiyeti bu tarihte kurallarda yok",
                            f"the KKDF exemption {kkdf_exemption} is not in the rules on this date", "kkdf_exemption")
        out.kkdf_exemption = kkdf_exemption
    elif on_credit:
        out.kkdf_rate = ctx.rule(P_KKDF_RATE)
        out.kkdf = round_money(cv * out.kkdf_rate)
        out.kkdf_in_base = ctx.rule(P_KKDF_IN_BASE)
    stamp_in_base = ZERO
    if stamp is not None:
        out.stamp = round_money(stamp)
        out.stamp_in_base = bool(ctx.rule(P_STAMP_IN_BASE))
        stamp_in_base = out.stamp if out.stamp_in_base else ZERO
    taxes_in_base = out.duty + out.igv + out.otv + out.antidumping + (out.kkdf if out.kkdf_in_base else ZERO)
    out.kdv_base = cv + taxes_in_base + stamp_in_base + out.other_costs
    out.kdv = round_money(out.kdv_base * out.kdv_rate)
    out.value = out.duty + out.igv + out.otv + out.antidumping + out.kkdf + (out.stamp or ZERO) + out.kdv
    if payment is None:
        out.notes.append(lambda: "ödeme şekli verilmedi: peşin sayıldı, KKDF hesaplanmadı / no payment method "
                                 "given: taken as cash, no KKDF")
    return out


def _measure_fx(ctx, m, out: ImportOutcome) -> Decimal:
    """TL per unit of a measure's currency: 1 for TL, the line's rate for the line's currency, else the
    customs rate of the date (TCMB)."""
    cur = (m.currency or TRY).upper()
    if cur in ("TL", TRY):
        return ONE
    if cur == out.currency:
        return out.fx
    r = customs_rate(ctx, cur, ctx.on)
    ctx.note_fx(r)
    return r.value


def _from_book(ctx, out: ImportOutcome, code, origin, certificate, quantity, duty_rate, igv_rate, otv, antidumping,
               kdv_rate) -> None:
    """Fill the line's rates and amounts from the tariff book (issue 27.3). A typed rate or amount is
    used as typed — it overrides the book — but one that disagrees with the book is flagged (`flags`:
    the breakdown's "Tarife kontrolü" rows and warnings, TR_IMPORT_TAXES_CHECK), never used silently."""
    from .gtip import _find, _one
    from .tariff import TAXES
    if origin is None:
        raise CalcError("missing", "GTİP verildiğinde menşe ülke de gerekli (oranlar menşeye göre değişir)",
                        "with a GTİP the country of origin is needed too (rates depend on it)", "origin")
    cv = out.customs_value
    out.code = code
    found = {tax: (_one if tax in ("GV", "KDV") else _find)(ctx, code, tax, origin, certificate) for tax in TAXES}

    def how(f) -> str:
        m = f.measure
        text = f"tarife kitabı: {m.describe()}; {f.column}; GTİP {m.code}, {m.validity()}; kaynak: {m.source}"
        if f.proof_needed:
            text += f"; tercihli oran için {f.proof_needed} gerekir"
        return text

    def flag(tax_tr, typed_tr, book_tr, en):
        out.flags.append((f"{tax_tr}: yazılan {typed_tr}, tarife kitabında {book_tr} (GTİP {code}, menşe {origin}); "
                          "yazılan değer kullanıldı", f"{en}: the typed figure differs from the tariff book "
                          f"({code}, origin {origin}); the typed figure was used"))

    def book_amount(f) -> Decimal:
        return f.measure.amount(cv, quantity, _measure_fx(ctx, f.measure, out))

    # customs duty (GV): always a row in the book (_one refuses a code without one on the date)
    f = found["GV"]
    out.how["GV"] = how(f)
    if duty_rate is not None:
        out.duty = round_money(cv * duty_rate)
        if not f.measure.ad_valorem_only:
            flag("GV", fmt_rate(duty_rate), f.measure.describe(), "GV")
        elif duty_rate != f.measure.rate:
            flag("GV", fmt_rate(duty_rate), fmt_rate(f.measure.rate), "GV")
    elif f.measure.ad_valorem_only:
        out.duty_rate = f.measure.rate
        out.duty = round_money(cv * f.measure.rate)
    else:
        out.duty = book_amount(f)
    # İGV: the book's row, or none (0)
    f = found["IGV"]
    book_igv = f.measure
    if book_igv is not None:
        out.how["IGV"] = how(f)
    if igv_rate is not None:
        if book_igv is None and igv_rate:
            flag("İGV", fmt_rate(igv_rate), "İGV yok", "İGV")
        elif book_igv is not None and (not book_igv.ad_valorem_only or igv_rate != book_igv.rate):
            flag("İGV", fmt_rate(igv_rate), book_igv.describe(), "İGV")
    elif book_igv is not None and book_igv.ad_valorem_only:
        out.igv_rate = book_igv.rate          # assess() computes the amount from the rate
    elif book_igv is not None:
        out.igv = book_amount(f)
    # ÖTV and anti-dumping: amounts. The book's anti-dumping is on the customs value or per unit; its ÖTV
    # only per unit (an ad valorem ÖTV is on the ÖTV base of the ÖTV Law, which this function does not
    # compute: the amount must be typed).
    for tax, typed, attr, name_tr, name_en, arg in (
            ("OTV", otv, "otv", "ÖTV", "ÖTV", "otv"), ("DAMPING", antidumping, "antidumping", "Anti-damping",
                                                      "anti-dumping", "antidumping")):
        f = found[tax]
        m = f.measure
        if m is None:
            if typed:
                flag(name_tr, f"{fmt(round_money(typed))} TL", f"{name_tr} yok", name_en)
            continue
        out.how[tax] = how(f)
        if tax == "OTV" and m.rate:
            if typed is None:
                raise CalcError("missing", f"GTİP {code} için tarife kitabında oransal ÖTV var ({m.describe()}): "
                                "ithalatta ÖTV matrahı bu işlevde hesaplanmaz, ÖTV tutarını yazın",
                                f"the tariff book has an ad valorem ÖTV for {code} ({m.describe()}): type the "
                                "ÖTV amount", arg)
            continue
        amount = book_amount(f)
        if typed is None:
            setattr(out, attr, amount)
        elif round_money(typed) != amount:
            flag(name_tr, f"{fmt(round_money(typed))} TL", f"{m.describe()} = {fmt(amount)} TL", name_en)
    # KDV: the book's rate when it has one for the goods, else the general rate (as without a GTİP)
    f = found["KDV"]
    if f.measure is not None:
        out.how["KDV"] = how(f)
        if kdv_rate is None:
            out.kdv_rate = f.measure.rate
        elif kdv_rate != f.measure.rate:
            flag("KDV", fmt_rate(kdv_rate), fmt_rate(f.measure.rate), "KDV")


IMPORT_ARGS = [
    Arg("value", "money", "Kalemin gümrük değeri (CIF), döviz", "the line's customs value (CIF) in its currency"),
    Arg("currency", "currency", "Para birimi (USD, EUR, TRY…)", "currency (USD, EUR, TRY…)"),
    Arg("fx", "fx", "Kur (TL / birim); TCMB ya da boş: tarihin gümrük kuru; TRY'de boş",
        "TRY per unit; TCMB or empty: the customs rate of the date; empty for TRY", empty_ok=True),
    Arg("duty_rate", "rate", "Gümrük vergisi oranı (GTİP, tarife ya da tercihli); boş: gtip ile tarife kitabından",
        "customs duty rate (GTİP, tariff or preferential); empty: from the tariff book by gtip", empty_ok=True),
    Arg("igv_rate", "rate", "İlave gümrük vergisi (İGV) oranı", "additional customs duty (İGV) rate", optional=True),
    Arg("otv", "money", "ÖTV tutarı (TL, beyannamedeki)", "ÖTV amount in TRY, as declared", optional=True),
    Arg("antidumping", "money", "Anti-damping / telafi edici vergi (TL)", "anti-dumping / countervailing duty in TRY",
        optional=True),
    Arg("other_costs", "money", "Tescile kadar diğer giderler ve kur farkları (TL, KDV matrahına girer)",
        "other costs up to registration and exchange differences, TRY (in the KDV base)", optional=True),
    Arg("kdv_rate", "rate", "Eşyanın KDV oranı (boş: genel oran)", "the goods' KDV rate (empty: the general rate)",
        optional=True),
    Arg("payment", "payment", "Ödeme şekli: PESIN, VESAIK, AKREDITIF, KABUL, VADELI_AKREDITIF, MAL_MUKABILI",
        "payment method: PESIN, VESAIK, AKREDITIF, KABUL, VADELI_AKREDITIF, MAL_MUKABILI", optional=True),
    AS_OF,
    Arg("stamp", "money", "Beyannamenin damga vergisinden bu kaleme düşen pay (TL; TR_STAMP_SHARE), KDV matrahına girer",
        "this line's share of the declaration's stamp duty, TRY (TR_STAMP_SHARE); in the KDV base",
        optional=True, excel="damga_payi"),
    Arg("kkdf_exemption", "kkdf_exemption", "Vadeli ithalatta KKDF muafiyeti: LISTE_2015_7511, DIIB (boş: yok)",
        "KKDF exemption on credit terms: LISTE_2015_7511, DIIB (empty: none)", optional=True,
        excel="kkdf_muafiyeti"),
    # the tariff book (issue 27.3): new arguments only at the end, so every existing call keeps its meaning
    Arg("code", "gtip", "GTİP (12 hane): verilirse boş bırakılan oranlar ve tutarlar tarife kitabından alınır, "
        "yazılan ve kitaptan farklı olanlar işaretlenir",
        "goods code (12 digits): rates and amounts left empty come from the tariff book; typed ones that differ "
        "from it are flagged", optional=True),
    Arg("origin", "country", "Eşyanın menşe ülkesi (GTİP ile; ISO kodu ya da adı)",
        "country of origin of the goods (with gtip; ISO code or name)", optional=True),
    Arg("certificate", "certificate", "Menşe ispat belgesi: ATR, EUR1, EURMED, FATURA (boş: yok, genel oran)",
        "proof of origin: ATR, EUR1, EURMED, FATURA (empty: none, the general rate)", optional=True),
    Arg("quantity", "money", "Miktar, tarifedeki birimle (maktu vergi ya da birim başına asgari/azami tutar için)",
        "quantity in the tariff's unit (for a specific duty or a minimum/maximum per unit)", optional=True),
]


@function("TR_IMPORT_TAXES", topic="customs", result="money", detail=True,
          summary_tr="Ticari ithalatta bir beyanname kaleminin vergileri (GV, İGV, ÖTV, anti-damping, KKDF, KDV), TL",
          summary_en="import taxes of one customs declaration line (GV, İGV, ÖTV, anti-dumping, KKDF, KDV), TRY",
          args=IMPORT_ARGS)
def tr_import_taxes(ctx, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate,
                    payment, date, stamp, kkdf_exemption, code, origin, certificate, quantity):
    return assess(ctx, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate, payment,
                  stamp, kkdf_exemption, code, origin, certificate, quantity)


@function("TR_IMPORT_TAXES_CHECK", topic="customs", result="text",
          summary_tr="TR_IMPORT_TAXES kaleminde yazılan oran ve tutarların tarife kitabıyla karşılaştırması: boş metin "
                     "uyuşuyorsa (ya da GTİP yoksa), değilse her farkın açıklaması",
          summary_en="the typed rates and amounts of a TR_IMPORT_TAXES line checked against the tariff book: empty "
                     "text when they agree (or without a GTİP), else each difference",
          args=IMPORT_ARGS)
def tr_import_taxes_check(ctx, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate,
                          payment, date, stamp, kkdf_exemption, code, origin, certificate, quantity):
    try:
        return assess(ctx, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate,
                      payment, stamp, kkdf_exemption, code, origin, certificate, quantity).check()
    except CalcError as exc:
        # a code the book lacks is a finding of the check, not a failure of the line (its rates were typed)
        if exc.code == "no_rule" and exc.argument == "gtip":
            return f"karşılaştırılamadı: {exc.message_tr}"
        raise


PARTS = CodeSet("kalem tutarı", {
    "DEGER": ["Gümrük değeri", "Değer", "VALUE"],
    "GV": ["Gümrük vergisi", "DUTY"],
    "IGV": ["İGV", "İlave gümrük vergisi"],
    "OTV": ["ÖTV"],
    "DAMPING": ["Anti-damping", "Antidamping", "AD"],
    "KKDF": [],
    "DAMGA": ["Damga vergisi"],
    "MATRAH": ["KDV matrahı", "KDV_MATRAH", "BASE"],
    "KDV": ["VAT"],
    "TOPLAM": ["Toplam", "TOTAL"],
    "MALIYET": ["Maliyet", "LANDED", "Landed cost"],
})
kind("import_part", PARTS.read, "string", PARTS.codes)

_PART_VALUE = {
    "DEGER": lambda o: o.customs_value, "GV": lambda o: o.duty, "IGV": lambda o: o.igv, "OTV": lambda o: o.otv,
    "DAMPING": lambda o: o.antidumping, "KKDF": lambda o: o.kkdf, "DAMGA": lambda o: o.stamp or ZERO, "MATRAH": lambda o: o.kdv_base,
    "KDV": lambda o: o.kdv, "TOPLAM": lambda o: o.value, "MALIYET": lambda o: o.landed_cost,
}


@function("TR_IMPORT_TAX_PART", topic="customs", result="money",
          summary_tr="TR_IMPORT_TAXES'in tek kalemi: DEGER, GV, IGV, OTV, DAMPING, KKDF, DAMGA, MATRAH, KDV, TOPLAM, "
                     "MALIYET",
          summary_en="one item of TR_IMPORT_TAXES: customs value, GV, İGV, ÖTV, anti-dumping, KKDF, stamp duty, "
                     "KDV base, KDV, total, landed cost",
          args=[Arg("part", "import_part",
                    "Kalem: DEGER, GV, IGV, OTV, DAMPING, KKDF, DAMGA, MATRAH, KDV, TOPLAM, MALIYET",
                    "item: DEGER, GV, IGV, OTV, DAMPING, KKDF, DAMGA, MATRAH, KDV, TOPLAM, MALIYET"), *IMPORT_ARGS])
def tr_import_tax_part(ctx, part, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs,
                       kdv_rate, payment, date, stamp, kkdf_exemption, code, origin, certificate, quantity):
    out = assess(ctx, value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate, payment,
                 stamp, kkdf_exemption, code, origin, certificate, quantity)
    return _PART_VALUE[part](out)



@dataclass
class StampOutcome(Outcome):
    unit = "TL"
    value: Decimal

    def rows(self):
        return [("Damga vergisi (beyanname başına)",
                 "488 sayılı Damga Vergisi Kanunu, (1) sayılı tablo IV-2/c: gümrük idarelerine verilen "
                 "beyannameler (maktu)", self.value)]


@function("TR_DECLARATION_STAMP", topic="customs", result="money", detail=True,
          summary_tr="Bir gümrük beyannamesinin damga vergisi (maktu, tarihe göre), TL",
          summary_en="stamp duty on one customs declaration (fixed amount by date), TRY",
          args=[AS_OF])
def tr_declaration_stamp(ctx, date):
    return StampOutcome(round_money(ctx.rule(P_STAMP)))   # the rule's 1605.8 shown as 1605.80


@dataclass
class StampShareOutcome(Outcome):
    unit = "TL"
    stamp: Decimal
    line: Decimal
    total: Decimal
    before: Decimal
    value: Decimal

    def rows(self):
        rows = [("Beyannamenin damga vergisi", "488 sayılı Kanun (1) sayılı tablo IV-2/c", self.stamp)]
        if self.before:
            rows.append(("Kalemin payı", f"yuvarla({fmt(self.stamp)} × ({fmt(self.before)} + {fmt(self.line)}) ÷ "
                         f"{fmt(self.total)}) − yuvarla({fmt(self.stamp)} × {fmt(self.before)} ÷ {fmt(self.total)})",
                         self.value))
        else:
            rows.append(("Kalemin payı", f"{fmt(self.stamp)} × {fmt(self.line)} ÷ {fmt(self.total)}", self.value))
        rows.append(("Not", "önceki kalemlerin toplamı verilirse paylar damga vergisine kuruşu kuruşuna eşit olur; "
                     "pay KDV matrahına girer (TR_IMPORT_TAXES damga_payi)", ""))
        return rows


@function("TR_STAMP_SHARE", topic="customs", result="money", detail=True,
          summary_tr="Beyannamenin damga vergisinden bir kaleme düşen pay (gümrük değeri oranında), TL",
          summary_en="one line's share of the declaration's stamp duty (in proportion to customs value), TRY",
          args=[Arg("value", "money", "Kalemin gümrük değeri", "the line's customs value"),
                Arg("total", "positive", "Beyannamedeki tüm kalemlerin gümrük değeri toplamı",
                    "the customs value of all lines of the declaration", excel="toplam_deger"),
                Arg("before", "money", "Önceki kalemlerin gümrük değeri toplamı (boş: 0)",
                    "customs value of the lines before this one (empty: 0)", optional=True,
                    excel="onceki_kalemler"),
                AS_OF])
def tr_stamp_share(ctx, value, total, before, date):
    before = before or ZERO
    if before + value > total:
        raise CalcError("out_of_range", f"kalemler toplamı ({fmt(before + value)}) beyanname toplamını "
                        f"({fmt(total)}) aşıyor", f"the lines ({before + value}) exceed the declaration's total "
                        f"({total})", "toplam_deger")
    stamp = round_money(ctx.rule(P_STAMP))
    # cumulative rounding: the shares of lines 1…n add up to the whole duty to the kuruş
    share = round_money(stamp * (before + value) / total) - round_money(stamp * before / total)
    return StampShareOutcome(stamp, value, total, before, share)
