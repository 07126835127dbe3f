"""Hostile and broken workbooks, for `trcalc compute` and POST /api/v1/workbook.

cases(tmp) → {name: (bytes, a word the error message must contain)}.
"""
import io
import zipfile

import openpyxl

from trcalc.templates import build


def _zip(parts: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


def example_bytes(tmp, name="ithalat_vergi") -> bytes:
    path = tmp / f"{name}_example.xlsx"
    build.save(build.EXAMPLES[name](), path)
    return path.read_bytes()


def cases(tmp) -> dict:
    good = example_bytes(tmp)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    # "billion laughs": each entity is ten of the one before
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 9))
    laughs = (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>')
    far = openpyxl.Workbook()
    far.active["A1"] = 1
    far.active["A1048576"] = 1          # one value in Excel's last row
    far_buf = io.BytesIO()
    far.save(far_buf)
    rng = openpyxl.Workbook()
    rng.active["B1"] = "=TR_CIF(A1:A1048576)"   # a 5 KB file asking for a million calls
    rng_buf = io.BytesIO()
    rng.save(rng_buf)
    return {
        "not a zip": (b"hello, this is not a workbook", ".xlsx"),
        "password protected": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "parola"),
        "zip bomb": (_zip({"[Content_Types].xml": "<Types/>", "xl/huge.xml": "0" * (250 * 1024 * 1024)}), "zip"),
        "xml bomb": (_zip({**parts, "xl/worksheets/sheet1.xml": laughs}), "XML"),
        "zip without a workbook": (_zip({"a.txt": "x"}), ".xlsx"),
        "value in the last row": (far_buf.getvalue(), "TRCALC_MAX_ROWS"),
        "a million-cell range": (rng_buf.getvalue(), "TRCALC_MAX_RANGE_CELLS"),
    }
