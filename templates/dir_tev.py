"""dir_tev: DİR imports, norms, exports → TEV per export line and input, late interest, penalty, totals."""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from .common import COMMON_HELP, errors_sheet, instructions, lists, parameters, pct, rule, workbook
from .sheets import (BOOL, DATE, FIRST_ROW, HEADER_ROW, PLAIN, QTY, RATE, TEXT, TL, Col, Flavour, call, either, fill, greatest,
                     last_row, least, letters, number_or_zero, ranges, read_date, summary_rows, table_sheet, title,
                     with_error_flag)

KIND = "dir_tev"
SHEET, TABLE = "İhracat", "Ihracat"

_SAME_INPUT = "${input}:${input},{input}{r},${day}:${day}"
_ABOVE = "{input}$4:{input}{p},{input}{r},{day}$4:{day}{p},{day}{r}"       # from the header: no first-row case


def _fifo(key: str) -> str:
    """Per row (`Flavour.rows`): the same input's column `key` dated earlier, or on the same date and above."""
    k = "{" + key + "}"
    return (f"SUMIFS(${k}:${k}," + _SAME_INPUT + ',"<"&{day}{r})+SUMIFS(' + f"{k}$4:{k}{{p}}," + _ABOVE + ")")


# Every computed column is one array formula over the table's rows (issue 23.1; templates/sheets.py).
# The FIFO order — the same input's rows before this one, by date and then row position — is one
# TR_RUNNING_SUM call per column (n log n), not a SUMIFS over the whole table on every row (n²).
IMPORTS = [
    Col("decl", "İthalat beyannamesi", 16, TEXT),
    Col("date", "Tarih", 12, DATE, help="tescil tarihi: eskiden yeniye kullanılır"),
    Col("input", "Girdi", 14, TEXT, help="normlardaki girdi adı"),
    Col("qty", "Miktar", 12, QTY),
    Col("unit", "Birim", 8, TEXT),
    Col("value", "Değer (döviz)", 15, "#,##0.00"),
    Col("currency", "Döviz", 8, TEXT, help="USD, EUR…; TL ise TRY"),
    Col("duty_rate", "Gümrük vergisi oranı", 11, RATE, help="İGV hariç"),
    Col("origin", "Menşe", 9, TEXT, choices="ulke"),
    Col("unit_value", "Birim değer", 13, "#,##0.0000", 'IF({qty}{r}="","",{value}{r}/{qty}{r})'),
    Col("third", "Üçüncü ülke menşeli", 9, BOOL, help="AB menşeli girdiye TEV yok",
        formula='IF({qty}{r}="","",IF({origin}{r}="",TRUE,NOT(' + call(
            "TR_TEV_APPLIES", destination="{origin}{r}", certificate='"ATR"', date="{day}{r}") + ")))"),
    Col("rank", "Sıra", 6, "0", help="bu girdinin ithalatları arasında (FIFO)",
        formula='IF({qty}{r}="","",' + call("TR_RUNNING_SUM", group="{input}{r}", order="{day}{r}", amount="1")
        + "+1)",
        per_row='IF({qty}{r}="","",COUNTIFS(' + _SAME_INPUT + ',"<"&{day}{r})+COUNTIFS(' + _ABOVE + ")+1)"),
    Col("key", "Anahtar", 12, None, 'IF({qty}{r}="","",{input}{r}&"#"&{rank}{r})'),
    Col("before", "Önceki girişler", 12, QTY, help="aynı girdinin daha eski ithalatları",
        formula='IF({qty}{r}="","",' + call("TR_RUNNING_SUM", group="{input}{r}", order="{day}{r}",
                                            amount="{qty}{r}") + ")",
        per_row='IF({qty}{r}="","",' + _fifo("qty") + ")"),
    Col("after", "Sonraki toplam", 12, QTY, 'IF({qty}{r}="","",{before}{r}+{qty}{r})'),
    Col("used", "İhracatta kullanılan", 13, QTY, help="tüm ihracat satırlarının bu beyannameden aldığı",
        # min(after, total) − before, at least 0 and at most the quantity
        formula='IF({qty}{r}="","",IF({total}{r}-{before}{r}<=0,0,'
        + least("{total}{r}-{before}{r}", "{qty}{r}") + "))"),
    Col("left", "Kalan (DİİB kapanış)", 13, QTY, 'IF({qty}{r}="","",{qty}{r}-{used}{r})'),
    read_date(),
    Col("total", "Bu girdinin ihracatta toplamı", 13, QTY, help="tüm ihracat satırlarının girdi miktarı",
        formula='IF({qty}{r}="","",' + call("TR_SUMBY", key="{input}{r}", keys="{x_input}", amounts="{x_need}") + ")",
        per_row='IF({qty}{r}="","",SUMIFS({x_need},{x_input},{input}{r}))'),
]
NORMS = [
    Col("product", "Ürün", 16, TEXT),
    Col("input", "Girdi", 16, TEXT),
    Col("consumption", "Birim tüketim", 13, QTY, help="1 birim ürüne giren girdi (fire ve atık hariç)"),
    Col("waste", "Fire oranı", 10, RATE, help="yanan / yok olan fire: TEV'e dahil"),
    Col("scrap", "Atık / ikincil ürün oranı", 12, RATE, help="ekonomik değeri olan: TEV'e dahil değil"),
]
RATES = [
    Col("currency", "Döviz", 10, TEXT),
    Col("date", "Tarih", 12, DATE, help="ihracat tarihi"),
    Col("rate", "Kur (TL)", 12, "#,##0.0000", help="TCMB döviz kuru"),
]
_NORM = "{n_product},{product}{r},{n_input},{input}{r}"          # per row: SUMIFS / COUNTIFS criteria


