"""Builds the three template workbooks and their worked examples (openpyxl).

    trcalc templates            → templates/*.xlsx and templates/examples/*.xlsx

Every formula calls registry functions or Excel built-ins only (a test checks
it); input cells are unlocked and coloured, formula cells locked; codes have
drop-down lists; a Parametreler sheet feeds the TRCALC_OVERRIDES named range.
The build is deterministic (dates and the rules snapshot come from the rules'
review date), so a rebuilt template has the same cells as the committed one.

Templates hold empty rows ready to fill (see ROWS); an example is the same
template with fewer rows, filled with a worked case from the seeds.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName

from calc.countries import all_codes
from calc.eexport import BENEFICIARIES, SUPPORTS
from calc.imports import CATEGORIES
from calc.money import fmt, fmt_rate
from calc.rules.store import book
from calc.tev import CERTIFICATES

from .fast import Err, as_date, blank, first_error, group_sum, key, n, num
from .sheets import (DATE, EUR, FIRST_ROW, HEADER_FILL, HEADER_FONT, HEADER_ROW, QTY, RATE, TEXT, TL, Col,
                     last_row, letters, protect, ranges, table_sheet, title, unlock)

HERE = Path(__file__).resolve().parent
ROWS = {"ithalat_vergi": 200, "dir_tev": 300, "eihracat_destek": 200}
EXAMPLE_ROWS = 20
MARK = "trcalc:"
PARAM_ROWS = 20


# --- shared sheets ------------------------------------------------------------------------------

def _workbook(kind: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    when = dt.datetime.combine(book().meta.reviewed, dt.time())
    wb.properties.creator = "trcalc"
    wb.properties.created = wb.properties.modified = when
    wb.properties.keywords = MARK + kind
    wb.properties.title = kind
    return wb


def _lists(wb) -> dict[str, str]:
    """The hidden Listeler sheet with every code list; returns {name: range for validation}."""
    ws = wb.create_sheet("Listeler")
    columns = {
        "destek": list(SUPPORTS.codes),
        "yararlanici": list(BENEFICIARIES.codes),
        "mense": ["AB", "AB DIŞI", *all_codes()],
        "ulke": all_codes(),
        "belge": list(CERTIFICATES.codes),
        "kategori": list(CATEGORIES.codes),
        "evethayir": ["DOĞRU", "YANLIŞ"],
    }
    out = {}
    for i, (name, values) in enumerate(columns.items(), start=1):
        letter = chr(ord("A") + i - 1)
        ws.cell(1, i, name).font = Font(bold=True)
        for j, v in enumerate(values, start=2):
            ws.cell(j, i, v)
        out[name] = f"Listeler!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    protect(ws)
    return out


def _parameters(wb) -> None:
    """Parametreler: overrides for this workbook (TRCALC_OVERRIDES) and the rules for reference."""
    ws = wb.create_sheet("Parametreler")
    title(ws, "Parametreler / overrides",
          "Resmî Gazete'de yeni bir oran ya da tutar çıktıysa A–B sütunlarına parametre adını ve değerini "
          "yazın: bu çalışma kitabındaki tüm hesaplar onu kullanır ve dökümler bunu belirtir.")
    for i, h in enumerate(["Parametre", "Değer", "Not"], start=1):
        c = ws.cell(HEADER_ROW, i, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
    for r in range(FIRST_ROW, FIRST_ROW + PARAM_ROWS):
        for i in (1, 2, 3):
            unlock(ws.cell(r, i))
    end = FIRST_ROW + PARAM_ROWS - 1
    wb.defined_names["TRCALC_OVERRIDES"] = DefinedName(
        "TRCALC_OVERRIDES", attr_text=f"Parametreler!$A${FIRST_ROW}:$B${end}")
    rb = book()
    on = rb.meta.reviewed
    headers = ["Kural parametresi", f"Değer ({on:%d.%m.%Y})", "Birim", "Yürürlük", "Güven", "Açıklama", "Kaynak"]
    for i, h in enumerate(headers, start=5):
        c = ws.cell(HEADER_ROW, i, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
    for r, e in enumerate(rb.in_force(on), start=FIRST_ROW):
        value = ", ".join(e.value) if isinstance(e.value, tuple) else (float(e.value) if e.unit != "bool" else e.value)
        for i, v in enumerate([e.name, value, e.unit, e.start, e.confidence, rb.descriptions[e.name], e.source],
                              start=5):
            c = ws.cell(r, i, v)
            if isinstance(v, dt.date):
                c.number_format = DATE
    for letter, width in zip("ABCEFGHIJK", (34, 16, 30, 38, 22, 10, 10, 10, 60, 60)):
        ws.column_dimensions[letter].width = width
    protect(ws)


def _instructions(wb, heading: str, lines: list[str]) -> None:
    ws = wb.create_sheet("Talimatlar", 0)
    ws["A1"] = heading
    ws["A1"].font = Font(bold=True, size=16)
    for r, line in enumerate(lines, start=3):
        ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
    protect(ws)


def _rule(name: str):
    """A rule's value on the rules' review date, for the instructions text (never hand-copied)."""
    rb = book()
    return rb.lookup(name, rb.meta.reviewed).value


def _history(name: str, show) -> str:
    """'15.05.2019: 150 €; 21.08.2024: 30 €' — every dated value of a rule."""
    return "; ".join(f"{e.start:%d.%m.%Y}: {show(e.value)}" for e in book().params[name])


def _pct(x) -> str:
    return fmt_rate(x)


COMMON_HELP = [
    "Sarı hücreler giriş hücreleridir; gri hücreler formüldür ve kilitlidir (sayfa korumasını parolasız "
    "kaldırabilirsiniz). Kodları açılır listeden seçin.",
    "Formüller trcalc işlevlerini (TR_..., EIHR_...) kullanır: Windows'ta Excel + xlwings eklentisiyle, Mac/web'de "
    "ekibin sunucusundaki Office eklentisiyle, Excel olmadan `trcalc compute GİRDİ.xlsx ÇIKTI.xlsx` ya da "
    "sunucuya yükleyerek hesaplanır.",
    "Bir satırdaki hata hücresi (#VALUE! ya da # ile başlayan metin) hangi bağımsız değişkenin neden hatalı "
    "olduğunu Türkçe ve İngilizce söyler; hesap dökümü için ilgili _DETAIL işlevini kullanın.",
    "Parametreler sayfası: Resmî Gazete'de yeni bir rakam çıktıysa, sürüm beklemeden burada geçersiz kılın.",
    "Satır eklemek için: sayfa korumasını kaldırın, son dolu formül satırını kopyalayıp aşağıya yapıştırın.",
]


# --- ithalat_vergi ------------------------------------------------------------------------------

DUTY_ARGS = "{goods}{r},N({freight}{r}),N({insurance}{r}),{origin}{r},{duty_rate}{r},{date}{r},{category}{r},{fx}{r}"


def _duty(name):
    """Twin of  IF(goods="","",NAME(goods,N(freight),N(insurance),origin,duty_rate,date,category,fx))."""
    def twin(e, t, r):
        if blank(t["goods"][r]):
            return ""
        return e.reg(name, t["goods"][r], n(t["freight"][r]), n(t["insurance"][r]), t["origin"][r],
                     t["duty_rate"][r], t["date"][r], t["category"][r], t["fx"][r])
    return twin


def is_tcmb(value) -> bool:
    return isinstance(value, str) and value.strip().upper() == "TCMB"


def _landed(e, t, r):
    """Twin of  IF(goods="","",IF(fx="",cif,cif*IF(fx="TCMB",TR_CUSTOMS_FX("EUR",date),fx))+taxes)."""
    if blank(t["goods"][r]):
        return ""
    cif, taxes, fx = t["cif"][r], t["taxes"][r], t["fx"][r]
    if is_tcmb(fx):
        fx = e.reg("TR_CUSTOMS_FX", "EUR", t["date"][r])
    return first_error(cif, taxes, fx) or (num(cif) if blank(fx) else num(cif) * num(fx)) + num(taxes)


PARCELS = [
    Col("date", "Tarih", 12, DATE, help="gümrük beyan tarihi"),
    Col("goods", "Eşya bedeli (€)", 14, EUR),
    Col("freight", "Navlun (€)", 12, EUR, help="boşsa 0"),
    Col("insurance", "Sigorta (€)", 12, EUR, help="boşsa 0"),
    Col("origin", "Menşe", 10, TEXT, choices="mense", help="ülke kodu, AB, AB DIŞI"),
    Col("category", "Kategori", 11, TEXT, choices="kategori", help="boşsa GENEL"),
    Col("duty_rate", "GTİP vergi oranı", 11, RATE, help="normal rejimde gerekli"),
    Col("fx", "Kur (TL/€)", 11, "#,##0.0000", help="TCMB: beyan tarihinin gümrük kuru; boş: sonuç €",
        default="TCMB"),
    Col("cif", "CIF (€)", 13, EUR, 'IF({goods}{r}="","",TR_CIF({goods}{r},N({freight}{r}),N({insurance}{r})))',
        fast=lambda e, t, r: "" if blank(t["goods"][r]) else e.reg(
            "TR_CIF", t["goods"][r], n(t["freight"][r]), n(t["insurance"][r]))),
    Col("regime", "Rejim", 11, None, 'IF({goods}{r}="","",TR_DUTY_REGIME(' + DUTY_ARGS + "))",
        fast=_duty("TR_DUTY_REGIME")),
    Col("taxes", "Toplam vergi", 14, "#,##0.00", 'IF({goods}{r}="","",TR_DUTY(' + DUTY_ARGS + "))",
        fast=_duty("TR_DUTY")),
    Col("currency", "Para birimi", 9, None, 'IF({goods}{r}="","",IF({fx}{r}="","EUR","TL"))',
        fast=lambda e, t, r: "" if blank(t["goods"][r]) else ("EUR" if blank(t["fx"][r]) else "TL")),
    Col("landed", "Toplam maliyet", 15, "#,##0.00",
        'IF({goods}{r}="","",IF({fx}{r}="",{cif}{r},{cif}{r}*IF({fx}{r}="TCMB",TR_CUSTOMS_FX("EUR",{date}{r}),'
        '{fx}{r}))+{taxes}{r})', fast=_landed),
]


def build_ithalat(rows: int) -> Workbook:
    wb = _workbook("ithalat_vergi")
    _instructions(wb, "İthalat vergisi — posta ve hızlı kargo gönderileri", [
        "Her satır bir gönderidir: tarih, eşya bedeli, navlun, sigorta (€), menşe, kategori, GTİP gümrük vergisi "
        "oranı ve isterseniz kur. Rejim (FLAT: tek ve maktu vergi, EXEMPT: muaf, REGULAR: normal), toplam vergi "
        "ve toplam maliyet kendiliğinden hesaplanır.",
        "Rejim tarihe, değere, menşeye ve kategoriye göre seçilir. Tek ve maktu vergi sınırı: "
        + _history("import.flat.limit", lambda v: f"{fmt(v)} €") + ". Sınır testine navlun ve sigorta dahil mi: "
        + _history("import.flat.base_includes_transport", lambda v: "evet" if v else "hayır")
        + ". Genel eşyada tek vergi yolu açık mı: "
        + _history("import.flat.general_route", lambda v: "evet" if v else "hayır (her değerde normal rejim)")
        + ". Normal rejimde KDV = (CIF + gümrük vergisi) × KDV oranı (KDV Kanunu md. 21).",
        "Kur sütunu TCMB yazılı gelir: beyan tarihinin gümrük kuru kullanılır (TR_CUSTOMS_FX, kural fx.customs.*; "
        "TCMB bülteni yerel kur deposundan ya da TCMB'den). Bir kur yazarak değiştirebilirsiniz. Kur boşsa "
        "tutarlar €'dur; kur varsa vergiler TL'ye çevrilip kuruşa yuvarlanır.",
        "Kategoriler: GENEL, OTV4 (ÖTV IV listesi), KITAP, ILAC (ilaç/takviye), NUMUNE, TUZEL (tüzel kişi alıcı).",
        *COMMON_HELP,
    ])
    lists = _lists(wb)
    table_sheet(wb, "Gönderiler", "Gönderiler ve vergileri", "Sarı sütunları doldurun; gri sütunlar hesaplanır.",
                PARCELS, rows, "Gonderiler", lists)
    refs = ranges("Gönderiler", PARCELS, rows, "p")
    ws = wb.create_sheet("Özet", 2)
    title(ws, "Özet", "Gönderilerin rejimlere göre sayısı ve para birimine göre toplamları.")
    def count(regime):
        return lambda e: group_sum(e.tables["Gönderiler"], ("regime",), "taxes").get((key(regime),), (0,))[0]

    def total(value_key, currency):
        return lambda e: group_sum(e.tables["Gönderiler"], ("currency",), value_key).get((key(currency),),
                                                                                         (0, 0.0))[1]
    summary = [
        ("Tek ve maktu vergi (FLAT) gönderi sayısı", '=COUNTIF({p_regime},"FLAT")', "0", count("FLAT")),
        ("Muaf (EXEMPT) gönderi sayısı", '=COUNTIF({p_regime},"EXEMPT")', "0", count("EXEMPT")),
        ("Normal rejim (REGULAR) gönderi sayısı", '=COUNTIF({p_regime},"REGULAR")', "0", count("REGULAR")),
        ("Toplam vergi, € (kursuz satırlar)", '=SUMIFS({p_taxes},{p_currency},"EUR")', EUR, total("taxes", "EUR")),
        ("Toplam maliyet, € (kursuz satırlar)", '=SUMIFS({p_landed},{p_currency},"EUR")', EUR,
         total("landed", "EUR")),
        ("Toplam vergi, TL (kurlu satırlar)", '=SUMIFS({p_taxes},{p_currency},"TL")', TL, total("taxes", "TL")),
        ("Toplam maliyet, TL (kurlu satırlar)", '=SUMIFS({p_landed},{p_currency},"TL")', TL,
         total("landed", "TL")),
    ]
    _summary_rows(wb, ws, summary, refs)
    _parameters(wb)
    return wb


def _summary_rows(wb, ws, rows, refs) -> None:
    """Label | formula rows; each formula's Python twin (env → value) is kept for the fast path."""
    for r, (label, formula, number_format, twin) in enumerate(rows, start=FIRST_ROW):
        ws.cell(r, 1, label)
        c = ws.cell(r, 2, formula.format(**refs))
        c.number_format = number_format
        wb.trcalc_cells[(ws.title, c.coordinate)] = twin
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 20
    protect(ws)


