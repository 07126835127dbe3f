"""The uploaded file, checked before it is opened, and counted before it is loaded.

Refused with a `WorkbookError`: a file that is not an xlsx zip (an old .xls, a
password-protected workbook, anything else), a zip bomb, XML bombs.  Counted
from the raw sheet XML before openpyxl builds a single cell (issue 10.4):
cells, formula cells and the last used row, each against its budget in
`limits` — a 5 KB file claiming a million rows costs a regex pass, not gigabytes.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import openpyxl

from . import limits
from .limits import WorkbookError

MAX_RATIO = 200                            # a zip bomb compresses far better than any workbook


def check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        raise WorkbookError(f"dosya okunamadı: {path}", f"cannot read the file: {path}") from None
    limits.check("workbook_bytes", size)
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError("dosya parola korumalı bir çalışma kitabı ya da eski .xls biçiminde; parolasız .xlsx "
                            "olarak kaydedin",
                            "the file is password-protected or an old .xls; save it as an .xlsx without a password")
    if not zipfile.is_zipfile(path):
        raise WorkbookError("dosya bir .xlsx çalışma kitabı değil", "the file is not an .xlsx workbook")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError):
        raise WorkbookError("dosya bozuk (zip okunamadı)", "the file is damaged (unreadable zip)") from None
    if total / packed > MAX_RATIO:
        raise WorkbookError("dosya açıldığında aşırı büyüyor (zip bombası olabilir)",
                            "the file expands far too much when unzipped (possible zip bomb)")
    limits.check("unzipped_bytes", total)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise WorkbookError("dosya bir .xlsx çalışma kitabı değil", "the file is not an .xlsx workbook")
    try:
        no_doctype(path, sorted(n for n in names if n.lower().endswith((".xml", ".rels", ".vml"))))
        count(path, sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        # damaged compressed data, a bad CRC, encryption: found while the sheets are read
        raise WorkbookError("dosya bozuk (sayfalar açılamadı)", "the file is damaged (its sheets cannot be unpacked)") from None


_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def no_doctype(path: Path, parts: list[str]) -> None:
    """No part may declare a DTD: entities are how XML bombs grow (an xlsx never has one, ECMA-376
    Part 2 §8.1.4), so the parsers that follow never meet one."""
    with zipfile.ZipFile(path) as z:
        for name in parts:
            with z.open(name) as f:
                head = b""
                while True:
                    more = f.read(1 << 16)
                    head = _skip_prolog(head + more)
                    if more and (len(head) < 9 or head.startswith((b"<?", b"<!--"))):
                        continue                   # the prolog goes on past this read
                    break
                if head[:9].upper() == b"<!DOCTYPE" or head.startswith(b"<!ENTITY"):
                    raise WorkbookError("dosyada izin verilmeyen XML yapısı var (DTD; XML bombası olabilir)",
                                        "the file holds forbidden XML constructs (a DTD; possible XML bomb)")


def _skip_prolog(data: bytes) -> bytes:
    """`data` less its leading XML declaration, processing instructions, comments and blanks
    (an unfinished one is kept, to be completed by the next read)."""
    pos = 0
    while True:
        m = _PROLOG.match(data, pos)
        if not m:
            break
        pos = m.end()
    return data[pos:].lstrip()


_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
_CELL_ROW = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr\s*=\s*[\"'][A-Za-z]+(\d+)[\"']")


def count(path: Path, sheets: list[str]) -> None:
    """Cells, formula cells and the last row of every sheet, from the XML itself (not its <dimension>)."""
    cells = formulas = 0
    with zipfile.ZipFile(path) as z:
        for name in sheets:
            last = row = 0
            tail = b""
            with z.open(name) as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    data = tail + chunk
                    cut = data.rfind(b">") + 1
                    part, tail = data[:cut], data[cut:]
                    cells += len(_CELL.findall(part))
                    formulas += len(_FORMULA.findall(part))
                    # a <row> without `r` is the row after the one before it (ECMA-376 §18.3.1.73): counted
                    for m in _ROW.finditer(part):
                        n = _ROW_NUMBER.search(m[1])
                        row = (int(n[1]) if len(n[1]) <= 9 else 10 ** 9) if n else row + 1
                        last = max(last, row)
                    for m in _CELL_ROW.finditer(part):
                        last = max(last, int(m[1]) if len(m[1]) <= 9 else 10 ** 9)
            where = name.rsplit("/", 1)[-1]
            limits.check("rows", last, where)
    limits.check("cells", cells)
    limits.check("formula_cells", formulas)


def open_workbook(path: Path, **kw):
    try:
        return openpyxl.load_workbook(path, **kw)
    except Exception as exc:   # openpyxl raises many types on malformed parts; defusedxml on XML bombs
        from defusedxml import DefusedXmlException
        name = type(exc).__name__
        if isinstance(exc, DefusedXmlException) or isinstance(exc.__cause__ or exc.__context__, DefusedXmlException):
            raise WorkbookError("dosyada izin verilmeyen XML yapısı var (XML bombası olabilir)",
                                "the file holds forbidden XML constructs (possible XML bomb)") from None
        raise WorkbookError(f"çalışma kitabı okunamadı ({name})", f"cannot read the workbook ({name})") from None
