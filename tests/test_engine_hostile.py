"""Issue 22.3, 22.4, 22.6: hostile workbooks against the workbook engine, through POST
/api/v1/workbook (the Flask app the production server runs) and the Python API.

Each file is small (a few KB) and each case once gave a 500, a hang, or gigabytes; now every one
is a clear refusal (413 naming its setting, checked before or while the work is done) or computes.
Excel's own limits followed: 32,767 characters in a cell, 1,048,576 rows, 64 nested levels of
functions, 8,192 characters in a formula ("Excel specifications and limits", support.microsoft.com);
a <row> without `r` is the row after the previous one (ECMA-376 Part 1, §18.3.1.73).
"""
import io
import resource
import time
import zipfile

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from trcalc.server import create_app

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def saved(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def book(cells: dict, names: dict | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for k, v in cells.items():
        ws[k] = v
    for name, ref in (names or {}).items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    return saved(wb)


def with_sheet_data(rows_xml: str) -> bytes:
    """A workbook whose first sheet's <sheetData> is `rows_xml`, as written (no openpyxl on the way)."""
    base = book({"A1": 1})
    src, out = zipfile.ZipFile(io.BytesIO(base)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{rows_xml}' \
                       f'</sheetData></worksheet>'.encode()
            z.writestr(item, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def upload(client, data: bytes):
    return client.post("/api/v1/workbook?report=json", data={"file": (io.BytesIO(data), "x.xlsx")},
                       content_type="multipart/form-data")


def values_of(body) -> dict:
    import base64
    wb = openpyxl.load_workbook(io.BytesIO(base64.b64decode(body["file"])), data_only=True)
    return {c.coordinate: c.value for row in wb.active.iter_rows() for c in row if c.value is not None}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 22.6: 500s ------------------------------------------------------------------------------------

def test_a_long_sum_of_cells_computes(client):
    # =A1+A2+…+A600 nested 600 operators deep (RecursionError, a 500); now one run of operators
    cells = {f"A{i}": 1 for i in range(1, 601)}
    cells["B1"] = "=" + "+".join(f"A{i}" for i in range(1, 601))
    r = upload(client, book(cells))
    assert r.status_code == 200, r.get_json()
    assert values_of(r.get_json())["B1"] == 600                 # 600 ones


def test_nesting_past_excels_limit_is_a_cell_error_not_a_500(client):
    r = upload(client, book({"A1": "=" + "(" * 150 + "1" + ")" * 150, "A2": "=" + "-" * 300 + "1"}))
    assert r.status_code == 200
    errors = {e["cell"]: e["message"] for e in r.get_json()["errors"]}
    assert "100" in errors["A1"] and "64" in errors["A1"] and set(errors) == {"A1", "A2"}


def test_lowercase_cell_addresses_compute(client):
    # r="a1" in the sheet XML, and =a1*2 in a formula: Excel reads both as A1
    data = with_sheet_data('<row r="1"><c r="a1"><v>21</v></c><c r="b1"><f>a1*2</f></c></row>')
    r = upload(client, data)
    assert r.status_code == 200, r.get_json()
    assert values_of(r.get_json())["B1"] == 42


def test_a_5000_digit_row_number(client):
    # in a formula: that cell's error, naming the limit; in the file: the rows budget (no ValueError from int())
    r = upload(client, book({"A1": "=A" + "9" * 5000, "A2": 7}))
    assert r.status_code == 200
    (err,) = r.get_json()["errors"]
    assert err["cell"] == "A1" and "1048576" in err["message"] and len(err["message"]) < 300
    r = upload(client, with_sheet_data(f'<row r="{"9" * 5000}"><c><v>1</v></c></row>'))
    assert r.status_code == 413 and r.get_json()["error"]["argument"] == "TRCALC_MAX_ROWS"


def test_rows_without_r_count_against_the_row_budget(client, monkeypatch):
    # 1,001 bare <row> elements against a budget of 1,000 rows (the attack: 1,048,576 of them, 40 s, 973 MiB)
    monkeypatch.setenv("TRCALC_MAX_ROWS", "1000")
    r = upload(client, with_sheet_data("<row><c><v>1</v></c></row>" * 1001))
    assert r.status_code == 413 and r.get_json()["error"]["argument"] == "TRCALC_MAX_ROWS"
    r = upload(client, with_sheet_data("<row><c><v>1</v></c></row>" * 1000))
    assert r.status_code == 200


def test_a_chain_of_100000_cells_computes():
    # each cell needs the one below it: A1 = A2 + 1, …, A99999 = A100000 + 1, A100000 = 1 → A1 = 100,000
    from trcalc.workbook import compute_bytes
    rows = "".join(f'<row r="{i}"><c r="A{i}"><f>A{i + 1}+1</f></c></row>' for i in range(1, 100000))
    data = with_sheet_data(rows + '<row r="100000"><c r="A100000"><v>1</v></c></row>')
    out, report = compute_bytes(data)
    assert report.errors == []
    ws = openpyxl.load_workbook(io.BytesIO(out), data_only=True, read_only=True).active
    assert next(ws.iter_rows(min_row=1, max_row=1, values_only=True))[0] == 100000


def test_a_long_circular_chain_is_an_error_not_a_hang():
    from trcalc.workbook import compute_bytes
    n = 5000
    rows = "".join(f'<row r="{i}"><c r="A{i}"><f>A{i % n + 1}+1</f></c></row>' for i in range(1, n + 1))
    _, report = compute_bytes(with_sheet_data(rows))
    assert len(report.errors) == n and all("circular reference" in m for _, _, m in report.errors)


# --- 22.3: memory ---------------------------------------------------------------------------------

def test_whole_sheet_overrides_read_only_the_used_area(client):
    r = upload(client, book({"A1": "import.flat.rate_eu", "B1": 0.25, "C1": "=B1*2"},
                            {"TRCALC_OVERRIDES": "Sheet1!$A$1:$XFD$1048576"}))
    assert r.status_code == 200 and values_of(r.get_json())["C1"] == 0.5
    # a used area as large as the range budget allows is refused before it is read
    r = upload(client, book({"A1": "import.flat.rate_eu", "B1": 0.25, "XFD5000": 1},
                            {"TRCALC_OVERRIDES": "Sheet1!$A$1:$XFD$1048576"}))
    assert r.status_code == 413 and r.get_json()["error"]["argument"] == "TRCALC_MAX_RANGE_CELLS"


def test_a_whole_sheet_range_is_refused_before_it_is_read(client):
    # one value at XFD3000 makes SUM(Sheet1!1:1048576) 49 million cells: before, a 49-million-item list
    before, t0 = peak_mib(), time.monotonic()
    r = upload(client, book({"A1": 1, "XFD3000": 1, "B1": "=SUM(Sheet1!1:1048576)"}))
    assert r.status_code == 413 and r.get_json()["error"]["argument"] == "TRCALC_MAX_AREA_CELLS"
    assert time.monotonic() - t0 < 5 and peak_mib() - before < 100
    # the same formula on a sheet of ordinary size computes (the used area only)
    r = upload(client, book({"A1": 1, "C2": 2, "B5": "=SUM(Sheet1!1:4)"}))
    assert r.status_code == 200 and values_of(r.get_json())["B5"] == 3


@pytest.mark.parametrize("formula", ['=LEN(REPT("x",1E9))', '=LEN(REPT("x",1000000000))',
                                     '=PROPER(REPT("x",1000000000))',
                                     '=LEN(SUBSTITUTE(REPT("x",30000),"x",REPT("y",30000)))'])
def test_text_past_excels_limit_is_never_built(client, formula):
    before = peak_mib()
    r = upload(client, book({"A1": formula}))
    assert r.status_code == 200
    (err,) = r.get_json()["errors"]
    assert err["cell"] == "A1" and ("32,767" in err["message"] or err["message"] == "#VALUE!")
    assert peak_mib() - before < 100                 # 1E9 characters would be a gigabyte


def test_text_at_excels_limit_still_computes(client):
    r = upload(client, book({"A1": '=LEN(REPT("ab",16383))', "A2": '=LEN(REPT("x",32767)&"")'}))
    assert r.status_code == 200 and r.get_json()["errors"] == []
    assert values_of(r.get_json()) == {"A1": 32766, "A2": 32767}


# --- 22.4: CPU ------------------------------------------------------------------------------------

def test_sumproduct_over_big_ranges_in_every_row_is_stopped_by_the_read_budget(client, monkeypatch):
    # 200 cells each reading 2 × 26 × 2,000 cells = 20.8 million reads, against a budget of 1 million
    monkeypatch.setenv("TRCALC_MAX_CELL_READS", "1000000")
    cells = {"A2000": 1, "Z2000": 1}
    cells.update({f"AB{i}": "=SUMPRODUCT($A$1:$Z$2000,$A$1:$Z$2000)" for i in range(1, 201)})
    t0 = time.monotonic()
    r = upload(client, book(cells))
    assert r.status_code == 413 and r.get_json()["error"]["argument"] == "TRCALC_MAX_CELL_READS"
    assert time.monotonic() - t0 < 20


# --- the Python API -------------------------------------------------------------------------------

def test_huge_integers_are_calcerror_from_the_python_api():
    from trcalc.calc import CalcError, call
    with pytest.raises(CalcError):
        call("TR_CIF", "9" * 5000, 1, 1)
    with pytest.raises(CalcError):
        call("TR_CIF", int("9" * 4000) * 10 ** 400, 1, 1)


def test_the_memory_ceiling_is_checked_while_the_work_is_done(monkeypatch):
    # a ceiling below what the process already holds: the upload is stopped during its computation
    # (413 naming TRCALC_MAX_WORKER_MIB, the worker marked for replacement), not after its response
    from trcalc.server import limits
    from trcalc.server.config import Settings
    monkeypatch.setattr(limits, "CEILING_MIB", limits.CEILING_MIB)      # put back after the test
    c = create_app(Settings(max_worker_mib=1)).test_client()
    limits.recycle_reason()
    rows = "".join(f'<row r="{i}"><c r="A{i}"><f>A{i + 1}+1</f></c></row>' for i in range(1, 5000))
    r = upload(c, with_sheet_data(rows + '<row r="5000"><c r="A5000"><v>1</v></c></row>'))
    assert r.status_code == 413 and r.get_json()["error"]["argument"] == "TRCALC_MAX_WORKER_MIB"
    assert limits.recycle_reason() == "MemoryError"
