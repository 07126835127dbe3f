"""Micro export with a BGB (simplified declaration) and the KDV refund on export.

A shipment fits the BGB route when its gross weight and its value are both
within the limits in force (both inclusive, "geçmeyen"): 300 kg / 15,000 EUR
until 2026-01-02, 600 kg / 30,000 EUR from 2026-01-03 (the Tebliğ amending the
post and express courier Tebliğ, RG 03.01.2026).

Exports are KDV exempt (KDV Law art. 11/1-a); the input KDV borne on them is
refunded (art. 32), up to the export value × the general KDV rate.

>>> from trcalc.calc import call
>>> call("TR_MICRO_EXPORT", 300, 15000, "2025-06-01")
True
>>> call("TR_EXPORT_KDV_REFUND", 25000, 100000, "2025-06-01")
Decimal('20000.00')
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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

    def rows(self):
        return [
            ("Yüklenilen KDV", "", self.input_kdv),
            ("İade üst sınırı", f"{fmt(self.export_value)} TL × {fmt_rate(self.rate)}", self.ceiling),
            ("İade edilecek KDV", f"en küçüğü ({fmt(self.input_kdv)}; {fmt(self.ceiling)})", self.value),
            ("Yasal dayanak", "KDV Kanunu md. 11/1-a (istisna), md. 32 (iade); KDV Genel Uygulama Tebliği "
                              "(iade edilecek KDV, ihracat bedeli × genel oranı aşamaz)", ""),
        ]


@function("TR_EXPORT_KDV_REFUND", topic="export", result="money", detail=True,
          summary_tr="İhracatta iade edilecek KDV: yüklenilen KDV, en çok ihracat bedeli × genel KDV oranı",
          summary_en="refundable KDV on export: input KDV, at most export value × the general KDV rate",
          args=[Arg("input_kdv", "money", "İhracata ait yüklenilen KDV (TL)", "input KDV borne on the export, TRY"),
                Arg("export_value", "money", "İhracat bedeli (TL)", "export value, TRY"),
                AS_OF])
def tr_export_kdv_refund(ctx, input_kdv, export_value, date):
    rate = ctx.rule(P_KDV)
    ceiling = round_money(export_value * rate)
    return RefundOutcome(input_kdv, export_value, rate, ceiling, min(round_money(input_kdv), ceiling))
