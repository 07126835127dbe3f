"""The engine's file handling (issue 12: speed without openpyxl per cell; issue 10: nothing lost).

`workbook/reader.py` reads cells straight from the sheet XML and `writer.py` writes a copy of
the file with values in the formula cells.  What is checked here comes from ECMA-376 Part 1 (the
SpreadsheetML parts) and from what other producers write, not from our own builder:

- Excel writes a formula copied down a column once, as a *shared formula* (§18.3.1.40: the master cell
  holds the text and `ref`, the others only `t="shared" si="…"`); the text of each cell is the master's
  moved by the offset.  Our templates are written by openpyxl, which never shares formulas, so the test
  shares them as Excel does, using openpyxl's own `Translator` (an independent implementation of the
  same rule) to decide which cells may share.
- `date1904` (§18.2.28) moves every date serial by 1,462 days.
- a cell may omit its address `r` (§18.3.1.4, optional): it follows the cell before it.
- the calculation chain (§18.6) lists formula cells: once they hold values, it must go (Excel reports a
  damaged file otherwise), with its relationship and content type.
- everything else — charts, data validation, page setup, parts we do not know — is copied untouched.
"""
import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formula.translate import Translator

from trcalc.templates import build
from trcalc.workbook import compute_file

from .test_fast_path import same, values


def _share_formulas(src, dst, sheet_part):
    """Rewrite `sheet_part` as Excel writes it: runs of cells down a column whose formula is the run's
    first formula moved (openpyxl's Translator says so) become one shared formula."""
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[sheet_part].decode()
    cells = re.findall(r'<c r="([A-Z]+)(\d+)"([^>]*)><f>(.*?)</f>', xml)
    by_col: dict = {}
    for col, row, _, text in cells:
        by_col.setdefault(col, []).append((int(row), text))
    si, shared = 0, 0
    for col, items in by_col.items():
        items.sort()
        i = 0
        while i < len(items):
            row0, text0 = items[i]
            j = i + 1
            while (j < len(items) and items[j][0] == row0 + (j - i) and
                   Translator("=" + _unescape(text0), f"{col}{row0}").translate_formula(f"{col}{items[j][0]}")
                   == "=" + _unescape(items[j][1])):
                j += 1
            if j - i > 1:
                last = items[j - 1][0]
                xml = re.sub(rf'(<c r="{col}{row0}"[^>]*>)<f>', rf'\1<f t="shared" ref="{col}{row0}:{col}{last}" '
                             rf'si="{si}">', xml, count=1)
                for row, _ in items[i + 1:j]:
                    xml = re.sub(rf'(<c r="{col}{row}"[^>]*>)<f>.*?</f>', rf'\1<f t="shared" si="{si}"/>', xml,
                                 count=1)
                    shared += 1
                si += 1
            i = j
    parts[sheet_part] = xml.encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return shared


def _unescape(text):
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _sheet_part(path, title):
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"


def test_shared_formulas_compute_as_each_cell_written_out(tmp_path):
    """A sheet of per-row formulas (the export table's columns written one formula per row, issue 23.1's
    templates having one array formula per column) stored as Excel stores copied formulas."""
    from tests.edits import insert_rows, write_per_row
    wb = build.example_dir()
    write_per_row(wb["İhracat"])
    insert_rows(wb, "İhracat", 7, copy_formulas_from=6)
    src, shared_src = tmp_path / "plain.xlsx", tmp_path / "shared.xlsx"
    build.save(wb, src)
    n = _share_formulas(src, shared_src, _sheet_part(src, "İhracat"))
    assert n > 100, "most of the export table's formulas are written once, as Excel would"
    a = compute_file(src, tmp_path / "a.xlsx")
    b = compute_file(shared_src, tmp_path / "b.xlsx")
    assert (a.formulas, a.errors) == (b.formulas, b.errors)
    va, vb = values(tmp_path / "a.xlsx"), values(tmp_path / "b.xlsx")
    assert va.keys() == vb.keys()
    assert all(same(va[k][0], vb[k][0]) for k in va), [k for k in va if not same(va[k][0], vb[k][0])][:5]


