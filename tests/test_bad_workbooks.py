"""Bad workbooks to `trcalc compute`: a clear error, nothing written over the input or half-written."""
import subprocess
import sys

import openpyxl
import pytest

from templates import build
from tests import bad_files

pytestmark = pytest.mark.xdist_group("workbooks")


def compute(src, dst):
    return subprocess.run([sys.executable, "-m", "trcalc.cli", "compute", str(src), str(dst)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case", ["not a zip", "password protected", "zip bomb", "xml bomb",
                                  "zip without a workbook", "huge sheet"])
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
