"""eihracat_destek: e-export expense ledger → support payable under the annual caps, remaining cap,
quarter totals, 3-year window end, chart.

The running cap holds in any row order (issue 12.3).  Paying each expense
min(support, cap − paid before) in date order makes the total paid after a row
min(cap, Σ support up to that row), so a row's "paid before" is
min(cap, Σ support of the same support/beneficiary/year dated earlier, or on the
same date and above it) — the expense's own support before the cap ("Sınır
öncesi destek") summed over the column in that order by one TR_RUNNING_SUM call
(issue 23.1: every computed column is one array formula; no row scans the table).
Rows inserted anywhere, sorted, or typed in any order give the same caps.
"""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from trcalc.calc.eexport import SUPPORTS
from trcalc.calc.rules.store import book

from .common import COMMON_HELP, MARK, instructions, lists, errors_sheet, parameters, pct, rule, workbook
from .sheets import (DATE, ERROR_HEADER, ERROR_KEY, FIRST_ROW, HEADER_FILL, HEADER_FONT, HEADER_ROW, PLAIN, TEXT, TL, Col, Flavour, call,
                     least, read_date,
                     fill, flavour_of, header_line, print_setup, protect, ranges, stamp_area, table_sheet, title,
                     unlock,
                     with_error_flag, wrapped_height)

KIND = "eihracat_destek"
SHEET, TABLE = "Harcamalar", "Harcamalar"

_WHO = dict(support="{support}{r}", beneficiary="{beneficiary}{r}")
_CAP = dict(_WHO, expense="{amount}{r}", sales="{sales}{r}", year="{year}{r}", count="{count}{r}")
_SAME = '{support}{r}&"#"&{beneficiary}{r}&"#"&{year}{r}'         # one group: support, beneficiary, year
_MARKET = '{support}{r}&"#"&{market}{r}'                          # one group: support and market
_START = call("TR_GROUP_FIRST", group=_MARKET, order="{day}{r}", value="{day}{r}")   # its first date
# per row (`Flavour.rows`): the same quantities by SUMIFS / COUNTIFS over the whole columns
_SAME_ROWS = "${support}:${support},{support}{r},${beneficiary}:${beneficiary},{beneficiary}{r},${year}:${year},{year}{r}"
_ABOVE_ROWS = ("{support}$4:{support}{p},{support}{r},{beneficiary}$4:{beneficiary}{p},{beneficiary}{r},"
               "{year}$4:{year}{p},{year}{r},{day}$4:{day}{p},{day}{r}")
_MARKET_ROWS = "${support}:${support},{support}{r},${market}:${market},{market}{r}"

