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
@pytest.mark.parametrize("styled", [True, False], ids=["cells in the file", "cells written by openpyxl"])
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
