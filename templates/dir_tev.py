"""dir_tev: DİR imports, norms, exports → TEV per export line and input, late interest, penalty, totals."""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from .common import COMMON_HELP, instructions, lists, parameters, pct, rule, workbook
from .sheets import (DATE, PLAIN, QTY, RATE, TEXT, TL, Col, Flavour, call, fill, ranges, summary_rows, table_sheet,
                     title, with_error_flag)

KIND = "dir_tev"
SHEET, TABLE = "İhracat", "Ihracat"

IMPORTS = [
    Col("decl", "İthalat beyannamesi", 16, TEXT),
    Col("date", "Tarih", 12, DATE),
    Col("input", "Girdi", 14, TEXT, help="normlardaki girdi adı"),
    Col("qty", "Miktar", 12, QTY),
    Col("unit", "Birim", 8, TEXT),
    Col("value", "Değer (döviz)", 15, "#,##0.00"),
    Col("currency", "Döviz", 8, TEXT),
    Col("fx", "İthalat kuru", 11, "#,##0.0000", help="bilgi için; TCMB: tarihin gümrük kuru", default="TCMB"),
    Col("duty_rate", "Gümrük vergisi oranı", 11, RATE, help="İGV hariç"),
    Col("origin", "Menşe", 9, TEXT, choices="ulke"),
    Col("unit_value", "Birim değer", 13, "#,##0.0000", 'IF({qty}{r}="","",{value}{r}/{qty}{r})'),
    # the line's rate in TL: typed, or (TCMB) the customs rate of its own date for its currency
    Col("rate", "Kur (TL)", 11, "#,##0.0000",
        'IF(OR({qty}{r}="",{currency}{r}="",{fx}{r}=""),"",IF({fx}{r}="TCMB",'
        + call("TR_CUSTOMS_FX", currency="{currency}{r}", date="{date}{r}") + ",{fx}{r}))"),
]
NORMS = [
    Col("product", "Ürün", 16, TEXT),
    Col("input", "Girdi", 16, TEXT),
    Col("consumption", "Birim tüketim", 13, QTY, help="1 birim ürün için girdi (fire dahil ya da hariç)"),
    Col("waste", "Fire oranı", 10, RATE, help="tüketim fire hariçse girin; dahilse boş"),
]
_NORM = "{n_product},{product}{r},{n_input},{input}{r}"
EXPORTS = with_error_flag([
    Col("decl", "İhracat beyannamesi", 16, TEXT),
    Col("date", "Tarih", 12, DATE, help="TEV'in vadesi"),
    Col("product", "Ürün", 14, TEXT),
    Col("input", "Girdi", 14, TEXT, help="ürünün her girdisi ayrı satır"),
    Col("qty", "İhraç miktarı", 12, QTY),
    Col("destination", "Varış ülkesi", 10, TEXT, choices="ulke"),
    Col("certificate", "Menşe belgesi", 10, TEXT, choices="belge"),
    Col("fx", "Kur (TL)", 10, "#,##0.0000", help="ithalat dövizinin kuru; TCMB: ihracat tarihinin gümrük kuru",
        default="TCMB"),
    Col("paid", "Ödeme tarihi", 12, DATE, help="geç ödendiyse"),
    Col("voluntary", "Gönüllü bildirim", 10, None, choices="evethayir", help="idareden önce bildirildi mi"),
    Col("consumption", "Birim tüketim", 11, QTY,
        'IF({qty}{r}="","",IF(COUNTIFS(' + _NORM + ')=0,"norm yok",SUMIFS({n_consumption},' + _NORM + ')))'),
    Col("waste", "Fire", 8, RATE,
        'IF({qty}{r}="","",IF(SUMIFS({n_waste},' + _NORM + ')=0,"",SUMIFS({n_waste},' + _NORM + ')))'),
    Col("imp_value", "İthalat değeri (döviz)", 14, "#,##0.00",
        'IF({qty}{r}="","",SUMIFS({i_value},{i_input},{input}{r}))'),
    Col("imp_qty", "İthalat miktarı", 12, QTY, 'IF({qty}{r}="","",SUMIFS({i_qty},{i_input},{input}{r}))'),
    Col("duty_rate", "Vergi oranı", 9, RATE,
        'IF({qty}{r}="","",INDEX({i_duty_rate},MATCH({input}{r},{i_input},0)))'),
    Col("applies", "TEV doğar mı", 9, None, 'IF({qty}{r}="","",' + call(
        "TR_TEV_APPLIES", destination="{destination}{r}", certificate="{certificate}{r}", date="{date}{r}") + ")"),
    Col("tev", "TEV (TL)", 15, TL, 'IF({qty}{r}="","",' + call(
        "TR_TEV", import_value="{imp_value}{r}", import_qty="{imp_qty}{r}", export_qty="{qty}{r}",
        consumption="{consumption}{r}", duty_rate="{duty_rate}{r}", fx="{fx}{r}", waste_rate="{waste}{r}",
        destination="{destination}{r}", certificate="{certificate}{r}", date="{date}{r}",
        currency="{currency}{r}") + ")"),
    Col("interest", "Gecikme zammı (TL)", 14, TL, 'IF(OR({qty}{r}="",{paid}{r}=""),"",' + call(
        "TR_LATE_INTEREST", amount="{tev}{r}", due_date="{date}{r}", pay_date="{paid}{r}") + ")"),
    Col("penalty", "Para cezası (TL)", 14, TL, 'IF(OR({qty}{r}="",{paid}{r}=""),"",' + call(
        "TR_TEV_PENALTY", tev="{tev}{r}", voluntary="{voluntary}{r}", date="{date}{r}") + ")"),
    # The input's currency (its first import's), which TR_TEV needs when the rate is TCMB; last, so the
    # columns before keep their letters.
    Col("currency", "Döviz (TCMB kuru için)", 9, None,
        'IF(OR({qty}{r}="",{fx}{r}<>"TCMB"),"",INDEX({i_currency},MATCH({input}{r},{i_input},0)))'),
])


