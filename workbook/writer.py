"""The computed workbook: a copy of the input file in which each formula cell holds its value.

Every part of the package is copied as it is — charts, images, data validation,
conditional formats, page setup, parts this module does not know — and only
the formula cells of the sheets are rewritten, streamed row by row (ECMA-376
Part 1 §18.3.1.4 c: t="e" error, t="b" boolean, t="inlineStr" text with
§18.3.1.53 is, a number otherwise).  The calculation chain (§18.6) lists
formula cells; none are left, so it is dropped with its relationship and
content type.  A cell in error gets a note with its message (§18.7 comments
with the legacy VML drawing Excel shows them through); a sheet that already
has notes is left to openpyxl, which merges them (`__init__._write_openpyxl`).

`write` returns False, having written nothing, when the file needs that path.
"""

from __future__ import annotations

import math
import re
import zipfile
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from .bridge import deadline
from .reader import column_number
from .values import Err

_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_COMMENTS = _RELS_NS + "/comments"
_VML = _RELS_NS + "/vmlDrawing"
_COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")     # not allowed in XML 1.0
# after <legacyDrawing> in CT_Worksheet's sequence (ECMA-376 Part 1 §18.3.1.99)
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")
CHUNK = 4 << 20
_NONE = object()


def cell_xml(value) -> tuple[bytes, bytes]:
    """(the t attribute, the content) of a value cell holding `value`."""
    t = type(value)
    if t is Err:
        return b' t="e"', b"<v>" + value.code.encode() + b"</v>"
    if t is bool:
        return b' t="b"', b"<v>1</v>" if value else b"<v>0</v>"
    if t is float or t is int:
        if t is float and not math.isfinite(value):
            return b' t="e"', b"<v>#NUM!</v>"
        if t is float and value.is_integer() and abs(value) < 2 ** 53:
            value = int(value)
        return b"", b"<v>" + repr(value).encode() + b"</v>"
    text = escape(_ILLEGAL.sub("\ufffd", value if t is str else str(value)))
    return b' t="inlineStr"', b'<is><t xml:space="preserve">' + text.encode() + b"</t></is>"