def _norm(key: str) -> str:
    """The norm's `key` column for the row's product and input: one TR_SUMBY over the column (issue 23.1)."""
    return call("TR_SUMBY", key="{product}{r}", keys="{n_product}", amounts="{n_%s}" % key, key2="{input}{r}",
                keys2="{n_input}")


_norm_match = call("TR_MATCH", key="{product}{r}", keys="{n_product}", key2="{input}{r}", keys2="{n_input}")
SLOTS = 3
_NO_LINE = either('{qty}{r}=""', "NOT(ISNUMBER({need}{r}))")      # an empty row, or one without a norm
# the key input#rank of the import; CONCATENATE, not `&`: LibreOffice 7.4 (Debian 12) gives #VALUE! past
# the first element for a range & a computed array (tests/test_libreoffice.py computes every cell)
_MATCH = "MATCH(CONCATENATE({input}{r},\"#\",{first}{r}+%d),{i_key},0)"


def _slot(s: int) -> list[Col]:
    """The s-th import declaration an export line uses (FIFO): declaration, quantity, rate, TEV. The
    import's row is looked up once, in its own column (`_matches`): LibreOffice and Excel compute every
    MATCH written in a formula, and a slot reads the import a dozen times."""
    m = f'IF({{match{s}}}{{r}}=0,"",{{match{s}}}{{r}})'            # the import's row; 0 (none) reads nothing
    at = "INDEX({i_%s}," + m + ")"
    cur = at % "currency"
    # a rate typed on the Kurlar sheet wins (`_typed`: whether there is one); else the customs rate of the
    # export date (TCMB), asked only for the rows without a typed rate (the others give the call no currency)
    in_tl = either(cur + '="TRY"', cur + '="TL"')
    typed = f"{{typed{s}}}{{r}}"
    tcmb = call("TR_CUSTOMS_FX", currency=f'IFERROR(IF({typed}=0,{cur},""),"")', date="{day}{r}")
    # per row: SUMIFS over Kurlar; the column: one TR_SUMBY (issue 23.1)
    rate = call("TR_SUMBY", key=cur, keys="{k_currency}", amounts="{k_rate}", key2="{day}{r}", keys2="{k_date}")
    rate_rows = f"SUMIFS({{k_rate}},{{k_currency}},{cur},{{k_date}},{{day}}{{r}})"
    end = "{before}{r}+{need}{r}"
    used = (f"IF({least(end, at % 'after')}-{greatest('{before}{r}', at % 'before')}<0,0,"
            f"{least(end, at % 'after')}-{greatest('{before}{r}', at % 'before')})")
    return [
        Col(f"decl{s}", f"{s}. ithalat beyannamesi", 16, None,
            "IF(" + _NO_LINE + ',"",'
            f'IFERROR(IF({at % "before"}<{{before}}{{r}}+{{need}}{{r}},{at % "decl"},""),""))'),
        Col(f"used{s}", f"{s}. kullanılan miktar", 11, QTY, f'IF({{decl{s}}}{{r}}="","",{used})'),
        Col(f"fx{s}", f"{s}. kur", 10, "#,##0.0000", f'IF({{decl{s}}}{{r}}="","",IF({in_tl},1,IF({typed}=0,{tcmb},{rate})))',
            per_row=f'IF({{decl{s}}}{{r}}="","",IF({in_tl},1,IF({typed}=0,{tcmb},{rate_rows})))'),
        Col(f"tev{s}", f"{s}. TEV (TL)", 13, TL,
            # a row without this declaration looks up #N/A: it goes in empty (masked by the IF), because
            # LibreOffice calls no Basic function on an array holding an error (tests/test_libreoffice.py)
            f'IF({{decl{s}}}{{r}}="","",IF({at % "third"},' + call(
                "TR_TEV", import_value=f'IFERROR({at % "value"},"")', import_qty=f'IFERROR({at % "qty"},"")',
                export_qty=f"{{used{s}}}{{r}}", consumption="1-" + number_or_zero("{scrap}{r}"),
                duty_rate=f'IFERROR({at % "duty_rate"},"")', fx=f"{{fx{s}}}{{r}}",
                destination="{destination}{r}", certificate="{certificate}{r}", date="{day}{r}",
                # the rate is a number here, so no currency; "" rather than an empty argument, which
                # LibreOffice passes to a Basic function as 0 (an argument before hs cannot be left out)
                currency='""', hs="{hs}{r}") + ",0))"),
    ]