def build(rows: int, flavour: Flavour = PLAIN) -> Workbook:
    wb = workbook(KIND, flavour)
    instructions(wb, "DİR — telafi edici vergi (TEV), gecikme zammı ve ceza", [
        "İthalat sayfası: dahilde işleme kapsamında ithal edilen girdiler (beyanname, tarih, girdi, miktar, "
        "birim, döviz değeri, döviz, kur, gümrük vergisi oranı — İGV hariç —, menşe). Kur TCMB yazılı gelir: "
        "Kur (TL) sütunu satırın tarihindeki gümrük kurudur (TR_CUSTOMS_FX).",
        "Normlar sayfası: her ürün için birim ürün başına girdi tüketimi. Tüketim fireyi içeriyorsa fire oranını "
        "boş bırakın; içermiyorsa fire oranını girin (kullanım ÷ (1 − fire)). Yanan ve yok olan fireler TEV'e "
        "dahildir (GGM 75325507 sayılı yazı).",
        "İhracat sayfası: her ihracat satırı ürünün bir girdisi içindir (bir ürün iki girdi kullanıyorsa iki "
        "satır). Kur, ithalat dövizinin (ilk ithalatın dövizi) ihracat tarihindeki TL karşılığıdır; TCMB yazılı "
        "gelir: ihracat tarihinin gümrük kuru (TR_CUSTOMS_FX); bir kur yazarak değiştirebilirsiniz. TEV = ihraç miktarı × birim tüketim "
        "× girdinin birim değeri (aynı girdinin tüm ithalatlarının ortalaması) × vergi oranı × kur; kuruşa "
        "yuvarlanır ve beyannamede 61 vergi koduyla beyan edilir.",
        "TEV; A.TR ile AB'ye, EUR.1 / EUR-MED / fatura beyanıyla PAAMK ve STA ortaklarına ihracatta doğar; "
        "İngiltere ve Güney Kore'ye doğmaz. Belge YOK ise doğmaz.",
        f"Ödeme tarihi girilirse gecikme zammı (vade: ihracat tarihi) ve para cezası (vergi × "
        f"{pct(rule('tev.penalty_fraction'))}; gönüllü bildirimde 0) hesaplanır.",
        *COMMON_HELP,
    ])
    codes = lists(wb)
    n_imports = max(10, rows // 6)
    table_sheet(wb, "İthalat", "İthalat (girdiler)", "Dahilde işleme kapsamında ithal edilen girdiler.",
                IMPORTS, n_imports, "Ithalat", codes)
    table_sheet(wb, "Normlar", "Normlar (birim tüketim)", "Birim ürün başına girdi tüketimi.",
                NORMS, n_imports, "Normlar", codes)
    refs = {**ranges("İthalat", IMPORTS, n_imports, "i"), **ranges("Normlar", NORMS, n_imports, "n")}
    table_sheet(wb, SHEET, "İhracat ve TEV", "Her ihracat satırı için TEV, gecikme zammı ve ceza.",
                EXPORTS, rows, TABLE, codes, refs)
    x = ranges(SHEET, EXPORTS, rows, "x")
    ws = wb.create_sheet("Özet", 4)
    title(ws, "Özet", "TEV, gecikme zammı ve para cezası toplamları.")
    summary_rows(wb, ws, [
        ("İhracat satırı", "=COUNT({x_qty})", "0"),
        ("TEV doğan satır", "=COUNTIF({x_applies},TRUE)", "0"),
        ("Toplam TEV", "=SUM({x_tev})", TL),
        ("Toplam gecikme zammı", "=SUM({x_interest})", TL),
        ("Toplam para cezası", "=SUM({x_penalty})", TL),
        ("Genel toplam", "=SUM({x_tev})+SUM({x_interest})+SUM({x_penalty})", TL),
    ], x)
    parameters(wb)
    return wb


def example() -> Workbook:
    wb = build(20)
    d = dt.date
    fill(wb["İthalat"], IMPORTS, [
        {"decl": "25340100IM000001", "date": d(2025, 1, 15), "input": "IPLIK", "qty": 10000, "unit": "kg",
         "value": 100000, "currency": "USD", "fx": 30, "duty_rate": 0.10, "origin": "CN"},
    ])
    fill(wb["Normlar"], NORMS, [
        {"product": "KUMAS", "input": "IPLIK", "consumption": 1},
        {"product": "GOMLEK", "input": "IPLIK", "consumption": 0.49, "waste": 0.02},
    ])
    fill(wb[SHEET], EXPORTS, [
        # seed 004: 5,000 kg × 1 × 10 $/kg × 10 % × 30 TL = 150,000.00 TL
        {"decl": "25340100EX000001", "date": d(2025, 3, 24), "product": "KUMAS", "input": "IPLIK", "qty": 5000,
         "destination": "DE", "certificate": "ATR", "fx": 30},
        # to the UK with EUR.1: no TEV
        {"decl": "25340100EX000002", "date": d(2025, 4, 2), "product": "KUMAS", "input": "IPLIK", "qty": 1000,
         "destination": "GB", "certificate": "EUR1", "fx": 31},
        # 2,000 shirts × 0.49 ÷ 0.98 = 1,000 kg × 10 $ × 10 % × 30 = 30,000.00 TL; paid 2025-12-13:
        # gecikme zammı 10 % (1 month 12 days at 4.5 %, 1 month at 3.7 %) = 3,000.00; fine 1/4 = 7,500.00
        {"decl": "25340100EX000003", "date": d(2025, 10, 1), "product": "GOMLEK", "input": "IPLIK", "qty": 2000,
         "destination": "EG", "certificate": "EUR1", "fx": 30, "paid": d(2025, 12, 13), "voluntary": "YANLIŞ"},
    ])
    return wb
