"""Building blocks for the template workbooks (openpyxl).

A template sheet is a title, a line of help, a header row and N data rows.
Each column is either an input (unlocked, coloured, with a drop-down list
where it takes a code) or a formula (locked, grey), written once as a
pattern with `{r}` for the row.  Sheets are protected without a password, so
an accountant cannot overwrite a formula by accident but can unprotect on
purpose.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMULA_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)

TL = '#,##0.00 "TL"'
EUR = '#,##0.00 "€"'
DATE = "dd.mm.yyyy"
RATE = "0.00%"
QTY = "#,##0.###"
TEXT = "@"

HEADER_ROW = 4
FIRST_ROW = 5


@dataclass(frozen=True)
class Col:
    key: str                       # how formula patterns name this column: {key}{r}
    header: str
    width: int = 14
    fmt: str | None = None
    formula: str | None = None     # pattern with {r} and {key}s; None = an input column
    choices: str | None = None     # name of a list on the Listeler sheet
    help: str = ""
    first: str | None = None       # the first data row's pattern, when it differs (no row above)
    fast: Callable | None = None   # Python twin of the formula: (env, table, row) → value
    default: object = None         # an input column's pre-filled value (the accountant types over it)

    @property
    def is_input(self) -> bool:
        return self.formula is None


def last_row(rows: int) -> int:
    return FIRST_ROW + rows - 1


def title(ws, text: str, help_text: str) -> None:
    ws["A1"] = text
    ws["A1"].font = TITLE_FONT
    ws["A2"] = help_text
    ws["A2"].alignment = Alignment(wrap_text=False)


def protect(ws) -> None:
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def unlock(cell) -> None:
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL


def letters(cols: list[Col]) -> dict[str, str]:
    return {c.key: get_column_letter(i) for i, c in enumerate(cols, start=1)}


def table_sheet(wb, name: str, heading: str, help_text: str, cols: list[Col], rows: int,
                table: str, lists: dict[str, str], refs: dict[str, str] | None = None):
    """A sheet holding one Excel table of `rows` data rows; returns the sheet.

    Formula patterns name columns of this sheet by key ({goods}{r}), the row
    before with {p}, and other sheets' ranges through `refs` ({i_value}).
    """
    ws = wb.create_sheet(name)
    title(ws, heading, help_text)
    end = last_row(rows)
    names = {**letters(cols), **(refs or {})}
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        h = ws.cell(HEADER_ROW, i, col.header)
        h.fill, h.font = HEADER_FILL, HEADER_FONT
        h.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = col.width
        if col.help:
            ws.cell(3, i, col.help).font = Font(italic=True, size=8, color="595959")
        for r in range(FIRST_ROW, end + 1):
            c = ws.cell(r, i)
            if col.fmt:
                c.number_format = col.fmt
            if col.is_input:
                unlock(c)
                if col.default is not None:
                    c.value = col.default
            else:
                pattern = col.first if (r == FIRST_ROW and col.first) else col.formula
                c.value = "=" + pattern.format(r=r, p=r - 1, **names)
                c.fill = FORMULA_FILL
        if col.choices:
            dv = DataValidation(type="list", formula1=lists[col.choices], allow_blank=True,
                                showErrorMessage=True, errorTitle="Geçersiz kod",
                                error="Listeden bir kod seçin / choose a code from the list")
            dv.add(f"{letter}{FIRST_ROW}:{letter}{end}")
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADER_ROW].height = 45
    ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{end}"
    t = Table(displayName=table, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(t)
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    protect(ws)
    # remembered on the (unsaved) workbook object for the fast path: tables in computing order
    if not hasattr(wb, "trcalc_tables"):
        wb.trcalc_tables, wb.trcalc_cells = [], {}
    wb.trcalc_tables.append((name, table, cols, rows))
    return ws


def ranges(sheet: str, cols: list[Col], rows: int, prefix: str) -> dict[str, str]:
    """{prefix_key: 'Sheet'!$X$5:$X$N} for every column, for other sheets' formulas."""
    end = last_row(rows)
    return {f"{prefix}_{k}": f"'{sheet}'!${v}${FIRST_ROW}:${v}${end}" for k, v in letters(cols).items()}