# --- dir_tev ------------------------------------------------------------------------------------

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
    Col("unit_value", "Birim değer", 13, "#,##0.0000", 'IF({qty}{r}="","",{value}{r}/{qty}{r})',
        fast=lambda e, t, r: "" if blank(t["qty"][r]) else (
            Err("#DIV/0!", "") if num(t["qty"][r]) == 0 else num(t["value"][r]) / num(t["qty"][r]))),
]
NORMS = [
    Col("product", "Ürün", 16, TEXT),
    Col("input", "Girdi", 16, TEXT),
    Col("consumption", "Birim tüketim", 13, QTY, help="1 birim ürün için girdi (fire dahil ya da hariç)"),
    Col("waste", "Fire oranı", 10, RATE, help="tüketim fire hariçse girin; dahilse boş"),
]
TEV_ARGS = ("{imp_value}{r},{imp_qty}{r},{qty}{r},{consumption}{r},{duty_rate}{r},{fx}{r},{waste}{r},"
            "{destination}{r},{certificate}{r},{date}{r},{currency}{r}")


def _norm(e, value_key):
    """{(product, input): (count, sum)} over the norms: COUNTIFS/SUMIFS for every row at once."""
    return e.once(("norms", value_key), lambda: group_sum(e.tables["Normlar"], ("product", "input"), value_key))


