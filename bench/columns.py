"""Issue 23.1: what a full recalculation of the 10,000-line DİR costs in the spreadsheet hosts.

- trcalc calls per full recalculation, per path. Each path (the xlwings add-in, the Office add-in, xlwings
  Lite, remote mode) calls a registry function once per call of it in a formula's evaluation: an array
  formula is evaluated once (its ranges go in whole: xlwings passes a range as a list, Office.js a matrix
  parameter, Lite a list), a plain formula once per cell. Counted two ways: statically over the file's
  formulas (every registry call written in an array formula counts once, in a plain formula once per
  cell), and by instrumenting the calls — the workbook engine's count (`Book.calls`) and the LibreOffice
  extension's (libreoffice/component.py: one line per call). Baseline, in the same run: the templates as
  they were before issue 23.1 (one formula per row; built from git, commit BEFORE), through the
  Basic→Python bridge of tests/lo (the extension did not exist then).
- LibreOffice headless: full recalculation of the DİR as a Calc user gets it (`trcalc libreoffice --out`:
  the same columns spelled for the extension, each one array formula) with the extension installed
  (load, recalculate every formula, save), against its floor — the same workbook with values in place of
  formulas (what `trcalc compute` writes) loaded and saved by the same LibreOffice — and against the
  per-row templates of BEFORE.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .measure import Figure

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "466e49ca5a4c597790bd8b178cca8c4a953617a6"       # main just before the column formulas
_FUNC = re.compile(r"(?<![A-Za-z0-9_.])([A-Z][A-Z0-9_]*)\(")


def static_calls(path: Path) -> tuple[int, int]:
    """(registry calls of one full recalculation, formula cells) counted over the file's formulas."""
    from trcalc.calc.registry import REGISTRY
    calls = cells = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            xml = z.read(name).decode("utf-8")
            shared: dict[str, int] = {}
            for m in re.finditer(r"<c [^>]*>(<f([^>]*)>([^<]*)</f>|<f([^>]*)/>)", xml):
                attrs, text = (m[2] or m[4] or ""), (m[3] or "")
                si = re.search(r'si="(\d+)"', attrs)
                if text:
                    text = re.sub(r'"[^"]*"', '""', text.replace("&quot;", '"'))
                    n = sum(1 for f in _FUNC.findall(text) if f.upper().removeprefix("_XLDUDF_TRCALC_") in REGISTRY)
                    if si:
                        shared[si[1]] = n
                elif si:
                    n = shared.get(si[1], 0)
                else:
                    n = 0
                cells += 1
                calls += n
    return calls, cells


def _old_package(tmp: Path) -> Path | None:
    """The trcalc package as it was at BEFORE (calc, templates, workbook and the CLI as `trcalc.*`)."""
    root = tmp / "before"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "calc", "templates", "workbook", "trcalc"],
                             capture_output=True)
    if archive.returncode:
        return None
    (root / "src").mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(root / "src")], input=archive.stdout, check=True)
    pkg = root / "trcalc"
    shutil.copytree(root / "src" / "trcalc", pkg)
    for sub in ("calc", "templates", "workbook"):
        shutil.copytree(root / "src" / sub, pkg / sub)
    return root


def _workbook(lines: int, path: Path, old: Path | None = None) -> Path:
    """bench/workbooks.dir_tev's filled DİR, built by this checkout or (old) by the package at BEFORE, in a
    process whose `trcalc` is that package (bench/ and tests/ from this checkout)."""
    if old is None:
        from . import workbooks
        return workbooks.dir_tev(lines, path)
    code = f"from pathlib import Path; from bench import workbooks; workbooks.dir_tev({lines}, Path({str(path)!r}))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(old), str(ROOT)])}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(old), env=env)
    return path


def _libreoffice(profile: Path, src: Path, out: Path, limit: int = 900) -> tuple[float, int]:
    """(seconds, trcalc calls) of LibreOffice loading `src`, recalculating it and saving it; seconds is
    infinite when it takes longer than `limit`."""
    from tests import lo
    counter = out / "calls.txt"
    out.mkdir(parents=True, exist_ok=True)
    os.environ["TRCALC_LO_CALLS"] = str(counter)
    try:
        t = time.perf_counter()
        lo.run(profile, ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)], limit)
        seconds = time.perf_counter() - t
        if not (out / (src.stem + ".xlsx")).exists():
            raise RuntimeError(f"LibreOffice did not convert {src}")
    except subprocess.TimeoutExpired:
        seconds = float("inf")
    finally:
        del os.environ["TRCALC_LO_CALLS"]
    return seconds, len(counter.read_text().splitlines()) if counter.exists() else 0


