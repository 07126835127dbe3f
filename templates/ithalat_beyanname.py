"""ithalat_beyanname: a commercial import declaration → each line's taxes, the declaration's totals,
its stamp duty and each line's landed cost (TR_IMPORT_TAXES, TR_IMPORT_TAX_PART, TR_DECLARATION_STAMP,
TR_STAMP_SHARE).

The declaration's stamp duty is a tax paid on import, so it is in the KDV base (KDV Law art. 21(b);
issue 26.5): each line takes its share by customs value (TR_STAMP_SHARE, cumulative rounding over
the lines above, so the shares add up to the duty) into its KDV base, KDV and total.

The declaration's header (date, currency, rate — TCMB by default —, payment method) sits on the
Beyanname sheet; every line of the Kalemler sheet refers to it.  Each tax column is one
`TR_IMPORT_TAX_PART` of the same computation as `TR_IMPORT_TAXES`, so the columns always add up
to the line's total.
"""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from trcalc.calc.customs import PAYMENTS
from trcalc.calc.money import fmt

from .common import COMMON_HELP, history, instructions, lists, errors_sheet, parameters, pct, rule, workbook
from .sheets import (DATE, ERROR_HEADER, HEADER_FILL, HEADER_FONT, HEADER_ROW, PLAIN, QTY, RATE, TEXT, TL, Col, Flavour,
                     call, fill, flavour_of, header_line, number_or_zero, print_setup, protect, ranges, stamp_area,
                     summary_area, table_sheet, title, unlock, error_count, with_error_flag, lite_help,
                     typed_rate_validation)

KIND = "ithalat_beyanname"
HEAD, SHEET, TABLE = "Beyanname", "Kalemler", "Kalemler"
TARIFF, TARIFF_TABLE = "Tarife", "Tarife"     # as many rows as the Kalemler table; rows insert inside it
LINES = SHEET
TCMB_DEFAULT = "TCMB"

# The header cells every line refers to (absolute, so rows can be inserted anywhere in the table).
# Lines take the applied rate (B9: the typed rate, or TR_CUSTOMS_FX when the header says TCMB), so the
# rate is looked up once per declaration, not once per cell.
H = {"date": f"{HEAD}!$B$5", "currency": f"{HEAD}!$B$6", "fx": f"{HEAD}!$B$9", "payment": f"{HEAD}!$B$8"}
# The rates a line is computed with (issue 27.4): the typed rate; else, for a GTİP on the Tarife sheet (the
# firm's own codes: a native MATCH, in the line's own "Tarife satırı" column, so each line looks up once and
# the work stays linear in the lines), the sheet's rate; else, with no typed GV rate, the GTİP goes to
# TR_IMPORT_TAXES, which takes the rates from the tariff book (the team server's in remote mode).
_LINE = dict(value="{value}{r}", currency=H["currency"], fx=H["fx"], duty_rate="{a_duty}{r}",
             igv_rate="{a_igv}{r}", otv="{otv}{r}", antidumping="{antidumping}{r}",
             other_costs="{other_costs}{r}", kdv_rate="{a_kdv}{r}", payment=H["payment"], date=H["date"],
             code="{a_code}{r}", origin="{origin}{r}", certificate="{certificate}{r}", quantity="{quantity}{r}",
             # written out, never left out between given arguments: LibreOffice passes an omitted one as 0
             stamp='""', kkdf_exemption='""')
# the same line as typed, with its GTİP: what the tariff book check compares
_TYPED = dict(_LINE, duty_rate="{duty_rate}{r}", igv_rate="{igv_rate}{r}", kdv_rate="{kdv_rate}{r}",
              code="{gtip}{r}")


def _digits(ref: str) -> str:
    """A GTİP as its digits (the tariff prints 5208.11.10.00.00)."""
    return f'SUBSTITUTE(SUBSTITUTE({ref},".","")," ","")'


