"""The tariff book reads the tables as the Ministry and the Resmî Gazete publish them (issue 27.2–27.4).

Every fixture is built here in the published layout — the Resmî Gazete's HTML table, the Ministry's
Excel sheet with merged header cells — from a handful of real rows, each quoted with the page it was
read on. Which origin takes which column on a date is trcalc's law data (rules/tev_partners.yaml for
the agreements, rules/tariff_groups.yaml for the GSP groups); every expected figure is the quoted
rate applied by hand, shown beside it.
"""
import datetime as dt
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from trcalc.calc import CalcError, call
from trcalc.calc.tariffread import Options, cells, detect, read
from trcalc.calc.tariffstore import Book

# --- İthalat Rejimi Kararı, I sayılı liste ("13. ve 15. FASILLAR" table) as amended by the
# İthalat Rejimi Kararına Ek Karar, Karar Sayısı 3202, as pirsan.com.tr reproduces it
# (https://pirsan.com.tr/tr/i̇thalat-rejimi-kararina-ek-karar-karar-sayisi-3202-25-11-2020-6845):
#   G.T.İ.P. | GÜMRÜK VERGİSİ ORANI (%) [AB, EFTA, F.ADA. | GÜR. | B- HER. | G.KORE | MLZY. | SİNG. |
#   KOS. | VEN. | D-8 | D.Ü.] | Dipnot
#   1512.11.91.00.00 | 3 | 3 | 3 | 3 | 3 | 3 | 0 | 3 | 3 | 3 | 1, 2
# The page is HTML like the Resmî Gazete's: a two-row header with rowspan/colspan.
KARAR_3202 = """<html><head><meta charset="utf-8"></head><body>
<p>İthalat Rejimi Kararına ekli I sayılı listede yer alan “13. ve 15. FASILLAR” başlıklı tabloda bulunan ve
aşağıda gümrük tarife istatistik pozisyonu (G.T.İ.P.) belirtilen ürünün gümrük vergisi yeniden düzenlenmiştir.</p>
<table>
<tr><td rowspan="2">G.T.İ.P.</td><td colspan="10">GÜMRÜK VERGİSİ ORANI (%)</td><td rowspan="2">Dipnot</td></tr>
<tr><td>AB, EFTA, F.ADA.</td><td>GÜR.</td><td>B- HER.</td><td>G.KORE</td><td>MLZY.</td><td>SİNG.</td>
<td>KOS.</td><td>VEN.</td><td>D-8</td><td>D.Ü.</td></tr>
<tr><td>1512.11.91.00.00</td><td>3</td><td>3</td><td>3</td><td>3</td><td>3</td><td>3</td><td>0</td><td>3</td>
<td>3</td><td>3</td><td>1, 2</td></tr>
</table></body></html>"""
SOURCE_3202 = "İthalat Rejimi Kararına Ek Karar, Karar Sayısı 3202 (25.11.2020), I sayılı liste 13. ve 15. fasıllar"

# --- İthalat Rejimi Kararı II sayılı liste (25–97. fasıllar), 54. fasıl, with its numbered column
# groups and their legend, as gumrukvergisi.blogspot.com reproduces it
# (http://gumrukvergisi.blogspot.com/2015/12/fasil-54-gumruk-vergisi-oranlari.html):
#   1 : AB Üyesi Ülkeler, EFTA Üyesi Ülkeler, İsrail, Makedonya, Bosna-Hersek, Fas, Batı Şeria ve Gazze
#       Şeridi, Tunus, Mısır, Gürcistan, Arnavutluk, Ürdün, Şili, Sırbistan, Karadağ, Kosova.
#   2 : Güney Kore   3 : Morityus   4 : Genelleştirilmiş Tercihler Sisteminden Yararlanacak Ülkeler Grubu
#   5 : En Az Gelişmiş Ülkeler   6 : Özel Teşvik Düzenlemelerinden Yararlanacak Ülkeler
#   7 : Gelişme Yolundaki Ülkeler   8 : Diğer Ülkeler
#   GÜMRÜK VERGİSİ ORANI ( % ) / 4 (over 5, 6, 7) / G.T.İ.P. MADDE İSMİ 1 2 3 5 6 7 8
#   5401.10.12.10.00 67 Desiteksi geçmeyenler 0 2 0 0 0 3,2 4
#   5401.10.90.00.00 Perakende olarak satılacak hale getirilmiş 0 2,5 0 0 0 4 5
# Built as the Ministry's Excel sheet would hold it: merged cells over the group columns.
LEGEND_2015 = [
    "1 : AB Üyesi Ülkeler, EFTA Üyesi Ülkeler, İsrail, Makedonya, Bosna-Hersek, Fas, Batı Şeria ve Gazze "
    "Şeridi, Tunus, Mısır, Gürcistan, Arnavutluk, Ürdün, Şili, Sırbistan, Karadağ, Kosova.",
    "2 : Güney Kore", "3 : Morityus", "4 : Genelleştirilmiş Tercihler Sisteminden Yararlanacak Ülkeler Grubu",
    "5 : En Az Gelişmiş Ülkeler", "6 : Özel Teşvik Düzenlemelerinden Yararlanacak Ülkeler",
    "7 : Gelişme Yolundaki Ülkeler", "8 : Diğer Ülkeler"]
