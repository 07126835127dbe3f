"""TEV — the compensatory levy under inward processing (DİR).

Inputs imported from third countries under inward processing enter with their
duty secured; when the product made from them is exported with a preferential
proof of origin to a partner whose agreement forbids drawback, the duty on the
inputs used is paid on export as TEV (tax code 61 on the export declaration).

Method (the Ministry's TEV table formula, Tev = (itik/itm) × (ihm × sm) × itvo/100 × ihdk,
Dahilde İşleme Rejimi Tebliği İhracat 2006/12; GGM letter 75325507 on waste):

    unit value   = import value ÷ import quantity
    input used   = export quantity × consumption per unit (waste included;
                   with a waste rate w, divided by 1 − w)
    value used   = input used × unit value
    levy         = value used × the input's customs duty rate (never İGV,
                   Decision 3351 art. 4)
    TEV in TRY   = levy × exchange rate, rounded once to the kuruş

>>> from trcalc.calc import call
>>> call("TR_TEV", 100000, 10000, 5000, 1, "10%", 30)
Decimal('150000.00')
>>> call("TR_TEV_APPLIES", "Almanya", "A.TR", "2025-03-24")
True
>>> call("TR_TEV_APPLIES", "İngiltere", "EUR.1", "2025-03-24")
False
>>> call("TR_TEV_APPLIES", "Ürdün", "EUR.1", "2025-03-24")      # FTA terminated 2018-11-22
False
>>> call("TR_TEV_APPLIES", "Bosna-Hersek", "EUR.1", "2026-03-02", "8708.29")   # revised PEM rules: only 50–63
False
>>> call("TR_TEV_APPLIES", "Bosna-Hersek", "EUR.1", "2026-03-02", "6205")      # a shirt: chapter 62
True

Which agreement binds the destination on the date is `tev_partners.find`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .coerce import CodeSet
from .countries import name_tr
from .errors import CalcError
from .money import ONE, ZERO, fmt, fmt_num, fmt_rate, round_money, round_quotient
from .registry import AS_OF, Arg, Outcome, function, kind
from .rules.store import param
from .tariff import gtip
from .tev_partners import Partner, find

P_PENALTY = param("tev.penalty_fraction")
P_TAX_CODE = param("tev.declaration_tax_code")

CERTIFICATES = CodeSet("menşe belgesi", {
    "ATR": ["A.TR", "A TR", "A.TR Dolaşım Belgesi"],
    "EUR1": ["EUR.1", "EURO.1", "EUR 1", "EUR1 Dolaşım Sertifikası"],
    "EURMED": ["EUR-MED", "EURO-MED", "EUR MED"],
    "FATURA": ["Fatura beyanı", "INVOICE", "Invoice declaration", "Menşe beyanı", "Origin declaration",
               "Statement on origin"],
    "SERTIFIKA": ["Menşe ispat belgesi", "TR-UAE", "Certificate of origin"],
    "FORMA": ["Form A", "FORM-A", "GSP Form A", "Özel menşe şahadetnamesi"],   # the GSP columns (tariff book)
    "YOK": ["NONE", "-", "Yok"],
})
kind("certificate", CERTIFICATES.read, "string", CERTIFICATES.codes)
CERT_TR = {"ATR": "A.TR", "EUR1": "EUR.1", "EURMED": "EUR-MED", "FATURA": "fatura/menşe beyanı",
           "SERTIFIKA": "anlaşmaya özgü menşe ispat belgesi",
           "FORMA": "Form A (GTS)", "YOK": "belge yok"}


def _certs(codes) -> str:
    return ", ".join(CERT_TR[c] for c in codes)


# Revised PEM rules: the no-drawback rule covers only these HS chapters (textiles and clothing), 1/2023
# Ortak Komite Kararı Kapsamı Tercihli Menşe Kuralları Hakkında Yönetmelik md. 18/1, as the Ministry's
# letter of 27.03.2026 (E-88364507-451.01-00120421282) applies it; the partners and dates are data
# (tev.fta.<id>.revised_pem in rules/tev_partners.yaml).
REVISED_NO_DRAWBACK_CHAPTERS = range(50, 64)
kind("hs_code", lambda value, arg: gtip(value, arg, partial=True), "string")


@dataclass
class Applies(Outcome):
    destination: str
    certificate: str | None
    partner: Partner
    value: bool
    reason: str
    notes: tuple[str, ...] = ()

    def rows(self):
        p = self.partner
        if p.agreement is None:
            agreement = "Türkiye'nin bu ülkeyle tercihli ticaret anlaşması yok"
        elif p.in_force:
            ban = "var" if p.no_drawback else "yok"
            if p.no_drawback and p.revised_proofs:
                ban += f" (revize PEM kurallarıyla, {_certs(p.revised_proofs)}: yalnız 50–63. fasıllar" + \
                       (", belgede «REVISED RULES» ibaresi varsa)" if p.revised_endorsement else ")")
            agreement = f"{p.name} (yürürlükte; bilinen belgeler: {_certs(p.proofs)}; geri ödeme yasağı: {ban})"
        else:
            agreement = f"{p.name}: {p.status}"
        return [
            ("Varış ülkesi", f"{name_tr(self.destination)} ({self.destination})", self.destination),
            ("Anlaşma", agreement, p.name),
            ("Menşe belgesi", CERT_TR[self.certificate] if self.certificate else "verilmedi", self.certificate or ""),
            ("TEV doğar mı", self.reason, self.value),
        ]

    def warnings(self):
        return list(self.notes)


def applies(ctx, destination: str, certificate: str | None, hs: str | None = None,
            endorsed: bool | None = None) -> Applies:
    p = find(ctx, destination)

    def out(value, reason, *notes):
        return Applies(destination, certificate, p, value, reason, notes)

    if p.agreement is None:
        return out(False, "Türkiye'nin bu ülkeyle yürürlükte tercihli ticaret anlaşması yok: tercihli menşe "
                          "belgesi düzenlenmez, TEV doğmaz")
    if not p.in_force:
        return out(False, f"{p.name} bu tarihte yürürlükte değil: tercihli menşe belgesi düzenlenmez, TEV doğmaz")
    if certificate == "YOK":
        return out(False, "tercihli menşe belgesi düzenlenmiyor: TEV doğmaz")
    if certificate is not None and certificate not in p.proofs:
        raise CalcError(
            "out_of_range",
            f"{CERT_TR[certificate]} {p.name} kapsamında düzenlenmez; bu anlaşmanın bildiği belgeler: "
            f"{_certs(p.proofs)} (ya da YOK)",
            f"a {certificate} is not a proof of origin under the agreement with {destination}; it knows "
            f"{', '.join(p.proofs)} (or YOK)",
            "certificate")
    used = CERT_TR[certificate] if certificate else f"{CERT_TR[p.proofs[0]]} (belge verilmedi: varsayıldı)"
    if not p.no_drawback:
        return out(False, f"{p.name}: geri ödeme veya muafiyet yasağı yok; {used} ile ihracatta TEV doğmaz")
    if (certificate or p.proofs[0]) in p.revised_proofs:
        return _revised(p, used, hs, endorsed, out)
    return out(True, f"{used} ile {p.name} kapsamında ihracat: geri ödeme yasağı var, TEV doğar")


def _revised(p: Partner, used: str, hs: str | None, endorsed: bool | None, out) -> Applies:
    """The revised PEM rules: the no-drawback rule only for HS chapters 50–63 (the Ministry's letter of
    27.03.2026); in a transition only a proof endorsed "REVISED RULES" follows them."""
    if p.revised_endorsement and not endorsed:
        old = f"{used} ile {p.name} kapsamında ihracat: geçiş döneminde belgede «REVISED RULES» ibaresi " \
              "yoksa eski kurallar geçerli, geri ödeme yasağı var, TEV doğar"
        if endorsed is None:
            return out(True, old, "revize kurallar (geçiş dönemi) yalnız «REVISED RULES» ibareli belgeye uygulanır; "
                                  "ibare varsa revize_kural = DOĞRU verin / in the transition the revised PEM rules "
                                  "apply only to a proof endorsed REVISED RULES: give revize_kural = TRUE")
        return out(True, old)
    if hs is None:
        return out(True, f"{used} ile {p.name} kapsamında revize PEM kuralları: geri ödeme yasağı yalnız 50–63. "
                         "fasıllarda; GTİP verilmedi, TEV'in doğduğu varsayıldı",
                   "revize PEM kurallarında 50–63. fasıllar dışındaki eşyada TEV doğmaz: ihraç ürününün GTİP'ini "
                   "(ya da faslını) verin / under the revised PEM rules TEV arises only for HS chapters 50–63: "
                   "give the exported product's GTİP (or chapter)")
    chapter = int(hs[:2])
    if chapter in REVISED_NO_DRAWBACK_CHAPTERS:
        return out(True, f"{used} ile {p.name} kapsamında revize PEM kuralları: {chapter:02d}. fasıl (50–63) için "
                         "geri ödeme yasağı sürüyor, TEV doğar",
                   "50–63. fasıllarda kümülasyon istisnaları (Taraf ülke menşeli girdi, tedarikçi beyanıyla tam "
                   "kümülasyon) modellenmedi / the cumulation exceptions for chapters 50–63 are not modelled")
    return out(False, f"{used} ile {p.name} kapsamında revize PEM kuralları: geri ödeme yasağı yalnız 50–63. "
                      f"fasıllarda, {chapter:02d}. fasıl eşyada TEV doğmaz")


@dataclass
class TevOutcome(Outcome):
    unit = "TL"
    import_value: Decimal
    import_qty: Decimal
    export_qty: Decimal
    consumption: Decimal
    duty_rate: Decimal
    fx: Decimal
    waste_rate: Decimal | None
    unit_value: Decimal
    input_used: Decimal
    value_used: Decimal
    levy: Decimal
    value: Decimal
    tax_code: Decimal | None
    applies: Applies | None

    def rows(self):
        used = f"{fmt_num(self.export_qty)} × {fmt_num(self.consumption)}"
        if self.waste_rate is not None:
            used = f"{used} ÷ (1 − {fmt_rate(self.waste_rate)})"
        rows = []
        if self.applies is not None:
            rows += self.applies.rows()
        rows += [
            ("Birim ithalat değeri", f"{fmt(self.import_value)} ÷ {fmt_num(self.import_qty)}", self.unit_value),
            ("Toplam ithal girdi kullanımı", used, self.input_used),
            ("Kullanılan girdinin değeri", f"{fmt_num(self.input_used)} × {fmt_num(self.unit_value)}",
             self.value_used),
            ("Vergi tutarı (döviz)", f"{fmt(self.value_used)} × {fmt_rate(self.duty_rate)}", self.levy),
            ("TEV tutarı (TL)", f"{fmt(self.levy)} × {fmt(self.fx, 4)} TL", self.value),
            ("İlave gümrük vergisi (İGV)", "TEV'e dahil edilmez (3351 sayılı Karar md. 4)", ""),
        ]
        if self.tax_code is not None:
            rows.append(("Beyan", f"ihracat beyannamesinde {self.tax_code} vergi kodu", ""))
        return rows

    def warnings(self):
        if self.applies is None:
            return ["varış ülkesi verilmedi: TEV'in doğduğu varsayıldı (TR_TEV_APPLIES ile kontrol edin) / "
                    "no destination given: TEV assumed to arise"]
        return self.applies.warnings()


def levy(ctx, import_value, import_qty, export_qty, consumption, duty_rate, fx, waste_rate,
         destination, certificate, hs=None, endorsed=None) -> TevOutcome:
    if certificate is not None and destination is None:
        raise CalcError("missing", "menşe belgesi verildiyse varış ülkesi de gerekli",
                        "a certificate needs a destination", "destination")
    decided = applies(ctx, destination, certificate, hs, endorsed) if destination is not None else None
    unit_value = import_value / import_qty
    input_used = export_qty * consumption
    if waste_rate is not None:
        input_used = input_used / (ONE - waste_rate)
    value_used = input_used * unit_value
    levy_fx = value_used * duty_rate
    # rounded once from the exact fraction (the two quotients above never end in decimals)
    tev = round_quotient(import_value * export_qty * consumption * duty_rate * fx,
                         import_qty * (ONE - (waste_rate or ZERO))) if decided is None or decided.value else ZERO
    return TevOutcome(import_value, import_qty, export_qty, consumption, duty_rate, fx, waste_rate,
                      unit_value, input_used, value_used, levy_fx, tev, _tax_code(ctx), decided)


def _tax_code(ctx):
    """The declaration's tax code, when the rules hold one for the date (it is only shown)."""
    try:
        return ctx.rule(P_TAX_CODE)
    except CalcError:
        return None


