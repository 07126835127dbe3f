"""LibreOffice headless as the third engine, and the templates' printouts (issue 12).

LibreOffice (Debian's libreoffice-calc-nogui with the Python script provider, installed by
tests/setup-libreoffice.sh) loads each example and edited copy, recalculates every formula —
trcalc functions through Basic wrappers that call the registry by the script provider (see
tests/lo/__init__.py for the documented mechanisms) — and every formula cell is compared with the
fast evaluator's value.  Then each example is printed to PDF: one A4 page per sheet, which means every
table fits the page width (a table too wide would spill onto more pages).
"""
import datetime as dt

import openpyxl
import pytest

from templates import build
from templates.engine import compute_file
from tests import lo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("libreoffice")]
A4 = {(595, 842), (842, 595)}


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    if lo.soffice() is None:
        pytest.fail("LibreOffice is not installed: run tests/setup-libreoffice.sh (make test does)")
    seed = tmp_path_factory.mktemp("seed") / "seed.xlsx"
    build.save(build.example_ithalat(), seed)
    return lo.make_profile(tmp_path_factory.mktemp("lo_profile"), seed)


def _values(path, formulas_of):
    wb = openpyxl.load_workbook(path, data_only=True)
    return {k: wb[k[0]][k[1]].value for k in formulas_of}


def _same(a, b):
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-6 * max(1, abs(a))
    return a == b


def _edited_dir():
    from tests.edits import delete_rows, insert_rows
    wb = build.example_dir()
    insert_rows(wb, "İhracat", 6, copy_formulas_from=5)
    for key, v in zip(("decl", "date", "product", "input", "qty", "destination", "certificate"),
                      ("EXM", dt.date(2025, 3, 24), "KUMAS", "IPLIK", 100, "DE", "ATR")):
        wb["İhracat"].cell(6, [c.key for c in build.EXPORTS].index(key) + 1, v)
    delete_rows(wb, "İhracat", 7)
    return wb


def _edited_ledger():
    from tests.edits import insert_rows
    wb = build.example_eihracat()
    insert_rows(wb, "Harcamalar", 7, copy_formulas_from=6)
    for col, v in zip("ABCDEF", [dt.date(2025, 3, 1), "KOMISYON", "SIRKET", "Etsy", "E-000", 200000]):
        wb["Harcamalar"][f"{col}7"] = v
    return wb


CASES = {**{f"example {k}": v for k, v in build.EXAMPLES.items()},
         "edited dir_tev": _edited_dir, "edited eihracat_destek": _edited_ledger}


@pytest.mark.parametrize("case", list(CASES))
def test_libreoffice_computes_every_cell_as_the_fast_evaluator(case, profile, tmp_path):
    src = tmp_path / f"{case.replace(' ', '_')}.xlsx"
    build.save(CASES[case](), src)
    report = compute_file(src, tmp_path / "fast.xlsx")
    assert report.errors == [], report.summary()
    formulas_of = [(ws.title, c.coordinate) for ws in openpyxl.load_workbook(src).worksheets
                   for row in ws.iter_rows() for c in row if c.data_type == "f"]
    ours = _values(tmp_path / "fast.xlsx", formulas_of)
    theirs = _values(lo.recalc(profile, src, tmp_path / "lo"), formulas_of)
    diff = [(k, ours[k], theirs[k]) for k in formulas_of if not _same(ours[k], theirs[k])]
    assert not diff, diff[:10]
    assert len(formulas_of) > 50


@pytest.mark.parametrize("name", list(build.EXAMPLES))
def test_each_example_prints_one_a4_page_per_sheet(name, profile, tmp_path):
    src = tmp_path / f"{name}.xlsx"
    build.save(build.EXAMPLES[name](), src)
    pages = lo.pdf_pages(lo.pdf(profile, src, tmp_path / "pdf"))
    visible = [ws for ws in openpyxl.load_workbook(src).worksheets if ws.sheet_state == "visible"]
    assert len(pages) == len(visible), (len(pages), [ws.title for ws in visible])
    assert all((round(w), round(h)) in A4 for w, h in pages), pages
