"""ithalat_vergi: a parcel list → regime, taxes, landed cost; summary by regime and currency."""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from trcalc.calc.money import fmt

from .common import COMMON_HELP, history, instructions, lists, errors_sheet, parameters, workbook
from .sheets import (DATE, EUR, PLAIN, RATE, TEXT, TL, Col, Flavour, call, fill, number_or_zero, ranges, summary_rows,
                     table_sheet, title, with_error_flag)

KIND = "ithalat_vergi"
SHEET, TABLE = "Gönderiler", "Gonderiler"

_PARCEL = dict(goods="{goods}{r}", freight=number_or_zero("{freight}{r}"), insurance=number_or_zero("{insurance}{r}"))
_DUTY = dict(_PARCEL, origin="{origin}{r}", duty_rate="{duty_rate}{r}", date="{date}{r}",
             category="{category}{r}", fx="{fx}{r}")

PARCELS = with_error_flag([
    Col("date", "Tarih", 12, DATE, help="gümrük beyan tarihi"),
    Col("goods", "Eşya bedeli (€)", 14, EUR),
    Col("freight", "Navlun (€)", 12, EUR, help="boşsa 0"),
    Col("insurance", "Sigorta (€)", 12, EUR, help="boşsa 0"),
    Col("origin", "Menşe", 10, TEXT, choices="mense", help="ülke kodu, AB, AB DIŞI"),
    Col("category", "Kategori", 11, TEXT, choices="kategori", help="boşsa GENEL"),
    Col("duty_rate", "GTİP vergi oranı", 11, RATE, help="normal rejimde gerekli"),
    Col("fx", "Kur (TL/€)", 11, "#,##0.0000", help="TCMB: beyan tarihinin gümrük kuru; boş: sonuç €",
        default="TCMB"),
    Col("cif", "CIF (€)", 13, EUR, 'IF({goods}{r}="","",' + call("TR_CIF", **_PARCEL) + ")"),
    Col("regime", "Rejim", 11, None, 'IF({goods}{r}="","",' + call("TR_DUTY_REGIME", **_DUTY) + ")"),
    Col("taxes", "Toplam vergi", 14, "#,##0.00", 'IF({goods}{r}="","",' + call("TR_DUTY", **_DUTY) + ")"),
    Col("currency", "Para birimi", 9, None, 'IF({goods}{r}="","",IF({fx}{r}="","EUR","TL"))'),
    Col("landed", "Toplam maliyet", 15, "#,##0.00",
        'IF({goods}{r}="","",IF({fx}{r}="",{cif}{r},{cif}{r}*IF({fx}{r}="TCMB",'
        # the TCMB rate only where the row asks for it: the other rows give the call no currency
        + call("TR_CUSTOMS_FX", currency='IF({fx}{r}="TCMB","EUR","")', date="{date}{r}") + ",{fx}{r}))+{taxes}{r})"),
])