def _sheet_rate(key: str) -> str:
    """The Tarife sheet's rate of the line's row ("" when the line has none there, or the cell is empty)."""
    at = f"INDEX({{t_{key}}},{{t_row}}{{r}})"
    return f'IF({{t_row}}{{r}}="","",IF({at}="","",{at}))'


def _applied(typed: str, key: str) -> str:
    return f'IF({{{typed}}}{{r}}<>"",{{{typed}}}{{r}},{_sheet_rate(key)})'


def _differs(typed: str, key: str, label: str) -> str:
    at = f"INDEX({{t_{key}}},{{t_row}}{{r}})"
    return f'IF(({{{typed}}}{{r}}<>"")*({at}<>"")*({{{typed}}}{{r}}<>{at}),"{label} ","")'


TARIFF_COLS = [
    Col("gtip", "GTİP", 16, TEXT, help="12 hane; noktalı yazılabilir"),
    Col("origin", "Menşe", 9, TEXT, help="* (diğer ülkeler) ya da ülke kodu (CN, DE …)"),
    Col("duty_rate", "GV oranı", 9, RATE, help="gümrük vergisi"),
    Col("igv_rate", "İGV oranı", 9, RATE, help="yoksa boş"),
    Col("kdv_rate", "KDV oranı", 9, RATE, help="boşsa genel oran"),
    Col("source", "Kaynak", 34, TEXT, help="karar, RG tarihi ve sayısı, liste"),
    Col("key", "Anahtar", 18, None,
        'IF({gtip}{r}="","",CONCATENATE(' + _digits("{gtip}{r}") + ',"#",IF({origin}{r}="","*",UPPER({origin}{r}))))',
        help="GTİP#menşe (kalemler bununla arar)"),
]


# the parts that depend on the line's stamp-duty share (the share needs the declaration's total customs
# value, so the customs value itself must not depend on it)
_STAMPED = dict(_LINE, stamp="{stamp}{r}")


def _part(item: str, line: dict = _LINE) -> str:
    return 'IF({value}{r}="","",' + call("TR_IMPORT_TAX_PART", part=f'"{item}"', **line) + ")"


