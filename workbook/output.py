"""Writing the result: a new file, never the input, written through a temporary file.

`writer.py` writes a copy of the file with values in the formula cells, every other part untouched;
openpyxl re-saves the rare file the writer leaves to it (`write_openpyxl`).
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from . import writer
from .files import open_workbook
from .reader import RawBook
from .results import Report, error_listing, print_rows, stamp_listing
from .values import Err


def write_openpyxl(src: Path, tmp: str, raw: RawBook, parts: dict, notes: dict, listing=None,
                   on_resave=None, footer: str | None = None, print_rows: dict | None = None) -> None:
    """The general path for what `writer` leaves (a sheet with notes of its own, cells without their
    address): openpyxl re-saves the file; `on_resave(wb)` (the caller's: the templates put their
    charts back, which openpyxl drops) runs before the save."""
    wb = open_workbook(src)
    by_part = {rs.part: rs.name for rs in raw.sheets}
    for part, values in parts.items():
        ws = wb[by_part[part]]
        messages = dict(notes.get(part, []))
        for (r, c), value in values.items():
            cell = ws.cell(r, c)
            if type(value) is Err:
                cell.value = value.code
                cell.data_type = "e"
                cell.comment = Comment(messages.get(cell.coordinate, value.code), "trcalc")
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"          # text never becomes a formula
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
                cell.value = int(value)
            else:
                cell.value = value
    for part, r1, c1, rows in ([] if not listing else [listing] if isinstance(listing, tuple) else listing):
        from openpyxl.styles import Alignment
        ws = wb[by_part[part]]
        from .textsize import wrapped_height
        for i, values in enumerate(rows):
            for j, v in enumerate(values):
                cell = ws.cell(r1 + i, c1 + j, v)
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[r1 + i].height = max(
                wrapped_height(str(v), ws.column_dimensions[get_column_letter(c1 + j)].width or 8.43)
                for j, v in enumerate(values))
    if footer:
        for ws in wb.worksheets:
            ws.oddFooter.center.text = (ws.oddFooter.center.text or "") + writer.footer_code(footer)
    for index, last in (print_rows or {}).items():
        ws = wb.worksheets[index]
        area = ws.print_area
        area = area[0] if isinstance(area, (list, tuple)) else area
        m = area and re.search(r"(:\$?[A-Z]{1,3}\$?)(\d+)$", area)
        if m and int(m[2]) > last:
            ws.print_area = area[:m.start(2)].split("!")[-1].replace("$", "") + str(last)
    if on_resave:
        on_resave(wb)
    wb.save(tmp)


def save(src: Path, dst: Path, raw: RawBook, report: Report, parts: dict, notes: dict, on_resave=None) -> None:
    """Write the computed values of `src` into `dst` (a new file; a failure leaves nothing half-written)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    # created with O_EXCL and mode 0666 less the umask, as any file the user writes (mkstemp's 0600
    # would make the result unreadable to the colleagues it is for)
    tmp = str(dst.parent / f".{dst.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        listing = [x for x in (error_listing(raw, report), stamp_listing(raw, report)) if x]
        footer, rows = report.stamp_line or None, print_rows(raw)
        if (any(rs.positional for rs in raw.sheets if rs.formulas)
                or not writer.write(src, tmp, parts, notes, listing, footer, rows,
                                    frozenset(rs.part for rs in raw.sheets if rs.arrays))):
            write_openpyxl(src, tmp, raw, parts, notes, listing, on_resave, footer, rows)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
