"""An .xlsx read straight from its XML parts into what the engine needs, nothing more.

openpyxl builds a full object per cell (styles, fonts, comments) — for a
10,000-line DİR workbook that is 330,000 objects, half the run time and most
of the memory.  The engine needs only each cell's value or formula, the
defined names and which numbers are dates, so this module streams the parts
defined by ECMA-376 Part 1 (§18.3.1.4 c, §18.3.1.40 f with shared formulas
t="shared" si/ref, §18.4.8 si, §18.2.5 definedName, §18.2.28 workbookPr
date1904, §18.8.30 numFmt) with the C XML parser and keeps plain tuples.

The file has been checked by `files.check_file` first (budgets, zip bombs, and
no DTD in any part, so entity expansion cannot happen here).

>>> from trcalc.workbook.reader import column_number
>>> column_number("AB")
28
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from . import budgets
from .bridge import deadline
from .budgets import WorkbookError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DAYS_1904 = 1462                  # 1904-01-01 is serial 1462 in the 1900 system (ECMA-376 §18.17.4.1)

_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def column_number(letters: str) -> int:
    n = _COLUMNS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = n
    return n


_COLUMNS: dict = {}


@dataclass
class RawSheet:
    name: str
    part: str                                   # the sheet's path inside the zip, e.g. xl/worksheets/sheet1.xml
    state: str = "visible"
    values: dict = field(default_factory=dict)  # (row, col) → str | float | bool | ("e", code)
    dates: set = field(default_factory=set)     # (row, col) of numbers shown with a date format
    formulas: list = field(default_factory=list)  # (row, col, text, shared) — shared: (row, col, text) or None
    positional: bool = False                    # a cell without its r attribute (placed by order, §18.3.1.4)
    # array formulas (§18.3.1.40 f t="array", ref: the cells the formula's result fills): anchor → (last
    # row, last column). A dynamic-array formula (Excel 365/2021) is stored the same way, its current
    # spill range in ref and a cell-metadata index (cm) marking it dynamic (§18.3.1.4 c cm, MS-XLSX)
    arrays: dict = field(default_factory=dict)


@dataclass
class RawBook:
    sheets: list[RawSheet]
    names: list[tuple[str, str]]                # global defined names: (name, reference text)
    date1904: bool = False


def read(path) -> RawBook:
    try:
        with zipfile.ZipFile(path) as z:
            book = _workbook(z)
            strings = _shared_strings(z)
            date_styles = _date_styles(z)
            for s in book.sheets:
                _sheet(z, s, strings, date_styles, book.date1904)
            return book
    except WorkbookError:
        raise
    except (KeyError, ValueError, SyntaxError, IndexError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookError(f"çalışma kitabı okunamadı ({type(exc).__name__})",
                            f"cannot read the workbook ({type(exc).__name__})") from None


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in z.NameToInfo:
        return {}
    out = {}
    for _, el in iterparse(z.open(path)):
        if el.tag == PKG_REL + "Relationship":
            target = el.get("Target", "")
            out[el.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                 else posixpath.normpath(posixpath.join(folder, target)))
    return out


def main_part(z: zipfile.ZipFile) -> str:
    """The workbook part, as the package's root relationships name it (usually xl/workbook.xml)."""
    for target in _rels(z, "").values():
        if target.endswith(".xml") and ("workbook" in target or target.startswith("xl/")):
            return target
    return "xl/workbook.xml"


def _workbook(z: zipfile.ZipFile) -> RawBook:
    part = main_part(z)
    rels = _rels(z, part)
    sheets, names, date1904 = [], [], False
    for _, el in iterparse(z.open(part)):
        tag = el.tag
        if tag == MAIN + "sheet":
            target = rels.get(el.get(REL + "id"))
            if target is not None and target in z.NameToInfo:
                sheets.append(RawSheet(el.get("name"), target, el.get("state", "visible")))
        elif tag == MAIN + "definedName":
            if el.get("localSheetId") is None and el.text:
                names.append((el.get("name"), el.text))
        elif tag == MAIN + "workbookPr":
            date1904 = el.get("date1904") in ("1", "true")
    return RawBook(sheets, names, date1904)


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    part = next((p for p in z.NameToInfo if p.lower() == "xl/sharedstrings.xml"), None)
    if part is None:
        return []
    out = []
    t, r, si = MAIN + "t", MAIN + "r", MAIN + "si"
    for _, el in iterparse(z.open(part)):
        if el.tag == si:
            direct = el.find(t)
            if direct is not None:
                out.append(direct.text or "")
            else:             # rich text: the runs' text, without phonetic (rPh) runs
                out.append("".join(x.text or "" for run in el.iterfind(r) for x in run.iterfind(t)))
            el.clear()
    return out


