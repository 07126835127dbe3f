"""What a workbook's PDF printout shows, read back with pdfminer.six (issue 12.5).

`pages(pdf)` gives every page's media box, its glyphs and its text lines (pdfminer's layout analysis:
glyphs on one baseline close together make a line; pdfminer.six docs, "Converting a PDF file to text" and
"LAParams"). LibreOffice writes only the glyphs it draws: a glyph clipped away at a cell's edge is
absent from the PDF, not hidden under a clip path — so a cut text shows as a shorter string, and a
number too wide for its column as `###`.

`expected(ws, shown)` is the text every cell of a sheet's print area should show, formatted the way
LibreOffice displays the cell's number format in the profile's locale; `missing`, `outside` and
`overlapping` are the three checks of tests/test_libreoffice.py.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import range_boundaries
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextLine

POINTS = 72          # openpyxl page margins are inches


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    xs: tuple[float, ...] = ()        # the left edge of each character of `text`


@dataclass
class Page:
    width: float
    height: float
    glyphs: list[Box] = field(default_factory=list)
    lines: list[Box] = field(default_factory=list)     # text without whitespace


def _walk(item, page: Page) -> None:
    if isinstance(item, LTTextLine):
        chars = [(c.x0, ch) for c in item if isinstance(c, LTChar) for ch in c.get_text() if not ch.isspace()]
        if chars:
            page.lines.append(Box(*item.bbox, "".join(ch for _, ch in chars), tuple(x for x, _ in chars)))
    if isinstance(item, LTChar):
        if item.get_text().strip():
            page.glyphs.append(Box(*item.bbox, item.get_text()))
        return
    if hasattr(item, "__iter__"):
        for child in item:
            _walk(child, page)


def pages(pdf: Path) -> list[Page]:
    out = []
    for layout in extract_pages(pdf):
        x0, y0, x1, y1 = layout.bbox
        page = Page(x1 - x0, y1 - y0)
        _walk(layout, page)
        out.append(page)
    return out


# --- what a cell shows -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Locale:
    decimal: str
    thousands: str
    true: str
    false: str
    percent_first: bool = False       # Turkish writes %20,00 for a 0.00% format


LOCALES = {"en-US": Locale(".", ",", "TRUE", "FALSE"), "tr-TR": Locale(",", ".", "DOĞRU", "YANLIŞ", True)}
_NUMBER = re.compile(r'^(#,##)?0(\.(0*)(#*))?(%?)(?: "([^"]*)")?$')


def shown(value, number_format: str, loc: Locale) -> str:
    """The text LibreOffice displays for `value` under `number_format` (the formats the templates use)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return loc.true if value else loc.false
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        if number_format.lower() != "dd.mm.yyyy":
            raise ValueError(f"date format {number_format!r} not known to the printout check")
        return f"{value:%d.%m.%Y}"
    if number_format in ("General", "@"):
        text = f"{value:.10g}" if isinstance(value, float) else str(value)
        return text.replace(".", loc.decimal)
    m = _NUMBER.match(number_format)
    if not m:
        raise ValueError(f"number format {number_format!r} not known to the printout check")
    grouped, _, fixed, optional, percent, suffix = m.groups()
    fixed, optional = fixed or "", optional or ""
    # LibreOffice rounds the decimal the float stands for (rtl::math::round: 3733.245 shows 3,733.25,
    # where printf-style rounding of the binary float would give 3,733.24)
    x = Decimal(repr(value)) * (100 if percent else 1)
    x = x.quantize(Decimal(1).scaleb(-(len(fixed) + len(optional))), ROUND_HALF_UP)
    text = f"{x:,f}" if grouped else f"{x:f}"
    if optional:                                   # '#' places: trailing zeros (and a bare point) dropped
        whole, frac = text.split(".")
        frac = frac[:len(fixed)] + frac[len(fixed):].rstrip("0")
        text = whole + ("." + frac if frac else "")
    text = text.replace(",", "\0").replace(".", loc.decimal).replace("\0", loc.thousands)
    text = percent + text if loc.percent_first else text + percent
    return text + (" " + suffix if suffix else "")


def print_area(ws) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of the sheet's print area (the used range when none is set)."""
    area = ws.print_area
    if isinstance(area, (list, tuple)):
        area = area[0]
    if not area:
        return 1, 1, ws.max_column, ws.max_row
    return range_boundaries(area.split("!")[-1].replace("$", ""))


def expected(ws, values, loc: Locale) -> dict[str, str]:
    """{cell: text} of every non-empty cell in `ws`'s print area; `values` is the same sheet holding the
    computed values (formulas replaced by what they give)."""
    c0, r0, c1, r1 = print_area(ws)
    out = {}
    for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
        for cell in row:
            if isinstance(cell, MergedCell):             # the merge's first cell holds the text
                continue
            if ws.row_dimensions[cell.row].hidden or ws.column_dimensions[cell.column_letter].hidden:
                continue
            if cell.value is None:                       # empty in the printed file (what compute adds, such
                continue                                 # as the stamp, is not in a template printed as built)
            text = shown(values[cell.coordinate].value, cell.number_format, loc)
            if text.strip():
                out[cell.coordinate] = text
    return out