def _import_sum(value_key):
    """Twin of  IF(qty="","",SUMIFS(İthalat value, İthalat input, input))."""
    def twin(e, t, r):
        if blank(t["qty"][r]):
            return ""
        index = e.once(("imports", value_key), lambda: group_sum(e.tables["İthalat"], ("input",), value_key))
        return index.get((key(t["input"][r]),), (0, 0.0))[1]
    return twin


def _consumption(e, t, r):
    if blank(t["qty"][r]):
        return ""
    count, total = _norm(e, "consumption").get((key(t["product"][r]), key(t["input"][r])), (0, 0.0))
    return "norm yok" if count == 0 else total


def _waste(e, t, r):
    if blank(t["qty"][r]):
        return ""
    total = _norm(e, "waste").get((key(t["product"][r]), key(t["input"][r])), (0, 0.0))[1]
    return total if isinstance(total, Err) or total != 0 else ""


def _first_import(value_key):
    """Twin of  INDEX(İthalat value_key, MATCH(input, İthalat input, 0)): the input's first import."""
    def twin(e, t, r):
        if blank(t["qty"][r]):
            return ""
        def build():
            imports, out = e.tables["İthalat"], {}
            for i in range(imports.rows):
                out.setdefault(key(imports["input"][i]), imports[value_key][i])
            return out
        value = e.once(("first", value_key), build).get(key(t["input"][r]), Err("#N/A", ""))
        return "" if value is None else value
    return twin