_DEST = Arg("destination", "country", "Varış ülkesi (DE, Almanya, İngiltere…)", "destination country")
_CERT = Arg("certificate", "certificate",
            "Menşe belgesi: ATR, EUR1, EURMED, FATURA (fatura/menşe beyanı), SERTIFIKA (anlaşmaya özgü belge), YOK",
            "proof of origin: ATR, EUR1, EURMED, FATURA (invoice/origin declaration), SERTIFIKA (the agreement's "
            "own certificate), YOK", optional=True)
_HS = Arg("hs", "hs_code", "İhraç ürününün GTİP'i ya da faslı (revize PEM kurallarında yalnız 50–63. fasıllarda TEV)",
          "the exported product's GTİP or chapter (under the revised PEM rules TEV only for chapters 50–63)",
          optional=True)
_ENDORSED = Arg("endorsed", "bool", "Menşe belgesinde «REVISED RULES» ibaresi var mı (2025 geçiş dönemi, EFTA ve Faroe)",
                "the proof bears the REVISED RULES endorsement (the 2025 transition, EFTA and the Faroes)",
                optional=True)


@function("TR_TEV", topic="tev", result="money", detail=True,
          summary_tr="Dahilde işlemede telafi edici vergi (TEV), TL",
          summary_en="compensatory levy (TEV) under inward processing, in TRY",
          args=[Arg("import_value", "positive", "İthal girdinin toplam değeri (döviz)", "total value of the imported input (foreign currency)"),
                Arg("import_qty", "positive", "İthal edilen girdi miktarı", "imported input quantity"),
                Arg("export_qty", "positive", "İhraç edilen ürün miktarı", "exported product quantity"),
                Arg("consumption", "positive", "Birim ürün başına girdi tüketimi (fire dahil)", "input used per unit of product (waste included)"),
                Arg("duty_rate", "rate", "Girdinin gümrük vergisi oranı (İGV hariç)", "the input's customs duty rate (without İGV)"),
                Arg("fx", "fx", "Döviz kuru (TL) ya da TCMB (tarihteki gümrük kuru; döviz alanı gerekir)",
                    "exchange rate (TRY per unit of currency), or TCMB (the customs rate on the date; needs currency)"),
                Arg("waste_rate", "waste", "Fire oranı (verilirse kullanım ÷ (1 − fire))", "waste rate (input used ÷ (1 − waste))", optional=True),
                replace(_DEST, optional=True),
                _CERT, AS_OF,
                Arg("currency", "currency", "İthalat dövizi (kur TCMB ise: USD, EUR…)",
                    "currency of the import value (for fx = TCMB: USD, EUR…)", optional=True),
                _HS, _ENDORSED])
