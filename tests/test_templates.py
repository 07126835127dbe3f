"""The template workbooks: built from code, computed by the `formulas` engine, checked cell by cell.

Every computed cell that calls a registry function is recomputed with
`calc.call` on the same inputs; the seed values (CIF 75, TEV 150,000 TL) and
the hand-worked example values are checked where they appear.
"""
import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from trcalc.calc import call
from trcalc.calc.registry import REGISTRY
from trcalc.templates import build
from trcalc.workbook import compute_file, known_function_names, workbook_overrides
from tests.edits import row_formulas

pytestmark = pytest.mark.xdist_group("workbooks")

NAMES = list(build.BUILDERS)
FUNC = re.compile(r"(?<![A-Za-z0-9_.$])((?:_xlfn\.)?[A-Za-z_][A-Za-z0-9_.]*)\(")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("built")
    build.build_all(out)
    return out


@pytest.fixture(scope="module")
def computed(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("computed")
    reports = {}
    for name in NAMES:       # the real Excel formula engine (the fast path is compared with it elsewhere)
        reports[name] = compute_file(built / "examples" / f"{name}.xlsx", out / f"{name}.xlsx", "formulas")
    return out, reports


def _text(v):
    """A cell's value or formula; an array formula (a computed column, issue 23.1) as its range and text."""
    return (v.ref, v.text) if isinstance(v, ArrayFormula) else v


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): _text(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


@pytest.mark.parametrize("name", NAMES)
def test_committed_templates_match_the_builder(name, built):
    for rel in (f"{name}.xlsx", f"examples/{name}.xlsx"):
        committed = Path(build.HERE) / rel
        assert committed.exists(), f"run `trcalc templates` and commit {rel}"
        assert _cells(committed) == _cells(built / rel), f"{rel} is stale: run `trcalc templates`"


@pytest.mark.parametrize("name", NAMES)
def test_formulas_call_only_registry_functions_or_excel_builtins(name, built):
    known = known_function_names()
    wb = openpyxl.load_workbook(built / f"{name}.xlsx")
    used = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    text = re.sub(r'"[^"]*"', '""', _text(c.value)[-1])       # not inside string literals
                    for fn in FUNC.findall(text):
                        fn = fn.upper()
                        used.add(fn)
                        assert fn.removeprefix("_XLFN.") in known or fn in known, f"{ws.title}!{c.coordinate}: {fn}"
    assert used & set(REGISTRY), "the template calls no registry function"


@pytest.mark.parametrize("name", NAMES)
def test_template_structure(name, built):
    wb = openpyxl.load_workbook(built / f"{name}.xlsx")
    assert wb.sheetnames[0] == "Talimatlar"
    assert "Parametreler" in wb.sheetnames and "TRCALC_OVERRIDES" in wb.defined_names
    assert wb["Listeler"].sheet_state == "hidden"
    inputs = formulas = 0
    for ws in wb.worksheets:
        assert ws.protection.sheet, f"{ws.title} is not protected"
        for row in ws.iter_rows(min_row=4):        # a computed column's array formula starts in its header
            for c in row:
                if c.data_type == "f":
                    formulas += 1
                    assert c.protection.locked, f"{ws.title}!{c.coordinate} formula is unlocked"
                elif c.fill.fgColor.rgb == "00FFF2CC":
                    inputs += 1
                    assert not c.protection.locked
    assert inputs and formulas
    tables = [t for ws in wb.worksheets for t in ws.tables.values()]
    assert tables
    validations = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation]
    assert validations and all(dv.formula1.startswith("Listeler!") for dv in validations)
    assert any("TL" in (c.number_format or "") for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_every_code_list_has_a_drop_down(built):
    wb = openpyxl.load_workbook(built / "eihracat_destek.xlsx")
    lists = {dv.formula1 for dv in wb["Harcamalar"].data_validations.dataValidation}
    assert len(lists) == 2                           # support and beneficiary
    wb = openpyxl.load_workbook(built / "dir_tev.xlsx")
    lists = {dv.formula1 for ws in wb.worksheets for dv in ws.data_validations.dataValidation}
    assert len(lists) >= 3                           # country, certificate, yes/no
    wb = openpyxl.load_workbook(built / "ithalat_vergi.xlsx")
    lists = {dv.formula1 for dv in wb["Gönderiler"].data_validations.dataValidation}
    assert len(lists) == 2                           # origin and category


@pytest.mark.parametrize("name", NAMES)
def test_examples_compute_without_errors(name, computed):
    _, reports = computed
    assert reports[name].engine == "formulas"
    assert reports[name].errors == [], reports[name].summary()
    assert reports[name].formulas > 50


# --- every registry call, recomputed with calc.call -------------------------------------------

def _split_args(text):
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur)
    return out


