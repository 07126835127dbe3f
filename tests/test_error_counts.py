"""Errors inside totals (issue 13.7): every total of the templates shows beside it how many rows are in
error, whether the failing row holds an error value (every add-in since issue 23.4, LibreOffice, trcalc
compute) or the xlwings add-in's error text "#…" (with its TRCALC_ERRORS_AS_TEXT=1 setting; SUM/SUMIFS skip text).

The flag column is one array formula (issue 23.1), for each row `IF(ISERROR(…)+…>0,1,IF((LEFT(…&"",1)="#")+…>0,
1,0))`: ISERROR is TRUE for any error value and LEFT(x&"",1) is the first character of the value as text
("LEFT, LEFTB functions", "Calculation operators and precedence": & joins texts, support.microsoft.com),
element by element. The same workbook is computed here by trcalc compute and by LibreOffice.
"""
import shutil
import subprocess

import openpyxl
import pytest

from trcalc.templates.build import KINDS
from trcalc.workbook import compute_file
from trcalc.templates.ithalat import PARCELS, SHEET
from trcalc.templates.sheets import ERROR_HEADER, ERROR_KEY, FIRST_ROW, HEADER_ROW, letters

pytestmark = pytest.mark.slow

TEXT_ERROR = "#esya_bedeli: sayı değil ('x') — esya_bedeli: not a number ('x')"   # as the xlwings add-in returns it
ROWS = [  # cif, regime, taxes, landed (the computed columns, as the add-in left them); flag expected
    (75, "REGULAR", 33, 108, 0),
    (30, "FLAT", TEXT_ERROR, 30, 1),          # "#…" text only: skipped by SUMIFS, counted by COUNTIF "#*"
    (40, "REGULAR", 10, "=1/0", 1),           # an error value
    (20, "FLAT", 4, 24, 0),
]


@pytest.fixture(scope="module")
def workbook_with_errors(tmp_path_factory):
    """An import list (in €: no rate) whose registry cells hold what Excel would show (values, "#…" text, an error)."""
    wb = KINDS["ithalat_vergi"].build(6)
    ws = wb[SHEET]
    col = letters(PARCELS)
    for key in ("cif", "regime", "taxes", "landed"):      # the columns' formulas replaced by what Excel showed
        ws[f"{col[key]}{HEADER_ROW}"] = next(c.header for c in PARCELS if c.key == key)
    for i, (cif, regime, taxes, landed, _) in enumerate(ROWS):
        r = FIRST_ROW + i
        for key, value in (("goods", 10 + i), ("origin", "DE"), ("duty_rate", 0.2), ("fx", None),
                           ("cif", cif), ("regime", regime), ("taxes", taxes), ("landed", landed)):
            ws[f"{col[key]}{r}"] = value
    path = tmp_path_factory.mktemp("errors") / "ithalat.xlsx"
    wb.save(path)
    return path


def _check(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[SHEET]
    flag = letters(PARCELS)[ERROR_KEY]
    assert ws[f"{flag}{HEADER_ROW}"].value == ERROR_HEADER
    flags = [ws[f"{flag}{FIRST_ROW + i}"].value for i in range(6)]
    assert flags == [r[4] for r in ROWS] + [0, 0]             # empty rows are no errors
    summary = wb["Özet"]
    assert summary.cell(HEADER_ROW, 3).value == ERROR_HEADER
    totals = {summary.cell(r, 1).value: (summary.cell(r, 2).value, summary.cell(r, 3).value)
              for r in range(FIRST_ROW, FIRST_ROW + 7)}
    for label, (_, count) in totals.items():
        if label.startswith("Toplam"):
            assert count == 2, (label, count)                # the two failing rows, beside every total
        else:
            assert count is None, label                       # counts of regimes are no totals
    # the € tax total without the "#…" row (33 + 10 + 4): valid-looking, hence the count beside it
    assert totals["Toplam vergi, € (kursuz satırlar)"][0] == 47
    return totals


def test_trcalc_compute_counts_the_rows_in_error(workbook_with_errors, tmp_path):
    out = tmp_path / "out.xlsx"
    compute_file(workbook_with_errors, out)
    totals = _check(out)
    # the landed-cost total over an error value is itself an error
    assert str(totals["Toplam maliyet, € (kursuz satırlar)"][0]).startswith("#")


def test_libreoffice_counts_the_rows_in_error(workbook_with_errors, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (make test installs it: tests/setup-libreoffice.sh)")
    profile = tmp_path / "profile"
    r = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
                        str(workbook_with_errors)], capture_output=True, text=True, timeout=180)
    out = tmp_path / "lo" / workbook_with_errors.name
    assert out.exists(), r.stderr
    _check(out)


def test_every_total_of_every_template_has_its_count():
    """In every template, each sheet of totals (no Excel table on it) has a "Hatalı satır" column, and every
    SUM/SUMIFS on it has the count in that column, on its row."""
    for kind, m in KINDS.items():
        wb = m.build(5)
        found = 0
        for ws in wb.worksheets:
            if ws.tables or ws.title in ("Listeler", "Parametreler"):
                continue
            heads = [c for row in ws.iter_rows(max_row=20) for c in row if c.value == ERROR_HEADER]
            head = next((h for h in heads if h.row == HEADER_ROW), heads[0] if heads else None)
            for row in ws.iter_rows(min_row=head.row + 1 if head else 1):
                for c in row:
                    if not (isinstance(c.value, str) and c.value.startswith("=")):
                        continue
                    if head and c.column == head.column:
                        continue
                    if "SUM(" in c.value.upper() or "SUMIFS(" in c.value.upper():       # a total
                        assert head, (kind, ws.title, c.coordinate)
                        beside = ws.cell(c.row, head.column).value
                        assert isinstance(beside, str) and beside.startswith("=SUM"), (kind, ws.title, c.coordinate)
                        found += 1
        assert found > 0, kind
