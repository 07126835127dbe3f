"""Workbook budgets, checked before any work (issue 10.4), each with its setting.

| setting | what it limits | default |
|---|---|---|
| TRCALC_MAX_WORKBOOK_BYTES | the uploaded file | 20 MiB |
| TRCALC_MAX_UNZIPPED_BYTES | all parts once unzipped | 200 MiB |
| TRCALC_MAX_CELLS | cells holding a value or a formula, all sheets | 2,000,000 |
| TRCALC_MAX_FORMULA_CELLS | formula cells, all sheets | 500,000 |
| TRCALC_MAX_ROWS | the last used row of any sheet | 100,000 |
| TRCALC_MAX_RANGE_CELLS | cells of one range handed to a function cell by cell (`=TR_CIF(A1:A1048576)`) | 100,000 |
| TRCALC_MAX_AREA_CELLS | cells of one range read as a grid: its used rows × its columns (`SUM(1:1048576)`), checked before it is read | 2,000,000 |
| TRCALC_MAX_CELL_READS | cells read through ranges by all the formulas of a workbook together (SUMPRODUCT over big ranges in every row), counted as they are read (the 10,000-line DİR reads 123,036) | 2,000,000 |

A refusal is a `WorkbookLimitError` (a `WorkbookError`) naming the limit, its
value and its setting, Turkish then English; the server answers it with 413,
the CLI with exit status 2.
"""
from __future__ import annotations

import os

DEFAULTS = {
    "workbook_bytes": ("TRCALC_MAX_WORKBOOK_BYTES", 20 * 1024 * 1024, "dosya boyutu (bayt)", "file size (bytes)"),
    "unzipped_bytes": ("TRCALC_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024, "açılmış boyut (bayt)",
                       "unzipped size (bytes)"),
    "cells": ("TRCALC_MAX_CELLS", 2_000_000, "dolu hücre", "filled cells"),
    "formula_cells": ("TRCALC_MAX_FORMULA_CELLS", 500_000, "formül hücresi", "formula cells"),
    "rows": ("TRCALC_MAX_ROWS", 100_000, "satır (son kullanılan satır)", "rows (last used row)"),
    "range_cells": ("TRCALC_MAX_RANGE_CELLS", 100_000, "bir aralıktaki hücre", "cells in one range"),
    "area_cells": ("TRCALC_MAX_AREA_CELLS", 2_000_000, "tek aralıkta okunacak hücre", "cells read from one range"),
    "cell_reads": ("TRCALC_MAX_CELL_READS", 2_000_000, "formüllerin aralıklardan okuduğu hücre",
                   "cells read from ranges by the formulas"),
}


class WorkbookError(Exception):
    """A workbook that cannot be computed at all; the message is Turkish — English."""
    status = 422

    def __init__(self, tr: str, en: str):
        self.message = f"{tr} — {en}"
        super().__init__(self.message)


class WorkbookLimitError(WorkbookError):
    """Over a budget: `setting` is the environment variable that raises it."""
    status = 413

    def __init__(self, key: str, actual: int, where: str = ""):
        setting, limit, tr, en = DEFAULTS[key][0], value(key), DEFAULTS[key][2], DEFAULTS[key][3]
        self.key, self.setting, self.limit, self.actual = key, setting, limit, actual
        at = f" ({where})" if where else ""
        super().__init__(
            f"çalışma kitabı çok büyük{at}: {actual:,} {tr}; sınır {limit:,} (ayarı {setting})".replace(",", "."),
            f"workbook too large{at}: {actual:,} {en}; limit {limit:,} (setting {setting})")


def value(key: str) -> int:
    setting, default = DEFAULTS[key][:2]
    raw = os.environ.get(setting, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def check(key: str, actual: int, where: str = "") -> None:
    if actual > value(key):
        raise WorkbookLimitError(key, actual, where)


def refusal(key: str, actual: int, where: str = "") -> WorkbookLimitError:
    return WorkbookLimitError(key, actual, where)
