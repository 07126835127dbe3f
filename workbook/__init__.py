"""Computing a workbook without Excel: any workbook, each formula pattern compiled once.

`compute_file(IN, OUT)` reads a filled workbook, computes every formula and
writes a new workbook in which each formula cell holds its computed value (like
"paste values"; the formulas stay in the template).  A cell that ends in an
error keeps the error value and gets a comment with the message, Turkish then
English; the report lists them.  The input is never written: OUT must be another
path, and OUT is written through a temporary file, so a failure leaves nothing
half-written.

How (issue 12.1): every formula is read once into a relative (R1C1) pattern —
the 10,000 cells of a copied-down column share one — and each pattern is
compiled once into a Python closure (`compile.py`) over Excel built-ins and the
registry's own functions.  Cells are computed on demand (`grid.py`), lookups are
answered from indexes.  Rows inserted or deleted anywhere, extra columns, an
edited formula or someone else's file are all just formulas.  A construct the
compiler does not know goes to the `formulas` engine for that cell alone
(`fallback.py`); `engine="formulas"` sends every cell there (the tests compare
the two on every cell).

Files: `reader.py` streams the cells out of the file's XML (no openpyxl object
per cell) and `writer.py` writes a copy of the file with values in the formula
cells, every other part untouched; openpyxl remains the path for the rare file
the writer leaves to it.

Safety (issue 10): the file is counted against budgets before it is loaded
(`files.py`, `budgets.py`); a reference to another file or a DDE link is an error
in its own cell, naming it (`formula.py`); a formula that cannot be read errors
only its own cell; nothing here opens any other file.

Overrides: a named range TRCALC_OVERRIDES (two columns, parameter | value, the
"Parametreler" sheet of the templates) applies to every call in the workbook,
as it does in Excel through the add-in.

Text dates: a text cell holding a day-first date (24.11.2026, as Turkish users
type it) or an ISO date stays text — SUMIFS/COUNTIFS criteria, MATCH, ISNUMBER
and comparisons see text — and arithmetic and date functions read it as that
date: what Excel and LibreOffice do in the Turkish locale (issue 12.2).

Modules: `load.py` (cells and names into a `grid.Book`), `cells.py` (formula patterns → closures),
`compute.py` (running them; the entry points), `results.py` (report, values, error listing),
`output.py` (writing the new file); `bridge.py` is the one module that talks to `trcalc.calc`.
"""
from __future__ import annotations

from . import fallback
from .budgets import WorkbookError, WorkbookLimitError
from .compute import ENGINES, compute, compute_bytes, compute_file, known_function_names
from .load import OVERRIDES_NAME, workbook_overrides
from .results import KEYS_NAME, STAMP_NAME, SUMMARY_NAME, Report
from .udf import CellError

register = fallback.register

__all__ = ["CellError", "ENGINES", "KEYS_NAME", "OVERRIDES_NAME", "Report", "STAMP_NAME", "SUMMARY_NAME",
           "WorkbookError", "WorkbookLimitError", "compute_bytes", "compute_file", "compute", "known_function_names", "register", "workbook_overrides"]