ROWS_54 = [("5401.10.12.10.00", "67 Desiteksi geçmeyenler", 0, 2, 0, 0, 0, 3.2, 4),
           ("5401.10.90.00.00", "Perakende olarak satılacak hale getirilmiş", 0, 2.5, 0, 0, 0, 4, 5)]
SOURCE_2015 = "2015 İthalat Rejimi Kararı, II sayılı liste, 54. fasıl"


def ii_list_2015(path: Path, rows=ROWS_54, legend_below: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["II SAYILI LİSTEDE (25-97 FASILLAR) GÜMRÜK VERGİSİ SÜTUNLARINDAKİ ÜLKE VE ÜLKE GRUPLARI"])
    for line in [] if legend_below else LEGEND_2015:
        ws.append([line])
    ws.append([None, None, "GÜMRÜK VERGİSİ ORANI ( % )"])
    ws.merge_cells(start_row=ws.max_row, start_column=3, end_row=ws.max_row, end_column=9)
    ws.append([None, None, None, None, None, "4"])
    ws.merge_cells(start_row=ws.max_row, start_column=6, end_row=ws.max_row, end_column=8)
    ws.append(["G.T.İ.P.", "MADDE İSMİ", "1", "2", "3", "5", "6", "7", "8"])
    for r in rows:
        ws.append(list(r))
    for line in LEGEND_2015 if legend_below else []:
        ws.append([line])
    wb.save(path)
    return path


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "data"))
    return Book()


def load(book, path, **options):
    reading = read(path, Options(**options))
    return reading, book.load(path, reading.measures)


def test_the_resmi_gazete_html_table_is_detected_and_read(tmp_path, book):
    f = tmp_path / "karar3202.htm"
    f.write_text(KARAR_3202, encoding="utf-8")
    assert detect(cells(f)) == "irk"
    reading, done = load(book, f, source=SOURCE_3202, start=dt.date(2020, 11, 25))
    # AB, EFTA, F.ADA. is one column for three agreements; D-8 is a column trcalc has no members for
    origins = sorted(m.origin for m in reading.measures)
    assert origins == sorted(["eu", "efta", "fo", "ge", "ba", "kr", "my", "sg", "xk", "ve", "*"])
    assert done == {"added": 11, "unchanged": 0}
    assert any("D-8" in s and "yüklenmedi" in s for s in reading.skipped)
    m = next(m for m in reading.measures if m.origin == "*")
    assert m.rate == D("0.03") and m.start == dt.date(2020, 11, 25) and "dipnot 1, 2" in m.source
    # a Chinese origin takes D.Ü.: 3 %; Kosovo's column is 0 %, with a proof the Türkiye–Kosovo FTA knows
    # (EUR.1; the agreement in force from 01.09.2019); without the proof the general 3 %
    assert call("TR_GTIP_RATE", "1512.11.91.00.00", "GV", "CN", "2021-03-01") == D("0.03")
    assert call("TR_GTIP_RATE", "1512.11.91.00.00", "GV", "XK", "2021-03-01", "EUR1") == D("0")
    assert call("TR_GTIP_RATE", "1512.11.91.00.00", "GV", "XK", "2021-03-01") == D("0.03")
    # on a customs value of 10.000 TL: 3 % = 300 TL, Kosovo with EUR.1: 0 TL
    assert m.amount(D("10000"), None) == D("300.00")
    # loaded again: nothing changes
    assert book.load(f, read(f, Options(source=SOURCE_3202, start=dt.date(2020, 11, 25))).measures) == \
        {"added": 0, "unchanged": 11}


def test_the_numbered_groups_and_their_legend_from_an_excel_sheet(tmp_path, book):
    f = ii_list_2015(tmp_path / "ii_2015.xlsx")
    assert detect(cells(f)) == "irk"
    reading, done = load(book, f, source=SOURCE_2015, start=dt.date(2015, 1, 1))
    line = {m.origin: m for m in reading.measures if m.code == "540110121000"}
    # group 1 is every agreement its legend names; 4 (GTS) stands over 5 and 7, which are the two groups
    assert {"eu", "efta", "il", "mk", "ba", "ma", "ps", "tn", "eg", "ge", "al", "jo", "cl", "rs", "me", "xk"} <= set(line)
    assert line["kr"].rate == D("0.02") and line["mu"].rate == D("0")
    assert line["eagu"].rate == D("0") and line["gyu"].rate == D("0.032") and line["*"].rate == D("0.04")
    assert any("Özel Teşvik" in s for s in reading.skipped)                 # group 6: no law data
    assert done["added"] == len(reading.measures)


