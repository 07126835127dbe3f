"""Loading: a file's cells and names as the engine holds them (`grid.Book`), and its overrides.

`reader.py` has streamed the cells out of the file's XML; here values become the engine's (numbers
are floats, dates serials, a date typed as text stays text), each formula cell gets its compiled
pattern (`cells.py`), and the TRCALC_OVERRIDES named range (two columns, parameter | value, the
"Parametreler" sheet of the templates) is read.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl.utils import get_column_letter

from . import budgets
from .bridge import deadline, overrides_from_rows, to_serial
from .cells import Cell, Compiler, MemberCell
from .formula import FormulaError, tokenize
from .grid import Book
from .reader import RawBook
from .values import Err

OVERRIDES_NAME = "TRCALC_OVERRIDES"


def workbook_overrides(wb) -> dict:
    """{parameter: value} from the TRCALC_OVERRIDES named range (empty rows skipped)."""
    dn = wb.defined_names.get(OVERRIDES_NAME)
    if dn is None:
        return {}
    rows = []
    for sheet_name, ref in dn.destinations:
        rows += [[c.value for c in row] for row in wb[sheet_name][ref]]
    return overrides_from_rows(rows)



def input_value(v, data_type: str):
    """An openpyxl cell value as the engine holds it (numbers are floats; dates are serials)."""
    t = type(v)
    if t is float or t is bool:
        return v
    if t is int:
        return float(v)
    if t is str:
        # a date typed as text stays text (criteria skip it); arithmetic reads it (values.to_number)
        return Err(v) if data_type == "e" else v
    if isinstance(v, dt.datetime):
        return float(to_serial(v.date())) + (v - dt.datetime.combine(v.date(), dt.time())).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float(to_serial(v))
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second) / 86400
    if isinstance(v, Decimal):
        return float(v)
    return None if v is None else str(v)



def raw_value(v):
    """A value as `reader` gives it, as the engine holds it (text dates read as dates)."""
    t = type(v)
    if t is float or t is bool:
        return v
    if t is str:
        return input_value(v, "s")
    if v[0] == "e":
        return Err(v[1])
    try:                                   # ("d", ISO 8601 text): a date cell (ECMA-376 §18.17.4)
        return input_value(dt.datetime.fromisoformat(v[1].rstrip("Z")), "d")
    except ValueError:
        return input_value(v[1], "s")


def load(raw: RawBook, overrides: dict, mode: str) -> tuple[Book, list, Compiler]:
    """The file's cells as a Book; returns (book, formula cells in sheet/row order, compiler)."""
    book = Book(overrides)
    compiler = Compiler(book, mode)
    order = []
    for rs in raw.sheets:
        s = book.add_sheet(rs.name)
        s.values = {k: raw_value(v) for k, v in rs.values.items()}
        i = s.index
        book.done.update({(i, r, c): v for (r, c), v in s.values.items()})   # one look-up per read, not three
        keys = [*rs.values, *((r, c) for r, c, _, _ in rs.formulas)]
        s.max_row = max((r for r, _ in keys), default=0)
        s.max_col = max((c for _, c in keys), default=0)
    book.by_upper = {s.name.upper(): s for s in book.sheets}
    _names(raw, book)
    for rs, s in zip(raw.sheets, book.sheets):
        last: dict[int, tuple] = {}            # per column: the pattern of the cell above, and its renderer
        shared: dict[tuple, tuple] = {}         # a shared formula's master → its pattern (or error)
        for n, (r, c, text, master) in enumerate(sorted(rs.formulas, key=lambda t: (t[1], t[0]))):
            if not n & 255:
                deadline.check()              # the time limit, and a turn for the worker's other requests
            if (r, c) in rs.arrays:              # compiled for arrays below (`_arrays`)
                s.formulas[(r, c)] = Cell(r, c, text, None)
                continue
            pattern, error = None, None
            if master is not None:              # ECMA-376 §18.3.1.40: the master's formula, moved here
                hit = shared.get(master)
                if hit is None:
                    hit = shared[master] = [*_tokenize(master[2], master[0], master[1]), None]
                elif hit[2] is not None:        # its pattern compiled already: the same closure
                    s.formulas[(r, c)] = Cell(r, c, text, hit[2])
                    continue
                pattern, error = hit[0], hit[1]
            else:
                prev = last.get(c)
                if prev is not None and prev[1](r) == text:
                    if prev[2] is not None:
                        s.formulas[(r, c)] = Cell(r, c, text, prev[2])
                        continue
                    pattern = prev[0]
                else:
                    pattern, error = _tokenize(text, r, c)
                    hit = last[c] = [pattern, pattern.row_renderer(c), None] if pattern is not None else None
            cell = s.formulas[(r, c)] = compiler.cell(s.name, text, pattern, error, r, c)
            hit = shared.get(master) if master is not None else last.get(c)
            if hit is not None and hit[2] is None and compiler.compiled.get(pattern.key) is cell.fn:
                hit[2] = cell.fn                 # the next cells of this column share the closure
        _arrays(rs, s, compiler)
        order.append((s, rs, sorted(s.formulas)))
    return book, order, compiler