def _registry_call(formula):
    """(name, [arg texts]) when the cell's result is a registry call (=FN(..) or =IF(..,"",FN(..)))."""
    for m in FUNC.finditer(formula):
        if m.group(1).upper() in REGISTRY:
            start = m.end()
            depth = 1
            for i in range(start, len(formula)):
                depth += formula[i] == "("
                depth -= formula[i] == ")"
                if depth == 0:
                    prefix, suffix = formula[:m.start()], formula[i + 1:]
                    if set(suffix) <= {")"} and (prefix == "=" or prefix.endswith('"",')):
                        return m.group(1).upper(), _split_args(formula[start:i])
                    return None
    return None


REF = re.compile(r"^(?:'?([^'!]+)'?!)?\$?([A-Z]{1,3})\$?(\d+)$")     # B5, $B$5, Beyanname!$B$5


def _value(ws, arg):
    arg = arg.strip()
    if not arg:
        return None                          # an omitted argument before given ones (TR_IMPORT_TAXES' gtip)
    if len(arg) >= 2 and arg[0] == arg[-1] == '"':
        return arg[1:-1]                     # a text literal ("GV")
    n = arg.startswith("N(") and arg.endswith(")")
    inner = arg[2:-1] if n else arg
    m = re.fullmatch(r"IF\(ISNUMBER\(([^()]+)\),\1,0\)", arg)     # N() element by element (sheets.number_or_zero)
    if m:
        n, inner = True, m[1]
    m = REF.match(inner)
    if not m:
        raise LookupError(arg)               # not a plain reference (e.g. MAXIFS in a summary)
    sheet = ws.parent[m[1]] if m[1] else ws
    v = sheet[f"{m[2]}{m[3]}"].value
    if isinstance(v, dt.datetime):
        v = v.date()
    if n:
        v = v if isinstance(v, (int, float)) else 0
    return v


def _same(result, cell):
    if isinstance(result, bool) or isinstance(cell, bool):
        return result is cell
    if isinstance(result, D):
        return isinstance(cell, (int, float)) and abs(D(str(cell)) - result) < D("0.005")
    if isinstance(result, dt.date):
        return isinstance(cell, dt.datetime) and cell.date() == result
    return result == cell


@pytest.mark.parametrize("name", NAMES)
def test_every_registry_cell_matches_calc_call(name, built, computed):
    out, _ = computed
    src = openpyxl.load_workbook(built / "examples" / f"{name}.xlsx")
    res = openpyxl.load_workbook(out / f"{name}.xlsx")
    overrides = workbook_overrides(res)
    checked = 0
    for ws in src.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                for coord, formula in row_formulas(ws, c):
                    found = _registry_call(formula)
                    computed_value = res[ws.title][coord].value
                    if not found or computed_value in (None, ""):
                        continue
                    fn, args = found
                    if REGISTRY[fn].column is not None:      # a whole column's function: see the hand values
                        continue
                    if fn == "TR_STAMP":                     # the computation's stamp: tests/test_stamp_cells.py
                        continue
                    try:
                        values = [_value(res[ws.title], a) for a in args]
                    except LookupError:
                        continue
                    expected = call(fn, *values, overrides=overrides)
                    assert _same(expected, computed_value), (ws.title, coord, fn, values, expected, computed_value)
                    checked += 1
    # every result cell of the examples' rows: 7 parcels × (CIF, regime, taxes); 3 export lines ×
    # applies + interest + penalty (the FIFO slot TEVs take INDEX arguments: test_dir_tev_example_values
    # checks them by hand); 7 ledger lines × (annual cap, payable); 4 declaration lines ×
    # (value, GV, İGV, KKDF, KDV base, KDV, total, and — issue 27 — the ÖTV and anti-dumping as assessed) + the
    # stamp duty (the Tarife kontrolü column is empty on the example: its typed rates agree); and TR_DATE on
    # every dated row (3 imports + 3 exports; 7 ledger lines)
    assert checked == {"ithalat_vergi": 21, "dir_tev": 5 + 6, "eihracat_destek": 14 + 7,
                       "ithalat_beyanname": 4 * 9 + 1}[name]