_first_rate = _first_import("duty_rate")
_import_currency = _first_import("currency")


def _tcmb_currency(e, t, r):
    """Twin of  IF(OR(qty="",fx<>"TCMB"),"",INDEX(İthalat currency, MATCH(input, İthalat input, 0))):
    the input's currency, which TR_TEV needs when its rate is TCMB."""
    return _import_currency(e, t, r) if is_tcmb(t["fx"][r]) else ""


def _when_paid(name, *keys):
    def twin(e, t, r):
        if blank(t["qty"][r]) or blank(t["paid"][r]):
            return ""
        return e.reg(name, *(t[k][r] for k in keys))
    return twin


EXPORTS = [
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
        'IF({qty}{r}="","",IF(COUNTIFS({n_product},{product}{r},{n_input},{input}{r})=0,"norm yok",'
        'SUMIFS({n_consumption},{n_product},{product}{r},{n_input},{input}{r})))', fast=_consumption),
    Col("waste", "Fire", 8, RATE,
        'IF({qty}{r}="","",IF(SUMIFS({n_waste},{n_product},{product}{r},{n_input},{input}{r})=0,"",'
        'SUMIFS({n_waste},{n_product},{product}{r},{n_input},{input}{r})))', fast=_waste),
    Col("imp_value", "İthalat değeri (döviz)", 14, "#,##0.00",
        'IF({qty}{r}="","",SUMIFS({i_value},{i_input},{input}{r}))', fast=_import_sum("value")),
    Col("imp_qty", "İthalat miktarı", 12, QTY, 'IF({qty}{r}="","",SUMIFS({i_qty},{i_input},{input}{r}))',
        fast=_import_sum("qty")),
    Col("duty_rate", "Vergi oranı", 9, RATE,
        'IF({qty}{r}="","",INDEX({i_duty_rate},MATCH({input}{r},{i_input},0)))', fast=_first_rate),
    Col("applies", "TEV doğar mı", 9, None,
        'IF({qty}{r}="","",TR_TEV_APPLIES({destination}{r},{certificate}{r},{date}{r}))',
        fast=lambda e, t, r: "" if blank(t["qty"][r]) else e.reg(
            "TR_TEV_APPLIES", t["destination"][r], t["certificate"][r], t["date"][r])),
    Col("tev", "TEV (TL)", 15, TL, 'IF({qty}{r}="","",TR_TEV(' + TEV_ARGS + "))",
        fast=lambda e, t, r: "" if blank(t["qty"][r]) else e.reg("TR_TEV", *(t[k][r] for k in (
            "imp_value", "imp_qty", "qty", "consumption", "duty_rate", "fx", "waste", "destination",
            "certificate", "date")), _tcmb_currency(e, t, r))),
    Col("interest", "Gecikme zammı (TL)", 14, TL,
        'IF(OR({qty}{r}="",{paid}{r}=""),"",TR_LATE_INTEREST({tev}{r},{date}{r},{paid}{r}))',
        fast=_when_paid("TR_LATE_INTEREST", "tev", "date", "paid")),
    Col("penalty", "Para cezası (TL)", 14, TL,
        'IF(OR({qty}{r}="",{paid}{r}=""),"",TR_TEV_PENALTY({tev}{r},{voluntary}{r},{date}{r}))',
        fast=_when_paid("TR_TEV_PENALTY", "tev", "voluntary", "date")),
    # last, so the columns before keep their letters; TR_TEV reads it
    Col("currency", "Döviz (TCMB kuru için)", 9, None,
        'IF(OR({qty}{r}="",{fx}{r}<>"TCMB"),"",INDEX({i_currency},MATCH({input}{r},{i_input},0)))',
        fast=_tcmb_currency),
]