def test_a_look_up_by_gsp_group_needs_form_a_and_respects_excluded_sectors(tmp_path, book):
    load(book, ii_list_2015(tmp_path / "ii_2015.xlsx"), source=SOURCE_2015, start=dt.date(2015, 1, 1))
    code, on = "5401.10.12.10.00", "2019-03-01"
    # Bolivia is a developing country of Ek-4 (RG 10.08.2018) with no excluded sector: G.Y.Ü. 3,2 %
    # with Form A; without it the general 4 %, and the breakdown names the proof
    assert call("TR_GTIP_RATE", code, "GV", "BO", on, "FORMA") == D("0.032")
    assert call("TR_GTIP_RATE", code, "GV", "BO", on) == D("0.04")
    detail = {r[0]: r for r in call("TR_GTIP_RATE_DETAIL", code, "GV", "BO", on)}
    assert "Form A" in detail["GV — Gümrük vergisi"][1]
    # Afghanistan is least developed: 0 % with Form A
    assert call("TR_GTIP_RATE", code, "GV", "AF", on, "FORMA") == D("0")
    assert call("TR_GTIP_RATE", code, "GV", "AF", on, "Form A") == D("0")              # as it is written
    # Pakistan (S-8b, S-11a, S-11b excluded) and Bangladesh (S-11a, S-11b) are not given the group's
    # column by trcalc: the general 4 %, and the breakdown says which sectors are excluded
    assert call("TR_GTIP_RATE", code, "GV", "PK", on, "FORMA") == D("0.04")
    detail = {r[0]: r for r in call("TR_GTIP_RATE_DETAIL", code, "GV", "BD", on, "FORMA")}
    assert "S-11a, S-11b" in detail["GV — Gümrük vergisi"][1]
    # Before Ek-4 of 2018 trcalc has no member list: Bolivia takes the general column
    assert call("TR_GTIP_RATE", code, "GV", "BO", "2018-08-09", "FORMA") == D("0.04")
    # Korea's column (group 2) with the proof the Türkiye–Korea FTA knows (an origin declaration)
    assert call("TR_GTIP_RATE", code, "GV", "KR", on, "FATURA") == D("0.02")
    # by hand: 2.500 TL × 3,2 % = 80 TL for Bolivia with Form A; × 4 % = 100 TL for China
    rate_bo = call("TR_GTIP_RATE", code, "GV", "BO", on, "FORMA")
    assert (D("2500") * rate_bo).quantize(D("0.01")) == D("80.00")
    assert (D("2500") * call("TR_GTIP_RATE", code, "GV", "CN", on)).quantize(D("0.01")) == D("100.00")


def test_a_new_years_table_adds_a_dated_version(tmp_path, book):
    load(book, ii_list_2015(tmp_path / "ii_2015.xlsx"), source=SOURCE_2015, start=dt.date(2015, 1, 1))
    # a later table for the same line (made up: the general column 4 → 3,5 %) from 2016
    later = ii_list_2015(tmp_path / "ii_2016.xlsx", [("5401.10.12.10.00", "67 Desiteksi geçmeyenler",
                                                      0, 2, 0, 0, 0, 3.2, 3.5)])
    _, done = load(book, later, source="örnek 2016 tablosu", start=dt.date(2016, 1, 1))
    assert done["added"] > 0
    assert call("TR_GTIP_RATE", "5401.10.12.10.00", "GV", "CN", "2015-12-31") == D("0.04")
    assert call("TR_GTIP_RATE", "5401.10.12.10.00", "GV", "CN", "2016-01-01") == D("0.035")
    # the same start with another rate would rewrite history: refused, nothing loaded
    clash = ii_list_2015(tmp_path / "clash.xlsx", [("5401.10.12.10.00", "x", 0, 2, 0, 0, 0, 3.2, 9),
                                                   ("5402.11.00.10.00", "y", 0, 2, 0, 0, 0, 3.2, 4)])
    before = book.summary()["measures"]
    with pytest.raises(CalcError) as info:
        load(book, clash, source="başka", start=dt.date(2016, 1, 1))
    assert "geçmişi değiştirir" in info.value.message_tr
    assert book.summary()["measures"] == before


def test_bad_rows_of_an_official_table_are_reported_by_line_and_nothing_loads(tmp_path, book):
    f = ii_list_2015(tmp_path / "bad.xlsx", [
        ("5401.10.12.10.00", "iyi satır", 0, 2, 0, 0, 0, 3.2, 4),
        ("5401.1X.90.00.00", "kod değil", 0, 2, 0, 0, 0, 3.2, 4),
        ("5401.20.10.10.11", "sayı değil", 0, "iki", 0, 0, 0, 3.2, 4),
    ])
    with pytest.raises(CalcError) as info:
        load(book, f, source=SOURCE_2015, start=dt.date(2015, 1, 1))
    text = info.value.message_tr
    # the sheet: a title, 8 legend lines, 3 header rows — the data starts on row 13
    assert "2 hatalı satır" in text and "satır 14:" in text and "satır 15:" in text and "satır 13:" not in text
    assert "none loaded" in info.value.message_en
    assert book.summary()["measures"] == 0


def test_an_official_table_needs_its_source_and_start(tmp_path):
    f = tmp_path / "karar3202.htm"
    f.write_text(KARAR_3202, encoding="utf-8")
    with pytest.raises(CalcError) as info:
        read(f, Options())
    assert "--kaynak ve --baslangic" in info.value.message_tr and "--kaynak" in info.value.message_en