def figures(lines: int = 10_000) -> list[Figure]:
    from tests import lo
    from trcalc.templates import build
    from trcalc.workbook import compute_file
    out: list[Figure] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        new = _workbook(lines, tmp / "dir_new.xlsx")
        calls, cells = static_calls(new)
        old_pkg = _old_package(tmp)
        old = _workbook(lines, tmp / "dir_old.xlsx", old_pkg) if old_pkg else None
        old_calls, old_cells = static_calls(old) if old else (0, 0)
        # the engine's own count: every registry call made computing the file
        from trcalc.workbook import reader
        from trcalc.workbook.load import load
        from trcalc.calc.context import read_overrides
        book, order, _ = load(reader.read(new), read_overrides({}), "fast")
        from trcalc.workbook.compute import _run
        _run(book, order)
        note = (f"{cells:,} formula cells; the per-row templates of {BEFORE[:7]}: {old_calls:,} calls "
                f"({old_cells:,} formula cells)" if old else f"{cells:,} formula cells")
        for path in ("xlwings add-in (local and remote)", "Office add-in", "xlwings Lite"):
            out.append(Figure(f"DİR {lines:,} lines: trcalc calls per full recalculation, {path} (formulas counted)",
                              calls, "calls", 300, note=note, baseline=old_calls or None,
                              baseline_what=f"the per-row templates of {BEFORE[:7]}"))
        out.append(Figure(f"DİR {lines:,} lines: trcalc calls, workbook engine (instrumented)", book.calls, "calls",
                          300))
        if lo.soffice() is None:
            out.append(Figure("LibreOffice: not installed (tests/setup-libreoffice.sh)", 0, "s"))
            return out
        # LibreOffice: the DİR as a Calc user gets it (`trcalc libreoffice --out`: the same columns, each one array
        # formula through the extension's column form), loaded, recalculated and saved by a headless
        # LibreOffice with the extension installed; its floor: the same file with values, loaded and saved
        from tests.lo import ext
        from trcalc.libreoffice.build import CALC
        from . import workbooks
        spelled = workbooks.dir_tev(lines, tmp / "dir_calc.xlsx", flavour=CALC)
        floor_src = tmp / "dir_values.xlsx"
        compute_file(spelled, floor_src)
        with ext.installed() as (session, _folder, _listed):
            src, values = session.share(spelled), session.share(floor_src)
            files = session.root / "files"
            os.environ["TRCALC_LO_CALLS"] = str(files / "calls.txt")     # the extension's call counter
            try:
                runs = session.drive([["convert", str(values), str(files / "floor.xlsx")],
                                      ["counted", ["convert", str(src), str(files / "out.xlsx")]],
                                      ["convert", str(values), str(files / "floor.xlsx")],
                                      ["counted", ["convert", str(src), str(files / "out.xlsx")]]], timeout=1800)
            finally:
                del os.environ["TRCALC_LO_CALLS"]
        floor = min(runs[0], runs[2])
        seconds, lo_calls = min(runs[1][0], runs[3][0]), runs[1][1]
        print(f"  LibreOffice (extension): {seconds:.1f} s, floor {floor:.1f} s, {lo_calls} calls", flush=True)
        out.append(Figure(f"DİR {lines:,} lines: trcalc calls, LibreOffice (the extension, instrumented)", lo_calls,
                          "calls", 300))
        old_note = ""
        if old:
            # before: the per-row templates of BEFORE, through the Basic→Python bridge of tests/lo (the extension
            # did not exist then)
            seed = tmp / "seed.xlsx"
            build.save(build.example_ithalat(), seed)
            profile = lo.make_profile(tmp / "profile", seed)
            old_seconds, old_lo_calls = _libreoffice(profile, old, tmp / "lo_old")
            shown = f"{old_seconds:.1f} s" if old_seconds != float("inf") else "over 900 s (stopped)"
            old_note = (f"; the per-row templates of {BEFORE[:7]} through the Basic bridge: {shown}, "
                        f"{old_lo_calls:,} calls ({old_seconds / seconds:.1f}× the time)")
        out.append(Figure(f"DİR {lines:,} lines: LibreOffice headless full recalculation through the extension "
                          "(load, compute, save)",
                          seconds, "s", 5.0, baseline=floor, baseline_what="the same file with values, loaded and saved",
                          note=f"floor (the same file with values, loaded and saved): {floor:.1f} s, "
                               f"{seconds / floor:.2f}× the floor; recalculation above the floor "
                               f"{seconds - floor:.1f} s{old_note}"))
    return out


if __name__ == "__main__":
    from .measure import table
    print(table(figures(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
