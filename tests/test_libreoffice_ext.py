"""trcalc in LibreOffice Calc, as a Calc user installs it (issue 28).

`trcalc libreoffice --out DIR` writes trcalc.oxt; `unopkg add` installs it into a throw-away user
profile (tests/lo/ext.py); then a headless LibreOffice, driven over UNO by tests/lo/uno_driver.py with
LibreOffice's own Python:

- lists the add-in's functions as the Function Wizard does (`com.sun.star.sheet.FunctionDescriptions`):
  every registry function, its description and its arguments' names and help are the registry's — in an
  English interface and in a Turkish one (Debian's libreoffice-l10n-tr, the profile's UILocale);
- computes formulas typed into cells: the same values as trcalc's Python API, #VALUE! (Err:519) for a
  bad argument, omitted optional arguments, dates as serials, a range in and a column or row out with
  a failing row as #VALUE! (so SUM over it is an error), `_DETAIL` tables as array formulas;
- opens every example template and the edited copies of tests/test_libreoffice.py in the Calc flavour a
  user gets (`CalcFlavour`: each computed column one array formula through the extension's column form),
  recalculates, and every formula cell equals `trcalc compute`'s;
- shows a failing call's message with TR_ERROR_TEXT (Calc shows an add-in's error as its code only).

The type library is checked byte for byte against the SDK's unoidl-write (Debian's libreoffice-dev,
installed by tests/setup-libreoffice.sh).
"""
import datetime as dt
import os
import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from trcalc.calc import REGISTRY, call
from trcalc.libreoffice import build, typelib
from trcalc.templates import build as templates
from trcalc.workbook import compute_file
from trcalc.workbook.compile import function_name
from tests.lo import ext

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("libreoffice")]

PROGRAM = ext.PROGRAM
ROOT = Path(__file__).resolve().parent.parent
UNOIDL_WRITE = Path("/usr/lib/libreoffice/sdk/bin/unoidl-write")
NO_VALUE = 519                                     # Calc's #VALUE! (XCell.getError)


def _cases() -> dict:
    """The cases of tests/test_libreoffice.py (the examples and edited copies) in the Calc flavour the
    extension's users get (`trcalc libreoffice --out`, libreoffice/build.py CalcFlavour): every computed
    column one array formula through the extension's column form, a column calling a function with a text
    result one formula per row."""
    from tests.test_libreoffice import CASES
    return {name: (lambda make=make: make(flavour=build.CALC)) for name, make in CASES.items()}


FORMULAS = {
    # API grammar: ";" between arguments, "|" between the rows of an inline array
    "tev": "=TR_TEV(100000;10000;5000;1;0.1;30)",
    "duty": '=TR_DUTY(60;10;5;"DE";0.2;DATE(2025;3;1))',
    "cif": "=TR_CIF(100;10;1)",
    "cif_omitted": "=TR_CIF(100;10)",
    "bad": '=TR_TEV("abc";10000;5000;1;0.1;30)',
    # a function with a text result returns one value in Calc (libreoffice/build.py columns): a range refused
    "text_range_refused": '=TR_DUTY_REGIME({60|200};10;5;"DE";0.2;DATE(2024;1;15);"GENEL")',
    "detail_over_range": "=TR_TEV_DETAIL({100000|1};10000;5000;1;0.1;30)",
    # the message Calc does not show for "bad", in a cell (TR_ERROR_TEXT, issue 28.1)
    "bad_message": '=TR_ERROR_TEXT("TR_TEV";"abc";10000;5000;1;0.1;30)',
}
# The column form: ranges in, a column out in one call (an array formula); a failing row is an error in that
# row only, so SUM over the column is an error; a look-up's table is a range of its own length.
COLUMN_CELLS = {"A1": "100", "A2": "abc", "A3": "300", "B1": "10", "B2": "10", "B3": "10",
                "E1": "IPLIK", "E2": "BOYA", "E3": "FERMUAR", "F1": "BOYA", "F2": "IPLIK"}
