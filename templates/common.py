"""What every template shares: the workbook itself, the code lists, the overrides sheet, the
instructions sheet, the rule figures quoted in instructions, deterministic saving.

Builders take a `Flavour` (see `sheets.Flavour`): the same template with registry functions
spelled plainly or with an add-in's prefix.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName

from trcalc.calc.countries import all_codes
from trcalc.calc.customs import DECLARATION_CURRENCIES, PAYMENTS
from trcalc.calc.eexport import BENEFICIARIES, SUPPORTS
from trcalc.calc.imports import CATEGORIES
from trcalc.calc.money import fmt_rate
from trcalc.calc.rules.store import book
from trcalc.calc.tev import CERTIFICATES

from .sheets import (DATE, FIRST_ROW, HEADER_FILL, HEADER_FONT, HEADER_ROW, INFO_FIELDS, INFO_SHEET, PLAIN, Flavour,
                     flavour_of, header_line, print_setup, protect, title, unlock, wrapped_height)

MARK = "trcalc:"
PARAM_ROWS = 20



def workbook(kind: str, flavour: Flavour = PLAIN) -> Workbook:
    wb = Workbook()
    wb.trcalc_flavour = flavour
    wb.remove(wb.active)
    when = dt.datetime.combine(book().meta.reviewed, dt.time())
    wb.properties.creator = "trcalc"
    wb.properties.created = wb.properties.modified = when
    wb.properties.keywords = MARK + kind
    wb.properties.title = kind
    return wb


def lists(wb) -> dict[str, str]:
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
        "doviz": list(DECLARATION_CURRENCIES),
        "odeme": list(PAYMENTS.codes),
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


def parameters(wb) -> None:
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
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = 45
    protect(ws)
    header_line(ws, 3, 3, 80)
    # the printout is the overrides this workbook uses; the rules table beside it is reference data
    print_setup(ws, 80, f"A1:C{end}", repeat=f"3:{HEADER_ROW}")
    info_sheet(wb)


def info_sheet(wb) -> None:
    """Bilgiler: the header fields every printed page shows (firm, VKN, DİİB / declaration no, period,
    prepared by), typed once, second after the instructions."""
    ws = wb.create_sheet(INFO_SHEET, 1)
    title(ws, "Belge bilgileri", "Buraya yazdıklarınız her sayfanın üstünde yazdırılır.")
    for i, h in enumerate(["Bilgi", "Değer"], start=1):
        c = ws.cell(HEADER_ROW, i, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
    for i, (label, _short) in enumerate(INFO_FIELDS):
        ws.cell(FIRST_ROW + i, 1, label)
        unlock(ws.cell(FIRST_ROW + i, 2))
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 46
    protect(ws)
    print_setup(ws, 74, f"A1:B{FIRST_ROW + len(INFO_FIELDS) - 1}")


# Where a computed workbook lists its errors (issue 12.5): an error value prints as "#VALUE!" and its
# message sits in the cell's note, which LibreOffice does not print from an .xlsx (Excel prints notes
# "at end"). `trcalc compute` and the server write every error cell here — sheet, cell, message — so the
# page an accountant files says what failed. Nothing is styled below the header: the rows are appended.
ERRORS_NAME = "TRCALC_ERRORS"
ERRORS_WIDTHS = (16, 8, 50)          # Sayfa | Hücre | Açıklama: a portrait page


def errors_sheet(wb) -> None:
    ws = wb.create_sheet("Hatalar")
    title(ws, "Hatalar",
          "Kitap ekip sunucusunda ya da trcalc ile hesaplandığında hata veren her hücre iletisiyle buraya yazılır. "
          "Excel'de iletiyi hücrenin üzerine gelince görürsünüz.")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = wrapped_height(ws["A2"].value, sum(ERRORS_WIDTHS))
    for i, (h, w) in enumerate(zip(("Sayfa", "Hücre", "Açıklama"), ERRORS_WIDTHS), start=1):
        c = ws.cell(HEADER_ROW, i, h)
        c.fill, c.font = HEADER_FILL, HEADER_FONT
        letter = chr(ord("A") + i - 1)
        ws.column_dimensions[letter].width = w
        ws.column_dimensions[letter].alignment = Alignment(wrap_text=True, vertical="top")
    wb.defined_names[ERRORS_NAME] = DefinedName(ERRORS_NAME, attr_text=f"Hatalar!$A${FIRST_ROW}:$C${FIRST_ROW}")
    header_line(ws, 3, 3, sum(ERRORS_WIDTHS))
    protect(ws)
    print_setup(ws, sum(ERRORS_WIDTHS), None, repeat=f"3:{HEADER_ROW}")


# One column as wide as a portrait A4 page inside the margins (595 pt − 2 × 0.4 in = 538 pt; sheets.py's
# POINTS_PER_WIDTH): fitting to the page width scales columns, never one column's wrapped text, so a wider
# column would run off the page in LibreOffice.
INSTRUCTIONS_WIDTH = 74


# The first instruction of a Lite workbook (issue 23.3): Python inside Excel has no TCMB to ask
LITE_RATES = ("xlwings Lite ile: trcalc'ın işlevleri Excel'in içinde (tarayıcıda) çalışır ve TCMB'ye ulaşamaz. "
              "Kur isteyen her hücreye (Kur sütunu, Kurlar sayfası, beyannamenin Kur alanı) o günün TCMB kurunu "
              "sayı olarak yazın (ör. 38,1234); kur hücreleri yalnız sayı alır. Yazılmamış bir kurun gerektiği "
              "satır, kur yazılana kadar hata verir ve iletisi hangi döviz ve tarihin kurunun gerektiğini söyler. "
              "— With xlwings Lite, trcalc runs inside Excel and cannot reach TCMB: type each rate as a number.")


def instructions(wb, heading: str, lines: list[str]) -> None:
    if flavour_of(wb).typed_rates:
        lines = [LITE_RATES, *lines]
    ws = wb.create_sheet("Talimatlar", 0)
    ws["A1"] = heading
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = wrapped_height(heading, INSTRUCTIONS_WIDTH, 16, bold=True)
    for r, line in enumerate(lines, start=3):
        ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        # an explicit height, from the wrapped line count: every program then shows every line in full
        ws.row_dimensions[r].height = wrapped_height(line, INSTRUCTIONS_WIDTH)
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    protect(ws)
    print_setup(ws, INSTRUCTIONS_WIDTH, f"A1:A{len(lines) + 2}")


def rule(name: str):
    """A rule's value on the rules' review date, for the instructions text (never hand-copied)."""
    rb = book()
    return rb.lookup(name, rb.meta.reviewed).value


def history(name: str, show) -> str:
    """'15.05.2019: 150 €; 21.08.2024: 30 €' — every dated value of a rule."""
    return "; ".join(f"{e.start:%d.%m.%Y}: {show(e.value)}" for e in book().params[name])


def pct(x) -> str:
    return fmt_rate(x)


COMMON_HELP = [
    "Sarı hücreler giriş hücreleridir; gri hücreler formüldür ve kilitlidir (sayfa korumasını parolasız "
    "kaldırabilirsiniz). Kodları açılır listeden seçin.",
    "Bilgiler sayfasına firma unvanını, VKN'yi, DİİB ya da beyanname numarasını, dönemi ve hazırlayanı yazın: "
    "her yazdırılan sayfanın üstünde çıkar.",
    "Kitap Excel'de trcalc eklentisiyle hesaplanır; eklenti yoksa ekibin sunucusundaki \"Çalışma kitabı yükle\" "
    "sayfasına yükleyin, hesaplanmış kitabı indirin. Hesaplanmış kitabın Özet sayfası ve her sayfanın altı, "
    "hangi kurallar sürümü ve TCMB bülteniyle, ne zaman hesaplandığını yazar.",
    "Hatalı bir satırda hata hücresi (#VALUE! ya da # ile başlayan metin) hangi alanın neden hatalı olduğunu "
    "Türkçe ve İngilizce söyler; hesaplanmış kitapta her hatalı hücre iletisiyle Hatalar sayfasında da "
    "listelenir (yazdırılır). Bir satırın hesabını adım adım görmek için ekibin sunucusundaki hesaplayıcıyı "
    "aynı değerlerle kullanın.",
    "Parametreler sayfası: Resmî Gazete'de yeni bir rakam çıktıysa, sürüm beklemeden burada geçersiz kılın.",
    "Satır eklemek için: korumayı kaldırıp tablonun içine satır ekleyin; gri sütunlar onu kendiliğinden "
    "hesaplar (Excel 2021 / 365). Tablonun altı hesaplanmaz.",
]



# Dynamic arrays (issue 23.1): a computed column is one array formula; marked dynamic, Excel 365 / 2021
# spill it and resize it with the rows its ranges cover (an inserted row inside the table widens every
# range), where older Excel and LibreOffice read a fixed-size array formula over the same cells.  Excel
# stores the mark as cell metadata: the cell's cm attribute (ECMA-376 §18.3.1.4) indexes the
# workbook's metadata part (§18.9), whose XLDAPR future metadata holds
# xda:dynamicArrayProperties fDynamic="1" (MS-XLSX 2.6.x, "dynamicArrayProperties"; the same part
# XlsxWriter writes for its dynamic formulas).
_METADATA = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             b'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
             b'<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" '
             b'pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
             b'clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
             b'<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
             b'<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
             b'<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>'
             b'<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>')
_METADATA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
_METADATA_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
_ARRAY_CELL = re.compile(rb'<c ([^>]*?)>(<f t="array")')


def _dynamic(name: str, data: bytes) -> tuple[bytes, bool]:
    """A sheet part with its array formulas marked dynamic (cm="1"); whether it had any."""
    if not name.startswith("xl/worksheets/") or b't="array"' not in data:
        return data, False
    return _ARRAY_CELL.sub(rb'<c \1 cm="1">\2', data), True


def save(wb: Workbook, path: Path) -> None:
    """Save with fixed zip timestamps and modification date: the same build gives the same bytes,
    so rebuilding (as `make run` does) leaves the committed files untouched.  Array formulas are
    marked as dynamic arrays (see _METADATA)."""
    when = book().meta.reviewed
    stamp = f"{when:%Y-%m-%d}T00:00:00Z".encode()
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin:
        parts = {info.filename: zin.read(info.filename) for info in zin.infolist()}
    dynamic = False
    for name in list(parts):
        parts[name], marked = _dynamic(name, parts[name])
        dynamic |= marked
    if dynamic:
        parts["xl/metadata.xml"] = _METADATA
        types = parts["[Content_Types].xml"]
        end = types.rfind(b"</Types>")
        parts["[Content_Types].xml"] = (types[:end] + f'<Override PartName="/xl/metadata.xml" ContentType='
                                        f'"{_METADATA_TYPE}"/>'.encode() + types[end:])
        rels = parts["xl/_rels/workbook.xml.rels"]
        end = rels.rfind(b"</Relationships>")
        parts["xl/_rels/workbook.xml.rels"] = (rels[:end] + f'<Relationship Id="rIdTrcalcMetadata" Type='
                                               f'"{_METADATA_REL}" Target="metadata.xml"/>'.encode() + rels[end:])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, data)
    data = out.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
