"""Workbook budgets, checked before any work (issue 10.4), each with its setting.

| budget | setting (declared in calc/settings.py, with its default) |
|---|---|
| the uploaded file | TRCALC_MAX_WORKBOOK_BYTES |
| all parts once unzipped | TRCALC_MAX_UNZIPPED_BYTES |
| cells holding a value or a formula, all sheets | TRCALC_MAX_CELLS |
| formula cells, all sheets | TRCALC_MAX_FORMULA_CELLS |
| the last used row of any sheet | TRCALC_MAX_ROWS |
| cells of one range handed to a function cell by cell (`=TR_CIF(A1:A1048576)`) | TRCALC_MAX_RANGE_CELLS |
| cells of one range read as a grid: its used rows × its columns (`SUM(1:1048576)`), checked before it is read | TRCALC_MAX_AREA_CELLS |
| cells read through ranges by all the formulas of a workbook together (SUMPRODUCT over big ranges in every row), counted as they are read (the 10,000-line DİR reads 123,036) | TRCALC_MAX_CELL_READS |

A refusal is a `WorkbookLimitError` (a `WorkbookError`) naming the limit, its
value and its setting, Turkish then English; the server answers it with 413,
the CLI with exit status 2.
"""
from __future__ import annotations

from .bridge import TrcalcError, settings

# budget → (its setting, what is counted in Turkish, in English)
BUDGETS = {
    "workbook_bytes": ("TRCALC_MAX_WORKBOOK_BYTES", "dosya boyutu (bayt)", "file size (bytes)"),
    "unzipped_bytes": ("TRCALC_MAX_UNZIPPED_BYTES", "açılmış boyut (bayt)", "unzipped size (bytes)"),
    "cells": ("TRCALC_MAX_CELLS", "dolu hücre", "filled cells"),
    "formula_cells": ("TRCALC_MAX_FORMULA_CELLS", "formül hücresi", "formula cells"),
    "rows": ("TRCALC_MAX_ROWS", "satır (son kullanılan satır)", "rows (last used row)"),
    "range_cells": ("TRCALC_MAX_RANGE_CELLS", "bir aralıktaki hücre", "cells in one range"),
    "area_cells": ("TRCALC_MAX_AREA_CELLS", "tek aralıkta okunacak hücre", "cells read from one range"),
    "cell_reads": ("TRCALC_MAX_CELL_READS", "formüllerin aralıklardan okuduğu hücre", "cells read from ranges by the formulas"),
}


class WorkbookError(TrcalcError):
    """A workbook that cannot be computed at all (the server: 400 invalid_workbook, naming `file`)."""
    code = "invalid_workbook"
    status = 400

    def __init__(self, tr: str, en: str, argument: str | None = "file"):
        super().__init__(tr, en, argument)


class WorkbookLimitError(WorkbookError):
    """Over a budget: `setting` (also the error's `argument`) is the setting that raises it."""
    code = "too_large"
    status = 413

    def __init__(self, key: str, actual: int, where: str = ""):
        setting, tr, en = BUDGETS[key]
        limit = value(key)
        self.key, self.setting, self.limit, self.actual = key, setting, limit, actual
        at = f" ({where})" if where else ""
        super().__init__(
            f"çalışma kitabı çok büyük{at}: {actual:,} {tr}; sınır {limit:,} (ayarı {setting})".replace(",", "."),
            f"workbook too large{at}: {actual:,} {en}; limit {limit:,} (setting {setting})", setting)


def value(key: str) -> int:
    return settings.get(BUDGETS[key][0])


def check(key: str, actual: int, where: str = "") -> None:
    if actual > value(key):
        raise WorkbookLimitError(key, actual, where)


def refusal(key: str, actual: int, where: str = "") -> WorkbookLimitError:
    return WorkbookLimitError(key, actual, where)
