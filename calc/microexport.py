"""Micro export with a BGB (simplified declaration) and the KDV refund on export.

A shipment fits the BGB route when its gross weight and its value are both
within the limits in force (both inclusive, "geçmeyen"): 300 kg / 15,000 EUR
until 2026-01-02, 600 kg / 30,000 EUR from 2026-01-03 (the Tebliğ amending the
post and express courier Tebliğ, RG 03.01.2026).

Exports are KDV exempt (KDV Law art. 11/1-a); the input KDV borne on them is
refunded (art. 32).  The KDV General Communiqué caps the refund three ways:
(1) at the export value × the general KDV rate; when the goods were bought with
    ihraç kaydı (art. 11/1-c, bought free of KDV), their purchase price is left out
    of that base: (export value − ihraç kayıtlı purchases) × rate;
(2) at the KDV carried forward to the next period on the period's return ("sonraki
    döneme devreden KDV"): a refund is only of KDV that was not offset.
Example (kdvuzmani.com's worked cases, 18 % then): exports of 1,000,000 TL, goods bought
with ihraç kaydı for 600,000 TL → (1,000,000 − 600,000) × 18 % = 72,000 TL; exports of
4,000,000 TL, 500,000 TL carried forward → 720,000 capped at 500,000 TL.

>>> from trcalc.calc import call
>>> call("TR_MICRO_EXPORT", 300, 15000, "2025-06-01")
True
>>> call("TR_EXPORT_KDV_REFUND", 25000, 100000, "2025-06-01")
Decimal('20000.00')
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import CalcError
from .money import fmt, fmt_num, fmt_rate, round_money
from .registry import AS_OF, Arg, Outcome, function
from .rules.store import param

P_KG = param("microexport.max_kg")
P_EUR = param("microexport.max_eur")
P_KDV = param("kdv.general_rate")



@dataclass
class MicroOutcome(Outcome):
    kg: Decimal
    eur: Decimal
    max_kg: Decimal
    max_eur: Decimal
    value: bool

    def rows(self):
        return [
            ("Brüt ağırlık", f"{fmt_num(self.kg)} kg ≤ {fmt_num(self.max_kg)} kg", self.kg <= self.max_kg),
            ("Değer", f"{fmt(self.eur)} € ≤ {fmt(self.max_eur)} €", self.eur <= self.max_eur),
            ("BGB ile mikro ihracat", "her iki sınır da sağlanmalı", self.value),
        ]


@function("TR_MICRO_EXPORT", topic="export", result="bool", detail=True,
          summary_tr="Gönderi BGB (basitleştirilmiş beyan) ile mikro ihracat sınırlarına uyuyor mu",
          summary_en="does the shipment fit the BGB (simplified declaration) micro-export limits",
          args=[Arg("gross_kg", "positive", "Brüt ağırlık (kg)", "gross weight in kg"),
                Arg("value_eur", "money", "Gönderi değeri (€)", "shipment value in EUR"),
                AS_OF])
def tr_micro_export(ctx, gross_kg, value_eur, date):
    max_kg, max_eur = ctx.rule(P_KG), ctx.rule(P_EUR)
    return MicroOutcome(gross_kg, value_eur, max_kg, max_eur, gross_kg <= max_kg and value_eur <= max_eur)


@dataclass
class RefundOutcome(Outcome):
    unit = "TL"
    input_kdv: Decimal
    export_value: Decimal
    rate: Decimal
    ceiling: Decimal
    value: Decimal
    carried: Decimal | None = None
    bought_free: Decimal | None = None

    def rows(self):
        base = self.export_value - (self.bought_free or 0)
        if self.bought_free:
            ceiling = (f"({fmt(self.export_value)} − {fmt(self.bought_free)} ihraç kayıtlı alım) TL × "
                       f"{fmt_rate(self.rate)}")
        else:
            ceiling = f"{fmt(base)} TL × {fmt_rate(self.rate)}"
        rows = [("Yüklenilen KDV", "", self.input_kdv), ("İade üst sınırı", ceiling, self.ceiling)]
        limits = [fmt(self.input_kdv), fmt(self.ceiling)]
        if self.carried is not None:
            rows.append(("Sonraki döneme devreden KDV", "iade bu tutarı aşamaz", self.carried))
            limits.append(fmt(self.carried))
        rows += [
            ("İade edilecek KDV", f"en küçüğü ({'; '.join(limits)})", self.value),
            ("Yasal dayanak", "KDV Kanunu md. 11/1-a (istisna), md. 11/1-c (ihraç kaydıyla teslim), md. 32 "
                              "(iade); KDV Genel Uygulama Tebliği (RG 26.04.2014 sayı 28983) iade bölümü: iade "
                              "edilecek KDV ihracat bedeli × genel oranı ve dönemin sonraki döneme devreden "
                              "KDV'sini aşamaz; ihraç kaydıyla alınan malların bedeli ihracat bedelinden düşülür "
                              "(uygulamada: kdvuzmani.com)", ""),
        ]
        return rows


@function("TR_EXPORT_KDV_REFUND", topic="export", result="money", detail=True,
          summary_tr="İhracatta iade edilecek KDV: yüklenilen KDV, en çok ihracat bedeli × genel KDV oranı",
          summary_en="refundable KDV on export: input KDV, at most export value × the general KDV rate",
          args=[Arg("input_kdv", "money", "İhracata ait yüklenilen KDV (TL)", "input KDV borne on the export, TRY"),
                Arg("export_value", "money", "İhracat bedeli (TL)", "export value, TRY"),
                AS_OF,
                Arg("carried", "money", "Dönemin sonraki döneme devreden KDV'si (TL; boş: sınır yok)",
                    "the period's KDV carried forward to the next period, TRY (empty: no cap)", optional=True,
                    excel="devreden_kdv"),
                Arg("bought_free", "money", "İhraç kaydıyla (KDV'siz) alınan malların bedeli (TL)",
                    "price of the goods bought with ihraç kaydı (free of KDV), TRY", optional=True,
                    excel="ihrac_kayitli_alim")])
def tr_export_kdv_refund(ctx, input_kdv, export_value, date, carried, bought_free):
    rate = ctx.rule(P_KDV)
    if bought_free is not None and bought_free > export_value:
        raise CalcError("out_of_range", f"ihraç kayıtlı alım ({fmt(bought_free)}) ihracat bedelini "
                        f"({fmt(export_value)}) aşamaz", f"the ihraç kayıtlı purchases ({bought_free}) exceed "
                        f"the export value ({export_value})", "ihrac_kayitli_alim")
    ceiling = round_money((export_value - (bought_free or 0)) * rate)
    value = min(round_money(input_kdv), ceiling)
    if carried is not None:
        value = min(value, round_money(carried))
    return RefundOutcome(input_kdv, export_value, rate, ceiling, value, carried, bought_free)
