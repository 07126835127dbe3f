"""The Office add-in flavour of every template: the same builder, each registry function spelled the way
Excel stores an Office.js custom function in a file.

    trcalc templates     → also templates/office/*.xlsx   (the server offers them at /office/templates)

Excel shows the add-in's functions as `=TRCALC.TR_TEV(...)` (namespace TRCALC, server/office.py) but
saves them into the workbook file as `_xldudf_TRCALC_TR_TEV(...)`: "For Javascript Custom Functions,
we by default save out with a different prefix "_xldudf"" (Microsoft, OfficeDev/Excel-Custom-Functions
issue #108, where a file holding the plain `NAMESPACE.FUNCTION(` text was not computed on opening until
each formula was entered again).  Workbooks saved by Excel with custom functions hold the same form
(`_xldudf_NAMESPACE_FUNCTION(`).  So an Office template opens in Excel on the web or on a Mac with the
add-in's functions bound, where the plain template shows #NAME?.
"""
from __future__ import annotations

from pathlib import Path

from .build import HERE, KINDS, ROWS
from .common import save
from .sheets import Flavour

NAMESPACE = "TRCALC"                         # the add-in's namespace (manifest, server/office.py)
STORED_PREFIX = f"_xldudf_{NAMESPACE}_"      # how Excel writes TRCALC.<id>( into the file
OFFICE = Flavour(prefix=STORED_PREFIX)
FOLDER = "office"


def office_path(kind: str, out: Path | None = None) -> Path:
    return (out or HERE) / FOLDER / f"{kind}.xlsx"


def build_office(out: Path | None = None) -> list[Path]:
    """Every template in the Office flavour, beside the plain ones (same rows, same sheets)."""
    paths = []
    for kind, m in KINDS.items():
        path = office_path(kind, out)
        path.parent.mkdir(parents=True, exist_ok=True)
        save(m.build(ROWS.get(kind, 200), OFFICE), path)
        paths.append(path)
    return paths