def write(src, dst, parts: dict[str, dict], notes: dict[str, list[tuple[str, str]]], listing=None,
          footer: str | None = None, print_rows: dict[int, int] | None = None,
          arrays: frozenset = frozenset()) -> bool:
    """`parts`: sheet part → {(row, col): value} for its formula cells; `notes`: sheet part →
    [(A1 coordinate, message)] for cells in error; `listing`: (sheet part, first row, first column,
    rows of values), or a list of them, appended below everything on that sheet (the error list, the
    stamp); `footer`: a line added under every sheet's print footer (the stamp, §18.3.1.46 headerFooter);
    `print_rows`: {sheet index: last row} — that sheet's print area ends there (its empty table rows
    are not printed; §18.2.5 definedName _xlnm.Print_Area); `arrays`: the sheet parts holding array
    formulas, whose other cells get values too (False when such a cell is not in the file: openpyxl
    writes it)."""
    listings = [] if not listing else [listing] if isinstance(listing, tuple) else list(listing)
    with zipfile.ZipFile(src) as zin:
        rels = {p: _rels_part(p) for p in parts}
        for part in notes:
            old = zin.read(rels[part]).decode() if rels[part] in zin.NameToInfo else ""
            if _COMMENTS in old or _VML in old:
                return False
        appended: dict[str, bytes] = {}
        for part, r1, c1, rows in listings:
            if part in appended:
                return False                   # two lists on one sheet: openpyxl places the rows
            xml = zin.read(part)
            if any(int(n) >= r1 for n in re.findall(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"', xml)):
                return False                   # something is there already: openpyxl places the rows
            appended[part] = _rows_xml(xml, r1, c1, rows)
        sheet_parts = _sheet_parts(zin) if footer else set()
        names = set(zin.NameToInfo)
        new_parts, added = {}, []
        for i, part in enumerate(sorted(notes), 1):
            comments = _free(names, f"xl/comments/trcalc{i}.xml")
            vml = _free(names, f"xl/drawings/trcalcComments{i}.vml")
            new_parts[comments], new_parts[vml] = _comment_parts(notes[part])
            added.append((part, comments, vml))
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                name = info.filename
                if name == "xl/calcChain.xml":
                    continue
                if name in parts:
                    note = next((a for a in added if a[0] == name), None)
                    written = _sheet(zin, zout, info, parts[name], _legacy_id(note), appended.get(name), footer,
                                     name in arrays)
                    if written < len(parts[name]):
                        return False           # a cell of an array formula's range is not in the file
                    continue
                data = zin.read(name)
                if name in appended or (footer and name in sheet_parts):
                    data = _append_rows(data, _prefix(data), appended[name]) if name in appended else data
                    data = _with_footer(data, _prefix(data), footer) if footer else data
                elif name == "xl/workbook.xml" and print_rows:
                    data = _print_areas(data, print_rows)
                if name == "[Content_Types].xml":
                    data = _content_types(data, [a[1] for a in added], bool(added))
                elif name.endswith(".rels"):
                    data = _without_calc_chain(data)
                    for part, comments, vml in added:
                        if rels[part] == name:
                            data = _add_rels(data, part, comments, vml)
                zout.writestr(_info(info), data)
            for part, comments, vml in added:
                if rels[part] not in names:
                    zout.writestr(rels[part], _add_rels(_EMPTY_RELS, part, comments, vml))
            for name, data in new_parts.items():
                zout.writestr(name, data)
    return True


def _info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    out = zipfile.ZipInfo(info.filename, info.date_time)
    out.compress_type = zipfile.ZIP_DEFLATED
    out.external_attr = info.external_attr
    return out


def _free(names: set, name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    n = 0
    while name in names:
        n += 1
        name = f"{stem}_{n}.{ext}"
    names.add(name)
    return name


def _rels_part(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def _relative(part: str, target: str) -> str:
    import posixpath
    return posixpath.relpath(target, posixpath.dirname(part))


_EMPTY_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')


def _legacy_id(note) -> str | None:
    return None if note is None else "rIdTrcalcVml"


def _add_rels(data: bytes, part: str, comments: str, vml: str) -> bytes:
    extra = (f'<Relationship Id="rIdTrcalcComments" Type="{_COMMENTS}" Target="{_relative(part, comments)}"/>'
             f'<Relationship Id="rIdTrcalcVml" Type="{_VML}" Target="{_relative(part, vml)}"/>').encode()
    end = data.rfind(b"</")
    return data[:end] + extra + data[end:]


def _without_calc_chain(data: bytes) -> bytes:
    return re.sub(rb"<Relationship\b[^>]*?/calcChain\"[^>]*/>", b"", data)


def _content_types(data: bytes, comments: list[str], vml: bool) -> bytes:
    data = re.sub(rb'<Override\b[^>]*PartName="/xl/calcChain.xml"[^>]*/>', b"", data)
    extra = "".join(f'<Override PartName="/{c}" ContentType="{_COMMENTS_CT}"/>' for c in comments)
    if vml and not re.search(rb'<Default\b[^>]*Extension="vml"', data, re.I):
        extra = f'<Default Extension="vml" ContentType="{_VML_CT}"/>' + extra
    end = data.rfind(b"</")
    return data[:end] + extra.encode() + data[end:]


def _comment_parts(notes: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """The comments part and its VML drawing, as openpyxl writes them (the same XML Excel reads)."""
    from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
    from openpyxl.xml.functions import tostring
    records = []
    for coord, message in notes:
        rec = CommentRecord(ref=coord, author="trcalc")
        rec.text.t = message
        records.append(rec)
    sheet = CommentSheet.from_comments(records)
    return tostring(sheet.to_tree()), sheet.write_shapes()


def _rows_xml(sheet_xml: bytes, r1: int, c1: int, rows: list[tuple]) -> bytes:
    """Rows of text cells, each in its column's style (§18.3.1.13 col: style, width) and as tall as
    its wrapped text needs (the printout shows every line)."""
    from .textsize import wrapped_height
    styles, widths = {}, {}
    for m in re.finditer(rb"<(?:\w+:)?col\b([^>]*)/?>", sheet_xml):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m[1]))
        for c in range(int(attrs.get(b"min", 0)), int(attrs.get(b"max", 0)) + 1):
            if b"style" in attrs:
                styles[c] = attrs[b"style"].decode()
            if b"width" in attrs:
                widths[c] = float(attrs[b"width"])
    m = re.search(rb"<(\w+:)?worksheet\b", sheet_xml)
    p = (m[1] or b"").decode() if m else ""
    out = []
    for i, values in enumerate(rows):
        r = r1 + i
        height = max(wrapped_height(str(v), widths.get(c1 + j, 8.43)) for j, v in enumerate(values))
        cells = []
        for j, v in enumerate(values):
            c = c1 + j
            t, content = cell_xml(v)
            style = f' s="{styles[c]}"' if c in styles else ""
            cells.append(f'<{p}c r="{get_column_letter(c)}{r}"{style}'.encode() + t + b">" + content + f"</{p}c>".encode())
        out.append(f'<{p}row r="{r}" ht="{height}" customHeight="1">'.encode() + b"".join(cells) + f"</{p}row>".encode())
    return b"".join(out)


def _append_rows(data: bytes, p: bytes, rows: bytes) -> bytes:
    end = data.find(b"</" + p + b"sheetData>")
    if end >= 0:
        return data[:end] + rows + data[end:]
    m = re.search(rb"<" + p + rb"sheetData\s*/>", data)
    if m is None:
        return data
    return data[:m.start()] + b"<" + p + b"sheetData>" + rows + b"</" + p + b"sheetData>" + data[m.end():]


def _sheet_parts(zin) -> set[str]:
    """Every worksheet part of the package (by [Content_Types].xml)."""
    ct = zin.read("[Content_Types].xml")
    return {m[1].decode().lstrip("/") for m in re.finditer(
        rb'PartName="([^"]+)"\s+ContentType="application/vnd\.openxmlformats-officedocument\.spreadsheetml\.worksheet\+xml"',
        ct)}


def _prefix(data: bytes) -> bytes:
    m = re.search(rb"<(\w+:)?worksheet\b", data[:4096])
    return (m[1] or b"") if m else b""


# after <headerFooter> in CT_Worksheet's sequence (ECMA-376 Part 1 §18.3.1.99)
_AFTER_FOOTER = ("rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
                 "drawing", "legacyDrawing", *_AFTER_LEGACY)


def footer_code(text: str) -> str:
    """`text` as a second footer line in small type: "&" doubled (a literal ampersand in header/footer
    codes, §18.3.1.46), after a line break and the font-size code &7."""
    return "\n&7" + text.replace("&", "&&")


def _with_footer(data: bytes, p: bytes, text: str) -> bytes:
    """The stamp under the sheet's odd-page footer (added to a footer there is, or a new one)."""
    code = escape(_ILLEGAL.sub("", footer_code(text))).encode()
    m = re.search(rb"<" + p + rb"oddFooter>(.*?)</" + p + rb"oddFooter>", data, re.S)
    if m:
        return data[:m.end(1)] + code + data[m.end(1):]
    element = b"<" + p + b"oddFooter>&amp;C" + code.lstrip(b"\n") + b"</" + p + b"oddFooter>"
    m = re.search(rb"<" + p + rb"headerFooter\b[^>]*?(/?)>", data)
    if m and m[1]:                                    # <headerFooter/>
        return data[:m.start()] + b"<" + p + b"headerFooter>" + element + b"</" + p + b"headerFooter>" + data[m.end():]
    if m:                                             # a header only: the footer after it
        end = data.find(b"</" + p + b"headerFooter>", m.end())
        return data[:end] + element + data[end:]
    names = b"|".join(n.encode() for n in _AFTER_FOOTER)
    m = re.search(rb"<" + p + rb"(?:" + names + rb")\b|</" + p + rb"worksheet>", data)
    at = m.start() if m else len(data)
    return data[:at] + b"<" + p + b"headerFooter>" + element + b"</" + p + b"headerFooter>" + data[at:]


def _print_areas(data: bytes, last_rows: dict[int, int]) -> bytes:
    """Each listed sheet's print area cut at its last row (never lengthened): !$A$1:$P$204 → !$A$1:$P$11."""
    def cut(m):
        attrs = m[1]
        if b'name="_xlnm.Print_Area"' not in attrs:
            return m[0]
        sheet = re.search(rb'localSheetId="(\d+)"', attrs)
        if sheet is None or int(sheet[1]) not in last_rows:
            return m[0]
        last = last_rows[int(sheet[1])]
        tail = re.search(rb"(:\$?[A-Z]{1,3}\$?)(\d+)$", m[2])
        if tail is None or int(tail[2]) <= last:
            return m[0]
        return b"<" + m[0][1:m.start(2) - m.start(0)] + m[2][:tail.start(2)] + str(last).encode() + m[3]
    return re.sub(rb"<(?:\w+:)?definedName\b([^>]*)>([^<]*)(</)", cut, data)


def _sheet(zin, zout, info, values: dict, legacy_id: str | None, rows: bytes | None = None,
           footer: str | None = None, members: bool = False) -> int:
    """Copy the sheet with `values` in its cells; returns how many of them were written.

    `members`: the sheet holds array formulas, whose range's other cells get their values too; a cell
    of that range the file does not hold (a row inserted inside the range by a tool that wrote only the
    inputs) is added to its row, in column order (§18.3.1.73 row: its cells in column order), and a row
    the file does not hold at all is added in row order (§18.3.1.80 sheetData)."""
    with zin.open(info) as f, zout.open(_info(info), "w", force_zip64=True) as out:
        head = f.read(CHUNK)
        m = re.search(rb"<(\w+:)?worksheet\b", head)
        p = (m[1] or b"") if m else b""
        cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(/>|>(.*?)</" + p + rb"c>)", re.S)
        formula = re.compile(rb"<" + p + rb"f[\s>/]")
        ref = re.compile(rb'\sr="([A-Za-z]{1,3})(\d{1,7})"')          # `a1` is A1, as Excel reads it
        drop = re.compile(rb'\s(?:t|cm)="[^"]*"')
        row_end = b"</" + p + b"row>"

        written = 0
        seen: list[int] = []                   # the columns of the row being copied (array sheets)

        columns: dict[bytes, int] = {}

        def replace(m):
            nonlocal written
            attrs = m[1]
            r = ref.search(attrs)
            if r is None:
                return m[0]
            c = columns.get(r[1])
            if c is None:
                c = columns[r[1]] = column_number(r[1].decode("ascii").upper())
            if members:
                seen.append(c)
            v = values.get((int(r[2]), c), _NONE)
            if v is _NONE:
                return m[0]
            if not members:
                # a cell with no formula of its own is left as it is, but on a sheet of array formulas
                # (a cell of an array's range: its value comes from the anchor)
                inner = m[3]
                if inner is None or not formula.search(inner):
                    return m[0]
            written += 1
            t, content = cell_xml(v)
            if b't="' in attrs or b'cm="' in attrs:
                attrs = drop.sub(b"", attrs)
            return b"<" + p + b"c" + attrs + t + b">" + content + b"</" + p + b"c>"

        def substitute(data: bytes) -> bytes:
            return cell.sub(replace, data)
        if members:
            substitute, tail = _member_rows(p, values, cell, ref, replace, seen)
        data = head
        while True:
            more = f.read(CHUNK)
            if not more:
                break
            data += more
            deadline.check()
            cut = data.rfind(row_end)
            if cut < 0:
                continue
            cut += len(row_end)
            out.write(substitute(data[:cut]))
            data = data[cut:]
        data = substitute(data)
        if members:
            data = tail(data)
        if rows:
            data = _append_rows(data, p, rows)
        if footer:
            data = _with_footer(data, p, footer)
        if legacy_id:
            data = _with_legacy_drawing(data, p, legacy_id)
        out.write(data)
    return written + (tail.added if members else 0)


def _member_rows(p: bytes, values: dict, cell, ref, replace, seen: list):
    """The row-by-row copy of an array sheet: (substitute(xml) for a piece of whole rows, tail(xml)
    for the rest of the sheet), adding the value cells and rows the file lacks (see `_sheet`)."""
    need: dict[int, list[int]] = {}
    for r, c in values:
        need.setdefault(r, []).append(c)
    row = re.compile(rb"<" + p + rb"row\b([^>]*?)(/>|>(.*?)</" + p + rb"row>)", re.S)
    row_number = re.compile(rb'\sr="(\d{1,7})"')
    spans = re.compile(rb'\sspans="[^"]*"')
    order = sorted(need)                       # the rows holding values, and the next one not yet passed
    state = {"next": 0, "last": 0, "added": 0}
    def new_cells(r: int, cols) -> list[tuple[int, bytes]]:
        out = []
        for c in cols:
            t, content = cell_xml(values[(r, c)])
            out.append((c, b"<" + p + b'c r="' + f"{get_column_letter(c)}{r}".encode() + b'"' + t + b">" + content
                        + b"</" + p + b"c>"))
        state["added"] += len(out)
        return out

    def new_rows(below: int) -> bytes:
        """The rows the file lacks before row `below` (rows come in order, §18.3.1.73)."""
        i, lost = state["next"], []
        while i < len(order) and order[i] < below:
            lost.append(order[i])
            i += 1
        if i < len(order) and order[i] == below:
            i += 1
        state["next"] = i
        return b"".join(b"<" + p + b'row r="' + str(r).encode() + b'">'
                        + b"".join(x for _, x in new_cells(r, sorted(need[r]))) + b"</" + p + b"row>"
                        for r in lost)

    def one_row(m):
        number = row_number.search(m[1])
        if number is None:                     # a row placed by its order: left as it is (the count
            return m[0]                        # of written cells then sends the file to openpyxl)
        r = int(number[1])
        if r <= state["last"]:                 # rows out of order: the count of written cells sends
            state["added"] = -len(values)      # the file to openpyxl
            return m[0]
        before = new_rows(r)
        state["last"] = r
        seen.clear()
        inner = cell.sub(replace, m[3]) if m[3] is not None else b""
        have = set(seen)
        lacking = [c for c in need.get(r, ()) if c not in have]
        if not lacking:
            return before + (m[0][:m.start(3) - m.start(0)] + inner + m[0][m.end(3) - m.start(0):]
                             if m[3] is not None else m[0])
        cells = []
        for x in cell.finditer(inner):
            at = ref.search(x[1])
            if at is None:                     # a cell placed by its order: as above
                return before + m[0]
            cells.append((column_number(at[1].decode("ascii").upper()), x[0]))
        merged = sorted(cells + new_cells(r, lacking), key=lambda x: x[0])
        return (before + b"<" + p + b"row" + spans.sub(b"", m[1]) + b">" + b"".join(x for _, x in merged)
                + b"</" + p + b"row>")

    def substitute(data: bytes) -> bytes:
        return row.sub(one_row, data)

    def tail(data: bytes) -> bytes:
        end = data.find(b"</" + p + b"sheetData>")
        if end < 0:
            return data
        return data[:end] + new_rows(1 << 30) + data[end:]

    class Tail:
        added = 0

        def __call__(self, data):
            out = tail(data)
            self.added = state["added"]
            return out
    return substitute, Tail()


def _with_legacy_drawing(data: bytes, p: bytes, rid: str) -> bytes:
    element = (b"<" + p + b'legacyDrawing xmlns:r="' + _RELS_NS.encode() + b'" r:id="' + rid.encode() + b'"/>')
    names = b"|".join(n.encode() for n in _AFTER_LEGACY)
    m = re.search(rb"<" + p + rb"(?:" + names + rb")\b|</" + p + rb"worksheet>", data)
    at = m.start() if m else len(data)
    return data[:at] + element + data[at:]