LEDGER = with_error_flag([
    Col("date", "Tarih", 12, DATE, help="harcama (fatura) tarihi; satırlar her sırada olabilir"),
    Col("support", "Destek", 13, TEXT, choices="destek"),
    Col("beneficiary", "Yararlanıcı", 13, TEXT, choices="yararlanici"),
    Col("market", "Pazaryeri / ülke", 16, TEXT, help="3 yıllık süre bunun için işler"),
    Col("invoice", "Fatura no", 12, TEXT),
    Col("amount", "Harcama (TL)", 15, TL),
    Col("sales", "İlgili satış (TL)", 15, TL, help="REKLAM: reklam satışı; SIPARIS: hedef ülke satışı"),
    Col("count", "Adet", 7, "0", help="DEPO: birim; ENTEGRASYON: entegrasyon"),
    Col("year", "Yıl", 7, "0", 'IF({date}{r}="","",YEAR({day}{r}))'),
    Col("quarter", "Çeyrek", 7, "0", 'IF({date}{r}="","",ROUNDUP(MONTH({day}{r})/3,0))'),
    Col("cap", "Yıllık üst sınır (TL)", 15, TL, 'IF({date}{r}="","",' + call(
        "EIHR_ANNUAL_CAP", year="{year}{r}", count="{count}{r}", **_WHO) + ")"),
    Col("gross", "Sınır öncesi destek (TL)", 15, TL, help="bu harcamanın desteği, önceki ödemeler hariç",
        formula='IF({date}{r}="","",IFERROR(' + call("EIHR_CAP", claimed="0", **_CAP) + ",0))"),
    Col("claimed", "Önceki ödemeler (TL)", 15, TL, help="aynı destek, yararlanıcı ve yılda önceki tarihler",
        formula='IF({date}{r}="","",' + least("{cap}{r}", "{prior}{r}") + ")"),
    Col("payable", "Ödenecek destek (TL)", 16, TL,
        'IF({date}{r}="","",' + call("EIHR_CAP", claimed="{claimed}{r}", **_CAP) + ")"),
    Col("remaining", "Kalan sınır (TL)", 16, TL,
        'IF({date}{r}="","",IF({cap}{r}-{claimed}{r}-{payable}{r}<0,0,{cap}{r}-{claimed}{r}-{payable}{r}))'),
    Col("first", "İlk harcama mı", 7, "0", help="bu destek ve pazaryerinde",
        formula='IF({date}{r}="","",IF({day}{r}=' + _START + ",1,0))",
        per_row='IF({date}{r}="","",IF(COUNTIFS(' + _MARKET_ROWS + ',${day}:${day},"<"&{day}{r})=0,1,0))'),
    Col("window_end", "3 yıllık süre sonu", 12, DATE, 'IF({date}{r}="","",' + call(
        "EIHR_END", start_date=_START, support="{support}{r}") + ")",
        per_row='IF({date}{r}="","",' + call(
            "EIHR_END", start_date="SUMIFS(${day}:${day}," + _MARKET_ROWS + ",${first}:${first},1)/COUNTIFS("
            + _MARKET_ROWS + ",${first}:${first},1)", support="{support}{r}") + ")"),
    Col("check", "Kontrol", 22, None,
        'IF({date}{r}="","",IF(ISERROR({payable}{r}),"HATA: Ödenecek destek (nota bakın)",'
        'IF(ISERROR({window_end}{r}),"HATA: süre sonu (nota bakın)",'
        'IF({day}{r}>{window_end}{r},"süre doldu",""))))'),
    read_date(),
    Col("prior", "Önceki destekler (sınırsız, TL)", 15, TL,
        help="aynı destek, yararlanıcı ve yılda önceki tarihlerin sınır öncesi desteği",
        formula='IF({date}{r}="","",' + call("TR_RUNNING_SUM", group=_SAME, order="{day}{r}", amount="{gross}{r}")
        + ")",
        per_row='IF({date}{r}="","",SUMIFS(${gross}:${gross},' + _SAME_ROWS + ',${day}:${day},"<"&{day}{r})'
        "+SUMIFS({gross}$4:{gross}{p}," + _ABOVE_ROWS + "))"),
])
CHART_YEAR_ROWS = len(SUPPORTS.codes)


def build(rows: int, flavour: Flavour = PLAIN) -> Workbook:
    wb = workbook(KIND, flavour)
    depo = book().params["eexport.item_max.depo"][-1]       # repealed: its last entry has an end
    instructions(wb, "E-ihracat destekleri — harcama defteri (5986 sayılı Karar; Genelge md. 13–19)", [
        "Harcamalar sayfası: her fatura bir satır; satırlar her sırada girilebilir, araya satır eklenebilir. "
        "Yıllık üst sınır tarih sırasıyla uygulanır: bir harcama, aynı destek, yararlanıcı ve yılda daha önceki "
        "tarihli harcamaların bıraktığı kadar destek alır (Önceki ödemeler sütunu; aynı tarihte üstteki satır "
        "önce sayılır).",
        "Destek kodları: REKLAM (13), TANITIM (14), SIPARIS (15), DEPO (16), ENTEGRASYON (17), MAGAZA (18), "
        "KOMISYON (19). Yararlanıcı: SIRKET, PERAKENDE, KONSORSIYUM, B2B, PAZARYERI.",
        f"Destek = {pct(rule('eexport.support_rate'))} × uygun harcama. REKLAM'da uygun harcama, reklamlardan "
        f"gelen satışın {pct(rule('eexport.ratio.reklam'))}'sini; SIPARIS'te hedef ülke e-ticaret satışının "
        f"{pct(rule('eexport.ratio.siparis'))}'unu aşamaz (İlgili satış sütunu). DEPO'da birim başına, "
        f"ENTEGRASYON'da entegrasyon başına (tüm süre için) üst sınır vardır (Adet sütunu; en çok "
        f"{depo.value} birim / {rule('eexport.item_max.entegrasyon')} entegrasyon). DEPO desteği "
        f"{depo.end + dt.timedelta(days=1):%d.%m.%Y} tarihinde Karardan çıkarıldı.",
        "Üst sınırlar, Kararın 2022 tutarlarının her yıl başında (TÜFE + Yİ-ÜFE) / 2 oranında yeniden "
        "değerlenmiş halidir. Kurallarda olmayan bir yıl için Bakanlığın tablosundaki tutarı Parametreler "
        "sayfasında girin (örn. eexport.cap.reklam.sirket).",
        "Hatalı bir satırda Kontrol sütunu hangi hesabın hatalı olduğunu yazar; açıklama hücrenin notundadır "
        "(yazdırırken notlar son sayfada çıkar). Hatalı satırın desteği üst sınır hesabında 0 sayılır.",
        "Özet sayfası: destek ve yıl başına harcama, ödenecek destek, yıllık üst sınır, kalan sınır, çeyrek "
        "(başvuru dönemi) toplamları ve ilk 3 yıllık sürenin sonu; grafik, ilk yılın kullanılan ve kalan "
        "sınırlarını gösterir.",
        *COMMON_HELP,
    ])
    codes = lists(wb)
    table_sheet(wb, SHEET, "Harcama defteri", "Satırlar her sırada olabilir.", LEDGER, rows, TABLE, codes)
    _support_summary(wb, rows, codes)
    parameters(wb)
    errors_sheet(wb)
    return wb


