"""LibreOffice Calc with the trcalc extension (issues 28 and 23.1), installed and driven as tests/lo/ext.py does.

Each figure beside a baseline from the same run:

- the 10,000-line DİR as a Calc user gets it (`trcalc libreoffice --out`: every computed column one array
  formula through the extension's column form), fully recalculated by a headless LibreOffice (calculateAll
  after loading — the driver's "recalc"), against its floor: the same workbook with every formula that calls
  trcalc replaced by its values (`trcalc compute`'s), Calc's own formulas kept, recalculated the same way;
  with the trcalc calls that recalculation made (the extension counts them when TRCALC_LO_CALLS names a file);
- a single call through the extension: the per-cell cost of TR_CIF in 2,000 one-cell formulas, against Calc's
  own A+B+C on the same cells and against the same call in-process (Python, no LibreOffice).
"""
from __future__ import annotations

import os
import subprocess
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


def _without_trcalc(spelled: Path, computed: Path, out: Path, prefix: str) -> Path:
    """The floor: `spelled` with every formula that calls trcalc (a column's array formula, a cell) replaced
    by the values `trcalc compute` gave it (`computed`); Calc's own formulas stay."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula
    from openpyxl.utils.cell import range_boundaries
    wb, values = openpyxl.load_workbook(spelled), openpyxl.load_workbook(computed, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                f = c.value
                text = f.text if isinstance(f, ArrayFormula) else f
                if not (isinstance(text, str) and prefix in text.upper()):
                    continue
                if isinstance(f, ArrayFormula):
                    c1, r1, c2, r2 = range_boundaries(f.ref)
                    for r in range(r1, r2 + 1):
                        for col in range(c1, c2 + 1):
                            ws.cell(r, col).value = values[ws.title].cell(r, col).value
                else:
                    c.value = values[ws.title][c.coordinate].value
    wb.save(out)
    return out


def figures(lines: int = 10_000) -> list[Figure]:
    import tempfile
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["bash", str(root / "tests" / "setup-libreoffice.sh")], check=True)
    from tests.lo import ext
    from trcalc.calc import call
    from trcalc.libreoffice.build import CALC, CALC_PREFIX
    from trcalc.workbook import compute_file

    from .workbooks import dir_tev
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = _sheet(tmp / "trcalc.xlsx", CALC_PREFIX + "TR_CIF(A{r}:A{r},B{r}:B{r},C{r}:C{r})")
        native = _sheet(tmp / "native.xlsx", "A{r}+B{r}+C{r}")
        spelled = dir_tev(lines, tmp / "dir_calc.xlsx", flavour=CALC)
        compute_file(spelled, tmp / "dir_values.xlsx")
        floor_src = _without_trcalc(spelled, tmp / "dir_values.xlsx", tmp / "dir_native.xlsx", CALC_PREFIX)
        with ext.installed() as (session, _folder, _listed):
            a, b = session.share(ours), session.share(native)
            d, f = session.share(spelled), session.share(floor_src)
            # the extension's call counter (libreoffice/component.py), in a folder LibreOffice's user may write
            os.environ["TRCALC_LO_CALLS"] = str(session.root / "files" / "calls.txt")
            try:
                runs = session.drive([["recalc", str(a)], ["recalc", str(b)], ["recalc", str(a)], ["recalc", str(b)],
                                      ["recalc", str(f)], ["counted", ["recalc", str(d)]], ["recalc", str(f)],
                                      ["counted", ["recalc", str(d)]]], timeout=1800)
            finally:
                del os.environ["TRCALC_LO_CALLS"]
    per_call = min(runs[0], runs[2]) / ROWS * 1e6
    per_native = min(runs[1], runs[3]) / ROWS * 1e6
    in_process = median_time(lambda: [call("TR_CIF", 100 + r, 10, 1) for r in range(ROWS)], 3) / ROWS * 1e6
    floor = min(runs[4], runs[6])
    (seconds, calls), (seconds2, _) = runs[5], runs[7]
    seconds = min(seconds, seconds2)
    return [
        Figure("LibreOffice: TR_CIF through the extension, per one-cell formula", per_call, "µs",
               baseline=in_process, baseline_what="the same call in-process (Python)",
               note=f"Calc's own A+B+C on the same cells {per_native:.1f} µs (×{per_call / per_native:.0f})"),
        Figure(f"LibreOffice: full recalculation of the {lines:,}-line DİR through the extension", seconds, "s", 5,
               baseline=floor, baseline_what="the same workbook, its trcalc formulas replaced by their values",
               note=f"{calls} trcalc calls (every computed column one array formula); recalculation above the "
                    f"floor {seconds - floor:.1f} s"),
    ]


if __name__ == "__main__":
    import sys

    from .measure import table
    print(table(figures(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
