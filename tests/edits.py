"""Edit a workbook as Excel does when an accountant inserts or deletes rows or columns.

Excel moves the cells and rewrites every reference to the moved area in every
formula of the workbook: a bound at or after an inserted row moves down, a range
that spans the insertion point grows, a range wholly deleted becomes #REF!
(Microsoft: "Insert or delete rows and columns" — "formulas adjust"). A copied
formula row shifts its relative references (openpyxl's `Translator` implements
Excel's copy semantics). These helpers do the same with openpyxl so the tests
can build the edited copies the issue describes.

An array formula (the templates' computed columns, issue 23.1) is rewritten the same way and its range
(`ref`) moves, grows or shrinks with the rows: what Excel does with a dynamic array's references — the
spill then fills the new extent ("Dynamic array formulas and spilled array behavior",
support.microsoft.com). Its cells hold no formulas of their own, so a copied row copies none of it.
"""
from __future__ import annotations

import re

from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from trcalc.workbook.formula import MAX_COL, MAX_ROW, Ref, tokenize


def _render(ref: Ref, r1, c1, r2, c2) -> str:
    def col(flag, n):
        return ("$" if flag else "") + get_column_letter(n)

    def row(flag, n):
        return ("$" if flag else "") + str(n)
    sheet = ""
    if ref.sheet is not None:
        sheet = "'" + ref.sheet.replace("'", "''") + "'!"
    if ref.whole == "col":
        return f"{sheet}{col(ref.c1[0], c1)}:{col(ref.c2[0], c2)}"
    if ref.whole == "row":
        return f"{sheet}{row(ref.r1[0], r1)}:{row(ref.r2[0], r2)}"
    a = col(ref.c1[0], c1) + row(ref.r1[0], r1)
    if (r1, c1) == (r2, c2) and (ref.r1, ref.c1) == (ref.r2, ref.c2):
        return sheet + a
    return f"{sheet}{a}:{col(ref.c2[0], c2)}{row(ref.r2[0], r2)}"


def _shift(lo, hi, at, n, limit):
    """New (lo, hi) after inserting n (n > 0) or deleting −n lines at `at`, or None when deleted."""
    if n > 0:
        if lo >= at:
            lo += n
        if hi >= at:
            hi += n
        return lo, min(hi, limit)
    gone_lo, gone_hi = at, at - n - 1
    if lo >= gone_lo and hi <= gone_hi:
        return None
    new_lo = lo if lo < gone_lo else (gone_lo if lo <= gone_hi else lo + n)
    new_hi = hi if hi < gone_lo else (gone_lo - 1 if hi <= gone_hi else hi + n)
    return new_lo, new_hi