MONEY = "#,##0.00"
LINE_COLS = with_error_flag([
    Col("gtip", "GTİP", 16, TEXT, help="12 hane; oranlar boşsa Tarife sayfasından ya da tarife kitabından"),
    Col("description", "Eşyanın tanımı", 24, TEXT),
    Col("value", "Gümrük değeri (döviz, CIF)", 15, MONEY, help="başlıktaki dövizle"),
    Col("duty_rate", "GV oranı", 9, RATE, help="tarife ya da tercihli oran"),
    Col("igv_rate", "İGV oranı", 9, RATE, help="İGV listesi; yoksa boş"),
    Col("otv", "ÖTV (TL)", 12, MONEY, help="beyannamedeki tutar"),
    Col("antidumping", "Anti-damping (TL)", 12, MONEY, help="beyannamedeki tutar"),
    Col("other_costs", "Diğer giderler (TL)", 12, MONEY, help="tescile kadar; KDV matrahına girer"),
    Col("kdv_rate", "KDV oranı", 9, RATE, help="boşsa Tarife sayfası ya da genel oran"),
    Col("origin", "Menşe", 9, TEXT, choices="ulke", help="GTİP ile: oran menşeye göre"),
    Col("certificate", "Menşe belgesi", 10, TEXT, choices="belge", help="tercihli oran için"),
    Col("quantity", "Miktar", 11, QTY, help="tarifenin biriminde; maktu vergi için"),
    Col("customs_value", "Gümrük değeri (TL)", 15, MONEY, _part("DEGER")),     # Decimal: 12,000 × 41.8 exactly
    Col("duty", "GV (TL)", 13, MONEY, _part("GV")),
    Col("igv", "İGV (TL)", 13, MONEY, _part("IGV")),
    Col("kkdf", "KKDF (TL)", 12, MONEY, _part("KKDF")),
    Col("kdv_base", "KDV matrahı (TL)", 15, MONEY, _part("MATRAH", _STAMPED)),
    Col("kdv", "KDV (TL)", 13, MONEY, _part("KDV", _STAMPED)),
    Col("total", "Toplam vergi (TL)", 14, MONEY,
        'IF({value}{r}="","",' + call("TR_IMPORT_TAXES", **_STAMPED) + ")"),
    # the line's landed cost (TR_IMPORT_TAX_PART's MALIYET): value + other costs + taxes (its stamp-duty
    # share included) except the deductible KDV
    Col("landed", "Maliyet (TL, KDV hariç)", 16, MONEY,
        'IF({value}{r}="","",{customs_value}{r}+' + number_or_zero("{other_costs}{r}") + '+{total}{r}-{kdv}{r})'),
    # the line's share of the declaration's stamp duty by customs value; the lines above it make the
    # cumulative rounding: in the column's one formula (issue 23.1) their sum is TR_RUNNING_SUM in row
    # order; one formula per row (`Flavour.rows`) sums from the row above the header down — two cells, so
    # every engine reads a range — so rows can be inserted
    Col("stamp", "Damga vergisi payı (TL)", 14, MONEY,
        'IF({value}{r}="","",' + call("TR_STAMP_SHARE", value="{customs_value}{r}", total=f"{HEAD}!$B$12",
                                      before=call("TR_RUNNING_SUM", group='"1"', order="ROW({value}{r})",
                                                  amount="{customs_value}{r}"),
                                      date=H["date"]) + ")",
        per_row='IF({value}{r}="","",' + call("TR_STAMP_SHARE", value="{customs_value}{r}", total=f"{HEAD}!$B$12",
                                              before=f"SUM({{customs_value}}${HEADER_ROW - 1}:{{customs_value}}{{p}})",
                                              date=H["date"]) + ")",
        help="KDV matrahına girer"),
    # the tariff: the line's row on the Tarife sheet (its origin's, else the "*" row), the rates applied,
    # the GTİP asked of the tariff book, and the check of the typed rates
    Col("t_row", "Tarife satırı", 8, "0",
        'IF({gtip}{r}="","",IFERROR(MATCH(CONCATENATE(' + _digits("{gtip}{r}") + ',"#",UPPER({origin}{r})),{t_key},0),'
        'IFERROR(MATCH(CONCATENATE(' + _digits("{gtip}{r}") + ',"#*"),{t_key},0),"")))',
        help="Tarife sayfasında GTİP'in satırı (yoksa boş)"),
    Col("a_duty", "GV oranı (uygulanan)", 10, RATE, _applied("duty_rate", "duty_rate"),
        help="yazılan; yoksa Tarife sayfası"),
    Col("a_igv", "İGV oranı (uygulanan)", 10, RATE, _applied("igv_rate", "igv_rate")),
    Col("a_kdv", "KDV oranı (uygulanan)", 10, RATE, _applied("kdv_rate", "kdv_rate"), help="boşsa genel oran"),
    Col("a_code", "GTİP (tarife kitabına)", 16, TEXT,
        'IF({gtip}{r}="","",IF({t_row}{r}<>"","",IF({duty_rate}{r}<>"","",{gtip}{r})))',
        help="GV oranı yazılmamış, Tarife sayfasında olmayan GTİP: oranlar tarife kitabından"),
    Col("check", "Tarife kontrolü", 30, TEXT,
        'IF({gtip}{r}="","",IF({t_row}{r}<>"",IF(CONCATENATE(' + _differs("duty_rate", "duty_rate", "GV")
        + "," + _differs("igv_rate", "igv_rate", "İGV") + "," + _differs("kdv_rate", "kdv_rate", "KDV")
        + ')="","",CONCATENATE("Tarife sayfasından farklı: ",' + _differs("duty_rate", "duty_rate", "GV")
        + "," + _differs("igv_rate", "igv_rate", "İGV") + "," + _differs("kdv_rate", "kdv_rate", "KDV") + ')),'
        'IF({origin}{r}="","",' + call("TR_IMPORT_TAXES_CHECK", **_TYPED) + ')))',
        help="yazılan oran Tarife sayfasındakinden ya da (menşe verilmişse) tarife kitabındakinden farklıysa"),
    # the amounts as assessed (typed, or from the tariff book): what the declaration's totals add up
    Col("a_otv", "ÖTV (TL, uygulanan)", 13, MONEY, _part("OTV"), help="yazılan ya da tarife kitabından"),
    Col("a_antidumping", "Anti-damping (TL, uygulanan)", 13, MONEY, _part("DAMPING"),
        help="yazılan ya da tarife kitabından"),
])