def _matches() -> list[Col]:
    """The row of the import each slot uses, on the imports sheet (0 when there is none)."""
    def found(s: int) -> str:
        # the rank as a number on every row (the header row's element is text): LibreOffice calls no add-in
        # or Basic function given an array holding an error value, so "İlk beyanname sırası"+1 must not be one
        rank = 'IF(ISNUMBER({first}{r}),{first}{r}+%d,"")' % (s - 1)
        return call("TR_MATCH", key="{input}{r}", keys="{i_input}", key2=rank, keys2="{i_rank}")
    return [Col(f"match{s}", f"{s}. ithalat satırı", 8, "0", help="İthalat tablosunda başlıktan sayılan konumu (0: yok)",
                formula='IF({qty}{r}="","",' + found(s) + ")",
                per_row='IF({qty}{r}="","",IFERROR(' + _MATCH % (s - 1) + ",0))") for s in range(1, SLOTS + 1)]


def _typed() -> list[Col]:
    """Whether a rate is typed on Kurlar for the currency of the slot's import and the export date (1) or
    not (0: the customs rate, TCMB): one look-up per column, read twice by the slot's rate."""
    out = []
    for s in range(1, SLOTS + 1):
        cur = f'INDEX({{i_currency}},IF({{match{s}}}{{r}}=0,"",{{match{s}}}{{r}}))'
        found = call("TR_MATCH", key=cur, keys="{k_currency}", key2="{day}{r}", keys2="{k_date}")
        out.append(Col(f"typed{s}", f"{s}. kur Kurlar'da", 8, "0", help="1: kur Kurlar sayfasında yazılı",
                       formula=f'IF({{decl{s}}}{{r}}="","",IF({found}>0,1,0))',
                       per_row=f'IF({{decl{s}}}{{r}}="","",IF(COUNTIFS({{k_currency}},{cur},{{k_date}},{{day}}{{r}})>0,1,0))'))
    return out


def _short() -> str:
    left = "{need}{r}-" + "-".join(number_or_zero(f"{{used{s}}}{{r}}") for s in range(1, SLOTS + 1))
    return "IF(" + _NO_LINE + ',"",' + f"IF(ROUND({left},6)<0,0,ROUND({left},6)))"