def _rewrite(wb, sheet_name: str, axis: str, at: int, n: int, moved: dict) -> None:
    """Rewrite every formula's references into `sheet_name` (`moved`: cell → its old position)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                r0, c0 = moved.get((ws.title, c.row, c.column), (c.row, c.column))
                if isinstance(c.value, ArrayFormula):
                    c.value = _array(c.value, ws.title, sheet_name, axis, at, n, r0, c0, c.row, c.column)
                    continue
                if not isinstance(c.value, str):
                    continue
                c.value = _formula(c.value, ws.title, sheet_name, axis, at, n, r0, c0)


def _array(f: ArrayFormula, own: str, sheet_name: str, axis: str, at: int, n: int, r0: int, c0: int,
           row: int, col: int):
    """The array formula now anchored at (row, col): its text rewritten, its range moved or resized."""
    text = _formula(f.text, own, sheet_name, axis, at, n, r0, c0)
    c1, r1, c2, r2 = range_boundaries(f.ref)
    if own == sheet_name:
        got = _shift(r1, r2, at, n, MAX_ROW) if axis == "row" else _shift(c1, c2, at, n, MAX_COL)
        if got is None:
            return None
        if axis == "row":
            r1, r2 = got
        else:
            c1, c2 = got
    return ArrayFormula(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}", text)


def _formula(text: str, own: str, sheet_name: str, axis: str, at: int, n: int, r0: int, c0: int) -> str:
    """`text` (a formula of a cell of sheet `own` that was at r0, c0) with references into `sheet_name` moved."""
    if True:
        if True:
            if True:
                pattern = tokenize(text, r0, c0)
                out = []
                for kind, tok in pattern.tokens:
                    if kind != "ref":
                        out.append(tok)
                        continue
                    r1, c1, r2, c2 = tok.at(r0, c0)
                    target = tok.sheet if tok.sheet is not None else own
                    if target == sheet_name and not (tok.whole == "col" and axis == "row") and not (
                            tok.whole == "row" and axis == "col"):
                        got = _shift(r1, r2, at, n, MAX_ROW) if axis == "row" else _shift(c1, c2, at, n, MAX_COL)
                        if got is None:
                            out.append("#REF!")
                            continue
                        if axis == "row":
                            r1, r2 = got
                        else:
                            c1, c2 = got
                    out.append(_render(tok, r1, c1, r2, c2))
                return "=" + "".join(out)


def insert_rows(wb, sheet: str, at: int, n: int = 1, copy_formulas_from: int | None = None) -> None:
    """Insert n rows before row `at`; optionally copy the formulas of a row (as the accountant does)."""
    ws = wb[sheet]
    moved = {(sheet, r + n, c): (r, c) for (r, c) in ws._cells if r >= at}
    ws.insert_rows(at, n)
    _rewrite(wb, sheet, "row", at, n, moved)
    if copy_formulas_from is not None:
        src = copy_formulas_from + (n if copy_formulas_from >= at else 0)
        for cell in ws[src]:
            if cell.data_type == "f" and isinstance(cell.value, str):
                for k in range(n):
                    dest = ws.cell(at + k, cell.column)
                    dest.value = Translator(cell.value, origin=cell.coordinate).translate_formula(dest.coordinate)
                    dest.number_format = cell.number_format


def delete_rows(wb, sheet: str, at: int, n: int = 1) -> None:
    ws = wb[sheet]
    moved = {(sheet, r - n, c): (r, c) for (r, c) in ws._cells if r >= at + n}
    ws.delete_rows(at, n)
    _rewrite(wb, sheet, "row", at, -n, moved)


def insert_cols(wb, sheet: str, at: int, n: int = 1) -> None:
    ws = wb[sheet]
    moved = {(sheet, r, c + n): (r, c) for (r, c) in ws._cells if c >= at}
    ws.insert_cols(at, n)
    _rewrite(wb, sheet, "col", at, n, moved)


_HEADER = re.compile(r'^=IF\(ROW\(\$A\$(\d+):\$A\$\d+\)=ROW\(\$A\$\d+\),"(?:[^"]|"")*",(.*)\)$')
_RANGE = re.compile(r"(?<![A-Za-z0-9_$'!])\$([A-Z]{1,3})\$(\d+):\$\1\$(\d+)")


def row_formulas(ws, c):
    """(cell, formula) for every row of a computed column: the array formula's element for that row
    written as the one-cell formula it computes (its header element left out), e.g. row 5 of
    `=IF(ROW($A$4:$A$24)=ROW($A$4),"CIF",IF($B$4:$B$24="","",TR_CIF($B$4:$B$24)))` is
    `=IF($B5="","",TR_CIF($B5))`. A plain formula is itself."""
    if not isinstance(c.value, ArrayFormula):
        return [(c.coordinate, c.value)]
    m = _HEADER.match(c.value.text)
    assert m, c.value.text
    first, body = int(m[1]), m[2]
    c1, r1, c2, r2 = range_boundaries(c.value.ref)
    out = []
    for r in range(first + 1, r2 + 1):
        text = _RANGE.sub(lambda x, r=r: f"${x[1]}{r}" if int(x[2]) == first else x[0], body)
        out.append((ws.cell(r, c1).coordinate, "=" + text))
    return out


def write_per_row(ws) -> None:
    """Every computed column of the sheet written as one formula per row (what `row_formulas` gives), its
    header as text: the per-row workbook an older tool or a hand edit would leave."""
    for row in list(ws.iter_rows()):
        for c in row:
            if isinstance(c.value, ArrayFormula):
                header = re.match(r'^=IF\(ROW\([^)]*\)=ROW\([^)]*\),"((?:[^"]|"")*)",', c.value.text)[1]
                for coord, formula in row_formulas(ws, c):
                    ws[coord] = formula
                c.value = header.replace('""', '"')
