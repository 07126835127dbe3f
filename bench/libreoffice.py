"""LibreOffice Calc with the trcalc extension (issue 28), installed and driven as tests/lo/ext.py does.

Each figure beside a baseline from the same run: a trcalc call against Calc's own arithmetic on the
same cells and against the same call in-process; the 10,000-line DİR's full recalculation in Calc
against `trcalc compute` of the same workbook.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .measure import Figure, median_time

ROWS = 2000


def _sheet(path: Path, formula: str) -> Path:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, ROWS + 1):
        ws.cell(r, 1, 100 + r)
        ws.cell(r, 2, 10)
        ws.cell(r, 3, 1)
        ws.cell(r, 4, "=" + formula.format(r=r))
    wb.save(path)
    return path


def figures(lines: int = 10_000) -> list[Figure]:
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["bash", str(root / "tests" / "setup-libreoffice.sh")], check=True)
    from tests.lo import ext
    from trcalc.calc import call
    from trcalc.libreoffice.build import CALC_PREFIX, calc_flavour

    from .workbooks import dir_tev
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = _sheet(tmp / "trcalc.xlsx", CALC_PREFIX + "TR_CIF(A{r}:A{r},B{r}:B{r},C{r}:C{r})")
        native = _sheet(tmp / "native.xlsx", "A{r}+B{r}+C{r}")
        plain = dir_tev(lines, tmp / "dir.xlsx")
        spelled = tmp / "dir_calc.xlsx"
        spelled.write_bytes(calc_flavour(plain.read_bytes()))
        t = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "trcalc"), "compute", str(plain), str(tmp / "out.xlsx")],
                       capture_output=True, check=False)
        engine_s = time.perf_counter() - t
        with ext.installed() as (session, _folder, _listed):
            a, b = session.share(ours), session.share(native)
            runs = session.drive([["recalc", str(a)], ["recalc", str(b)], ["recalc", str(a)], ["recalc", str(b)],
                                  ["recalc", str(session.share(spelled))]], timeout=1800)
    per_call = min(runs[0], runs[2]) / ROWS * 1e6
    per_native = min(runs[1], runs[3]) / ROWS * 1e6
    in_process = median_time(lambda: [call("TR_CIF", 100 + r, 10, 1) for r in range(ROWS)], 3) / ROWS * 1e6
    return [
        Figure("LibreOffice: TR_CIF through the extension, per cell", per_call, "µs",
               note=f"Calc's own A+B+C on the same cells {per_native:.1f} µs (×{per_call / per_native:.0f}); "
                    f"the same call in-process {in_process:.1f} µs (×{per_call / in_process:.1f})"),
        Figure(f"LibreOffice: full recalculation of the {lines:,}-line DİR through the extension", runs[4], "s", 5,
               note=f"trcalc compute of the same workbook {engine_s:.1f} s (×{runs[4] / engine_s:.1f}); "
                    "the templates' per-row formulas are issue 23's"),
    ]