def _support_summary(wb, rows, codes) -> None:
    led = ranges(SHEET, LEDGER, rows, "l")
    flavour = flavour_of(wb)
    ws = wb.create_sheet("Özet", 2)
    title(ws, "Özet — destek ve yıl başına", "Yararlanıcı türünü ve ilk yılı seçin; tablo iki yılı gösterir.")
    ws["A3"], ws["D3"] = "Yararlanıcı türü", "İlk yıl"
    ws["B3"], ws["E3"] = "SIRKET", book().meta.reviewed.year
    for c in ("B3", "E3"):
        unlock(ws[c])
    dv = DataValidation(type="list", formula1=codes["yararlanici"], allow_blank=False)
    dv.add("B3")
    ws.add_data_validation(dv)
    # rows in error (issue 13.7): all of the ledger in H3, and per support and year in column L
    ws["G3"], ws["H3"] = ERROR_HEADER, f"=SUM({led['l_' + ERROR_KEY]})"
    headers = ["Destek", "Yıl", "Harcama", "Ödenecek destek", "Yıllık üst sınır", "Kalan sınır",
               "1. çeyrek", "2. çeyrek", "3. çeyrek", "4. çeyrek", "İlk 3 yıllık süre sonu", ERROR_HEADER]
    widths = (14, 7, 17, 17, 17, 17, 17, 17, 17, 17, 12, 10)   # a money column holds "19,076,055.00 TL"
    for i, h in enumerate(headers, start=1):
        c = ws.cell(HEADER_ROW, i, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[HEADER_ROW].height = max(wrapped_height(h, w, bold=True) for h, w in zip(headers, widths))
    r = FIRST_ROW
    for offset in (0, 1):
        for code in SUPPORTS.codes:
            ws.cell(r, 1, code)
            crit = f'{led["l_support"]},$A{r},{led["l_year"]},$B{r}'
            # the largest count of the year (no MAXIFS: Excel 2016 and older lack it, issue 12.6)
            count = f'SUMPRODUCT(MAX(({led["l_support"]}=$A{r})*({led["l_year"]}=$B{r})*{led["l_count"]}))'
            # the support's first date; "0"&day makes a row without a date (day "") 0 in arithmetic, as a
            # blank cell is, and leaves a date serial (an integer: TR_DATE gives whole days) as it is
            first = (f'SUMPRODUCT(SMALL(("0"&{led["l_day"]})+(({led["l_support"]}<>$A{r})+({led["l_day"]}=""))'
                     f'*100000000,1))')
            cells = [
                (f"=$E$3+{offset}", "0"),
                (f"=SUMIFS({led['l_amount']},{crit})", TL),
                (f"=SUMIFS({led['l_payable']},{crit})", TL),
                (f'=IF(C{r}=0,"",IF(OR($A{r}="DEPO",$A{r}="ENTEGRASYON"),'
                 + call("EIHR_ANNUAL_CAP", support=f"$A{r}", beneficiary="$B$3", year=f"$B{r}", count=count) + ","
                 + call("EIHR_ANNUAL_CAP", support=f"$A{r}", beneficiary="$B$3", year=f"$B{r}") + "))", TL),
                (f'=IF(E{r}="","",MAX(0,E{r}-D{r}))', TL),
                *[(f"=SUMIFS({led['l_payable']},{crit},{led['l_quarter']},{q})", TL) for q in (1, 2, 3, 4)],
                (f'=IF(C{r}=0,"",' + call("EIHR_END", start_date=first, support=f"$A{r}") + ")", DATE),
                (f"=SUMIFS({led['l_' + ERROR_KEY]},{crit})", "0"),
            ]
            for i, (formula, number_format) in enumerate(cells, start=2):
                c = ws.cell(r, i, flavour.apply(formula))
                c.number_format = number_format
            r += 1
    for letter, width in zip("ABCDEFGHIJKL", widths):
        ws.column_dimensions[letter].width = width
    protect(ws)
    add_support_chart(ws)
    chart_rows = 20
    header_line(ws, 2, 12, sum(widths))       # the header fields in place of the help line (Talimatlar says it)
    end = stamp_area(wb, ws, r + chart_rows, value_col="D")     # A–C (38 wide) hold the labels
    print_setup(ws, 170, f"A1:L{end}", repeat=f"2:{HEADER_ROW}")


def add_support_chart(ws) -> None:
    """Used vs remaining cap per support, first year (rebuilt after a computed save: openpyxl drops charts)."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "Kullanılan ve kalan üst sınır (ilk yıl)"
    chart.y_axis.title = "TL"
    end = FIRST_ROW + CHART_YEAR_ROWS - 1
    for col in (4, 6):          # Ödenecek destek, Kalan sınır
        chart.add_data(Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=end))
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, f"A{FIRST_ROW + 2 * CHART_YEAR_ROWS + 2}")


def restore_charts(wb) -> None:
    """openpyxl does not keep charts when it re-saves a file: put ours back."""
    if wb.properties.keywords == MARK + KIND and "Özet" in wb.sheetnames:
        ws = wb["Özet"]
        if not ws._charts:
            add_support_chart(ws)


def example(flavour: Flavour = PLAIN) -> Workbook:
    wb = build(20, flavour)
    wb["Özet"]["E3"] = 2025
    d = dt.date
    fill(wb[SHEET], LEDGER, [
        # 20 % of 300,000 = 60,000 eligible → 30,000
        {"date": d(2025, 1, 20), "support": "REKLAM", "beneficiary": "SIRKET", "market": "Amazon.de",
         "invoice": "A-001", "amount": 100000, "sales": 300000},
        # ratio not binding: 50 % × 60,000 = 30,000
        {"date": d(2025, 2, 10), "support": "REKLAM", "beneficiary": "SIRKET", "market": "Amazon.de",
         "invoice": "A-002", "amount": 60000, "sales": 1000000},
        # 50 % × 5,600,000 = 2,800,000 (2025 cap 2,860,670: 750,000 of 2022, revalued)
        {"date": d(2025, 3, 5), "support": "KOMISYON", "beneficiary": "SIRKET", "market": "Etsy",
         "invoice": "E-001", "amount": 5600000},
        # 100,000 due but only 2,860,670 − 2,800,000 = 60,670 left
        {"date": d(2025, 5, 15), "support": "KOMISYON", "beneficiary": "SIRKET", "market": "Etsy",
         "invoice": "E-002", "amount": 200000},
        # 2 integrations: cap 2 × 761,018 = 1,522,036; 50 % × 500,000 = 250,000
        {"date": d(2025, 6, 1), "support": "ENTEGRASYON", "beneficiary": "SIRKET", "market": "Amazon + eBay",
         "invoice": "I-001", "amount": 500000, "count": 2},
        # 1 warehouse unit: 2025 cap 19,076,055 < 50 % × 40,000,000
        {"date": d(2025, 7, 1), "support": "DEPO", "beneficiary": "SIRKET", "market": "DE",
         "invoice": "D-001", "amount": 40000000, "count": 1},
        # 10 % of 500,000 = 50,000 eligible → 25,000
        {"date": d(2025, 11, 20), "support": "SIPARIS", "beneficiary": "SIRKET", "market": "DE",
         "invoice": "S-001", "amount": 80000, "sales": 500000},
    ])
    return wb
