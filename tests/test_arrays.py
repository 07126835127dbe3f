"""Array formulas in the workbook engine (issue 23.1): one formula computes a whole column.

ECMA-376 Part 1, §18.3.1.40 (f): an array formula is stored once, in its first cell, with `t="array"`
and `ref` — the range its result fills; the other cells of the range hold only values. Excel 365/2021
store a dynamic-array (spilling) formula the same way. How operators and functions compute over arrays:
Microsoft, "Guidelines and examples of array formulas" (support.microsoft.com) — element by element,
a range argument of SUMIFS/MATCH/INDEX staying a range. Each expected value below is worked by hand.
"""
import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from trcalc.workbook import compute, compute_file

pytestmark = pytest.mark.xdist_group("workbooks")


def _book(tmp_path, styled: bool = True):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [(60, 10, "DE"), (None, None, None), (25, 5, "CN"), ("x", 1, "DE")]
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row, start=1):
            ws.cell(i, j, v)
        if styled:                               # the templates style every cell of a computed column
            for col in range(4, 9):
                ws.cell(i, col).number_format = "0.00"
    ws["D1"] = ArrayFormula("D1:D4", '=IF(A1:A4="","",TR_CIF(A1:A4,B1:B4))')
    ws["E1"] = ArrayFormula("E1:E4", '=IF(A1:A4="","",IFERROR(D1:D4*2,-1))')
    ws["F1"] = ArrayFormula("F1:F4", '=IFERROR(MATCH(C1:C4,C1:C4,0),0)')
    ws["G1"] = ArrayFormula("G1:G4", '=IF(C1:C4="","",COUNTIFS(C1:C4,C1:C4))')
    ws["H1"] = ArrayFormula("H1:H4", '=IF(A1:A4="","",A1:A4&"#"&ROUND(B1:B4/3,1))')
    ws["I1"] = "=SUM(E1:E4)"
    path = tmp_path / "arrays.xlsx"
    wb.save(path)
    return path


EXPECTED = {
    # TR_CIF: 60 + 10 = 70, 25 + 5 = 30; "x" is no number (#VALUE!); the empty row stays empty
    "D": [70, "", 30, "#VALUE!"],
    "E": [140, "", 60, -1],
    # MATCH of each code among the codes: DE first at 1, the empty cell #N/A → 0, CN at 3, DE at 1
    "F": [1, 0, 3, 1],
    "G": [2, "", 1, 2],
    "H": ["60#3.3", "", "25#1.7", "x#0.3"],
}


@pytest.mark.parametrize("engine", ["fast", "formulas"])
@pytest.mark.parametrize("styled", [True, False], ids=["cells in the file", "cells added by the writer"])
def test_an_array_formula_fills_its_range(tmp_path, engine, styled):
    src = _book(tmp_path, styled)
    report = compute_file(src, tmp_path / "out.xlsx", engine)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    got = {col: [ws[f"{col}{r}"].value for r in range(1, 5)] for col in EXPECTED}
    assert {k: [None if x == "" else x for x in v] for k, v in got.items()} == \
        {k: [None if x == "" else x for x in v] for k, v in EXPECTED.items()}
    assert ws["I1"].value == 140 + 60 - 1
    assert report.formulas == 5 * 4 + 1
    assert sorted(c for _, c, _ in report.errors) == ["D4"]
    assert "esya_bedeli" in report.errors[0][2]                         # the row's own message
    if engine == "fast":
        assert report.fallback == 0