def test_an_unknown_group_column_is_named(tmp_path):
    f = tmp_path / "x.htm"
    f.write_text(KARAR_3202.replace("<td>MLZY.</td>", "<td>ZZZ.</td>"), encoding="utf-8")
    with pytest.raises(CalcError) as info:
        read(f, Options(source="x", start=dt.date(2021, 1, 1)))
    assert "ZZZ" in info.value.message_tr and "tanınmadı" in info.value.message_tr


# --- ÖTV Kanunu (I) sayılı liste, (A) cetveli as the Gelir İdaresi published it on 18.12.2008
# (https://www.gib.gov.tr/fileadmin/mevzuatek/otv_oranlari_tum/18_12_2008.htm):
#   I SAYILI LİSTE / (A) CETVELİ / 18.12.2008
#   G.T.İ.P. NO | Mal İsmi | Vergi Tutarı (YTL) | Birimi
#   (Hafif yağlar ve müstahzarları)
#   2710.11.31.00.00 | Uçak benzini | 0 | Litre
#   2710.11.41.00.00 | Oktanı (RON) 95'ten az olanlar | 1,4500 | Litre
#   2710.11.45.00.11 | Kurşunsuz benzin 95 oktan | 1,4915 | Litre
OTV_I_2008 = """<html><head><meta charset="utf-8"></head><body>
<p>I SAYILI LİSTE</p><p>(A) CETVELİ</p><p>18.12.2008</p>
<table>
<tr><td>G.T.İ.P. NO</td><td>Mal İsmi</td><td>Vergi Tutarı (YTL)</td><td>Birimi</td></tr>
<tr><td></td><td>(Hafif yağlar ve müstahzarları)</td><td></td><td></td></tr>
<tr><td>2710.11.31.00.00</td><td>Uçak benzini</td><td>0</td><td>Litre</td></tr>
<tr><td>2710.11.41.00.00</td><td>Oktanı (RON) 95'ten az olanlar</td><td>1,4500</td><td>Litre</td></tr>
<tr><td>2710.11.45.00.11</td><td>Kurşunsuz benzin 95 oktan</td><td>1,4915</td><td>Litre</td></tr>
</table></body></html>"""


def test_the_otv_list_i_amounts_per_unit(tmp_path, book):
    f = tmp_path / "otv_i.htm"
    f.write_text(OTV_I_2008, encoding="utf-8")
    assert detect(cells(f)) == "otv"
    reading, done = load(book, f, source="ÖTV (I) sayılı liste, gib.gov.tr 18.12.2008", start=dt.date(2008, 12, 18))
    assert done == {"added": 3, "unchanged": 0}
    m = {x.code: x for x in reading.measures}["271011410000"]
    assert (m.tax, m.origin, m.specific, m.unit, m.currency) == ("OTV", "*", D("1.4500"), "litre", "TL")
    assert m.source.startswith("ÖTV (I) sayılı liste (A) cetveli")
    # by hand: 1.000 litres × 1,4500 TL = 1.450,00 TL
    assert m.amount(D("0"), D("1000")) == D("1450.00")
    rows = {r[0]: r for r in call("TR_GTIP_RATES_DETAIL", "2710.11.41.00.00", "CN", "2009-01-05")}
    assert "1,45 TL/litre" in rows["OTV — Özel tüketim vergisi"][1]


# --- ÖTV Kanunu (III) sayılı liste, (B) cetveli as Bakanlar Kurulu Kararı 2017/10462 set it
# (RG 30.06.2017 sayı 30110; the table as kooperatiflerkanunu.com reproduces it,
# https://kooperatiflerkanunu.com/2017/06/30/bakanlar-kurulu-karari-201710462-4760-sayili-ozel-tuketim-vergisi-kanununun-12-nci-maddesinin-3-numarali-fikrasi-hakkinda-karar/):
#   G.T.İ.P. NO | Mal İsmi | Vergi Oranı (%) | Asgari Maktu Vergi Tutarı (TL) | Maktu Vergi Tutarı (TL)
#   2402.20 | Tütün içeren sigaralar | 65,25 | 0,2429 | 0,3246
#   2402.90.00.00.00 | Diğerleri (…)   then two rows without a code:
#   -Tütün yerine geçen maddelerden yapılmış purolar, uçları açık purolar ve sigarillolar | 40 | 0,2429 | 0,3246
#   -Tütün yerine geçen maddelerden yapılmış sigaralar | 65,25 | 0,2429 | 0,3246
#   2403.10.10.00.19 | Diğerleri (Net muhtevası 500 gramı geçmeyen ambalajlarda olanlar) | 65,25 | 0,0633 | 0,3246
# The table has no unit column: the unit is the importer's (--birim); trcalc does not know the Law's.
def otv_iii_b(path: Path) -> Path:
    path.write_text(
        "(III) SAYILI LİSTE\n(B) CETVELİ\n"
        "G.T.İ.P. NO;Mal İsmi;Vergi Oranı (%);Asgari Maktu Vergi Tutarı (TL);Maktu Vergi Tutarı (TL)\n"
        "2402.20;Tütün içeren sigaralar;65,25;0,2429;0,3246\n"
        "2402.90.00.00.00;Diğerleri (Tütün yerine geçen maddelerden yapılmış purolar, uçları açık purolar, "
        "sigarillolar ve sigaralar);;;\n"
        ";-Tütün yerine geçen maddelerden yapılmış purolar, uçları açık purolar ve sigarillolar;40;0,2429;0,3246\n"
        ";-Tütün yerine geçen maddelerden yapılmış sigaralar;65,25;0,2429;0,3246\n"
        "2403.10.10.00.19;Diğerleri (Net muhtevası 500 gramı geçmeyen ambalajlarda olanlar);65,25;0,0633;0,3246\n",
        encoding="utf-8")
    return path