def _arrays(rs, s, compiler: "Compiler") -> None:
    """Array formulas: the anchor computes the range, every other cell of it is a member (its value in
    the file — the last result a program saved — is not an input)."""
    for (r, c), (r2, c2) in rs.arrays.items():
        cell = s.formulas.get((r, c))
        if cell is None:
            continue
        # a formula of its own inside the range: Excel cannot spill there (#SPILL!, "Dynamic array
        # formulas and spilled array behavior", support.microsoft.com); that formula keeps its cell
        own = [(rr, cc) for rr in range(r, r2 + 1) for cc in range(c, c2 + 1)
               if (rr, cc) != (r, c) and (rr, cc) in s.formulas and (rr, cc) not in rs.arrays]
        if own:
            where = f"{get_column_letter(own[0][1])}{own[0][0]}"
            s.formulas[(r, c)] = Cell(r, c, cell.text, compiler.fixed(Err(
                "#SPILL!", f"{s.name}!{get_column_letter(c)}{r}: sütun formülünün alanında başka bir formül var "
                           f"({where}) — the column formula's range holds another formula ({where})")))
            continue
        pattern, error = _tokenize(cell.text, r, c) if cell.text is not None else (None, None)
        s.formulas[(r, c)] = compiler.array(s.name, cell.text, pattern, error, r, c, r2, c2)
        member, values, done, formulas, i = MemberCell((r, c)), s.values, compiler.book.done, s.formulas, s.index
        for rr in range(r, r2 + 1):
            for cc in range(c, c2 + 1):
                if (rr, cc) != (r, c):
                    values.pop((rr, cc), None)
                    done.pop((i, rr, cc), None)
                    formulas[(rr, cc)] = member
        s.max_row, s.max_col = max(s.max_row, r2), max(s.max_col, c2)


def _tokenize(text: str, r: int, c: int):
    try:
        return tokenize(text, r, c), None
    except FormulaError as exc:
        return None, exc


def destination(text: str):
    """(sheet name, (r1, c1, r2, c2)) of a defined name that is one plain range, else None."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.workbook.defined_name import DefinedName
    try:
        dests = list(DefinedName("n", attr_text=text).destinations)
        if len(dests) != 1:
            return None
        sheet_name, ref = dests[0]
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError, AttributeError):
        return None
    if None in (c1, r1, c2, r2):
        return None
    return sheet_name, (r1, c1, r2, c2)


def _names(raw: RawBook, book: Book) -> None:
    for name, text in raw.names:
        dest = destination(text)
        s = dest and book.sheet(dest[0])
        if s is not None:
            book.names[name.casefold()] = (s, dest[1])


def raw_overrides(raw: RawBook) -> dict:
    """{parameter: value} from the TRCALC_OVERRIDES named range, as `workbook_overrides` reads it."""
    from openpyxl.utils.datetime import from_excel
    text = next((t for n, t in raw.names if n == OVERRIDES_NAME), None)
    dest = text and destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs:
        return {}
    (r1, c1, r2, c2), rows = dest[1], []
    # only as far as the sheet is used (`$A$1:$XFD$1048576` names 17 billion cells, the used area a few),
    # and no more than one range may hold (TRCALC_MAX_RANGE_CELLS), before anything is read
    used = [*rs.values, *((r, c) for r, c, _, _ in rs.formulas)]
    r2 = min(r2, max((r for r, _ in used), default=r1))
    c2 = min(c2, max((c for _, c in used), default=c1))
    budgets.check("range_cells", max(0, r2 - r1 + 1) * max(0, c2 - c1 + 1), OVERRIDES_NAME)
    for r in range(r1, r2 + 1):
        row = []
        for c in range(c1, c2 + 1):
            v = rs.values.get((r, c))
            if type(v) is tuple:
                v = v[1]
            elif type(v) is float and (r, c) in rs.dates:
                v = from_excel(v)
            row.append(v)
        rows.append(row)
    return overrides_from_rows(rows)
