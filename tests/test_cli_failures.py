"""Issue 10.7: every failure of the `trcalc` command is one clear line (Turkish, then English) and
exit status 2 — never a traceback, never a hang; and output workbooks get the usual file mode."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trcalc.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "templates" / "examples" / "dir_tev.xlsx"


def one_line_failure(capsys, argv, *words):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, (argv, code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and " — " in lines[0] and "Traceback" not in err, err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def test_output_is_an_existing_directory(capsys, tmp_path):
    one_line_failure(capsys, ["compute", str(EXAMPLE), str(tmp_path)], "klasör", "folder")


def test_output_under_a_file(capsys, tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    one_line_failure(capsys, ["compute", str(EXAMPLE), str(f / "out.xlsx")], "dosya", "is a file")


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="Linux /proc")
def test_output_in_proc(capsys):
    line = one_line_failure(capsys, ["compute", str(EXAMPLE), "/proc/trcalc_out.xlsx"], "cannot write")
    assert "/proc/trcalc_out.xlsx" in line


def test_input_is_a_directory(capsys, tmp_path):
    one_line_failure(capsys, ["compute", str(tmp_path), str(tmp_path / "o.xlsx")], "klasör", "folder")


def test_input_missing(capsys, tmp_path):
    one_line_failure(capsys, ["compute", str(tmp_path / "none.xlsx"), str(tmp_path / "o.xlsx")], "not found")


def test_dev_zero_is_refused_before_it_is_read(capsys, tmp_path):
    one_line_failure(capsys, ["compute", "/dev/zero", str(tmp_path / "o.xlsx")], "not a regular file")


def test_rules_check_file_must_be_a_regular_file(capsys, tmp_path):
    one_line_failure(capsys, ["rules", "check", "--file", "/dev/zero"], "not a regular file")
    one_line_failure(capsys, ["rules", "check", "--file", str(tmp_path)], "folder", ".yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_fifo_is_refused_and_nothing_hangs(tmp_path):
    # a real process: opening a FIFO for reading blocks until a writer comes — it must never be opened
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    r = subprocess.run([sys.executable, "-m", "trcalc.cli", "compute", str(fifo), str(tmp_path / "o.xlsx")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "not a regular file" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.xdist_group("workbooks")
@pytest.mark.parametrize("name, value, words", [
    ("no.such.parameter", "1", ["no.such.parameter"]),
    ("kdv.general_rate", "abc", ["kdv.general_rate"]),
    ("kdv.general_rate", True, ["TRCALC_OVERRIDES"]),
    ("kdv.general_rate", "1e999999999", []),
])
def test_bad_values_on_the_parametreler_sheet(capsys, tmp_path, name, value, words):
    from trcalc.templates import build
    wb = build.EXAMPLES["dir_tev"]()
    wb["Parametreler"]["A5"], wb["Parametreler"]["B5"] = name, value
    src = tmp_path / "in.xlsx"
    wb.save(src)
    one_line_failure(capsys, ["compute", str(src), str(tmp_path / "o.xlsx")], *words)
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize("override", ["foo", "=5", ""])
def test_override_without_a_value(capsys, override):
    one_line_failure(capsys, ["call", "TR_CIF", "5", "--override", override], "NAME=VALUE")


def test_a_number_past_decimal_range(capsys):
    one_line_failure(capsys, ["call", "TR_CIF", "1e999999999"])


def test_broken_pipe_ends_quietly(capsys, monkeypatch):
    # `trcalc rules show | head -1`: the reader goes away. A pipe whose read end is closed gives
    # EPIPE on write (Python ignores SIGPIPE), deterministically.
    r, w = os.pipe()
    os.close(r)
    out = os.fdopen(w, "w", buffering=1)
    monkeypatch.setattr(sys, "stdout", out)
    code = main(["rules", "show"])
    monkeypatch.undo()
    assert code == 2
    assert capsys.readouterr().err == ""          # no traceback, no "Exception ignored" line
    out.close()


@pytest.mark.xdist_group("workbooks")
def test_output_workbook_has_the_usual_mode(tmp_path):
    # like any file the user writes: 0666 less the umask (mkstemp's 0600 hid it from colleagues)
    old = os.umask(0o022)
    try:
        assert main(["compute", str(EXAMPLE), str(tmp_path / "out.xlsx")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.xlsx").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]          # no temporary file left


def test_an_output_folder_that_is_a_file(capsys, tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    one_line_failure(capsys, ["templates", "--out", str(f)], "file operation failed", "a_file")