def test_the_otv_list_iii_rate_minimum_and_specific_amount(tmp_path, book):
    f = otv_iii_b(tmp_path / "otv_iii_b.csv")
    assert detect(cells(f)) == "otv"
    # without a unit for its amounts the list is refused, naming the lines
    with pytest.raises(CalcError) as info:
        read(f, Options(source="BKK 2017/10462", start=dt.date(2017, 7, 1)))
    assert "satır 4:" in info.value.message_tr and "--birim" in info.value.message_tr
    reading, done = load(book, f, source="BKK 2017/10462 (RG 30.06.2017, 30110)", start=dt.date(2017, 7, 1),
                         unit="adet")
    assert done == {"added": 2, "unchanged": 0}
    # 2402.90.00.00.00 has no rate of its own and its two rates have no code: both said, not loaded
    assert sum("240290000000" in s or "GTİP'siz" in s for s in reading.skipped) == 3
    m = {x.code: x for x in reading.measures}["240220"]
    assert (m.rate, m.minimum, m.specific) == (D("0.6525"), D("0.2429"), D("0.3246"))
    assert m.source.startswith("ÖTV (III) sayılı liste (B) cetveli")
    # by hand, a box of 20 at a base of 100 TL: 65,25 % = 65,25 TL, i.e. 3,2625 TL a piece, above the
    # 0,2429 minimum; plus 0,3246 TL a piece: 20 × (3,2625 + 0,3246) = 71,742 → 71,74 TL
    assert m.amount(D("100"), D("20")) == D("71.74")
    # a line under the subheading 2402.20 takes its rate (the longest code that covers it)
    assert call("TR_GTIP_RATE", "2402.20.90.00.19", "OTV", "CN", "2017-08-01") == D("0.6525")


def test_the_customs_tariff_schedule_is_recognised_and_refused_with_the_reason(tmp_path):
    # İstatistik Pozisyonlarına Bölünmüş Türk Gümrük Tarife Cetveli (Karar 3345, RG 30.12.2020/31350
    # 1. mük.), its AÇIKLAMALAR: 1. sütun POZİSYON NUMARASI, 2. EŞYANIN TANIMI, 3. ÖLÇÜ BİRİMİ,
    # 4. KANUNİ VERGİ HADDİ — the rates fixed by Law 474 (altunbasak.com's copy,
    # http://www.altunbasak.com/duyuru-detay/istatistik-pozisyonlarina-bolunmus-turk-gumruk-tarife-cetveli)
    f = tmp_path / "tgtc.csv"
    f.write_text("POZİSYON NUMARASI;EŞYANIN TANIMI;ÖLÇÜ BİRİMİ;KANUNİ VERGİ HADDİ\n"
                 "5208.11.10.00.00;Gazlı bez imaline mahsus;kg;8\n", encoding="utf-8")
    assert detect(cells(f)) == "tgtc"
    with pytest.raises(CalcError) as info:
        read(f, Options(source="x", start=dt.date(2021, 1, 1)))
    assert "474 sayılı Kanun" in info.value.message_tr and "İthalat Rejimi" in info.value.message_tr


def test_the_documented_layout_is_still_detected(tmp_path, book):
    from trcalc.calc.tariffstore import COLUMNS
    f = tmp_path / "liste.csv"
    f.write_text(";".join(COLUMNS) + "\n5208;GV;*;8;;;;;;2025-01-01;;örnek;\n5208;GV;GYU;0;;;;;;2025-01-01;;örnek;\n",
                 encoding="utf-8")
    reading = read(f)
    assert reading.layout == "trcalc" and [m.origin for m in reading.measures] == ["*", "gyu"]