def test_the_copy_keeps_every_other_part_and_drops_the_calculation_chain(tmp_path):
    src = tmp_path / "in.xlsx"
    build.save(build.example_eihracat(), src)
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    # a calculation chain, as Excel saves one (§18.6.1 calcChain, §18.6.2 c)
    parts["xl/calcChain.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><calcChain '
                                 b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<c r="M5" i="1"/></calcChain>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdCC" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    with zipfile.ZipFile(src, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    compute_file(src, tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        out = {n: z.read(n) for n in z.namelist()}
    assert "xl/calcChain.xml" not in out
    assert b"calcChain" not in out["xl/_rels/workbook.xml.rels"] + out["[Content_Types].xml"]
    charts = [n for n in parts if n.startswith("xl/charts/")]
    assert charts and all(out[n] == parts[n] for n in charts), "the chart parts are copied byte for byte"
    sheets = [n for n in out if n.startswith("xl/worksheets/sheet")]
    assert not any(re.search(rb"<f[\s>/]", out[n]) for n in sheets), "no formula is left"
    kept = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert kept["Harcamalar"].data_validations.dataValidation, "the drop-down lists are kept"
    assert kept["Harcamalar"].page_setup.orientation == openpyxl.load_workbook(src)["Harcamalar"].page_setup.orientation


def _book(path, cells, epoch=None, comment=None):
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "S"
    for coord, v in cells.items():
        ws[coord] = v
    if comment:
        ws[comment[0]].comment = Comment(comment[1], "someone")
    wb.save(path)
    return path


def test_text_values_and_errors_in_the_copy(tmp_path):
    src = _book(tmp_path / "in.xlsx", {"A1": 'a<b & "c"', "B1": "=A1&\"!\"", "B2": "=\"x\"&CHAR(1)&\"y\"",
                                       "B3": "=1/0", "B4": "=A1=\"a<b & \"\"c\"\"\"", "B5": "=2^0.5"})
    report = compute_file(src, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["S"]
    assert ws["B1"].value == 'a<b & "c"!'                   # escaped in the XML, read back as written
    assert ws["B2"].value == "x\ufffdy"                      # a control character XML 1.0 cannot hold
    assert ws["B3"].value == "#DIV/0!" and ws["B3"].comment is not None
    assert report.errors and report.errors[0][:2] == ("S", "B3")
    assert ws["B4"].value is True
    assert ws["B5"].value == pytest.approx(2 ** 0.5, rel=1e-15)


def test_a_sheet_with_notes_of_its_own_keeps_them_beside_ours(tmp_path):
    src = _book(tmp_path / "in.xlsx", {"A1": 1, "B1": "=A1/0"}, comment=("A1", "checked by Ayşe"))
    compute_file(src, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["S"]
    assert ws["A1"].comment.text == "checked by Ayşe"
    assert ws["B1"].value == "#DIV/0!" and "#DIV/0!" in ws["B1"].comment.text


def test_1904_dates_are_read_as_their_day(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    src = _book(tmp_path / "in.xlsx", {"A1": dt.date(2025, 3, 24), "B1": "=YEAR(A1)*10000+MONTH(A1)*100+DAY(A1)"},
                epoch=CALENDAR_MAC_1904)
    with zipfile.ZipFile(src) as z:
        assert b'date1904="1"' in z.read("xl/workbook.xml")
    compute_file(src, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["S"]["B1"].value == 20250324


def test_cells_without_their_address(tmp_path):
    src = _book(tmp_path / "in.xlsx", {"A1": 2, "B1": 3, "C1": "=A1*B1"})
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    part = "xl/worksheets/sheet1.xml"
    parts[part] = re.sub(rb'(<c) r="[A-Z]+1"', rb"\1", parts[part])         # §18.3.1.4: r is optional
    assert b'<c r="' not in parts[part]
    with zipfile.ZipFile(src, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    compute_file(src, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["S"]["C1"].value == 6


@pytest.mark.parametrize("own_note", [False, True], ids=["streamed copy", "through openpyxl"])
def test_every_error_is_listed_where_it_prints(own_note, tmp_path):
    """Issue 12.5: an error cell prints as #VALUE!; the Hatalar sheet (the TRCALC_ERRORS range) lists each
    one with its message, in wrapped rows tall enough to print them — whichever way the copy is written."""
    from trcalc.templates import ithalat
    from trcalc.templates.sheets import FIRST_ROW, fill, letters
    wb = build.example_ithalat()
    fill(wb[ithalat.SHEET], ithalat.PARCELS, [{}] * 2 + [{"date": dt.date(2025, 3, 1), "goods": -5, "origin": "DE"}])
    if own_note:                         # a note of the accountant's on that sheet: openpyxl merges the notes
        wb[ithalat.SHEET]["A1"].comment = Comment("kontrol edildi", "Ayşe")
    src = tmp_path / "in.xlsx"
    build.save(wb, src)
    report = compute_file(src, tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    listed = list(out["Hatalar"].iter_rows(min_row=FIRST_ROW, values_only=True))
    assert [tuple(r[:3]) for r in listed] == [tuple(e) for e in report.errors]
    taxes = f"{letters(ithalat.PARCELS)['taxes']}{FIRST_ROW + 2}"
    assert (ithalat.SHEET, taxes) in {r[:2] for r in listed}
    assert all("esya_bedeli" in r[2] and " — " in r[2] for r in listed)       # Turkish, then English
    assert out["Hatalar"].row_dimensions[FIRST_ROW].height >= 30                # two lines of a 50-wide column
    assert out[ithalat.SHEET][taxes].value == "#VALUE!"