def tr_tev(ctx, import_value, import_qty, export_qty, consumption, duty_rate, fx, waste_rate,
           destination, certificate, date, currency, hs, endorsed):
    return levy(ctx, import_value, import_qty, export_qty, consumption, duty_rate, fx, waste_rate,
                destination, certificate, hs, endorsed)


@function("TR_TEV_APPLIES", topic="tev", result="bool", detail=True,
          summary_tr="Bu ülkeye, bu belgeyle ihracatta TEV doğar mı (DOĞRU/YANLIŞ)",
          summary_en="does TEV arise for this destination and proof of origin (TRUE/FALSE)",
          args=[_DEST, _CERT, AS_OF, _HS, _ENDORSED])
def tr_tev_applies(ctx, destination, certificate, date, hs, endorsed):
    return applies(ctx, destination, certificate, hs, endorsed)


@dataclass
class Penalty(Outcome):
    unit = "TL"
    tev: Decimal
    voluntary: bool
    fraction: Decimal | None
    value: Decimal
    basis: str = ""                 # the article text's reference, from the rule in force
    confidence: str = ""

    def rows(self):
        if self.voluntary:
            return [("Para cezası", "idarenin tespitinden önce bildirildi (GK md. 234/5): ceza yok, "
                                    "yalnız gecikme zammı (GK md. 194/4)", self.value)]
        return [("Ödenmeyen TEV", "", self.tev),
                ("Para cezası", f"{fmt(self.tev)} TL × {fmt_rate(self.fraction)}", self.value),
                ("Yasal dayanak", self.basis or "kullanıcının verdiği oran", "")]

    def warnings(self):
        if self.voluntary or self.confidence not in ("low", "medium"):
            return []
        level = {"low": "düşük", "medium": "orta"}[self.confidence]
        return [f"ceza oranının ({fmt_rate(self.fraction)}) dayandığı fıkra metni doğrulanamadı, güveni {level}: "
                f"mevzuattan kontrol edin / the article text behind the {self.fraction} fraction could not be "
                f"verified ({self.confidence} confidence)"]


@function("TR_TEV_PENALTY", topic="tev", result="money", detail=True,
          summary_tr="Ödenmeyen TEV için idari para cezası (gönüllü bildirimde 0)",
          summary_en="administrative fine on unpaid TEV (0 with voluntary disclosure)",
          args=[Arg("tev", "money", "Ödenmeyen TEV tutarı (TL)", "unpaid TEV in TRY"),
                Arg("voluntary", "bool", "İdarenin tespitinden önce bildirildi mi (DOĞRU/YANLIŞ)",
                    "disclosed before customs found it (TRUE/FALSE)", optional=True),
                AS_OF])
def tr_tev_penalty(ctx, tev, voluntary, date):
    if voluntary:
        return Penalty(tev, True, None, ZERO)
    fraction = ctx.rule(P_PENALTY)
    entry = ctx.entry(P_PENALTY)
    basis, confidence = (entry.source, entry.confidence) if entry is not None else ("", "")
    return Penalty(tev, False, fraction, round_money(tev * fraction), basis, confidence)
