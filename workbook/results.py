"""Results: the report, the computed values per sheet part, the notes of cells in error, the error
listing for the TRCALC_ERRORS range (the templates' Hatalar sheet), the stamp (TRCALC_STAMP), the
headline figures (TRCALC_SUMMARY) and the rows each table prints (TRCALC_KEYS)."""
from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .bridge import stamp
from .grid import Book
from .load import destination
from .reader import RawBook
from .values import Err


@dataclass
class Report:
    formulas: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)   # (sheet, cell, message)
    engine: str = "fast"
    fallback: int = 0                  # cells the fast evaluator handed to the formulas engine
    patterns: int = 0                  # distinct formula patterns compiled
    # the stamp (issue 25.5): what computed it and when, as (label, value) rows and as one footer line
    stamp: list[tuple[str, str]] = field(default_factory=list)
    stamp_line: str = ""
    # the headline figures: (label, value) rows of the TRCALC_SUMMARY range (a template's summary sheet)
    headline: list[tuple[str, object]] = field(default_factory=list)

    def summary(self) -> str:
        how = ("hızlı değerlendirici / fast evaluator" if self.engine == "fast"
               else "formulas motoru / formulas engine")
        lines = [f"{self.formulas} formül hesaplandı / formulas computed ({how}; {self.patterns} kalıp / "
                 f"patterns; {self.fallback} hücre formulas motoruyla / cells by the formulas engine); "
                 f"{len(self.errors)} hücre hatalı / cells in error"]
        lines += [f"  {s}!{c}: {m}" for s, c, m in self.errors]
        return "\n".join(lines)


def collect(book: Book, order) -> tuple[Report, dict, dict]:
    """The report, and per sheet part the computed values and the notes of cells in error."""
    report = Report()
    parts, notes = {}, {}
    done = book.done
    for s, rs, coords in order:
        values = parts[rs.part] = {}
        for r, c in coords:
            value = done.get((s.index, r, c))
            values[(r, c)] = value
            if type(value) is Err:
                coord = f"{get_column_letter(c)}{r}"
                message = value.message or value.code
                report.errors.append((s.name, coord, message))
                notes.setdefault(rs.part, []).append((coord, message))
    report.formulas = sum(len(v) for v in parts.values())
    return report, parts, notes


ERRORS_NAME = "TRCALC_ERRORS"
MAX_LISTED = 5_000


def error_listing(raw: RawBook, report: Report):
    """The error list for the TRCALC_ERRORS range (its first cell; the templates' Hatalar sheet):
    (sheet part, first row, first column, rows of sheet | cell | message), or None."""
    text = next((t for n, t in raw.names if n == ERRORS_NAME), None)
    dest = text and destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs or not report.errors:
        return None
    rows = list(report.errors[:MAX_LISTED])
    more = len(report.errors) - MAX_LISTED
    if more > 0:
        rows.append(("", "", f"… ve {more} hücre daha — … and {more} more cells"))
    return rs.part, dest[1][0], dest[1][1], rows


# Named ranges a workbook may define for what `compute` adds (issue 25.5; the templates define all three):
STAMP_NAME = "TRCALC_STAMP"        # first cell of where the stamp rows (label | value) are written
SUMMARY_NAME = "TRCALC_SUMMARY"    # label | value rows: the headline figures the upload page shows
KEYS_NAME = "TRCALC_KEYS"          # key input columns of the tables, 'Sheet'!$B$5:$B$204,…: the print area
                                   # of each ends at its last filled row (empty table rows do not print)


def stamp_listing(raw: RawBook, report: Report):
    """The stamp rows to write at TRCALC_STAMP — unless the workbook's stamp cells compute it themselves
    (TR_STAMP formulas, the templates since issue 25.5: `compute` fills them like any formula cell)."""
    text = next((t for n, t in raw.names if n == STAMP_NAME), None)
    dest = text and destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs or not report.stamp:
        return None
    if any("TR_STAMP(" in (f or "").upper() for _r, _c, f, _shared in rs.formulas):
        return None
    return rs.part, dest[1][0], dest[1][1], [(stamp.HEADING, ""), *report.stamp]


def summary(raw: RawBook, parts: dict) -> list[tuple[str, object]]:
    text = next((t for n, t in raw.names if n == SUMMARY_NAME), None)
    dest = text and destination(text)
    rs = dest and next((x for x in raw.sheets if x.name == dest[0]), None)
    if not rs:
        return []
    (r1, c1, r2, _c2) = dest[1]
    computed = parts.get(rs.part, {})
    out = []
    for r in range(r1, r2 + 1):
        label = rs.values.get((r, c1))
        value = computed.get((r, c1 + 1), rs.values.get((r, c1 + 1)))
        if isinstance(label, str) and label.strip():
            out.append((label.strip(), value.code if type(value) is Err else value))
    return out


def _split_union(text: str) -> list[str]:
    """'A'!$B$5:$B$9,'B, C'!$B$5:$B$9 → its ranges (commas inside quoted sheet names kept)."""
    out, cur, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [x for x in [*out, cur] if x.strip()]


def print_rows(raw: RawBook) -> dict[int, int]:
    """{sheet index: last row to print} for each table named in TRCALC_KEYS: its last row with a key
    value, or the row above the table when none is filled."""
    text = next((t for n, t in raw.names if n == KEYS_NAME), None)
    out: dict[int, int] = {}
    for piece in _split_union(text or ""):
        dest = destination(piece)
        index = dest and next((i for i, x in enumerate(raw.sheets) if x.name == dest[0]), None)
        if index is None:
            continue
        rs = raw.sheets[index]
        (r1, c1, r2, c2) = dest[1]
        filled = [r for (r, c), v in rs.values.items()
                  if r1 <= r <= r2 and c1 <= c <= c2 and v is not None and not (isinstance(v, str) and not v.strip())]
        out[index] = max(out.get(index, 0), max(filled, default=r1 - 1))
    return out
