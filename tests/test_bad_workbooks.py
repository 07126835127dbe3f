"""Bad workbooks to `trcalc compute`: a clear error, nothing written over the input or half-written."""
import subprocess
import sys

import openpyxl
import pytest

from trcalc.templates import build
from tests import bad_files

pytestmark = pytest.mark.xdist_group("workbooks")


def compute(src, dst):
    return subprocess.run([sys.executable, "-m", "trcalc.cli", "compute", str(src), str(dst)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case", ["not a zip", "password protected", "zip bomb", "xml bomb",
                                  "zip without a workbook", "value in the last row",
                                  "a million-cell range"])
def test_bad_file_gets_a_clear_error(case, tmp_path):
    data, words = bad_files.cases(tmp_path)[case]
    src = tmp_path / "in.xlsx"
    src.write_bytes(data)
    r = compute(src, tmp_path / "out.xlsx")
    assert r.returncode == 2, (case, r.returncode, r.stdout, r.stderr[-500:])
    assert words in r.stderr and " — " in r.stderr and "Traceback" not in r.stderr
    assert src.read_bytes() == data                   # never changed in place
    assert not (tmp_path / "out.xlsx").exists()       # nothing half-written
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob("tmp*.xlsx"))


def test_output_over_the_input_is_refused(tmp_path):
    src = tmp_path / "in.xlsx"
    src.write_bytes(bad_files.example_bytes(tmp_path))
    before = src.read_bytes()
    r = compute(src, src)
    assert r.returncode == 2 and "input" in r.stderr and src.read_bytes() == before


def test_formula_injection_in_an_input_cell_stays_text(tmp_path):
    wb = build.example_dir()
    for coord, text in (("A5", '=HYPERLINK("http://evil","x")'), ("C6", "=cmd|' /C calc'!A0"), ("A7", "@SUM(1)")):
        wb["İhracat"][coord] = text
        wb["İhracat"][coord].data_type = "s"
    src = tmp_path / "in.xlsx"
    build.save(wb, src)
    r = compute(src, tmp_path / "out.xlsx")
    assert r.returncode in (0, 1), r.stderr            # some rows may now end in an error; no crash
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert not [f"{ws.title}!{c.coordinate}" for ws in out.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert out["İhracat"]["A5"].value == '=HYPERLINK("http://evil","x")' and out["İhracat"]["A5"].data_type == "s"


def _book(cells: dict, path, title="Sayfa"):
    wb = openpyxl.Workbook()
    wb.active.title = title
    for coord, value in cells.items():
        wb.active[coord] = value
    wb.save(path)
    return path


def test_references_to_other_files_and_dde_are_errors_in_their_own_cells(tmp_path):
    """Issue 10.3: the engine never opens a file but the uploaded one; the rest computes."""
    (tmp_path / "x").mkdir()
    _book({"A1": 4242}, tmp_path / "x" / "secret.xlsx", "Sheet1")
    (tmp_path / "in").mkdir()
    src = _book({
        "A1": 5, "A2": "=A1*2",
        "B1": "='../x/[secret.xlsx]Sheet1'!A1",                                  # relative path
        "B2": f"='{tmp_path}/x/[secret.xlsx]Sheet1'!A1",                         # absolute path
        "B3": "=[1]Sheet1!A1+1",                                                  # external link index
        "B4": "=cmd|' /c calc'!A0",                                               # DDE
        "B5": "=SUM(1,,",                                                         # unreadable
        "B6": '=INDIRECT("\'../x/[secret.xlsx]Sheet1\'!A1")',                     # built at run time
        "B7": "=B1+1",                                                            # depends on a refused cell
        "C1": "=SUM(A1:A2)",
    }, tmp_path / "in" / "book.xlsx")
    r = compute(src, tmp_path / "in" / "out.xlsx")
    assert r.returncode == 1, r.stderr
    out = openpyxl.load_workbook(tmp_path / "in" / "out.xlsx")["Sayfa"]
    assert (out["A2"].value, out["C1"].value) == (10, 15)                         # the rest computes
    for coord in ("B1", "B2", "B3", "B4", "B5", "B6", "B7"):
        assert out[coord].data_type == "e" and out[coord].value != 4242, coord
        assert f"Sayfa!{coord}" in r.stdout or coord == "B7", (coord, r.stdout)   # each refusal names its cell
    assert "4242" not in r.stdout
    assert "başka bir dosyaya" in r.stdout and "DDE" in r.stdout and "INDIRECT" in r.stdout


def test_one_unreadable_formula_and_an_odd_sheet_name_fail_only_that_cell(tmp_path):
    """Issue 10.6: a line break in a sheet name and one error cell; the upload computes the rest."""
    from trcalc.workbook import compute_bytes
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Satır\nİki"
    ws["A1"], ws["A2"], ws["A3"] = 2, "=SUM(1,,", "=A1*3"
    path = tmp_path / "in.xlsx"
    wb.save(path)
    data, report = compute_bytes(path.read_bytes())
    assert [(s, c) for s, c, _ in report.errors] == [("Satır\nİki", "A2")]
    import io
    out = openpyxl.load_workbook(io.BytesIO(data))["Satır\nİki"]
    assert out["A3"].value == 6


@pytest.mark.parametrize("setting, cells", [
    ("TRCALC_MAX_FORMULA_CELLS", {f"A{i}": f"={i}+1" for i in range(1, 12)}),
    ("TRCALC_MAX_CELLS", {f"A{i}": i for i in range(1, 12)}),
    ("TRCALC_MAX_ROWS", {"A11": 1}),
])
def test_budgets_are_checked_before_the_work_and_name_their_setting(setting, cells, tmp_path, monkeypatch):
    """Issue 10.4: each budget refuses with its setting's name (exit 2; the server makes it 413)."""
    from trcalc.workbook import WorkbookLimitError, compute_file
    monkeypatch.setenv(setting, "10")
    src = _book(cells, tmp_path / "in.xlsx")
    with pytest.raises(WorkbookLimitError) as exc:
        compute_file(src, tmp_path / "out.xlsx")
    assert setting in exc.value.message and exc.value.status == 413 and " — " in exc.value.message
    assert not (tmp_path / "out.xlsx").exists()
    monkeypatch.setenv(setting, "11")
    compute_file(src, tmp_path / "out.xlsx")                       # at the limit it computes


def test_a_fake_template_claiming_a_million_row_table_costs_nothing_extra(tmp_path):
    """The old engine rebuilt a template of the claimed size (> 4 GB); tables are now just cells."""
    import io
    import re
    import zipfile
    good = tmp_path / "good.xlsx"
    build.save(build.example_dir(), good)
    src = tmp_path / "in.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(src, "w") as zout:     # every table claims 1e6 rows
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/tables/"):
                data = re.sub(rb'ref="A4:([A-Z]+)\d+"', rb'ref="A4:\g<1>1000004"', data)
            zout.writestr(info, data)
    assert b"1000004" in zipfile.ZipFile(io.BytesIO(src.read_bytes())).read("xl/tables/table1.xml")
    r = compute(src, tmp_path / "out.xlsx")
    assert r.returncode == 0, r.stdout + r.stderr