EXPORTS = with_error_flag([
    Col("decl", "İhracat beyannamesi", 16, TEXT),
    Col("date", "Tarih", 12, DATE, help="TEV'in vadesi; kur bu tarihin"),
    Col("product", "Ürün", 14, TEXT),
    Col("hs", "Ürün GTİP", 12, TEXT, help="ihraç ürününün GTİP'i ya da faslı (revize PEM: TEV yalnız 50–63)"),
    Col("input", "Girdi", 14, TEXT, help="ürünün her girdisi ayrı satır"),
    Col("qty", "İhraç miktarı", 12, QTY),
    Col("destination", "Varış ülkesi", 10, TEXT, choices="ulke"),
    Col("certificate", "Menşe belgesi", 10, TEXT, choices="belge"),
    Col("paid", "Ödeme tarihi", 12, DATE, help="geç ödendiyse"),
    Col("voluntary", "Gönüllü bildirim", 10, None, choices="evethayir", help="idareden önce bildirildi mi"),
    Col("consumption", "Birim tüketim", 11, QTY,
        'IF({qty}{r}="","",IF(' + _norm_match + '=0,"norm yok",' + _norm("consumption") + "))",
        per_row='IF({qty}{r}="","",IF(COUNTIFS(' + _NORM + ')=0,"norm yok",SUMIFS({n_consumption},' + _NORM + ')))'),
    Col("waste", "Fire", 8, RATE, 'IF({qty}{r}="","",' + _norm("waste") + ")",
        per_row='IF({qty}{r}="","",SUMIFS({n_waste},' + _NORM + "))"),
    Col("scrap", "Atık", 8, RATE, 'IF({qty}{r}="","",' + _norm("scrap") + ")",
        per_row='IF({qty}{r}="","",SUMIFS({n_scrap},' + _NORM + "))"),
    Col("need", "Girdi miktarı", 12, QTY, help="ihraç × tüketim ÷ (1 − fire − atık)",
        formula='IF({qty}{r}="","",IF(ISNUMBER({consumption}{r}),{qty}{r}*{consumption}{r}'
        '/(1-{waste}{r}-{scrap}{r}),{consumption}{r}))'),
    Col("before", "Önceki satırların girdisi", 12, QTY, help="aynı girdi, daha önceki ihracatlar (FIFO)",
        formula='IF({qty}{r}="","",' + call("TR_RUNNING_SUM", group="{input}{r}", order="{day}{r}",
                                            amount="{need}{r}") + ")",
        per_row='IF({qty}{r}="","",' + _fifo("need") + ")"),
    Col("first", "İlk beyanname sırası", 8, "0",
        'IF({qty}{r}="","",' + call("TR_COUNTBY", key="{input}{r}", keys="{i_input}", upto="{before}{r}",
                                    values="{i_after}") + "+1)",
        per_row='IF({qty}{r}="","",COUNTIFS({i_input},{input}{r},{i_after},"<="&{before}{r})+1)'),
    *(col for s in range(1, SLOTS + 1) for col in _slot(s)),
    Col("short", "Karşılanmayan girdi", 11, QTY, help="ithalat yetmedi ya da 3'ten çok beyanname",
        formula=_short()),
    Col("applies", "TEV doğar mı", 9, BOOL, 'IF({qty}{r}="","",' + call(
        "TR_TEV_APPLIES", destination="{destination}{r}", certificate="{certificate}{r}", date="{day}{r}",
        hs="{hs}{r}") + ")"),
    Col("tev", "TEV (TL)", 15, TL,
        'IF({qty}{r}="","",' + "+".join(number_or_zero(f"{{tev{s}}}{{r}}") for s in range(1, SLOTS + 1)) + ")"),
    Col("interest", "Gecikme zammı (TL)", 14, TL, 'IF(' + either('{qty}{r}=""', '{paid}{r}=""') + ',"",' + call(
        "TR_LATE_INTEREST", amount="{tev}{r}", due_date="{day}{r}", pay_date="{paid}{r}") + ")"),
    Col("penalty", "Para cezası (TL)", 14, TL, 'IF(' + either('{qty}{r}=""', '{paid}{r}=""') + ',"",' + call(
        "TR_TEV_PENALTY", tev="{tev}{r}", voluntary="{voluntary}{r}", date="{day}{r}") + ")"),
    Col("check", "Kontrol", 24, None,
        'IF({qty}{r}="","",IF(NOT(ISNUMBER({need}{r})),"norm yok",IF({short}{r}>0,'
        '"girdi karşılanmadı: ithalat yetersiz ya da 3\'ten çok beyanname (satırı bölün)","")))'),
    read_date(),
    *_matches(),
    *_typed(),
])