HEADER_INPUTS = [
    # row, label, key, number format, list, help
    (5, "Beyanname tescil tarihi", "date", DATE, None, "kurallar ve TCMB kuru bu tarihe göre; boşsa bugün"),
    (6, "Döviz", "currency", TEXT, "doviz", "kalemlerdeki gümrük değerlerinin dövizi (TRY: kur gerekmez)"),
    (7, "Kur (TL / birim)", "fx", "#,##0.0000", None,
     "TCMB: tescilden önceki iş gününün TCMB döviz satış kuru; ya da kuru yazın"),
    (8, "Ödeme şekli", "payment", TEXT, "odeme", "KKDF: " + ", ".join(PAYMENTS.codes)),
]


def _totals(refs: dict) -> list[tuple[int, str, str, str]]:
    """(row, label, formula, format) of the Beyanname sheet's computed part."""
    fx = f"IF(OR($B$7=\"\",$B$7=\"{TCMB_DEFAULT}\")," + call("TR_CUSTOMS_FX", currency="$B$6", date="$B$5") + ",$B$7)"
    return [
        (9, "Uygulanan kur", f'IF($B$6="","",{fx})', "#,##0.0000"),
        (12, "Gümrük değeri toplamı", "SUM({k_customs_value})", TL),
        (13, "Gümrük vergisi (GV)", "SUM({k_duty})", TL),
        (14, "İlave gümrük vergisi (İGV)", "SUM({k_igv})", TL),
        (15, "Özel tüketim vergisi (ÖTV)", "SUM({k_a_otv})", TL),
        (16, "Anti-damping / telafi edici vergi", "SUM({k_a_antidumping})", TL),
        (17, "KKDF", "SUM({k_kkdf})", TL),
        (18, "KDV", "SUM({k_kdv})", TL),
        (19, "Toplam vergi (damga payı dahil)", "SUM({k_total})", TL),
        (20, "Damga vergisi (beyanname başına)", call("TR_DECLARATION_STAMP", date="$B$5"), TL),
        (21, "Ödenecek toplam", "$B$19", TL),
        (22, "Maliyet toplamı (KDV hariç, damga dahil)", "SUM({k_landed})", TL),
    ]