def test_cells_and_rows_of_the_range_the_file_lacks_are_added_in_order(tmp_path, monkeypatch):
    """A row inserted inside an array's range by a tool that wrote only its inputs (openpyxl's
    insert_rows) holds no cell in the computed columns, and a row may be missing altogether: the
    writer adds the cells to their row in column order (ECMA-376 Part 1 §18.3.1.73: a row's cells in
    column order; §18.3.1.80: rows in row order), with no re-save by openpyxl."""
    import re
    import zipfile

    from trcalc.workbook import output
    src = _book(tmp_path, styled=False)          # D..H of every row: not in the file
    monkeypatch.setattr(output, "write_openpyxl", lambda *a, **k: pytest.fail("re-saved by openpyxl"))
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    for key in [k for k in ws._cells if k[0] == 2]:      # row 2 is empty: no row element at all
        assert ws._cells[key].value is None
        del ws._cells[key]
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        assert re.findall(r'<row r="(\d+)"', z.read("xl/worksheets/sheet1.xml").decode()) == ["1", "3", "4"]
    compute_file(src, tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    rows = [(int(m[1]), m[2]) for m in re.finditer(r'<row r="(\d+)"[^>]*>(.*?)</row>', xml)]
    assert [r for r, _ in rows] == [1, 2, 3, 4]
    for r, inner in rows:
        cols = re.findall(rf'<c r="([A-Z]+){r}"', inner)
        assert cols == sorted(cols, key=lambda c: (len(c), c)), (r, cols)
    assert re.findall(r'<c r="([A-Z]+)2"', dict(rows)[2]) == list("DEFGH")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    got = {col: [out[f"{col}{r}"].value for r in range(1, 5)] for col in EXPECTED}
    assert {k: [None if x == "" else x for x in v] for k, v in got.items()} == \
        {k: [None if x == "" else x for x in v] for k, v in EXPECTED.items()}


def test_one_registry_call_per_column(tmp_path):
    """The column D is one call of TR_CIF's column form, however many rows it has."""
    from trcalc.workbook import reader
    from trcalc.workbook.load import load
    from trcalc.calc.context import read_overrides
    src = _book(tmp_path)
    raw = reader.read(src)
    book, order, _ = load(raw, read_overrides({}), "fast")
    for s, _, coords in order:
        for r, c in coords:
            book.get(s, r, c)
    assert book.calls == 1


def test_a_program_s_saved_values_inside_the_range_are_not_inputs(tmp_path):
    """A file saved by Excel or LibreOffice holds the last results in the range's cells: recomputed."""
    src = _book(tmp_path)
    wb = openpyxl.load_workbook(src)
    wb.active["D3"] = 999                        # a stale value where the array's result goes
    wb.active["D1"] = ArrayFormula("D1:D4", '=IF(A1:A4="","",TR_CIF(A1:A4,B1:B4))')
    wb.save(src)
    _, _, parts, _ = compute(src)
    (values,) = parts.values()
    assert values[(3, 4)] == 30.0


def test_element_by_element_paths_by_hand(tmp_path):
    """The quick paths of a column formula give what Excel's functions give, element by element
    (support.microsoft.com: INDEX — a row number is truncated, one outside the range is #REF!; LEFT;
    TRUE counts 1 in arithmetic; COUNTIFS with a criterion per row; IS functions)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    codes = ["DE", None, "CN", "de", "FR", "DE"]
    rows = [1, 2.7, 3, 7, 0, "x"]
    for i, (code, row) in enumerate(zip(codes, rows), start=1):
        ws.cell(i, 1, code)
        ws.cell(i, 2, row)
        ws.cell(i, 3, f"=A{i}")                       # one-cell formulas: INDEX reads a computed column
    ws["D1"] = ArrayFormula("D1:D6", "=INDEX(C1:C6,B1:B6)")
    ws["E1"] = ArrayFormula("E1:E6", '=COUNTIFS(A1:A6,A1:A6)')
    ws["F1"] = ArrayFormula("F1:F6", '=LEFT(A1:A6&"",1)&"|"&(ISBLANK(A1:A6)+ISTEXT(A1:A6)+(B1:B6>2))')
    path = tmp_path / "paths.xlsx"
    wb.save(path)
    _, report, parts, _ = compute(path)
    (values,) = parts.values()
    col = {c: [values[(r, c)] for r in range(1, 7)] for c in (4, 5, 6)}
    shown = {c: [v.code if hasattr(v, "code") else v for v in vs] for c, vs in col.items()}
    # INDEX: row 1 → C1 "DE"; 2.7 → row 2 (C2 = A2, blank: 0); 3 → "CN"; 7 and 0 → #REF!; "x" → #VALUE!
    assert shown[4] == ["DE", 0.0, "CN", "#REF!", "#REF!", "#VALUE!"]
    # COUNTIFS without case: DE, de, DE → 3 each; a criterion that is an empty cell counts as 0 (the
    # COUNTIFS reference: "treats the empty cell as a 0 value"), and no cell holds 0: 0
    assert shown[5] == [3.0, 0.0, 1.0, 3.0, 1.0, 3.0]
    # LEFT of the text, then TRUE + TRUE + (row > 2): "D|1" (DE: text, 1 > 2 false), "|2" (blank, 2.7 > 2),
    # "C|2", "d|2", "F|1", "D|2" ("x" > 2: text ranks above numbers, TRUE)
    assert shown[6] == ["D|1", "|2", "C|2", "d|2", "F|1", "D|2"]
