"""The templates in the Office add-in flavour (issue 13.4): built by the same builder, every registry call
spelled as Excel stores an Office.js custom function (`_xldudf_TRCALC_<id>(`, shown as `=TRCALC.<id>(`;
see templates/office.py for Microsoft's statement), every one naming a function id the add-in registers."""
import re

import openpyxl
import pytest

from trcalc.calc.registry import REGISTRY
from trcalc.templates.build import KINDS, ROWS
from trcalc.templates.office import STORED_PREFIX, build_office
from trcalc.templates.sheets import PLAIN

CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("office")
    return {p.stem: p for p in build_office(out)}


def _formulas(path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = getattr(c.value, "text", c.value)        # an array formula (a computed column)
                if isinstance(value, str) and value.startswith("="):
                    yield ws.title, c.coordinate, value


@pytest.fixture(scope="module")
def registered():
    from trcalc.server import create_app
    meta = create_app().test_client().get("/office/functions.json").json
    return {f["id"] for f in meta["functions"]}


def test_every_office_formula_names_a_function_the_add_in_registers(built, registered):
    assert set(built) == set(KINDS)
    for kind, path in built.items():
        calls = 0
        for sheet, cell, formula in _formulas(path):
            for name in CALL.findall(formula):
                if name.startswith(STORED_PREFIX):
                    assert name[len(STORED_PREFIX):] in registered, (kind, sheet, cell, name)
                    calls += 1
                else:                                   # an Excel built-in, never a bare registry name
                    assert name.upper() not in REGISTRY, (kind, sheet, cell, formula)
        assert calls > 0, kind


def test_the_same_builder_makes_both_flavours(built):
    from trcalc.templates.common import save
    for kind, path in built.items():
        plain = path.parent / f"{kind}_plain.xlsx"
        save(KINDS[kind].build(ROWS.get(kind, 200), PLAIN), plain)
        office = {(s, c): f for s, c, f in _formulas(path)}
        base = {(s, c): f for s, c, f in _formulas(plain)}
        assert office.keys() == base.keys()
        for key, f in base.items():
            assert office[key] == re.sub(r"(?<![A-Za-z0-9_.])(" + "|".join(sorted(REGISTRY, key=len, reverse=True))
                                         + r")(?=\()", STORED_PREFIX + r"\1", f), key


def test_the_committed_office_templates_are_current(built):
    from trcalc.templates.office import office_path
    for kind, path in built.items():
        assert office_path(kind).read_bytes() == path.read_bytes(), f"run `trcalc templates` ({kind})"


def test_the_engine_computes_the_office_spelling():
    from trcalc.workbook.compile import function_name
    assert function_name(STORED_PREFIX + "TR_TEV") == "TR_TEV"
    assert function_name("TRCALC.TR_TEV") == "TR_TEV"


def test_the_server_offers_the_office_templates():
    from trcalc.server import create_app
    client = create_app().test_client()
    page = client.get("/office/templates").text
    for kind in KINDS:
        assert f"/office/templates/{kind}.xlsx" in page
        r = client.get(f"/office/templates/{kind}.xlsx")
        assert r.status_code == 200 and r.data[:2] == b"PK"
        assert r.headers["Content-Disposition"] == f'attachment; filename="{kind}_office.xlsx"'
    assert client.get("/office/templates/nope.xlsx").status_code == 404
    assert "/office/templates" in client.get("/office/functions.html").text


def test_trcalc_compute_gives_the_same_values_for_both_spellings(tmp_path):
    # the worked DİR example, its registry calls rewritten in the Office spelling: same values, same errors
    from trcalc.templates.build import HERE
    from trcalc.workbook import compute_file
    plain_src = HERE / "examples" / "dir_tev.xlsx"
    wb = openpyxl.load_workbook(plain_src)
    names = "|".join(sorted(REGISTRY, key=len, reverse=True))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.value = re.sub(r"(?<![A-Za-z0-9_.])(" + names + r")(?=\()", STORED_PREFIX + r"\1", c.value)
    office_src = tmp_path / "office.xlsx"
    wb.save(office_src)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    ra, rb = compute_file(plain_src, a), compute_file(office_src, b)
    assert ra.errors == rb.errors and ra.formulas == rb.formulas > 0 and rb.fallback == 0
    va, vb = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
    for ws in va.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert vb[ws.title][c.coordinate].value == c.value, (ws.title, c.coordinate)