def _header(wb, codes: dict, refs: dict, fx_default: object) -> None:
    ws = wb.create_sheet(HEAD, 1)
    flavour = flavour_of(wb)
    title(ws, "İthalat beyannamesi — başlık ve toplamlar",
          "Sarı hücreleri doldurun; kalemler Kalemler sayfasında, vergiler ve toplamlar kendiliğinden hesaplanır.")
    for col, text in enumerate(("Alan", "Değer", "Açıklama"), start=1):
        c = ws.cell(HEADER_ROW, col, text)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
    for row, label, key, number_format, choices, help_text in HEADER_INPUTS:
        ws.cell(row, 1, label)
        typed = key == "fx" and flavour.typed_rates            # xlwings Lite: the rate is typed (issue 23.3)
        c = ws.cell(row, 2, fx_default if key == "fx" and not (typed and fx_default == TCMB_DEFAULT) else None)
        c.number_format = number_format
        unlock(c)
        ws.cell(row, 3, lite_help(help_text) if typed else help_text)
        if typed:
            ws.add_data_validation(typed_rate_validation(f"B{row}"))
        if choices:
            dv = DataValidation(type="list", formula1=codes[choices], allow_blank=True, showErrorMessage=True,
                                errorTitle="Geçersiz kod", error="Listeden bir kod seçin / choose a code from the list")
            dv.add(f"B{row}")
            ws.add_data_validation(dv)
    ws.cell(11, 1, "Beyanname toplamları (TL)").font = HEADER_FONT
    ws.cell(11, 1).fill = HEADER_FILL
    for row, label, formula, number_format in _totals(refs):
        ws.cell(row, 1, label)
        c = ws.cell(row, 2, "=" + flavour.apply(formula.format(**refs)))
        c.number_format = number_format
        # rows in error beside every total (issue 13.7; the payable total is the lines' total + stamp duty)
        count = error_count("SUM({k_total})" if "$B$19" in formula else formula, refs)
        if count:
            ws.cell(row, 4, "=" + count).number_format = "0"
    h = ws.cell(11, 4, ERROR_HEADER)
    h.fill, h.font = HEADER_FILL, HEADER_FONT
    ws.column_dimensions["D"].width = 13
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 70
    protect(ws)
    header_line(ws, 2, 4, 143)          # the header fields in place of the help line (Talimatlar says it)
    summary_area(wb, ws, 12, 22)
    end = stamp_area(wb, ws, 24)
    print_setup(ws, 130, f"A1:D{end}", repeat="2:2")


def _tariff_sheet(wb, codes: dict, rows: int) -> None:
    table_sheet(wb, TARIFF, "Tarife — firmanın kendi GTİP'leri ve oranları",
                "Sarı sütunlara firmanın ithal ettiği GTİP'leri ve oranlarını yazın; Kalemler'de oranı boş bırakılan "
                "kalem oranını buradan alır (menşeye özel satır, yoksa * satırı).",
                TARIFF_COLS, rows, TARIFF_TABLE, codes)


def build(rows: int, flavour: Flavour = PLAIN, fx_default: object = TCMB_DEFAULT) -> Workbook:
    wb = workbook(KIND, flavour)
    instructions(wb, "İthalat beyannamesi — kalem kalem vergiler, damga vergisi, maliyet", [
        "Beyanname sayfasına tescil tarihini, dövizi, kuru "
        + ("(xlwings Lite'ta sayı olarak: tescilden önceki iş gününün TCMB döviz satış kuru)" if flavour.typed_rates
           else "(varsayılan TCMB: tescilden önceki iş gününün TCMB döviz satış kuru)")
        + " ve ödeme şeklini yazın; Kalemler sayfasında her satır bir beyanname kalemidir: GTİP, tanım, "
        "gümrük değeri (CIF, başlıktaki dövizle), GV ve İGV oranları, beyannamedeki ÖTV ve anti-damping tutarları "
        "(TL), tescile kadar yapılan diğer giderler (TL) ve eşyanın KDV oranı (boşsa genel oran).",
        "Her kalemde: GV = gümrük değeri × GV oranı; İGV = gümrük değeri × İGV oranı; KKDF = gümrük değeri × KKDF "
        "oranı (yalnız " + ", ".join(rule("customs.kkdf.credit_methods"))
        + "; KKDF oranı: " + history("customs.kkdf.credit_rate", pct) + "); KDV = KDV oranı × (gümrük değeri + GV + "
        "İGV + ÖTV + anti-damping + KKDF + damga vergisi payı + diğer giderler) — KDV Kanunu md. 21. Her vergi kuruşa bir kez "
        "yuvarlanır (yarım kuruş yukarı).",
        "Peşin, vesaik mukabili ve görüşte ödemeli akreditifte KKDF yoktur; vadeli bir ithalatın bedeli tescil "
        "tarihine kadar ödendiyse de yoktur (ödeme şekli PESIN seçin).",
        "Damga vergisi beyanname başınadır (488 sayılı Kanun (1) sayılı tablo IV-2/c): "
        + history("customs.stamp.declaration", lambda v: f"{fmt(v)} TL") + ". İthalde ödenen bir vergi olduğundan "
        "KDV matrahına girer (KDV Kanunu md. 21(b)): kalemlere gümrük değerleri oranında dağıtılır (paylar "
        "toplamı damga vergisine kuruşu kuruşuna eşittir), her kalemin payı KDV matrahına, KDV'sine, toplam "
        "vergisine ve maliyetine girer.",
        "Oranlar (GV, İGV) GTİP'e ve menşeye göre tarife cetvelinden ve İthalat Rejimi Kararı listelerinden "
        "alınır; örnek dosyadaki oranlar gösterim içindir.",
        "Boş bırakılan oran GTİP ve menşeyle Tarife sayfasından (firmanın kendi kodları), orada yoksa tarife "
        "kitabından gelir; yazılan oran kullanılır, farklıysa 'Tarife kontrolü' sütunu yazar.",
        *COMMON_HELP,
    ])
    codes = lists(wb)
    tariff = ranges(TARIFF, TARIFF_COLS, rows, "t", start=HEADER_ROW)
    table_sheet(wb, LINES, "Beyanname kalemleri ve vergileri",
                "Sarı sütunları doldurun; gri sütunlar Beyanname sayfasındaki başlıkla hesaplanır.",
                LINE_COLS, rows, TABLE, codes, tariff)
    _tariff_sheet(wb, codes, rows)
    refs = ranges(LINES, LINE_COLS, rows, "k")
    _header(wb, codes, refs, fx_default)
    parameters(wb)
    errors_sheet(wb)
    return wb