def build(rows: int, flavour: Flavour = PLAIN) -> Workbook:
    wb = workbook(KIND, flavour)
    instructions(wb, "İthalat vergisi — posta ve hızlı kargo gönderileri", [
        "Her satır bir gönderidir: tarih, eşya bedeli, navlun, sigorta (€), menşe, kategori, GTİP gümrük vergisi "
        "oranı ve isterseniz kur. Rejim (FLAT: tek ve maktu vergi, EXEMPT: muaf, REGULAR: normal), toplam vergi "
        "ve toplam maliyet kendiliğinden hesaplanır.",
        "Rejim tarihe, değere, menşeye ve kategoriye göre seçilir. Tek ve maktu vergi sınırı: "
        + history("import.flat.limit", lambda v: f"{fmt(v)} €") + ". Sınır testine navlun ve sigorta dahil mi: "
        + history("import.flat.base_includes_transport", lambda v: "evet" if v else "hayır")
        + ". Genel eşyada tek vergi yolu açık mı: "
        + history("import.flat.general_route", lambda v: "evet" if v else "hayır (her değerde normal rejim)")
        + ". Normal rejimde KDV = (CIF + gümrük vergisi) × KDV oranı (KDV Kanunu md. 21).",
        ("Kur sütunu boş gelir: xlwings Lite TCMB'ye ulaşamaz, beyan tarihinin TCMB gümrük kurunu sayı olarak "
         "yazın. " if flavour.typed_rates else
         "Kur sütunu TCMB yazılı gelir: beyan tarihinin gümrük kuru kullanılır (TR_CUSTOMS_FX, kural fx.customs.*; "
         "TCMB bülteni yerel kur deposundan ya da TCMB'den). Bir kur yazarak değiştirebilirsiniz. ")
        + "Kur boşsa tutarlar €'dur; kur varsa vergiler TL'ye çevrilip kuruşa yuvarlanır.",
        "Kategoriler: GENEL, OTV4 (ÖTV IV listesi), KITAP, ILAC (ilaç/takviye), NUMUNE, TUZEL (tüzel kişi alıcı).",
        *COMMON_HELP,
    ])
    codes = lists(wb)
    table_sheet(wb, SHEET, "Gönderiler ve vergileri", "Sarı sütunları doldurun; gri sütunlar hesaplanır.",
                PARCELS, rows, TABLE, codes)
    refs = ranges(SHEET, PARCELS, rows, "p")
    ws = wb.create_sheet("Özet", 2)
    title(ws, "Özet", "Gönderilerin rejimlere göre sayısı ve para birimine göre toplamları.")
    summary_rows(wb, ws, [
        ("Tek ve maktu vergi (FLAT) gönderi sayısı", '=COUNTIF({p_regime},"FLAT")', "0"),
        ("Muaf (EXEMPT) gönderi sayısı", '=COUNTIF({p_regime},"EXEMPT")', "0"),
        ("Normal rejim (REGULAR) gönderi sayısı", '=COUNTIF({p_regime},"REGULAR")', "0"),
        ("Toplam vergi, € (kursuz satırlar)", '=SUMIFS({p_taxes},{p_currency},"EUR")', EUR),
        ("Toplam maliyet, € (kursuz satırlar)", '=SUMIFS({p_landed},{p_currency},"EUR")', EUR),
        ("Toplam vergi, TL (kurlu satırlar)", '=SUMIFS({p_taxes},{p_currency},"TL")', TL),
        ("Toplam maliyet, TL (kurlu satırlar)", '=SUMIFS({p_landed},{p_currency},"TL")', TL),
    ], refs)
    parameters(wb)
    errors_sheet(wb)
    return wb


def example(flavour: Flavour = PLAIN) -> Workbook:
    wb = build(20, flavour)
    d = dt.date
    seed = {"goods": 60, "freight": 10, "insurance": 5, "origin": "DE", "category": "GENEL", "duty_rate": 0.20,
            "fx": None}
    fill(wb[SHEET], PARCELS, [          # the template's Kur cells say TCMB; rows in € clear them
        {"date": d(2024, 1, 15), **seed},       # before 2024-08-21: flat 18 % of 60 = 10.80
        {"date": d(2024, 9, 1), **seed},        # regular: duty 15.00 + KDV 18.00 = 33.00
        {"date": d(2025, 3, 1), **seed},        # regular (CIF 75 > 30): 33.00
        {"date": d(2026, 3, 1), **seed},        # regular at every value: 33.00
        {"date": d(2025, 3, 1), **seed, "fx": 34.567},   # in TL: 518.51 + 622.21 = 1,140.72
        {"date": d(2025, 1, 10), "goods": 25, "freight": 5, "origin": "CN", "fx": None},  # CIF 30: flat 60 % = 18.00
        {"date": d(2025, 1, 10), "goods": 1490, "freight": 10, "origin": "DE", "category": "KITAP",
         "fx": None},                                                            # exempt
    ])
    return wb