def test_the_command_line_reads_an_official_table(tmp_path):
    f = tmp_path / "karar3202.htm"
    f.write_text(KARAR_3202, encoding="utf-8")
    env = {"TRCALC_DATA_DIR": str(tmp_path / "data"), "PATH": str(Path(sys.executable).parent)}
    trcalc = str(Path(sys.executable).parent / "trcalc")
    done = subprocess.run([trcalc, "tariff", "import", str(f), "--kaynak", SOURCE_3202, "--baslangic", "2020-11-25"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("11 önlem eklendi, 0 zaten kitapta (irk)") and "D-8" in done.stdout
    done = subprocess.run([trcalc, "tariff", "import", str(f)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "--kaynak" in done.stderr


# --- İthalat Rejimi Kararı I sayılı liste, 8. fasıl, with the additional duty's groups split into a
# minimum and a maximum per kilogram, as ithalatihracat.biz reproduces it (https://ithalatihracat.biz/?pnum=8600):
#   G.T.İ.P. | GÜMRÜK VERGİSİ ORANI (%) | Dipnot | İGV
#   AB, EFTA, F.ADA. | GÜR. | B-HER. | G.KORE | MLZY. | SİNG. | KOS. | D-8 | D.Ü. | EAGÜ-ÖTDÜ | GYÜ | DÜ
#   MİN ($/Kg) | % | MAX ($/Kg)   (under each of the three İGV groups)
#   0801.11.00.00.00 | 30 | 0 | 0 | 8,1 | 15 | 15 | 30 | 25 | 30 | 1
# The page drops empty cells: the row's ten figures are read as the nine duty columns and the
# footnote, its İGV cells empty (a coconut line with no additional duty).
HEAD_8 = """<table>
<tr><td rowspan="3">G.T.İ.P.</td><td colspan="9">GÜMRÜK VERGİSİ ORANI (%)</td><td rowspan="3">Dipnot</td>
<td colspan="9">İGV</td></tr>
<tr><td rowspan="2">AB, EFTA, F.ADA.</td><td rowspan="2">GÜR.</td><td rowspan="2">B-HER.</td><td rowspan="2">G.KORE</td>
<td rowspan="2">MLZY.</td><td rowspan="2">SİNG.</td><td rowspan="2">KOS.</td><td rowspan="2">D-8</td><td rowspan="2">D.Ü.</td>
<td colspan="3">EAGÜ-ÖTDÜ</td><td colspan="3">GYÜ</td><td colspan="3">DÜ</td></tr>
<tr><td>MİN ($/Kg)</td><td>%</td><td>MAX ($/Kg)</td><td>MİN ($/Kg)</td><td>%</td><td>MAX ($/Kg)</td>
<td>MİN ($/Kg)</td><td>%</td><td>MAX ($/Kg)</td></tr>
"""
ROW_0801 = ("<tr><td>0801.11.00.00.00</td><td>30</td><td>0</td><td>0</td><td>8,1</td><td>15</td><td>15</td><td>30</td>"
            "<td>25</td><td>30</td><td>1</td>" + "<td></td>" * 9 + "</tr>")


def test_the_three_row_header_with_the_additional_duty_groups(tmp_path, book):
    f = tmp_path / "fasil8.htm"
    f.write_text(f"<html><body>{HEAD_8}{ROW_0801}</table></body></html>", encoding="utf-8")
    reading, _ = load(book, f, source="I sayılı liste 8. fasıl (ithalatihracat.biz)", start=dt.date(2021, 1, 1))
    gv = {m.origin: m.rate for m in reading.measures if m.tax == "GV"}
    assert gv["kr"] == D("0.081") and gv["*"] == D("0.30") and gv["ge"] == D("0") and gv["my"] == D("0.15")
    assert not [m for m in reading.measures if m.tax == "IGV"]              # the İGV cells are empty
    assert {s.split(":")[0] for s in reading.skipped if "yüklenmedi" in s} >= {"sütun I (GÜMRÜK VERGİSİ ORANI (%) / D-8)"}
    # Georgia's FTA column with EUR.1 (in force from 01.11.2008): 0 %; Malaysia's with its proof: 15 %
    assert call("TR_GTIP_RATE", "0801.11.00.00.00", "GV", "GE", "2021-06-01", "EUR1") == D("0")
    assert call("TR_GTIP_RATE", "0801.11.00.00.00", "GV", "US", "2021-06-01") == D("0.30")


def test_a_minimum_and_maximum_per_kilogram(tmp_path, book):
    # a made-up İGV row in the same layout (no real row with these cells could be seen): the other
    # countries' column 20 % with at least 0,5 and at most 1 USD a kilogram
    made_up = ("<tr><td>0801.12.00.00.00</td>" + "<td>30</td>" * 9 + "<td></td>"
               "<td></td><td>0</td><td></td><td></td><td>10</td><td></td><td>0,5</td><td>20</td><td>1</td></tr>")
    f = tmp_path / "igv.htm"
    f.write_text(f"<html><body>{HEAD_8}{made_up}</table></body></html>", encoding="utf-8")
    reading, _ = load(book, f, source="örnek", start=dt.date(2021, 1, 1))
    igv = {m.origin: m for m in reading.measures if m.tax == "IGV"}
    assert set(igv) == {"eagu", "gyu", "*"}
    m = igv["*"]
    assert (m.rate, m.minimum, m.maximum, m.unit, m.currency) == (D("0.20"), D("0.5"), D("1"), "kg", "USD")
    # by hand, in USD: 1.000 USD for 500 kg → 20 % = 200 USD = 0,40 USD/kg, below the 0,5 minimum: 250 USD;
    # 1.000 USD for 100 kg → 2 USD/kg, above the 1 USD maximum: 100 USD; 3.000 USD for 4.000 kg → 0,15/kg → 2.000 USD
    assert m.amount(D("1000"), D("500")) == D("250.00")
    assert m.amount(D("1000"), D("100")) == D("100.00")
    assert m.amount(D("3000"), D("4000")) == D("2000.00")
    assert call("TR_GTIP_RATE", "0801.12.00.00.00", "IGV", "CN", "2021-06-01") == D("0.20")
    rows = {r[0]: r for r in call("TR_GTIP_RATE_DETAIL", "0801.12.00.00.00", "IGV", "CN", "2021-06-01")}
    assert "asgari 0,5 USD/kg" in rows["IGV — İlave gümrük vergisi"][1]


# --- the additional duty's numbered groups (İthalat Rejimi Kararına Ek Karar, Karar 433, RG 10.12.2018
# sayı 30621), its legend as dogruer.com.tr reproduces it (https://www.dogruer.com.tr/ilave-gumruk-vergisi/):
#   1: AB Üyesi Ülkeler, EFTA Üyesi Ülkeler, İsrail, Makedonya, Bosna-Hersek, Fas, Filistin, Tunus, Mısır,
#      Gürcistan, Arnavutluk, Şili, Sırbistan, Karadağ, Kosova, Morityus, Moldova, Faroe Adaları;
#   2: Güney Kore, 3: Malezya, 4: Singapur, 5: Genelleştirilmiş Tercihler Sisteminden Yararlanacak Ülkeler
#   Grubu, 6: En Az Gelişmiş Ülkeler, 7: Gelişme Yolundaki Ülkeler, 8: Diğer Ülkeler
# No row of that table could be seen: the row below is made up.
def test_the_additional_duty_table_with_its_numbered_legend(tmp_path, book):
    legend = ["1: AB Üyesi Ülkeler, EFTA Üyesi Ülkeler, İsrail, Makedonya, Bosna-Hersek, Fas, Filistin, Tunus, Mısır, "
              "Gürcistan, Arnavutluk, Şili, Sırbistan, Karadağ, Kosova, Morityus, Moldova, Faroe Adaları;",
              "2: Güney Kore,", "3: Malezya,", "4: Singapur,",
              "5: Genelleştirilmiş Tercihler Sisteminden Yararlanacak Ülkeler Grubu,", "6: En Az Gelişmiş Ülkeler,",
              "7: Gelişme Yolundaki Ülkeler,", "8: Diğer Ülkeler"]
    f = tmp_path / "karar433.csv"
    f.write_text("\n".join(legend) + "\n"
                 ";İLAVE GÜMRÜK VERGİSİ ORANI (%);;;;;;;\n"
                 "G.T.İ.P.;1;2;3;4;5;6;7;8\n"
                 "6403.99.93.00.00;0;10;20;0;20;0;15;30\n", encoding="utf-8")
    reading, _ = load(book, f, source="örnek (Karar 433 düzeni)", start=dt.date(2019, 1, 1))
    igv = {m.origin: m.rate for m in reading.measures}
    assert {m.tax for m in reading.measures} == {"IGV"}
    assert igv["md"] == D("0") and igv["kr"] == D("0.10") and igv["sg"] == D("0") and igv["*"] == D("0.30")
    # 5 (both GSP groups, 20 %) stands beside 6 (least developed, 0 %) and 7 (developing, 15 %): each
    # group's own column wins
    assert igv["eagu"] == D("0") and igv["gyu"] == D("0.15")


def test_a_csv_saved_by_excel_on_a_turkish_windows_reads(tmp_path, book):
    # Excel's "CSV (noktalı virgülle ayrılmış)" on a Turkish Windows writes windows-1254, not UTF-8
    f = tmp_path / "otv_iii.csv"
    otv_iii_b(tmp_path / "utf8.csv")
    f.write_bytes((tmp_path / "utf8.csv").read_text(encoding="utf-8").encode("windows-1254"))
    reading = read(f, Options(source="BKK 2017/10462", start=dt.date(2017, 7, 1), unit="adet"))
    assert reading.layout == "otv" and len(reading.measures) == 2


def test_a_workbook_with_several_sheets_names_the_ones_not_read(tmp_path, book):
    f = ii_list_2015(tmp_path / "two.xlsx")
    wb = openpyxl.load_workbook(f)
    cover = wb.create_sheet("Kapak", 0)
    cover["A1"] = "İthalat Rejimi Kararı eki listeler"
    wb.save(f)
    with pytest.raises(CalcError) as info:
        read(f, Options(source=SOURCE_2015, start=dt.date(2015, 1, 1)))
    assert "--sayfa" in info.value.message_tr
    reading = read(f, Options(source=SOURCE_2015, start=dt.date(2015, 1, 1), sheet="2"))
    assert len(reading.measures) > 0 and any("Kapak" in s and "yüklenmedi" in s for s in reading.skipped)
    with pytest.raises(CalcError) as info:
        read(f, Options(source=SOURCE_2015, start=dt.date(2015, 1, 1), sheet="Yok"))
    assert "Kapak" in info.value.message_tr


def test_a_page_with_two_tables_reads_each_with_its_own_columns(tmp_path, book):
    # an "Ek Karar" amending two tables of the decision on one page: the Karar 3202 table above, and a
    # second table (made up: the 2016 II sayılı liste's abbreviated columns, orgtr.org) under it —
    #   G.T.İ.P. | MADDE İSMİ | AB, EFTA | G.KORE, B-HER., MLZY. | GTS ÜLKELERİ [E.A.G.Ü. | Ö.T.D.Ü. | G.Y.Ü.] | D.Ü.
    #   0511.99.39.00.00 Diğerleri 0 0 0 1,6 5,1(1)(8)   (the row as orgtr.org quotes it: five figures for
    #   six columns — its Ö.T.D.Ü. cell is read here as empty)
    second = """<p>(II) SAYILI LİSTE</p><table>
<tr><td rowspan="2">G.T.İ.P.</td><td rowspan="2">MADDE İSMİ</td><td rowspan="2">AB, EFTA</td>
<td rowspan="2">G.KORE, B-HER., MLZY.</td><td colspan="3">GTS ÜLKELERİ</td><td rowspan="2">D.Ü.</td></tr>
<tr><td>E.A.G.Ü.</td><td>Ö.T.D.Ü.</td><td>G.Y.Ü.</td></tr>
<tr><td>0511.99.39.00.00</td><td>Diğerleri</td><td>0</td><td>0</td><td>0</td><td></td><td>1,6</td><td>5,1(1)(8)</td></tr>
</table>"""
    f = tmp_path / "iki.htm"
    f.write_text(KARAR_3202.replace("</body>", second + "</body>"), encoding="utf-8")
    reading, _ = load(book, f, source="örnek sayfa", start=dt.date(2021, 1, 1))
    first = {m.origin for m in reading.measures if m.code == "151211910000"}
    assert "xk" in first and "eagu" not in first                     # the first table's own columns
    rows = {m.origin: m for m in reading.measures if m.code == "051199390000"}
    assert set(rows) == {"eu", "efta", "kr", "ba", "my", "eagu", "gyu", "*"}
    assert rows["gyu"].rate == D("0.016") and rows["*"].rate == D("0.051")
    assert "dipnot 1, 8" in rows["*"].source
    assert any("Ö.T.D.Ü." in s for s in reading.skipped)


def test_a_page_with_the_a_and_b_cetvels(tmp_path, book):
    # ÖTV (III) sayılı liste as one page: the (A) cetveli row for beer as iznikgumruk.com.tr quotes the list
    # updated on 03.07.2017 (http://iznikgumruk.com.tr/de/otv-kanunu-asgari-maktu-vergi-tutarlari-hk/:
    # "2203.00 | Malttan üretilen biralar | 63 | 1,2605"), then the (B) cetveli of BKK 2017/10462
    f = tmp_path / "otv_iii.csv"
    f.write_text("(III) SAYILI LİSTE\n(A) CETVELİ\n"
                 "G.T.İ.P. NO;Mal İsmi;Vergi Oranı (%);Asgari Maktu Vergi Tutarı (TL)\n"
                 "2203.00;Malttan üretilen biralar;63;1,2605\n"
                 "(B) CETVELİ\n"
                 "G.T.İ.P. NO;Mal İsmi;Vergi Oranı (%);Asgari Maktu Vergi Tutarı (TL);Maktu Vergi Tutarı (TL)\n"
                 "2402.20;Tütün içeren sigaralar;65,25;0,2429;0,3246\n", encoding="utf-8")
    # one --birim serves the whole file (here litre, the beer row's; the cigarettes' unit is not checked
    # here): a page whose cetvels count in different units is imported one cetvel at a time
    reading, _ = load(book, f, source="ÖTV (III) 2017", start=dt.date(2017, 7, 3), unit="litre")
    by = {m.code: m for m in reading.measures}
    assert by["220300"].source.startswith("ÖTV (III) sayılı liste (A) cetveli")
    assert (by["220300"].rate, by["220300"].minimum, by["220300"].specific) == (D("0.63"), D("1.2605"), None)
    assert by["240220"].source.startswith("ÖTV (III) sayılı liste (B) cetveli") and by["240220"].specific == D("0.3246")
    # by hand (the unit is the importer's --birim): 100 litres at a base of 150 TL: 63 % = 94,50 TL,
    # 0,945 TL a litre, below the 1,2605 minimum: 126,05 TL
    assert by["220300"].amount(D("150"), D("100")) == D("126.05")


def test_the_legend_and_notes_under_the_table(tmp_path, book):
    # the same 54. fasıl rows with the legend printed under the table, as a page may put it
    f = ii_list_2015(tmp_path / "below.xlsx", legend_below=True)
    reading, _ = load(book, f, source=SOURCE_2015, start=dt.date(2015, 1, 1))
    line = {m.origin: m.rate for m in reading.measures if m.code == "540110121000"}
    assert line["kr"] == D("0.02") and line["gyu"] == D("0.032") and line["*"] == D("0.04")


@pytest.mark.parametrize("name, data", [
    ("liste.xlsx", b"PK\x03\x04 not really a workbook"),
    ("liste.xlsx", b"\x00\x01\x02" * 100),
    ("liste.csv", bytes(range(256)) * 4),
    ("liste.htm", b"<html><body><table><tr><td>" * 500),
    ("liste.csv", b""),
])
def test_a_file_that_is_no_table_is_a_clear_error(tmp_path, name, data):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(CalcError) as info:
        read(f, Options(source="x", start=dt.date(2025, 1, 1)))
    assert info.value.message_tr and info.value.message_en and info.value.argument == "dosya"
