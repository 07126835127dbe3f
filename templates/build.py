"""Builds the template workbooks and their worked examples (openpyxl).

    trcalc templates            → templates/*.xlsx and templates/examples/*.xlsx

One module per template (`ithalat.py`, `dir_tev.py`, `eihracat.py`), each with
`KIND`, `build(rows, flavour)` and `example()`; shared sheets in `common.py`,
building blocks in `sheets.py`.  A new template registers itself in KINDS.
Every formula calls registry functions (through `sheets.call`, bound to the
registry's own argument list) or Excel built-ins only (a test checks it); input
cells are unlocked and coloured, formula cells locked; codes have drop-down
lists; a Parametreler sheet feeds the TRCALC_OVERRIDES named range.  The build
is deterministic (dates and the rules snapshot come from the rules' review
date), so a rebuilt template has the same cells as the committed one.

Templates hold empty rows ready to fill (see ROWS); an example is the same
template with fewer rows, filled with a worked case from the seeds.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from . import dir_tev, eihracat, ithalat, ithalat_beyanname
from .common import MARK, save
from .sheets import PLAIN, Flavour, fill

HERE = Path(__file__).resolve().parent
EXAMPLE_ROWS = 20

# kind → module with build(rows, flavour) and example(); the order is the order of `trcalc templates`
KINDS = {m.KIND: m for m in (ithalat, dir_tev, eihracat, ithalat_beyanname)}
ROWS = {"ithalat_vergi": 200, "dir_tev": 300, "eihracat_destek": 200, "ithalat_beyanname": 200}
BUILDERS = {kind: m.build for kind, m in KINDS.items()}
EXAMPLES = {kind: m.example for kind, m in KINDS.items()}
# the table whose size is the builder's `rows`: (sheet, Excel table name)
MAIN_TABLE = {kind: (m.SHEET, m.TABLE) for kind, m in KINDS.items()}

# names other code and the tests use
build_ithalat, build_dir, build_eihracat = ithalat.build, dir_tev.build, eihracat.build
example_ithalat, example_dir, example_eihracat = ithalat.example, dir_tev.example, eihracat.example
PARCELS, IMPORTS, NORMS, EXPORTS, LEDGER = ithalat.PARCELS, dir_tev.IMPORTS, dir_tev.NORMS, dir_tev.EXPORTS, eihracat.LEDGER
_fill = fill


def _ledger_cols(rows: int):
    return eihracat.LEDGER


def restore_charts(wb) -> None:
    """openpyxl does not keep charts when it re-saves a file: put ours back."""
    kind = (wb.properties.keywords or "").removeprefix(MARK)
    restore = getattr(KINDS.get(kind), "restore_charts", None)
    if restore:
        restore(wb)


def build_all(out: Path | None = None, flavour: Flavour = PLAIN, rows: dict | None = None) -> list[Path]:
    out = out or HERE
    (out / "examples").mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, m in KINDS.items():
        path = out / f"{kind}.xlsx"
        save(m.build((rows or ROWS).get(kind, 200), flavour), path)
        paths.append(path)
    for kind, m in KINDS.items():
        path = out / "examples" / f"{kind}.xlsx"
        save(m.example(), path)
        paths.append(path)
    return paths


__all__ = ["BUILDERS", "EXAMPLES", "KINDS", "MARK", "ROWS", "Workbook", "build_all", "fill", "restore_charts", "save"]