# --- the seed and hand-worked values where they appear ----------------------------------------

def _col(ws, header):
    for c in ws[4]:
        if c.value == header:
            return [ws.cell(r, c.column).value for r in range(5, 5 + build.EXAMPLE_ROWS)]
    raise KeyError(header)


def test_ithalat_example_values(computed):
    out, _ = computed
    ws = openpyxl.load_workbook(out / "ithalat_vergi.xlsx")["Gönderiler"]
    assert _col(ws, "CIF (€)")[:5] == [75, 75, 75, 75, 75]                 # seed 003: 60 + 10 + 5
    # 2024-01-15 flat 18 % × 60; regular 15 + 18 (law, not the seed's table); TL: 518.51 + 622.21
    assert _col(ws, "Toplam vergi")[:7] == [10.8, 33, 33, 33, 1140.72, 18, 0]
    assert _col(ws, "Rejim")[:7] == ["FLAT", "REGULAR", "REGULAR", "REGULAR", "REGULAR", "FLAT", "EXEMPT"]
    summary = openpyxl.load_workbook(out / "ithalat_vergi.xlsx")["Özet"]
    values = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(5, 12)}
    assert values["Toplam vergi, € (kursuz satırlar)"] == pytest.approx(10.8 + 33 * 3 + 18)
    assert values["Toplam vergi, TL (kurlu satırlar)"] == pytest.approx(1140.72)


def test_dir_tev_example_values(computed):
    out, _ = computed
    wb = openpyxl.load_workbook(out / "dir_tev.xlsx")
    ws = wb["İhracat"]
    # seed 004 (5,000 kg of IM000001 × 10 $ × 10 % × 30); UK: none; the shirts' 1,000 kg FIFO: the last
    # 500 kg of IM000001 (500 × 10 $ × 10 % × 30 = 15,000) and 500 kg of IM000002 (500 × 12 € × 8 % × 32)
    assert _col(ws, "TEV (TL)")[:3] == [150000, 0, 15000 + 15360]
    assert _col(ws, "1. ithalat beyannamesi")[2] == "25340100IM000001"
    assert _col(ws, "2. ithalat beyannamesi")[2] == "25340100IM000002"
    assert _col(ws, "1. kullanılan miktar")[:3] == [5000, 1000, 500] and _col(ws, "2. kullanılan miktar")[2] == 500
    assert _col(ws, "Gecikme zammı (TL)")[2] == 3036            # 30,360 × (1.4 × 4.5 % + 1 × 3.7 %) = 10 %
    assert _col(ws, "Para cezası (TL)")[2] == 7590              # 30,360 × 1/4
    summary = {wb["Özet"].cell(r, 1).value: wb["Özet"].cell(r, 2).value for r in range(5, 12)}
    assert summary["Toplam TEV"] == 180360 and summary["Genel toplam"] == 180360 + 3036 + 7590
    imports = wb["İthalat"]
    # the DİİB closing view: 6,500 kg used of IM000001, 500 of IM000002, none of the Italian IM000003
    assert _col(imports, "İhracatta kullanılan")[:3] == [6500, 500, 0]
    assert _col(imports, "Kalan (DİİB kapanış)")[:3] == [0, 4500, 1000]
    assert _col(imports, "Üçüncü ülke menşeli")[:3] == [True, True, False]   # EU origin: no TEV