EXAMPLE_HEADER = {"date": dt.date(2025, 10, 15), "currency": "USD", "fx": 41.8, "payment": "MAL_MUKABILI"}
EXAMPLE_LINES = [
    # 12,000 × 41.80 = 501,600.00; GV, İGV 0; KKDF 6 % = 30,096.00; KDV (501,600 + 30,096 + 1,500) × 20 %
    # = 106,639.20; total 136,735.20
    {"gtip": "847130000000", "description": "Dizüstü bilgisayar", "value": 12000, "duty_rate": 0, "igv_rate": 0,
     "other_costs": 1500},
    # its rates from the Tarife sheet (EXAMPLE_TARIFF: the Chinese origin's row): GV 8 %, İGV 30 %, KDV 10 %
    {"gtip": "6403.99.93.00.00", "description": "Deri ayakkabı", "value": 4500, "origin": "CN",
     "other_costs": 600},
    {"gtip": "851631000000", "description": "Saç kurutma makinesi", "value": 2000, "duty_rate": 0.022,
     "igv_rate": 0.20, "otv": 8360},
    {"gtip": "731815000000", "description": "Cıvata", "value": 3000, "duty_rate": 0.037, "antidumping": 5016},
]


# The firm's own codes (made-up rates for the example, like its lines): a general row and one for an origin.
EXAMPLE_TARIFF = [
    {"gtip": "640399930000", "origin": "*", "duty_rate": 0.16, "igv_rate": 0.30, "kdv_rate": 0.10,
     "source": "örnek: genel sütun"},
    {"gtip": "640399930000", "origin": "CN", "duty_rate": 0.08, "igv_rate": 0.30, "kdv_rate": 0.10,
     "source": "örnek: CN satırı"},
]


def example(rows: int = 20, flavour: Flavour = PLAIN) -> Workbook:
    wb = build(rows, flavour, fx_default=EXAMPLE_HEADER["fx"])
    ws = wb[HEAD]
    ws["B5"], ws["B6"], ws["B8"] = EXAMPLE_HEADER["date"], EXAMPLE_HEADER["currency"], EXAMPLE_HEADER["payment"]
    fill(wb[LINES], LINE_COLS, EXAMPLE_LINES)
    fill(wb[TARIFF], TARIFF_COLS, EXAMPLE_TARIFF)
    return wb
