"""Results: the report, the computed values per sheet part, the notes of cells in error, and the
error listing for the TRCALC_ERRORS range (the templates' Hatalar sheet)."""
from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

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