COLUMN_ARRAYS = [["=TR_CIF(A1:A3;B1:B3;B1:B3)", "C1:C3"], ["=TR_MATCH(E1:E3;F1:F2)", "G1:G3"]]
COLUMN_AFTER = {"D1": "=SUM(C1:C3)", "D2": "=C1+C3"}
# Text inside an add-in's rows of values (a _DETAIL table's labels): LibreOffice 7.4 shows it but does not
# match it — why a function with a text result returns one value (libreoffice/build.py columns); text made
# by a formula (`&""`) is the document's own and matches
TABLE_TEXT = [{}, [["=TR_TEV_DETAIL(100000;10000;5000;1;0.1;30)", "A1:C6"]],
              {"E1": '=A1="Adım"', "E2": '=A1&""="Adım"', "E3": '=COUNTIF(A1:A6;"Adım")'}, ["A1", "E1", "E2", "E3"]]
ARRAYS = {
    "detail": ("=TR_TEV_DETAIL(100000;10000;5000;1;0.1;30)", "A1:C6"),
}
# A text result compared in the sheet, as the templates' summaries do (COUNTIF over the regime column):
# the row of tests/test_imports.py's 2024 parcel, 60 € from Germany, under the flat rate then.
TEXT = {"A1": '=TR_DUTY_REGIME(60;10;5;"DE";0.2;DATE(2024;1;15);"GENEL")', "B1": '=A1="FLAT"',
        "C1": '=COUNTIF(A1;"FLAT")'}


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    """Everything LibreOffice computed, in one headless session."""
    if not ext.available():
        pytest.fail("LibreOffice is not installed: run tests/setup-libreoffice.sh (make test does)")
    work = tmp_path_factory.mktemp("lo_ext_cases")
    cases, expected = {}, {}
    for name, make in _cases().items():
        stem = re.sub(r"\W+", "_", name)
        spelled = work / f"{stem}.calc.xlsx"
        templates.save(make(), spelled)
        report = compute_file(spelled, work / f"{stem}.computed.xlsx")          # the engine reads the Calc spelling
        assert report.errors == [], report.summary()
        cases[name], expected[name] = spelled, work / f"{stem}.computed.xlsx"
    with ext.installed(work / "ext") as (session, folder, listed):
        commands = [["functions"]]
        commands += [["formula", f] for f in FORMULAS.values()]
        commands += [["array", f, r] for f, r in ARRAYS.values()]
        commands += [["sheet", TEXT, list(TEXT)]]
        commands += [["arrays", COLUMN_CELLS, COLUMN_ARRAYS, COLUMN_AFTER, ["C1", "C2", "C3", "G1", "G2", "G3", "D1", "D2"]]]
        commands += [["arrays", *TABLE_TEXT]]
        commands += [["dump", str(session.share(p))] for p in cases.values()]
        results = session.drive(commands)
    out = {"listed": listed, "functions": results[0], "expected": expected, "ext": folder}
    out["formulas"] = dict(zip(FORMULAS, results[1:1 + len(FORMULAS)]))
    k = 1 + len(FORMULAS)
    out["arrays"] = dict(zip(ARRAYS, results[k:k + len(ARRAYS)]))
    out["text"] = results[k + len(ARRAYS)]
    out["column"] = {c["cell"]: c for c in results[k + len(ARRAYS) + 1]}
    out["table_text"] = {c["cell"]: c for c in results[k + len(ARRAYS) + 2]}
    out["dumps"] = dict(zip(cases, results[k + len(ARRAYS) + 3:]))
    return out


