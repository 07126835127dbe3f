"""trcalc inside xlwings Lite (Pyodide), tested with the real xlwings package, without Excel or the internet.

The contract is xlwings' own code (issue 23.3): `tests/lite/lite_driver.py` loads main.py and calls its
functions as xlwings' Wasm runtime does (xlwings-server `xlwings_server/wasm/wasm_runtime.py` and
`static/js/custom-functions/custom-functions-code.js`: the body Excel's arguments travel in, `to_py()`,
`xlwings.server.custom_functions_call`, an exception as CustomFunctions.Error), with the real xlwings
wheel — the pure-Python `py3-none-any` one xlwings builds for Pyodide — of the oldest and the newest
version trcalc supports (lite/build.py XLWINGS_TESTED; tests/lite/setup.sh downloads them).
- xlwings 0.33.20 (Lite's default for new workbooks once; a workbook keeps its version) under
  Pyodide 314 passes JS null — an omitted argument, an empty cell — as `JsNull`; 0.36.7 maps it to
  None (xlwings changelog, docs/whatsnew.md: "fix empty values in custom functions (showed jsnull
  instead of None with Pyodide 314.0.0)"). Both must give the same cells.
- lite.xlwings.org "Limitations": Pyodide runs pure-Python packages only — so the code
  `trcalc lite` ships must import nothing compiled and nothing beyond the standard library.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from trcalc.calc import REGISTRY, countries
from trcalc.calc.registry import KINDS
from trcalc.calc.rules import bundle, store
from trcalc.lite import build
from trcalc.templates.build import KINDS as KINDS_OF_TEMPLATES

HERE = Path(__file__).parent
LITE = HERE / "lite"

# The seed examples, by hand (as in tests/test_imports.py and tests/test_tev.py):
# TR_DUTY: CIF 60 + 10 + 5 = 75 €, above the parcel route's limit on 2025-03-01, so the regular
#   regime: duty 20 % × 75 = 15.00, KDV 20 % × (75 + 15) = 18.00, total 33.00 €.
# TR_TEV: 100,000 ÷ 10,000 = 10 per unit × 5,000 units × 1 = 50,000 × 30 TL × 10 % = 150,000.00 TL.
SEEDS = [
    ({"function": "TR_DUTY", "args": [60, 10, 5, "DE", 0.2, "2025-03-01"]}, 33.0),
    ({"function": "TR_TEV", "args": [100000, 10000, 5000, 1, 0.1, 30]}, 150000.0),
    # a row of the Lite ithalat template with its rate typed (issue 23.3), as the template's Toplam vergi
    # cell calls it: CIF 75 € × 34.567 = 2,592.525 TL; duty 20 % = 518.505 → 518.51; KDV 20 % ×
    # (2,592.525 + 518.51) = 622.207 → 622.21; total 1,140.72 TL
    ({"function": "TR_DUTY", "args": [60, 10, 5, "DE", 0.2, "2025-03-01", "GENEL", 34.567]}, 1140.72),
]

_SAMPLE = {"number": 1000, "money": 1234.56, "positive": 10, "rate": 0.1, "waste": 0.05,
           "date": "2025-03-01", "year": 2025, "bool": False, "count": 2, "country": "DE",
           "origin": "DE", "currency": "USD", "fx": 35.5}


def _sample(arg):
    kind = KINDS.get(arg.kind)
    if kind is not None and kind.choices:
        return kind.choices[0]
    if arg.kind == "text":
        return "kdv.general_rate"
    return _SAMPLE.get(arg.kind)


def cases() -> list[dict]:
    """Seeds, one call per function with its required arguments and one with all, columns and rows."""
    out = [c for c, _ in SEEDS]
    for name, fn in sorted(REGISTRY.items()):
        required = [_sample(a) for a in fn.args if not a.optional]
        out.append({"function": name, "args": required + [None] * (len(fn.args) - len(required))})
        out.append({"function": name, "args": [_sample(a) for a in fn.args]})
    out += [
        {"function": "TR_DUTY", "args": [[60, 70, "x", 1600], 10, 5, "DE", 0.2, "2025-03-01"]},
        {"function": "TR_CIF", "args": [[[100], [200]], [[10], [None]], 1]},          # an empty cell in a column
        {"function": "TR_CIF", "args": [[[100, 200, "x"]], 0, 0]},                    # a 1×3 row
        {"function": "TR_TEV", "args": [100000, 10000, [5000, 2500], 1, 0.1, 30]},
        {"function": "TR_DUTY", "args": [[1, 2], [1, 2, 3], 0, "DE"]},
        {"function": "TR_TEV_DETAIL", "args": [[100000, 50000], 10000, 5000, 1, 0.1, 30]},
        {"function": "TR_CIF", "args": ["x", None, None]},
    ]
    return out


def _matrix(a):
    """An argument as Excel passes a matrix parameter: a cell [[v]], a column [[v1], [v2]], a range as is;
    an omitted argument null (learn.microsoft.com "Custom functions parameter options")."""
    if a is None:
        return None
    if isinstance(a, list):
        return a if a and isinstance(a[0], list) else [[v] for v in a]
    return [[a]]


def bodies(calls) -> list[dict]:
    """What custom-functions-code.js sends for each call: every declared parameter, omitted ones null."""
    out = []
    for case in calls:
        n = len(REGISTRY[case["function"]].args)
        args = list(case["args"]) + [None] * (n - len(case["args"]))
        out.append({"client": "Office.js", "func_name": case["function"], "args": [_matrix(a) for a in args],
                    "caller_address": "[Kitap1]Sayfa1!A1", "culture_info_name": "tr-TR",
                    "date_format": "dd.mm.yyyy", "version": "from Lite", "runtime": "1.4"})
    return out


@pytest.fixture(scope="module")
def wheels() -> dict[str, Path]:
    """version → the real xlwings wheel (tests/lite/setup.sh, run by `make test`, downloads them)."""
    subprocess.run(["bash", str(LITE / "setup.sh")], check=True, timeout=600)
    found = {v: LITE / "wheels" / f"xlwings-{v}-py3-none-any.whl" for v in build.XLWINGS_TESTED}
    assert all(p.is_file() for p in found.values()), found
    return found


def _cpython(wheel: Path, main_source: str, calls, tmp_path: Path) -> dict:
    """The same driver on CPython with the wheel unpacked on the path (no JsNull there)."""
    site = tmp_path / f"site-{wheel.stem}"
    if not site.is_dir():
        with zipfile.ZipFile(wheel) as z:
            z.extractall(site)
    (tmp_path / "main.py").write_text(main_source, encoding="utf-8")
    (tmp_path / "bodies.json").write_text(json.dumps(bodies(calls)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(LITE)] + sys.path[1:])
    done = subprocess.run([sys.executable, str(LITE / "lite_driver.py"), str(tmp_path / "main.py"),
                           str(tmp_path / "bodies.json")], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


VALUE_ERROR = {"type": "Error", "errorType": "Value"}      # xlwings' officejs converter: Excel's #VALUE!


def test_main_py_registers_every_registry_function_with_real_xlwings(wheels, tmp_path):
    doc = _cpython(wheels[build.XLWINGS_PIN], build.main_source(embed=False), [], tmp_path)
    assert doc["xlwings"] == build.XLWINGS_PIN
    meta = {f["id"]: f for f in doc["meta"]["functions"]}
    assert sorted(meta) == sorted(REGISTRY)
    for name, fn in REGISTRY.items():
        entry = meta[name]
        assert entry["name"] == name                       # no namespace: =TR_DUTY(…) as in the templates
        params = entry["parameters"]
        assert [p["name"] for p in params] == [build.excel_name(a) for a in fn.args]
        assert [bool(p.get("optional")) for p in params] == [a.optional for a in fn.args]
        for p, a in zip(params, fn.args):
            assert p["description"].startswith(" ".join(a.doc_tr.split())[:40])
            assert p["dimensionality"] == "matrix"
        assert entry["description"].startswith(fn.summary_tr[:40])
        assert bool(entry["options"].get("volatile")) is fn.volatile, name


def test_errors_rows_and_detail_with_real_xlwings(wheels, tmp_path):
    calls = [{"function": "TR_CIF", "args": ["x", None, None]},
             {"function": "TR_CIF", "args": [[[100], [200]], [[10], [20]], 1]},
             {"function": "TR_CIF", "args": [[100, "x"], 0, 0]},
             {"function": "TR_CIF", "args": [[[100, 200]], 0, 1]},
             {"function": "TR_TEV_DETAIL", "args": [[100000, 50000], 10000, 5000, 1, 0.1, 30]}]
    one, col, bad, row, detail = _cpython(wheels[build.XLWINGS_PIN], build.main_source(embed=False), calls,
                                          tmp_path)["results"]
    goods = REGISTRY["TR_CIF"].args[0].excel                                # the name Excel shows
    assert one["error"].startswith(f"{goods}:") and " — " in one["error"]   # Turkish, then English
    # 100 + 10 + 1 and 200 + 20 + 1: a column spills a column
    assert col == {"value": [[111], [221]]}
    # a failing row is Excel's #VALUE! (so SUM over the column is an error), the other row its value
    assert bad == {"value": [[100], [VALUE_ERROR]]}
    assert row == {"value": [[101, 201]]}                                   # a 1×2 row stays a row
    assert "TR_TEV_DETAIL" in detail["error"] and "use TR_TEV for a whole column" in detail["error"]


def test_rules_bundle_reads_back_what_the_yaml_says():
    rb = store.book()
    back = bundle.load(bundle.dump(rb))
    assert back.version == rb.version and back.meta.reviewed == rb.meta.reviewed
    assert back.params == rb.params
    assert back.descriptions == rb.descriptions


def test_shipped_code_runs_on_the_standard_library_alone(tmp_path):
    """What main.py unpacks imports no pydantic, PyYAML, pycountry or anything compiled."""
    for name, data in build.package_files().items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    assert not list(tmp_path.rglob("*.yaml"))
    code = ("import sys; sys.path.insert(0, %r)\n"
            "for m in ('pydantic', 'yaml', 'pycountry', 'openpyxl', 'xlwings'): sys.modules[m] = None\n"
            "from trcalc.lite.runtime import run\n"
            "print(run('TR_TEV', 100000, 10000, 5000, 1, 0.1, 30), run('TR_DUTY', 60, 10, 5, 'Almanya', 0.2, '2025-03-01'))"
            % str(tmp_path))
    # -S: no site-packages on the path, so only the standard library and the unpacked code.
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["150000.0", "33.0"], done.stdout


def test_countries_bundle_matches_pycountry():
    doc = json.loads(countries.dump())
    index, names = countries._index()
    assert doc["index"] == index and {k: tuple(v) for k, v in doc["names"].items()} == names


def test_wheel_is_a_valid_pure_python_wheel(tmp_path):
    data = build.wheel()
    path = tmp_path / build.wheel_name()
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        info = next(n for n in names if n.endswith(".dist-info/WHEEL"))
        assert "Tag: py3-none-any" in z.read(info).decode()
        record = z.read(info.replace("WHEEL", "RECORD")).decode()
    assert "trcalc/calc/rules/_bundle.json" in names and "trcalc/lite/runtime.py" in names
    assert all(n in record for n in names)
    assert build.wheel() == data          # deterministic: rebuilding gives the same bytes


@pytest.mark.slow
def test_pyodide_with_real_xlwings_oldest_and_newest(wheels, tmp_path):
    """main.py as users paste it, in Pyodide with each supported xlwings, gives the cells CPython gives
    with the newest: JsNull under 0.33.20 is an omitted argument (the seed TEV with its optional
    arguments omitted is 150,000.00, not #VALUE!)."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    files = build.write(tmp_path / "out")
    main_py = next(f for f in files if f.name == "main.py")
    calls = cases()
    (tmp_path / "bodies.json").write_text(json.dumps(bodies(calls)), encoding="utf-8")
    expected = _cpython(wheels[build.XLWINGS_PIN], main_py.read_text(encoding="utf-8"), calls, tmp_path)["results"]
    # A TCMB rate needs the local store or the network, which xlwings Lite does not have: where
    # CPython (pointed at a closed TCMB port by conftest) says how to fetch the rate, Pyodide says
    # to type it in.
    assert any("fx sync" in r.get("error", "") for r in expected)      # the TCMB path was exercised
    for version, wheel in wheels.items():
        done = subprocess.run(["node", str(LITE / "harness.mjs"), str(wheel), str(main_py),
                               str(tmp_path / "bodies.json")], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        doc = json.loads(done.stdout.strip().splitlines()[-1])
        assert doc["platform"] == "emscripten" and doc["xlwings"] == version
        assert sorted(f["id"] for f in doc["meta"]["functions"]) == sorted(REGISTRY)
        got = doc["results"]
        for g, want in zip(got, expected):
            if "fx sync" in want.get("error", ""):
                assert "xlwings Lite" in g.get("error", "") and " — " in g["error"], (version, g)
                g.update(want)
        assert got == expected, version
        # the templates' stamp cells (issue 25.5): TR_STAMP("KURALLAR") is the rules bundled in main.py
        stamp_at = calls.index({"function": "TR_STAMP", "args": ["KURALLAR"]})
        assert got[stamp_at] == {"value": [[store.book().version]]}, version
        for i, (_, value) in enumerate(SEEDS):
            assert got[i] == {"value": [[value]]}, version
        # every function called with only its required arguments: no omitted argument read as a value
        assert not [g for g in got if "jsnull" in json.dumps(g).lower()], version


def test_team_server_serves_main_py_and_the_wheel_with_cors():
    from trcalc.server import create_app
    from trcalc.server.config import Settings
    client = create_app(Settings()).test_client()
    whl = client.get(f"/lite/{build.wheel_name()}")
    assert whl.status_code == 200 and whl.data == build.wheel()
    assert whl.headers["Access-Control-Allow-Origin"] == "*"
    req = client.get("/lite/requirements.txt")
    assert req.data.decode().split() == [f"xlwings=={build.XLWINGS_PIN}", f"http://localhost/lite/{build.wheel_name()}"]
    main = client.get("/lite/main.py")
    assert main.status_code == 200 and b"def TR_TEV(" in main.data
    assert client.get("/lite/nothing.py").status_code == 404


def test_cli_writes_the_lite_folder(tmp_path):
    from trcalc.cli import main
    assert main(["lite", "--out", str(tmp_path)]) == 0
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert names == sorted(["KURULUM.md", "main.py", "requirements.txt", "wheel/main.py",
                            "wheel/requirements.txt", f"wheel/{build.wheel_name()}",
                            *(f"{build.TEMPLATES}/{kind}.xlsx" for kind in KINDS_OF_TEMPLATES)])
    assert (tmp_path / "KURULUM.md").read_text().startswith("# trcalc — xlwings Lite kurulumu")


def test_kurulum_and_the_docs_name_the_xlwings_pin_and_how_to_give_rates(tmp_path):
    """KURULUM.md (written with main.py) tells users which xlwings to pin — the newest tested — and the
    range tested; and that TCMB rates must be typed in Lite. docs/excel/lite.md says the same."""
    files = {p.relative_to(tmp_path).as_posix(): p for p in build.write(tmp_path)}
    kurulum = files["KURULUM.md"].read_text(encoding="utf-8")
    oldest, newest = build.XLWINGS_TESTED[0], build.XLWINGS_TESTED[-1]
    assert build.XLWINGS_PIN == newest
    assert f"xlwings=={newest}" in kurulum and oldest in kurulum
    assert "TCMB" in kurulum and "Kur" in kurulum and "type that day's" in kurulum
    assert files["requirements.txt"].read_text(encoding="utf-8").splitlines()[-1] == f"xlwings=={newest}"
    page = (HERE.parent / "docs" / "excel" / "lite.md").read_text(encoding="utf-8")
    assert f"xlwings=={newest}" in page and f"{oldest} to {newest}" in page


def _rate_cells(wb) -> list[tuple[str, str]]:
    """(sheet, cell) of every cell holding TCMB, the request for the TCMB rate of its date."""
    return [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value == "TCMB"]


def test_lite_templates_ask_for_typed_rates(tmp_path):
    """Issue 23.3: xlwings Lite cannot reach TCMB (calc/fx.py refuses inside Pyodide), so the Lite
    templates (`trcalc lite`, sablonlar/) hold no TCMB rate cell: each cell the other templates fill with
    TCMB starts empty, takes only a number above 0 (an Excel decimal data validation, ECMA-376 Part 1
    §18.3.1.32, with its input message saying why) — and the instructions say to type every rate."""
    import openpyxl

    from trcalc.templates.common import LITE_RATES
    from trcalc.templates.sheets import LITE_RATE, PLAIN
    paths = {p.stem: p for p in build.templates(tmp_path)}
    assert sorted(paths) == sorted(KINDS_OF_TEMPLATES)
    asked = 0
    for kind, m in KINDS_OF_TEMPLATES.items():
        plain = _rate_cells(m.build(20, PLAIN))
        wb = openpyxl.load_workbook(paths[kind])
        assert _rate_cells(wb) == [], kind
        assert wb["Talimatlar"]["A3"].value == LITE_RATES
        for sheet, coord in plain:                      # where the plain template asks for TCMB
            asked += 1
            ws = wb[sheet]
            assert ws[coord].value is None, (kind, coord)
            rules = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
            assert [(dv.type, dv.operator, dv.formula1, dv.allow_blank, dv.showErrorMessage, dv.showInputMessage)
                    for dv in rules] == [("decimal", "greaterThan", "0", True, True, True)], (kind, coord)
            assert rules[0].prompt == LITE_RATE[:255] and "xlwings Lite" in rules[0].error
    assert asked >= 2                   # ithalat_vergi's Kur column and the declaration's Kur field


def test_a_filled_lite_template_computes_with_its_typed_rate(tmp_path):
    """The Lite ithalat template, a row with its rate typed and one without, computed by trcalc's engine
    (tests/test_fast_path.py compares it with the `formulas` engine and LibreOffice): the typed row in TL,
    the other in € — the template's own reading of an empty rate ("boş: sonuç €") — and no TCMB asked.
    By hand: CIF 60 + 10 + 5 = 75 €; regular regime on 2025-03-01 (75 € is above the 30 € limit):
    in €, duty 20 % = 15.00 and KDV 20 % × 90 = 18.00, 33.00; at 34.567 TL/€, 1,140.72 TL (SEEDS)."""
    import datetime as dt

    from trcalc.templates import ithalat
    from trcalc.templates.build import save
    from trcalc.templates.sheets import LITE, fill
    from trcalc.workbook import compute
    wb = ithalat.build(20, LITE)
    row = {"date": dt.date(2025, 3, 1), "goods": 60, "freight": 10, "insurance": 5, "origin": "DE",
           "category": "GENEL", "duty_rate": 0.20}
    fill(wb[ithalat.SHEET], ithalat.PARCELS, [{**row, "fx": 34.567}, row])
    save(wb, tmp_path / "lite.xlsx")
    raw, report, parts, _ = compute(tmp_path / "lite.xlsx")
    sheet = next(rs for rs in raw.sheets if rs.name == ithalat.SHEET)
    cols = {c.key: i for i, c in enumerate(ithalat.PARCELS, start=1)}
    got = parts[sheet.part]
    assert [got[(r, cols["taxes"])] for r in (5, 6)] == [1140.72, 33.0]
    assert [got[(r, cols["currency"])] for r in (5, 6)] == ["TL", "EUR"]
    assert report.errors == []