def _date_styles(z: zipfile.ZipFile) -> set[int]:
    """Indexes into cellXfs whose number format shows a date (openpyxl's own test of a format)."""
    part = "xl/styles.xml"
    if part not in z.NameToInfo:
        return set()
    custom, xfs, in_xfs = {}, [], False
    for event, el in iterparse(z.open(part), events=("start", "end")):
        if el.tag == MAIN + "cellXfs":
            in_xfs = event == "start"
        elif event == "end" and el.tag == MAIN + "numFmt":
            custom[int(el.get("numFmtId", -1))] = el.get("formatCode", "")
        elif event == "end" and el.tag == MAIN + "xf" and in_xfs:
            xfs.append(int(el.get("numFmtId", 0)))
    out = set()
    for i, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if code and is_date_format(code):
            out.add(i)
    return out


def _number(digits: str, limit: int, where: str) -> int:
    """A row number from the file, never int() of thousands of digits (over the limit either way)."""
    digits = digits.strip()
    if not digits.isdigit():
        raise WorkbookError(f"{where}: satır numarası okunamadı ({digits[:20]!r})",
                            f"{where}: cannot read the row number ({digits[:20]!r})")
    if len(digits) > 9:
        raise budgets.refusal("rows", limit + 1, where)
    return int(digits)


class _Positional(Exception):
    """A cell without its address: read the sheet again, following rows as they start."""


def _sheet(z, s: RawSheet, strings, date_styles, date1904: bool) -> None:
    try:
        _cells(z, s, strings, date_styles, date1904, ("end",))        # half the events: the common case
    except _Positional:
        s.values.clear(), s.dates.clear(), s.formulas.clear(), s.arrays.clear()
        s.positional = True
        _cells(z, s, strings, date_styles, date1904, ("start", "end"))


def _cells(z, s: RawSheet, strings, date_styles, date1904: bool, events) -> None:
    C, V, F, IS, T, ROW = MAIN + "c", MAIN + "v", MAIN + "f", MAIN + "is", MAIN + "t", MAIN + "row"
    values, dates, formulas, arrays = s.values, s.dates, s.formulas, s.arrays
    masters: dict[str, tuple] = {}
    row = 0
    col = 0
    # the row budget holds here too, as rows are read: a row without an `r` attribute is the one after
    # the last (ECMA-376 §18.3.1.73), so 1,048,576 bare <row> elements are 1,048,576 rows (issue 22.6)
    max_rows = budgets.value("rows")
    for event, el in iterparse(z.open(s.part), events=events):
        tag = el.tag
        if event == "start":
            if tag == ROW:
                r = el.get("r")
                row = _number(r, max_rows, s.name) if r else row + 1
                if row > max_rows:
                    raise budgets.refusal("rows", row, s.name)
                col = 0
            continue
        if tag == C:
            ref = el.get("r")
            if ref:
                m = _REF.fullmatch(ref)
                if m is None:
                    raise WorkbookError(f"{s.name}: hücre adresi okunamadı ({ref[:20]!r})",
                                        f"{s.name}: cannot read the cell address ({ref[:20]!r})")
                col = column_number(m[1].upper())
                row = _number(m[2], max_rows, s.name)
                if row > max_rows:
                    raise budgets.refusal("rows", row, s.name)
            elif len(events) == 1:
                raise _Positional
            else:
                col += 1
            t = el.get("t", "n")
            f = el.find(F)
            if f is not None:
                kind = f.get("t")
                if kind == "shared":
                    si = f.get("si")
                    if f.text:
                        masters[si] = (row, col, "=" + f.text)
                        formulas.append((row, col, "=" + f.text, None))
                    elif si in masters:
                        formulas.append((row, col, None, masters[si]))
                elif kind == "array":
                    formulas.append((row, col, "=" + (f.text or ""), None))
                    m = _REF.fullmatch((f.get("ref") or "").split(":")[-1])
                    if m:
                        arrays[(row, col)] = (max(row, int(m[2])), max(col, column_number(m[1])))
                elif kind == "dataTable":
                    formulas.append((row, col, "", None))     # a what-if table: not computed (as before)
                else:
                    formulas.append((row, col, "=" + (f.text or ""), None))
                el.clear()
                continue
            if t == "inlineStr":
                box = el.find(IS)
                if box is not None:
                    direct = box.find(T)
                    values[(row, col)] = (direct.text or "") if direct is not None else "".join(
                        x.text or "" for x in box.iter(T))
                el.clear()
                continue
            v = el.find(V)
            if v is not None and v.text is not None:
                text = v.text
                if t == "n":
                    x = float(text)
                    style = el.get("s")
                    if style is not None and int(style) in date_styles:
                        dates.add((row, col))
                        if date1904:
                            x += _DAYS_1904
                    values[(row, col)] = x
                elif t == "s":
                    values[(row, col)] = strings[int(text)]
                elif t == "b":
                    values[(row, col)] = text in ("1", "true")
                elif t == "e":
                    values[(row, col)] = ("e", text)
                elif t == "d":                           # an ISO 8601 date cell (§18.17.4): as text, read below
                    values[(row, col)] = ("d", text)
                else:                                    # "str": a formula's string result left without it
                    values[(row, col)] = text
            el.clear()
        elif tag == ROW:
            el.clear()
            deadline.check()                  # the request's time limit, and a turn for other requests
