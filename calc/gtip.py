"""TR_GTIP_RATE and TR_GTIP_RATES: import tax rates from the tariff book, by GTİP, origin and date.

    =TR_GTIP_RATE("5208.11.10.00.00"; "GV"; "CN"; "2025-03-01")       → 0.08   (the general column)
    =TR_GTIP_RATE("5208.11.10.00.00"; "GV"; "DE"; ; "ATR")            → 0      (the customs union, A.TR)
    =TR_GTIP_RATES_DETAIL(…)                                          → every tax: rate, column, proof, source

The book is what the firm or the team lead loaded (`trcalc tariff import`, calc.tariffstore); the
structure — which origin takes which column on a date, which proofs an agreement knows — is law data
trcalc ships (rules/tev_partners.yaml). A code not in the book is an error naming what to load; a
preferential rate is used only with a proof of origin it accepts, and the result says which.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .coerce import CodeSet
from .errors import CalcError
from .registry import AS_OF, Arg, Outcome, function, kind
from .rules.store import param
from .tariff import OTHERS, TAXES, Found, applicable, gtip
from .tev import CERT_TR

P_KDV = param("kdv.general_rate")
TAX = CodeSet("vergi", {"GV": ["Gümrük vergisi", "DUTY"], "IGV": ["İGV", "İlave gümrük vergisi", "ACD"],
                        "OTV": ["ÖTV", "Özel tüketim vergisi"], "KDV": ["VAT"],
                        "DAMPING": ["Anti-damping", "AD", "Telafi edici vergi"]})
kind("tax", TAX.read, "string", TAX.codes)
kind("gtip", gtip, "string")

ARGS = [
    Arg("code", "gtip", "GTİP (12 hane; noktalı yazılabilir: 5208.11.10.00.00)",
        "goods code, 12 digits (dots allowed: 5208.11.10.00.00)"),
    Arg("origin", "country", "Menşe ülke (ISO kodu ya da adı)", "country of origin (ISO code or name)"),
    AS_OF,
    Arg("certificate", "certificate", "Menşe ispat belgesi: ATR, EUR1, EURMED, FATURA, FORMA (GTS) (boş: belge yok, genel oran)",
        "proof of origin: ATR, EUR1, EURMED, FATURA, FORMA (GSP) (empty: none, the general rate)", optional=True),
]


def _book_measures(code: str):
    try:
        from .tariffstore import book
    except ImportError:                # no database layer here (xlwings Lite's Pyodide has no SQLAlchemy)
        raise CalcError("no_rule", "tarife kitabı bu ortamda yok (xlwings Lite): oranı elle yazın ya da beyanname "
                        "şablonunun Tarife sayfasını kullanın",
                        "no tariff book in this environment (xlwings Lite): type the rate or use the declaration "
                        "template's Tarife sheet", "gtip") from None
    measures = book().measures(code)
    if not measures:
        raise CalcError("no_rule", f"GTİP {code} tarife kitabında yok: bu kodu içeren listeyi `trcalc tariff import "
                        "DOSYA` ile ya da ekip sunucusuna yükletin, ya da oranı elle yazın (beyanname şablonunda: "
                        "Tarife sayfasına ekleyin)",
                        f"GTİP {code} is not in the tariff book: load a list that has it (`trcalc tariff import FILE`, "
                        "or on the team server), or type the rate (in the declaration template: add it to the "
                        "Tarife sheet)", "gtip")
    return measures


def _find(ctx, code: str, tax: str, origin: str, certificate: str | None) -> Found:
    from .tariffgroups import find as groups
    from .tev_partners import find
    partner = find(ctx, origin)
    proof = None if certificate in (None, "YOK") else certificate
    return applicable(_book_measures(code), code, tax, origin, ctx.on, partner, proof, groups(ctx, origin))


@dataclass
class RateOutcome(Outcome):
    value: object
    found: list[Found] = field(default_factory=list)
    code: str = ""
    kdv: object = None                 # the general KDV rate, shown where the book has no KDV row

    def rows(self):
        out = []
        for f in self.found:
            m = f.measure
            label = f"{f.tax} — {TAXES[f.tax]}"
            if m is None and f.tax == "KDV":
                out.append((label, f.column, self.kdv))
                continue
            if m is None:
                out.append((label, "kitapta önlem yok", 0))
                continue
            how = f"{m.describe()}; {f.column}; GTİP {m.code}, {m.validity()}; kaynak: {m.source}"
            if f.proof_needed:
                how += f"; tercihli oran için {' ya da '.join(CERT_TR.get(p, p) for p in f.proof_needed.split(' ya da '))} gerekir"
            if m.proof and m.origin != OTHERS:
                how += f"; belge: {CERT_TR.get(m.proof, m.proof)}"
            out.append((label, how, m.rate))
        return out


def _one(ctx, code, tax, origin, certificate) -> Found:
    found = _find(ctx, code, tax, origin, certificate)
    if found.measure is None and tax == "KDV":
        return Found(tax, None, "genel oran (KDV Kanunu md. 28; kitapta ayrı oran yok)")
    if found.measure is None and tax == "GV":
        raise CalcError("no_rule", f"GTİP {code}: {ctx.on:%d.%m.%Y} tarihinde geçerli gümrük vergisi satırı yok",
                        f"GTİP {code}: no customs duty row valid on {ctx.on.isoformat()}", "gtip")
    return found


@function("TR_GTIP_RATE", topic="customs", result="number", detail=True,
          summary_tr="Tarife kitabından bir verginin oranı (GV, IGV, OTV, KDV, DAMPING): GTİP, menşe, tarih ve "
                     "menşe belgesine göre",
          summary_en="one tax's rate from the tariff book (GV, IGV, OTV, KDV, DAMPING) by goods code, origin, date "
                     "and proof of origin",
          args=[ARGS[0], Arg("tax", "tax", "Vergi: GV, IGV, OTV, KDV, DAMPING", "tax: GV, IGV, OTV, KDV, DAMPING"),
                *ARGS[1:]])
def tr_gtip_rate(ctx, code, tax, origin, date, certificate):
    found = _one(ctx, code, tax, origin, certificate)
    if found.measure is None:
        value = ctx.rule(P_KDV) if tax == "KDV" else 0
    else:
        value = found.measure.rate
    return RateOutcome(value, [found], code, ctx.rule(P_KDV) if tax == "KDV" else None)


@function("TR_GTIP_RATES", topic="customs", result="text", detail=True,
          summary_tr="Tarife kitabında bir GTİP'in bütün vergileri (özet metin; _DETAIL: her önlem, sütunu, belgesi "
                     "ve kaynağıyla)",
          summary_en="every tax of a goods code in the tariff book (a summary; _DETAIL: each measure with its "
                     "column, proof and source)",
          args=ARGS)
def tr_gtip_rates(ctx, code, origin, date, certificate):
    found = [_find(ctx, code, tax, origin, certificate) for tax in TAXES]
    found = [Found(f.tax, None, "genel oran (KDV Kanunu md. 28; kitapta ayrı oran yok)") if f.tax == "KDV" and
             f.measure is None else f for f in found]
    shown = [f"{f.tax} {f.measure.describe()}" for f in found if f.measure is not None]
    return RateOutcome("; ".join(shown), found, code, ctx.rule(P_KDV))