def _column_total(sheet, value_key):
    """Twin of SUM(range): numbers add up, text and blanks count 0, an error propagates."""
    def twin(e):
        t = e.tables[sheet]
        return first_error(*t[value_key]) or sum(num(v) for v in t[value_key])
    return twin


def build_dir(rows: int) -> Workbook:
    wb = _workbook("dir_tev")
    _instructions(wb, "DİR — telafi edici vergi (TEV), gecikme zammı ve ceza", [
        "İthalat sayfası: dahilde işleme kapsamında ithal edilen girdiler (beyanname, tarih, girdi, miktar, "
        "birim, döviz değeri, döviz, kur, gümrük vergisi oranı — İGV hariç —, menşe).",
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
        f"{_pct(_rule('tev.penalty_fraction'))}; gönüllü "
        "bildirimde 0) hesaplanır.",
        *COMMON_HELP,
    ])
    lists = _lists(wb)
    n_imports = max(10, rows // 6)
    table_sheet(wb, "İthalat", "İthalat (girdiler)", "Dahilde işleme kapsamında ithal edilen girdiler.",
                IMPORTS, n_imports, "Ithalat", lists)
    table_sheet(wb, "Normlar", "Normlar (birim tüketim)", "Birim ürün başına girdi tüketimi.",
                NORMS, n_imports, "Normlar", lists)
    refs = {**ranges("İthalat", IMPORTS, n_imports, "i"), **ranges("Normlar", NORMS, n_imports, "n")}
    table_sheet(wb, "İhracat", "İhracat ve TEV", "Her ihracat satırı için TEV, gecikme zammı ve ceza.",
                EXPORTS, rows, "Ihracat", lists, refs)
    x = ranges("İhracat", EXPORTS, rows, "x")
    ws = wb.create_sheet("Özet", 4)
    title(ws, "Özet", "TEV, gecikme zammı ve para cezası toplamları.")
    tev, interest, penalty = (_column_total("İhracat", k) for k in ("tev", "interest", "penalty"))
    _summary_rows(wb, ws, [
        ("İhracat satırı", "=COUNT({x_qty})", "0",
         lambda e: sum(1 for v in e.tables["İhracat"]["qty"] if isinstance(v, (int, float)) and v is not True
                       and v is not False)),
        ("TEV doğan satır", '=COUNTIF({x_applies},TRUE)', "0",
         lambda e: sum(1 for v in e.tables["İhracat"]["applies"] if v is True)),
        ("Toplam TEV", "=SUM({x_tev})", TL, tev),
        ("Toplam gecikme zammı", "=SUM({x_interest})", TL, interest),
        ("Toplam para cezası", "=SUM({x_penalty})", TL, penalty),
        ("Genel toplam", "=SUM({x_tev})+SUM({x_interest})+SUM({x_penalty})", TL,
         lambda e: first_error(tev(e), interest(e), penalty(e)) or tev(e) + interest(e) + penalty(e)),
    ], x)
    _parameters(wb)
    return wb


# --- eihracat_destek ----------------------------------------------------------------------------

CAP_ARGS = "{support}{r},{beneficiary}{r},{amount}{r},{sales}{r},{year}{r},{claimed}{r},{count}{r}"


def _claimed(e, t, r):
    """Twin of SUMIFS(payable above, support above, support, beneficiary above, beneficiary, year above, year):
    running sums, so a 10,000-line ledger is not 50 million comparisons."""
    if blank(t["date"][r]):
        return ""
    state = e.memo.setdefault("claimed", {"upto": 0, "sums": {}})
    while state["upto"] < r:
        i = state["upto"]
        k = (key(t["support"][i]), key(t["beneficiary"][i]), key(t["year"][i]))
        before, v = state["sums"].get(k, 0.0), t["payable"][i]
        state["sums"][k] = before if isinstance(before, Err) else (v if isinstance(v, Err) else before + num(v))
        state["upto"] += 1
    return state["sums"].get((key(t["support"][r]), key(t["beneficiary"][r]), key(t["year"][r])), 0.0)


def _remaining(e, t, r):
    if blank(t["date"][r]):
        return ""
    cap = e.reg("EIHR_ANNUAL_CAP", t["support"][r], t["beneficiary"][r], t["year"][r], t["count"][r])
    return first_error(cap, t["claimed"][r], t["payable"][r]) or max(
        0.0, num(cap) - num(t["claimed"][r]) - num(t["payable"][r]))


def _first_dates(e, t):
    """MINIFS(date, support, s, market, m) for every (s, m) at once."""
    def build():
        out = {}
        for i in range(t.rows):
            d = as_date(t["date"][i])
            if d is not None:
                k = (key(t["support"][i]), key(t["market"][i]))
                out[k] = min(out.get(k, d), d)
        return out
    return e.once("first_dates", build)


def _window_end(e, t, r):
    if blank(t["date"][r]):
        return ""
    start = _first_dates(e, t).get((key(t["support"][r]), key(t["market"][r])))
    return e.reg("EIHR_END", start, t["support"][r])


def _check(e, t, r):
    if blank(t["date"][r]):
        return ""
    end = t["window_end"][r]
    if isinstance(end, Err):
        return end
    d = as_date(t["date"][r])
    if d > as_date(end):
        return "süre doldu"
    before = as_date(t["date"][r - 1]) if r > 0 else None
    return "tarih sırası bozuk" if before is not None and d < before else ""


LEDGER = [
    Col("date", "Tarih", 12, DATE, help="harcama (fatura) tarihi; tarih sırasıyla girin"),
    Col("support", "Destek", 13, TEXT, choices="destek"),
    Col("beneficiary", "Yararlanıcı", 13, TEXT, choices="yararlanici"),
    Col("market", "Pazaryeri / ülke", 16, TEXT, help="3 yıllık süre bunun için işler"),
    Col("invoice", "Fatura no", 12, TEXT),
    Col("amount", "Harcama (TL)", 15, TL),
    Col("sales", "İlgili satış (TL)", 15, TL, help="REKLAM: reklam satışı; SIPARIS: hedef ülke satışı"),
    Col("count", "Adet", 7, "0", help="DEPO: birim; ENTEGRASYON: entegrasyon"),
    Col("year", "Yıl", 7, "0", 'IF({date}{r}="","",YEAR({date}{r}))',
        fast=lambda e, t, r: "" if blank(t["date"][r]) else as_date(t["date"][r]).year),
    Col("quarter", "Çeyrek", 7, "0", 'IF({date}{r}="","",ROUNDUP(MONTH({date}{r})/3,0))',
        fast=lambda e, t, r: "" if blank(t["date"][r]) else (as_date(t["date"][r]).month + 2) // 3),
    Col("claimed", "Önceki ödemeler (TL)", 15, TL,
        'IF({date}{r}="","",SUMIFS({payable}$5:{payable}{p},{support}$5:{support}{p},{support}{r},'
        '{beneficiary}$5:{beneficiary}{p},{beneficiary}{r},{year}$5:{year}{p},{year}{r}))',
        first='IF({date}{r}="","",0)', fast=_claimed),
    Col("payable", "Ödenecek destek (TL)", 16, TL, 'IF({date}{r}="","",EIHR_CAP(' + CAP_ARGS + "))",
        fast=lambda e, t, r: "" if blank(t["date"][r]) else e.reg("EIHR_CAP", *(t[k][r] for k in (
            "support", "beneficiary", "amount", "sales", "year", "claimed", "count")))),
    Col("remaining", "Kalan sınır (TL)", 16, TL,
        'IF({date}{r}="","",MAX(0,EIHR_ANNUAL_CAP({support}{r},{beneficiary}{r},{year}{r},{count}{r})'
        '-{claimed}{r}-{payable}{r}))', fast=_remaining),
    Col("window_end", "3 yıllık süre sonu", 12, DATE,
        'IF({date}{r}="","",EIHR_END(_xlfn.MINIFS({date}$5:{date}$9999,{support}$5:{support}$9999,{support}{r},'
        '{market}$5:{market}$9999,{market}{r}),{support}{r}))', fast=_window_end),
    Col("check", "Kontrol", 14, None,
        'IF({date}{r}="","",IF({date}{r}>{window_end}{r},"süre doldu",IF({date}{r}<{date}{p},'
        '"tarih sırası bozuk","")))',
        first='IF({date}{r}="","",IF({date}{r}>{window_end}{r},"süre doldu",""))', fast=_check),
]
CHART_YEAR_ROWS = len(SUPPORTS.codes)


def _ledger_cols(rows: int) -> list[Col]:
    """The ledger's patterns need the previous row ({p}) and the table's end (not 9999)."""
    end = str(last_row(rows))
    return [replace(c, formula=c.formula.replace("9999", end)) if c.formula else c for c in LEDGER]


def build_eihracat(rows: int) -> Workbook:
    wb = _workbook("eihracat_destek")
    depo = book().params["eexport.item_max.depo"][-1]       # repealed: its last entry has an end
    _instructions(wb, "E-ihracat destekleri — harcama defteri (5986 sayılı Karar; Genelge md. 13–19)", [
        "Harcamalar sayfası: her fatura bir satır; TARİH SIRASIYLA girin. Yıllık üst sınır defter boyunca "
        "uygulanır: sonraki bir harcama, öncekilerin bıraktığı kadar destek alır (Önceki ödemeler sütunu).",
        "Destek kodları: REKLAM (13), TANITIM (14), SIPARIS (15), DEPO (16), ENTEGRASYON (17), MAGAZA (18), "
        "KOMISYON (19). Yararlanıcı: SIRKET, PERAKENDE, KONSORSIYUM, B2B, PAZARYERI.",
        f"Destek = {_pct(_rule('eexport.support_rate'))} × uygun harcama. REKLAM'da uygun harcama, reklamlardan "
        f"gelen satışın {_pct(_rule('eexport.ratio.reklam'))}'sini; SIPARIS'te hedef ülke e-ticaret satışının "
        f"{_pct(_rule('eexport.ratio.siparis'))}'unu aşamaz (İlgili satış sütunu). DEPO'da birim başına, "
        f"ENTEGRASYON'da entegrasyon başına (tüm süre için) üst sınır vardır (Adet sütunu; en çok "
        f"{depo.value} birim / {_rule('eexport.item_max.entegrasyon')} entegrasyon). DEPO desteği "
        f"{depo.end + dt.timedelta(days=1):%d.%m.%Y} tarihinde Karardan çıkarıldı.",
        "Üst sınırlar, Kararın 2022 tutarlarının her yıl başında (TÜFE + Yİ-ÜFE) / 2 oranında yeniden "
        "değerlenmiş halidir. Kurallarda olmayan bir yıl için Bakanlığın tablosundaki tutarı Parametreler "
        "sayfasında girin (örn. eexport.cap.reklam.sirket).",
        "Özet sayfası: destek ve yıl başına harcama, ödenecek destek, yıllık üst sınır, kalan sınır, çeyrek "
        "(başvuru dönemi) toplamları ve ilk 3 yıllık sürenin sonu; grafik, ilk yılın kullanılan ve kalan "
        "sınırlarını gösterir.",
        *COMMON_HELP,
    ])
    lists = _lists(wb)
    cols = _ledger_cols(rows)
    table_sheet(wb, "Harcamalar", "Harcama defteri", "Tarih sırasıyla girin.", cols, rows, "Harcamalar", lists)
    _support_summary(wb, cols, rows, lists)
    _parameters(wb)
    return wb


def _support_summary(wb, cols, rows, lists) -> None:
    led = ranges("Harcamalar", cols, rows, "l")
    ws = wb.create_sheet("Özet", 2)
    title(ws, "Özet — destek ve yıl başına", "Yararlanıcı türünü ve ilk yılı seçin; tablo iki yılı gösterir.")
    ws["A3"], ws["D3"] = "Yararlanıcı türü", "İlk yıl"
    ws["B3"], ws["E3"] = "SIRKET", book().meta.reviewed.year
    for c in ("B3", "E3"):
        unlock(ws[c])
    from openpyxl.worksheet.datavalidation import DataValidation
    dv = DataValidation(type="list", formula1=lists["yararlanici"], allow_blank=False)
    dv.add("B3")
    ws.add_data_validation(dv)
    headers = ["Destek", "Yıl", "Harcama", "Ödenecek destek", "Yıllık üst sınır", "Kalan sınır",
               "1. çeyrek", "2. çeyrek", "3. çeyrek", "4. çeyrek", "İlk 3 yıllık süre sonu"]
    for i, h in enumerate(headers, start=1):
        c = ws.cell(HEADER_ROW, i, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
    r = FIRST_ROW
    for offset in (0, 1):
        for code in SUPPORTS.codes:
            ws.cell(r, 1, code)
            crit = f'{led["l_support"]},$A{r},{led["l_year"]},$B{r}'
            count = f'_xlfn.MAXIFS({led["l_count"]},{crit})'
            cells = [
                (f"=$E$3+{offset}", "0", _year_twin(offset)),
                (f"=SUMIFS({led['l_amount']},{crit})", TL, _ledger_sum(r, "amount")),
                (f"=SUMIFS({led['l_payable']},{crit})", TL, _ledger_sum(r, "payable")),
                (f'=IF(C{r}=0,"",IF(OR($A{r}="DEPO",$A{r}="ENTEGRASYON"),'
                 f'EIHR_ANNUAL_CAP($A{r},$B$3,$B{r},{count}),EIHR_ANNUAL_CAP($A{r},$B$3,$B{r})))', TL,
                 _summary_cap(r)),
                (f'=IF(E{r}="","",MAX(0,E{r}-D{r}))', TL, _summary_left(r)),
                *[(f"=SUMIFS({led['l_payable']},{crit},{led['l_quarter']},{q})", TL, _ledger_sum(r, "payable", q))
                  for q in (1, 2, 3, 4)],
                (f'=IF(C{r}=0,"",EIHR_END(_xlfn.MINIFS({led["l_date"]},{led["l_support"]},$A{r}),$A{r}))', DATE,
                 _summary_end(r)),
            ]
            for i, (formula, number_format, twin) in enumerate(cells, start=2):
                c = ws.cell(r, i, formula)
                c.number_format = number_format
                wb.trcalc_cells[(ws.title, c.coordinate)] = twin
            r += 1
    for letter, width in zip("ABCDEFGHIJK", (14, 7, 16, 16, 16, 16, 14, 14, 14, 14, 14)):
        ws.column_dimensions[letter].width = width
    protect(ws)
    add_support_chart(ws)


def _row_cell(e, column: str, r: int):
    return e.cell("Özet", f"{column}{r}")


def _year_twin(offset):
    return lambda e: num(e.cell("Özet", "E3")) + offset


def _ledger_sum(r, value_key, quarter=None):
    """Twin of SUMIFS(ledger value, support, $A{r}, year, $B{r}[, quarter, q])."""
    def twin(e):
        keys = ("support", "year") + (("quarter",) if quarter else ())
        index = e.once(("ledger", keys, value_key), lambda: group_sum(e.tables["Harcamalar"], keys, value_key))
        k = (key(_row_cell(e, "A", r)), key(_row_cell(e, "B", r))) + ((quarter,) if quarter else ())
        return index.get(k, (0, 0.0))[1]
    return twin


def _summary_cap(r):
    def twin(e):
        if _row_cell(e, "C", r) == 0:
            return ""
        support, year = _row_cell(e, "A", r), _row_cell(e, "B", r)
        beneficiary = e.cell("Özet", "B3")
        if support in ("DEPO", "ENTEGRASYON"):
            t = e.tables["Harcamalar"]
            counts = [num(t["count"][i]) for i in range(t.rows)
                      if key(t["support"][i]) == key(support) and key(t["year"][i]) == key(year)
                      and isinstance(t["count"][i], (int, float))]
            return e.reg("EIHR_ANNUAL_CAP", support, beneficiary, year, max(counts, default=0))
        return e.reg("EIHR_ANNUAL_CAP", support, beneficiary, year)
    return twin


def _summary_left(r):
    def twin(e):
        cap = _row_cell(e, "E", r)
        if blank(cap):
            return ""
        return first_error(cap, _row_cell(e, "D", r)) or max(0.0, num(cap) - num(_row_cell(e, "D", r)))
    return twin


def _summary_end(r):
    def twin(e):
        if _row_cell(e, "C", r) == 0:
            return ""
        t, support = e.tables["Harcamalar"], _row_cell(e, "A", r)
        dates = [as_date(t["date"][i]) for i in range(t.rows)
                 if key(t["support"][i]) == key(support) and as_date(t["date"][i]) is not None]
        return e.reg("EIHR_END", min(dates) if dates else 0, support)
    return twin


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
    if wb.properties.keywords == MARK + "eihracat_destek" and "Özet" in wb.sheetnames:
        ws = wb["Özet"]
        if not ws._charts:
            add_support_chart(ws)


# --- examples -----------------------------------------------------------------------------------

def _fill(ws, cols: list[Col], data: list[dict]) -> None:
    names = letters(cols)
    for r, row in enumerate(data, start=FIRST_ROW):
        for column, value in row.items():
            ws[f"{names[column]}{r}"] = value


def example_ithalat() -> Workbook:
    wb = build_ithalat(EXAMPLE_ROWS)
    d = dt.date
    seed = {"goods": 60, "freight": 10, "insurance": 5, "origin": "DE", "category": "GENEL", "duty_rate": 0.20,
            "fx": None}
    _fill(wb["Gönderiler"], PARCELS, [
        # (the template's Kur cells say TCMB; rows in € clear them)
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


def example_dir() -> Workbook:
    wb = build_dir(EXAMPLE_ROWS)
    d = dt.date
    _fill(wb["İthalat"], IMPORTS, [
        {"decl": "25340100IM000001", "date": d(2025, 1, 15), "input": "IPLIK", "qty": 10000, "unit": "kg",
         "value": 100000, "currency": "USD", "fx": 30, "duty_rate": 0.10, "origin": "CN"},
    ])
    _fill(wb["Normlar"], NORMS, [
        {"product": "KUMAS", "input": "IPLIK", "consumption": 1},
        {"product": "GOMLEK", "input": "IPLIK", "consumption": 0.49, "waste": 0.02},
    ])
    _fill(wb["İhracat"], EXPORTS, [
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


def example_eihracat() -> Workbook:
    wb = build_eihracat(EXAMPLE_ROWS)
    wb["Özet"]["E3"] = 2025
    d = dt.date
    _fill(wb["Harcamalar"], _ledger_cols(EXAMPLE_ROWS), [
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


BUILDERS = {"ithalat_vergi": build_ithalat, "dir_tev": build_dir, "eihracat_destek": build_eihracat}
# the table whose size is the builder's `rows`: (sheet, Excel table name)
MAIN_TABLE = {"ithalat_vergi": ("Gönderiler", "Gonderiler"), "dir_tev": ("İhracat", "Ihracat"),
              "eihracat_destek": ("Harcamalar", "Harcamalar")}
EXAMPLES = {"ithalat_vergi": example_ithalat, "dir_tev": example_dir, "eihracat_destek": example_eihracat}


def save(wb: Workbook, path: Path) -> None:
    """Save with fixed zip timestamps and modification date: the same build gives the same bytes,
    so rebuilding (as `make run` does) leaves the committed files untouched."""
    when = book().meta.reviewed
    stamp = f"{when:%Y-%m-%d}T00:00:00Z".encode()
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(when.year, when.month, when.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, data)
    data = out.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def build_all(out: Path | None = None) -> list[Path]:
    out = out or HERE
    (out / "examples").mkdir(parents=True, exist_ok=True)
    paths = []
    for name, builder in BUILDERS.items():
        path = out / f"{name}.xlsx"
        save(builder(ROWS[name]), path)
        paths.append(path)
    for name, example in EXAMPLES.items():
        path = out / "examples" / f"{name}.xlsx"
        save(example(), path)
        paths.append(path)
    return paths