def test_eihracat_example_applies_caps_in_date_order(computed):
    out, _ = computed
    wb = openpyxl.load_workbook(out / "eihracat_destek.xlsx")
    ws = wb["Harcamalar"]
    # 2025 caps (Decision 5986's 2022 amounts revalued, see tests/test_eexport.py): KOMISYON / SIRKET
    # 2,860,670; DEPO 19,076,055 per unit; ENTEGRASYON 761,018 per integration
    assert _col(ws, "Ödenecek destek (TL)")[:7] == [30000, 30000, 2800000, 60670, 250000, 19076055, 25000]
    assert _col(ws, "Önceki ödemeler (TL)")[:4] == [0, 30000, 0, 2800000]   # KOMISYON: 60,670 left
    # window per support and marketplace from its first expense: + 3 years − 1 day
    ends = [e.date() for e in _col(ws, "3 yıllık süre sonu")[:7]]
    assert ends == [dt.date(2028, 1, 19), dt.date(2028, 1, 19), dt.date(2028, 3, 4), dt.date(2028, 3, 4),
                    dt.date(2028, 5, 31), dt.date(2028, 6, 30), dt.date(2028, 11, 19)]
    summary = wb["Özet"]
    rows = {summary.cell(r, 1).value: [summary.cell(r, c).value for c in range(3, 12)] for r in range(5, 12)}
    assert rows["KOMISYON"][1:4] == [2860670, 2860670, 0]        # paid, cap, remaining
    assert rows["KOMISYON"][4:8] == [2800000, 60670, 0, 0]       # quarters
    assert rows["ENTEGRASYON"][2] == 1522036                     # 2 × 761,018
    assert summary._charts, "the chart of used vs remaining caps is kept"


@pytest.mark.parametrize("engine", ["formulas", "auto"])
def test_workbook_overrides_apply(built, tmp_path, engine):
    wb = openpyxl.load_workbook(built / "examples" / "ithalat_vergi.xlsx")
    wb["Parametreler"]["A5"], wb["Parametreler"]["B5"] = "import.flat.rate_eu", "25%"
    src = tmp_path / "in.xlsx"
    wb.save(src)
    report = compute_file(src, tmp_path / "out.xlsx", engine)
    assert report.errors == [] and report.engine == ("formulas" if engine == "formulas" else "fast")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Gönderiler"]
    assert _col(ws, "Toplam vergi")[0] == 15.0                   # 60 × 25 % instead of 18 %


def test_cli_compute_reports_error_cells_and_never_writes_the_input(built, tmp_path):
    wb = openpyxl.load_workbook(built / "examples" / "ithalat_vergi.xlsx")
    ws = wb["Gönderiler"]
    ws["B6"] = "altmış"                                           # goods, not a number
    src = tmp_path / "in.xlsx"
    wb.save(src)
    before = src.read_bytes()
    r = subprocess.run([sys.executable, "-m", "trcalc.cli", "compute", str(src), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "input" in r.stderr and src.read_bytes() == before
    r = subprocess.run([sys.executable, "-m", "trcalc.cli", "compute", str(src), str(tmp_path / "out.xlsx")],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert "Gönderiler!K6" in r.stdout and "esya_bedeli" in r.stdout
    assert src.read_bytes() == before
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx")["Gönderiler"]["K6"]
    assert cell.value == "#VALUE!" and "esya_bedeli" in cell.comment.text


def test_cli_compute_refuses_a_non_workbook(tmp_path):
    bad = tmp_path / "not.xlsx"
    bad.write_text("hello")
    r = subprocess.run([sys.executable, "-m", "trcalc.cli", "compute", str(bad), str(tmp_path / "o.xlsx")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and ".xlsx" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.xlsx").exists()