# --- the three checks --------------------------------------------------------------------------------------

def _below(line: Box, prev: Box) -> bool:
    """`line` is the next line of a cell wrapped from `prev`: just under it and overlapping it sideways."""
    height = prev.y1 - prev.y0
    return (prev.y0 - 2 * height <= line.y1 <= prev.y0 + 0.5 * height
            and min(line.x1, prev.x1) > max(line.x0, prev.x0))


def _find(words: list[str], lines: list[Box], text: list[str], prev: int | None = None,
          left: float | None = None) -> list | None:
    """Where `words` are printed: [(line, start, end)] — one line's substring, or (wrapped at spaces) the
    substrings of lines one under the other, each starting where the first starts (a cell's left edge)."""
    if not words:
        return []
    whole = "".join(words)
    if prev is None:                                  # the whole text on one line, when it is
        for i in range(len(lines)):
            at = text[i].find(whole)
            if at >= 0:
                return [(i, at, at + len(whole))]
    for i, line in enumerate(lines):
        if prev is not None and not _below(line, lines[prev]):
            continue
        for j in range(len(words) - (prev is None), 0, -1):   # the most words this line holds, the rest below
            part = "".join(words[:j])
            at = text[i].find(part)
            while at >= 0:
                x = line.xs[at]
                if left is None or abs(x - left) <= 1.5:
                    rest = _find(words[j:], lines, text, i, x)
                    if rest is not None:
                        return [(i, at, at + len(part)), *rest]
                at = text[i].find(part, at + 1)
    return None


def missing(page: Page, texts: dict[str, str]) -> dict[str, str]:
    """The cells whose text is not printed in full. Each cell needs its own printed copy: a copy found is
    used up (longest texts first), so a number printed as `###` is not excused by the same number in
    another cell of the page."""
    text = [line.text for line in page.lines]
    out = {}
    for key, t in sorted(texts.items(), key=lambda kv: -len(kv[1])):
        where = _find(t.split(), page.lines, text)
        if where is None:
            out[key] = t
        for i, a, b in where or []:
            text[i] = text[i][:a] + "\0" * (b - a) + text[i][b:]
    return out


FOOTER = re.compile(r"—\d+/\d+$")     # "&A — &P / &N" (sheets.print_setup), whitespace removed
# the second footer line of a computed workbook (trcalc.calc.stamp.line), whitespace removed
STAMP = re.compile(r"^trcalcKurallarsürümü:(?P<version>[^·]+)·Hesaplamazamanı\(Türkiye,UTC\+3\):"
                   r"(?P<when>\d\d\.\d\d\.\d{4}\d\d:\d\d)·TCMBbültenleri:(?P<bulletins>.*)·sürüm(?P<trcalc>\S+)$")


def by_sheet(pages: list[Page]) -> dict[str, list[Page]]:
    """Pages grouped by the sheet named in their footer ("&A — &P / &N"; the name without its spaces)."""
    out: dict[str, list[Page]] = {}
    for page in pages:
        footer = next((line.text for line in page.lines if FOOTER.search(line.text)), "")
        out.setdefault(FOOTER.sub("", footer), []).append(page)
    return out


def outside(page: Page, left: float, right: float, top: float, bottom: float) -> list[Box]:
    """Lines not inside the page's margins (points): every line within the left and right margins and below
    the top margin; only the footer ("Sheet — 1 / 4", and a computed workbook's stamp line under it) below
    the bottom margin, and still on the page.
    A line's box is its glyphs' font boxes, a little taller than the row they sit in: a quarter of the
    line's height is allowed above and below."""
    out = []
    for line in page.lines:
        slack = 0.25 * (line.y1 - line.y0)
        floor = 0 if FOOTER.search(line.text) or STAMP.match(line.text) else bottom
        if (line.x0 < left - 0.5 or line.x1 > page.width - right + 0.5
                or line.y1 > page.height - top + slack or line.y0 < floor - slack):
            out.append(line)
    return out


def overlapping(page: Page, share: float = 0.25) -> list[tuple[Box, Box]]:
    """Pairs of glyphs drawn over each other (each overlap more than `share` of the smaller glyph's width and
    height): text lines written over one another."""
    glyphs = sorted(page.glyphs, key=lambda g: g.x0)
    out = []
    for i, a in enumerate(glyphs):
        for b in glyphs[i + 1:]:
            if b.x0 >= a.x1:
                break
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if (w > share * min(a.x1 - a.x0, b.x1 - b.x0) and h > share * min(a.y1 - a.y0, b.y1 - b.y0)):
                out.append((a, b))
    return out


def margins(ws) -> tuple[float, float, float, float]:
    m = ws.page_margins
    return m.left * POINTS, m.right * POINTS, m.top * POINTS, m.bottom * POINTS


def stamp(page: Page):
    """The page's stamp line (a regex match with version, when, bulletins, trcalc), or None."""
    return next((m for m in (STAMP.match(line.text) for line in page.lines) if m), None)