def test_the_type_library_is_what_the_sdk_writes(tmp_path):
    """typelib writes the UNOIDL binary format itself (users have no SDK); the SDK's unoidl-write,
    given the same interface as IDL, writes the same bytes."""
    if not UNOIDL_WRITE.exists():
        pytest.fail("the LibreOffice SDK's unoidl-write is missing: run tests/setup-libreoffice.sh (make test does)")
    (tmp_path / "trcalc.idl").write_text(typelib.idl(build.MODULE, build.INTERFACE, build.methods()))
    env = {**os.environ, "LD_LIBRARY_PATH": str(PROGRAM)}
    done = subprocess.run([UNOIDL_WRITE, PROGRAM / "types.rdb", tmp_path / "trcalc.idl", tmp_path / "sdk.rdb"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(_oxt(tmp_path)) as z:
        ours = z.read("trcalc.rdb")
    assert ours == (tmp_path / "sdk.rdb").read_bytes()


def _oxt(tmp_path) -> Path:
    path = tmp_path / "trcalc.oxt"
    path.write_bytes(build.oxt())
    return path


def test_unopkg_registers_every_part(calc):
    text = calc["listed"]
    assert "Identifier: org.trcalc.calc" in text
    for part in ("trcalc.rdb", build.COMPONENT, "Addins.xcu"):
        block = text.split(part, 1)[1].split("Media-Type", 1)[0]
        assert "is registered: yes" in block, (part, block)


def _help(text: str) -> str:
    return " ".join(text.split())


def test_the_function_wizard_shows_the_registrys_names_and_help(calc):
    """LibreOffice here runs with an English interface, so it shows Addins.xcu's `en` texts; the
    Turkish ones in a Turkish interface below."""
    shown = {f["name"]: f for f in calc["functions"] if f["name"] in REGISTRY}
    assert sorted(shown) == sorted(REGISTRY)
    for name, fn in REGISTRY.items():
        f = shown[name]
        assert f["description"] == _help(fn.summary_en)
        assert [a["name"] for a in f["arguments"]] == [a.excel for a in fn.args]
        for a, arg in zip(f["arguments"], fn.args):
            assert a["description"] == _help(arg.doc_en) + (" (optional)" if arg.optional else "")


@pytest.fixture(scope="module")
def turkish():
    """The Function Wizard's list in a LibreOffice whose user interface is Turkish (the profile's UILocale,
    tests/lo/ext.ui_language; Debian's Turkish language pack, installed by tests/setup-libreoffice.sh)."""
    with ext.installed(language="tr") as (session, _folder, _listed):
        (functions,) = session.drive([["functions"]])
    return functions


def test_the_function_wizard_in_a_turkish_interface_shows_the_turkish_help(turkish):
    shown = {f["name"]: f for f in turkish}
    assert "TOPLA" in shown and "SUM" not in shown          # the interface is Turkish: SUM is TOPLA
    for name, fn in REGISTRY.items():
        f = shown[name]                                    # the public names stay the Excel names
        assert f["description"] == _help(fn.summary_tr)
        assert [a["name"] for a in f["arguments"]] == [a.excel for a in fn.args]
        for a, arg in zip(f["arguments"], fn.args):
            assert a["description"] == _help(arg.doc_tr) + (" (isteğe bağlı)" if arg.optional else "")


def test_addins_xcu_carries_the_turkish_help():
    ns = {"oor": "http://openoffice.org/2001/registry"}
    root = ElementTree.fromstring(build.addins_xcu())
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    functions = root.find("node/node/node[@oor:name='AddInFunctions']", ns)
    for node in functions:
        fn = REGISTRY[node.get("{%s}name" % ns["oor"])]
        tr = [v for v in node.find("prop[@oor:name='Description']", ns) if v.get(lang) == "tr"][0]
        assert tr.text == _help(fn.summary_tr)
        params = node.find("node[@oor:name='Parameters']", ns)
        names = [[v for v in p.find("prop[@oor:name='DisplayName']", ns) if v.get(lang) == "tr"][0].text for p in params]
        assert names == [a.excel for a in fn.args]


def test_cells_compute_as_trcalcs_python_api(calc):
    f = calc["formulas"]
    # the same results as the Python API (whose hand calculations are in tests/test_tev.py and
    # tests/test_imports.py); TR_CIF by hand: 100 + 10 + 1 = 111, 100 + 10 + nothing = 110
    assert f["tev"]["value"] == float(call("TR_TEV", 100000, 10000, 5000, 1, 0.1, 30)) == 150000.0
    assert f["duty"]["value"] == float(call("TR_DUTY", 60, 10, 5, "DE", 0.2, dt.date(2025, 3, 1)))
    assert f["cif"]["value"] == 111.0 and f["cif_omitted"]["value"] == 110.0
    assert f["bad"]["error"] == NO_VALUE                       # a real error value: SUM over it is an error
    assert f["text_range_refused"]["error"] == NO_VALUE        # a text result takes no range (build.columns)
    assert f["detail_over_range"]["error"] == NO_VALUE         # refused, never a table per cell
    assert f["bad_message"]["text"] == call("TR_ERROR_TEXT", "TR_TEV", "abc", 10000, 5000, 1, 0.1, 30) != ""


def test_a_column_in_one_call_with_its_failing_row_an_error(calc):
    c = calc["column"]
    # TR_CIF by hand: 100 + 10 + 10 = 120, 300 + 10 + 10 = 320; "abc" is no amount: that row only fails
    assert (c["C1"]["value"], c["C3"]["value"]) == (120.0, 320.0) and c["C2"]["error"] == NO_VALUE
    assert c["D1"]["error"] and c["D2"]["value"] == 440.0            # SUM over the column is an error
    # TR_MATCH over a two-row table: IPLIK is its 2nd row, BOYA its 1st, FERMUAR none (0)
    assert [c[k]["value"] for k in ("G1", "G2", "G3")] == [2.0, 1.0, 0.0]


def test_a_text_result_matches_in_comparisons_and_countif(calc):
    a1, b1, c1 = calc["text"]
    assert a1["text"] == "FLAT"
    assert b1["text"] == "TRUE" and c1["value"] == 1.0


def test_text_in_an_add_ins_rows_of_values_does_not_match_in_calc_7_4(calc):
    c = calc["table_text"]
    assert c["A1"]["text"] == "Adım"                                   # shown …
    assert c["E1"]["text"] == "FALSE" and c["E3"]["value"] == 0.0      # … but not matched (LibreOffice 7.4)
    assert c["E2"]["text"] == "TRUE"                                   # text a formula made is matched


def test_a_detail_table_is_an_array_formula(calc):
    table = calc["arrays"]["detail"]
    expected = call("TR_TEV_DETAIL", 100000, 10000, 5000, 1, 0.1, 30)
    for r, row in enumerate(expected[:len(table)]):
        for c, value in enumerate(row[:3]):
            cell = table[r][c]
            if isinstance(value, str):
                assert cell["text"] == value
            else:
                assert cell["value"] == pytest.approx(float(value))


def _same(ours, theirs: dict) -> bool:
    if "error" in theirs:
        return isinstance(ours, str) and ours.startswith("#")
    if "text" in theirs:
        return (ours if ours is not None else "") == theirs["text"]
    if isinstance(ours, dt.datetime):
        ours = (ours - dt.datetime(1899, 12, 30)).days
    if ours in (None, ""):
        ours = 0
    return isinstance(ours, (int, float)) and abs(ours - theirs["value"]) <= 1e-6 * max(1, abs(ours))


@pytest.mark.parametrize("case", list(_cases()))
def test_every_template_cell_equals_trcalc_compute(calc, case):
    from tests.test_stamp_cells import in_a_cell, stamp_cells
    dump = calc["dumps"][case]
    ours = openpyxl.load_workbook(calc["expected"][case], data_only=True)
    stamped = stamp_cells(ours)          # the stamp cells: the extension's own recalculation (issue 25.5)
    checked, diff = 0, []
    for sheet, cells in dump.items():
        for ref, theirs in cells.items():
            checked += 1
            if (sheet, ref) in stamped:
                if not in_a_cell(stamped[sheet, ref], theirs.get("value", theirs.get("text"))):
                    diff.append((sheet, ref, stamped[sheet, ref], theirs))
                continue
            if not _same(ours[sheet][ref].value, theirs):
                diff.append((sheet, ref, ours[sheet][ref].value, theirs))
    assert not diff, diff[:10]
    assert checked >= 100
    assert not any("error" in v for cells in dump.values() for v in cells.values())


def test_the_calc_spelling_is_read_by_the_engine_and_keeps_single_cells_whole():
    assert function_name(build.CALC_PREFIX + "TR_DUTY") == "TR_DUTY"
    assert build.CALC.apply('IF(B5="","",TR_CIF(B5,N(C5),$D$5))') == \
        f'IF(B5="","",{build.CALC_PREFIX}TR_CIF(B5:B5,IF(ISERROR(N(C5)),"#DEĞER!",N(C5)),$D$5:$D$5))'


def test_the_folder_a_calc_user_gets(calc):
    names = sorted(p.relative_to(calc["ext"]).as_posix() for p in calc["ext"].rglob("*") if p.is_file())
    assert names == sorted(["trcalc.oxt", "KURULUM.md", *[f"sablonlar/{k}.xlsx" for k in templates.KINDS]])
    text = (calc["ext"] / "KURULUM.md").read_text(encoding="utf-8")
    assert text == (ROOT / "docs" / "libreoffice.md").read_text(encoding="utf-8")      # the docs page
    assert "unopkg add --shared trcalc.oxt" in text and "--convert" in text
    with zipfile.ZipFile(calc["ext"] / "trcalc.oxt") as z:
        parts = z.namelist()
    assert "pythonpath/trcalc/calc/rules/_bundle.json" in parts
    assert not [p for p in parts if p.endswith(".yaml")]             # the rules as JSON: the standard library reads them