def build(rows: int, flavour: Flavour = PLAIN) -> Workbook:
    wb = workbook(KIND, flavour)
    instructions(wb, "DİR — telafi edici vergi (TEV), gecikme zammı ve ceza", [
        "Yöntem: Bakanlığın TEV tablosu gibi — her ihracat satırının girdisi, aynı girdinin ithalat "
        "beyannamelerinden en eskisinden başlayarak karşılanır (ilk giren ilk çıkar); her beyanname kendi "
        "değeri, dövizi, vergi oranı ve menşeiyle hesaplanır: TEV = kullanılan miktar × beyannamenin birim "
        "değeri × vergi oranı × o dövizin ihracat tarihindeki kuru (2006/12 sayılı Dahilde İşleme Rejimi "
        "Tebliği; 2008/2 sayılı TEV Genelgesi; DYS TEV tablosu).",
        "İthalat sayfası: beyanname, tescil tarihi, girdi, miktar, birim, döviz değeri, döviz, gümrük vergisi "
        "oranı (İGV hariç), menşe. Sağdaki sütunlar beyannamenin sırasını, ihracatta kullanılan ve kalan "
        "miktarını gösterir (DİİB kapatma görünümü). AB menşeli girdiye TEV hesaplanmaz.",
        "Normlar sayfası: birim ürüne giren girdi (fire ve atık hariç), fire oranı (yanan, buharlaşan, yok olan: "
        "TEV'e dahildir — GGM 75325507 sayılı yazı) ve atık / ikincil ürün oranı (ekonomik değeri olan, "
        "yurt içinde ayrıca beyan edilip vergisi ödenen: TEV'e dahil edilmez, ithalattan düşülür).",
        "Kurlar sayfası: her döviz ve ihracat tarihi için TL kuru; yeni kurları tablonun içine satır ekleyerek "
        "yazın (tablonun altına yazılan kur kullanılmaz, Özet sayfası sayar). Bir tarih ve döviz için kur yazılmamışsa "
        "ihracat tarihinin gümrük kuru (TCMB, TR_CUSTOMS_FX) kullanılır. TL (TRY) ithalatta kur 1'dir. "
        "Kurların tarihini tarih olarak girin: metin olarak yazılmış bir tarih (hücre biçimi Metin) "
        "kullanılmaz; Özet sayfası böyle satırları sayar.",
        "İhracat sayfası: her satır ürünün bir girdisi içindir (iki girdi için iki satır); satırlar her sırada "
        "girilebilir, araya satır eklenebilir. Her satır en çok 3 ithalat beyannamesi kullanır; daha fazlası "
        "gerekirse Kontrol sütunu uyarır: satırı ikiye bölün.",
        "TEV; A.TR ile AB'ye, EUR.1 / EUR-MED / fatura beyanıyla PAAMK ve STA ortaklarına ihracatta doğar; "
        "İngiltere ve Güney Kore'ye doğmaz. Belge YOK ise doğmaz. Revize PEM kurallarıyla (EFTA 2025, "
        "çoğu PEM ortağı 2026'dan) TEV yalnız 50–63. fasıllarda doğar: Ürün GTİP'ini yazın. Her "
        "beyanname payı kuruşa yuvarlanır; "
        "beyannamede 61 vergi koduyla beyan edilir.",
        f"Ödeme tarihi girilirse gecikme zammı (vade: ihracat tarihi) ve para cezası (vergi × "
        f"{pct(rule('tev.penalty_fraction'))}; gönüllü bildirimde 0) hesaplanır.",
        *COMMON_HELP,
    ])
    codes = lists(wb)
    n_imports = max(10, rows // 6)
    # the tables' own rows (a row added inside a table widens these ranges, in every formula): each computed
    # column is an array over its table's rows, and LibreOffice passes INDEX over a whole column to a
    # Basic function as empty cells (tests/test_libreoffice.py)
    x = ranges(SHEET, EXPORTS, rows, "x", HEADER_ROW)
    table_sheet(wb, "İthalat", "İthalat (girdiler)", "Dahilde işleme kapsamında ithal edilen girdiler.",
                IMPORTS, n_imports, "Ithalat", codes, x)
    table_sheet(wb, "Normlar", "Normlar (birim tüketim)", "Birim ürün başına girdi tüketimi.",
                NORMS, n_imports, "Normlar", codes)
    table_sheet(wb, "Kurlar", "Kurlar", "Her döviz ve ihracat tarihi için TL kuru.", RATES, n_imports,
                "Kurlar", codes)
    refs = {**ranges("İthalat", IMPORTS, n_imports, "i", HEADER_ROW), **ranges("Normlar", NORMS, n_imports, "n", HEADER_ROW),
            **ranges("Kurlar", RATES, n_imports, "k", HEADER_ROW)}
    table_sheet(wb, SHEET, "İhracat ve TEV", "Her ihracat satırı için FIFO tahsis, TEV, gecikme zammı ve ceza.",
                EXPORTS, rows, TABLE, codes, refs)
    xr = ranges(SHEET, EXPORTS, rows, "x")
    typed_dates = f"'Kurlar'!${letters(RATES)['date']}${FIRST_ROW}:${letters(RATES)['date']}$1048576"
    rate = letters(RATES)["rate"]
    below = f"'Kurlar'!${rate}${last_row(n_imports) + 1}:${rate}$1048576"
    ws = wb.create_sheet("Özet", 5)
    title(ws, "Özet", "TEV, gecikme zammı ve para cezası toplamları.")
    summary_rows(wb, ws, [
        ("İhracat satırı", "=COUNT({x_qty})", "0"),
        ("TEV doğan satır", "=COUNTIF({x_applies},TRUE)", "0"),
        ("Toplam TEV", "=SUM({x_tev})", TL),
        ("Toplam gecikme zammı", "=SUM({x_interest})", TL),
        ("Toplam para cezası", "=SUM({x_penalty})", TL),
        ("Genel toplam", "=SUM({x_tev})+SUM({x_interest})+SUM({x_penalty})", TL),
        ("Karşılanmayan girdi satırı", '=COUNTIF({x_short},">0")', "0"),
        # Kurlar has no formulas (rates may be typed below the table): a date typed there as text is
        # matched by no program (an exact date criterion skips text cells), so it is counted here
        ("Kurlar: tarihi metin olan kur (kullanılmaz)",
         f"=COUNTA({typed_dates})-COUNT({typed_dates})", "0"),
        # the look-ups read the Kurlar table's rows (a whole column would hand a million cells to each
        # trcalc call in Excel and LibreOffice, issue 23.1): a rate typed below the table is counted here
        ("Kurlar: tablonun altındaki kur (kullanılmaz)", f"=COUNTA({below})", "0"),
    ], xr)
    parameters(wb)
    errors_sheet(wb)
    return wb


def example(flavour: Flavour = PLAIN) -> Workbook:
    wb = build(20, flavour)
    d = dt.date
    fill(wb["İthalat"], IMPORTS, [
        {"decl": "25340100IM000001", "date": d(2025, 1, 15), "input": "IPLIK", "qty": 6500, "unit": "kg",
         "value": 65000, "currency": "USD", "duty_rate": 0.10, "origin": "CN"},
        {"decl": "25340100IM000002", "date": d(2025, 2, 10), "input": "IPLIK", "qty": 5000, "unit": "kg",
         "value": 60000, "currency": "EUR", "duty_rate": 0.08, "origin": "IN"},
        {"decl": "25340100IM000003", "date": d(2025, 2, 12), "input": "IPLIK", "qty": 1000, "unit": "kg",
         "value": 9000, "currency": "EUR", "duty_rate": 0.08, "origin": "IT"},
    ])
    fill(wb["Normlar"], NORMS, [
        {"product": "KUMAS", "input": "IPLIK", "consumption": 1},
        {"product": "GOMLEK", "input": "IPLIK", "consumption": 0.49, "waste": 0.02},
    ])
    fill(wb["Kurlar"], RATES, [
        {"currency": "USD", "date": d(2025, 3, 24), "rate": 30},
        {"currency": "USD", "date": d(2025, 4, 2), "rate": 31},
        {"currency": "USD", "date": d(2025, 10, 1), "rate": 30},
        {"currency": "EUR", "date": d(2025, 10, 1), "rate": 32},
    ])
    fill(wb[SHEET], EXPORTS, [
        # seed 004: 5,000 kg from IM000001 × 10 $/kg × 10 % × 30 TL = 150,000.00 TL
        {"decl": "25340100EX000001", "date": d(2025, 3, 24), "product": "KUMAS", "input": "IPLIK", "qty": 5000,
         "destination": "DE", "certificate": "ATR"},
        # to the UK with EUR.1: 1,000 kg more from IM000001, no TEV
        {"decl": "25340100EX000002", "date": d(2025, 4, 2), "product": "KUMAS", "input": "IPLIK", "qty": 1000,
         "destination": "GB", "certificate": "EUR1"},
        # 2,000 shirts × 0.49 ÷ 0.98 = 1,000 kg: the last 500 kg of IM000001 (500 × 10 $ × 10 % × 30 =
        # 15,000.00) and 500 kg of IM000002 (500 × 12 € × 8 % × 32 = 15,360.00): TEV 30,360.00; paid
        # 2025-12-13: gecikme zammı 10 % (1 month 12 days at 4.5 %, 1 month at 3.7 %) = 3,036.00
        {"decl": "25340100EX000003", "date": d(2025, 10, 1), "product": "GOMLEK", "input": "IPLIK", "qty": 2000,
         "destination": "EG", "certificate": "EUR1", "paid": d(2025, 12, 13), "voluntary": "YANLIŞ"},
    ])
    return wb
