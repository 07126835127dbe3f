"""trcalc inside xlwings Lite (Pyodide), tested without Excel and without the internet.

The contract followed (cited in tests/lite/xlwings_standin.py):
- lite.xlwings.org "Custom Functions": `@func` registers a function under its
  upper-cased name, the docstring is its description, `@arg(name, doc=…)` names a
  parameter; single cells arrive as scalars, empty cells as None, 1-D ranges as lists,
  2-D ranges as lists of lists.
- lite.xlwings.org "Limitations": Pyodide runs pure-Python packages only — so the code
  `trcalc lite` ships must import nothing compiled and nothing beyond the standard library.

The Pyodide test runs Node with npm's `pyodide` package (core and standard library inside
the package; `tests/lite/setup.sh` installs it) and compares every result with CPython's.
"""
from __future__ import annotations

import importlib.util
import json
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

HERE = Path(__file__).parent
LITE = HERE / "lite"

# The seed examples, by hand (as in tests/test_imports.py and tests/test_tev.py):
# TR_DUTY: CIF 60 + 10 + 5 = 75 €, above the parcel route's limit on 2025-03-01, so the regular
#   regime: duty 20 % × 75 = 15.00, KDV 20 % × (75 + 15) = 18.00, total 33.00 €.
# TR_TEV: 100,000 ÷ 10,000 = 10 per unit × 5,000 units × 1 = 50,000 × 30 TL × 10 % = 150,000.00 TL.
SEEDS = [
    ({"function": "TR_DUTY", "args": [60, 10, 5, "DE", 0.2, "2025-03-01"]}, 33.0),
    ({"function": "TR_TEV", "args": [100000, 10000, 5000, 1, 0.1, 30]}, 150000.0),
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
    """Seeds, one call per function with its required arguments and one with all, columns."""
    out = [c for c, _ in SEEDS]
    for name, fn in sorted(REGISTRY.items()):
        required = [_sample(a) for a in fn.args if not a.optional]
        out.append({"function": name, "args": required + [None] * (len(fn.args) - len(required))})
        out.append({"function": name, "args": [_sample(a) for a in fn.args]})
    out += [
        {"function": "TR_DUTY", "args": [[60, 70, "x", 1600], 10, 5, "DE", 0.2, "2025-03-01"]},
        {"function": "TR_CIF", "args": [[[100], [200]], [[10], [20]], 1]},
        {"function": "TR_TEV", "args": [100000, 10000, [5000, 2500], 1, 0.1, 30]},
        {"function": "TR_DUTY", "args": [[1, 2], [1, 2, 3], 0, "DE"]},
    ]
    return out


@pytest.fixture()
def standin(monkeypatch):
    """The xlwings stand-in imported as `xlwings`, with a fresh registry."""
    spec = importlib.util.spec_from_file_location("xlwings", LITE / "xlwings_standin.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setitem(sys.modules, "xlwings", mod)
    return mod


def _import_main(source: str, tmp_path: Path, monkeypatch):
    (tmp_path / "main.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "main", raising=False)
    import main
    return main


def _plain(v):
    if hasattr(v, "isoformat"):
        return {"date": v.isoformat()[:10]}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _run_cpython(standin, calls) -> list[dict]:
    out = []
    for case in calls:
        try:
            out.append({"value": _plain(standin.call(case["function"], case["args"]))})
        except Exception as exc:
            out.append({"error": str(exc), "type": type(exc).__name__})
    return out


def test_main_py_registers_every_registry_function(standin, tmp_path, monkeypatch):
    # wheel/main.py imports the runtime as installed from the wheel; in the checkout it is lite/.
    _import_main(build.main_source(embed=False), tmp_path, monkeypatch)
    assert sorted(standin.REGISTERED) == sorted(REGISTRY)
    for name, fn in REGISTRY.items():
        entry = standin.REGISTERED[name]
        assert entry["name"] == name                       # no namespace: =TR_DUTY(…) as in the templates
        params = entry["meta"]["args"]
        assert [p["name"] for p in params] == [build.excel_name(a) for a in fn.args]
        assert [p["optional"] for p in params] == [a.optional for a in fn.args]
        for p, a in zip(params, fn.args):
            assert p["doc"].startswith(" ".join(a.doc_tr.split())[:40])
        assert entry["meta"]["description"].startswith(fn.summary_tr[:40])


def test_single_cell_error_raises_and_column_rows_carry_text(standin, tmp_path, monkeypatch):
    _import_main(build.main_source(embed=False), tmp_path, monkeypatch)
    with pytest.raises(Exception) as info:
        standin.call("TR_CIF", ["x", None, None])
    goods = REGISTRY["TR_CIF"].args[0].excel                                # the name Excel shows
    assert f"{goods}:" in str(info.value) and " — " in str(info.value)   # Turkish, then English
    # 100 + 10 + 1 and 200 + 20 + 1: a 2-D one-column range spills a column
    assert standin.call("TR_CIF", [[[100], [200]], [[10], [20]], 1]) == [[111.0], [221.0]]
    rows = standin.call("TR_CIF", [[100, "x"], 0, 0])
    assert rows[0] == [100.0] and rows[1][0].startswith(f"#{goods}:")


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
def test_pyodide_computes_as_cpython(standin, tmp_path, monkeypatch):
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    subprocess.run(["bash", str(LITE / "setup.sh")], check=True, timeout=300)
    files = build.write(tmp_path / "out")
    main_py = next(f for f in files if f.name == "main.py")
    calls = cases()
    (tmp_path / "cases.json").write_text(json.dumps(calls), encoding="utf-8")
    done = subprocess.run(["node", str(LITE / "harness.mjs"), str(main_py), str(tmp_path / "cases.json")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    doc = json.loads(done.stdout.strip().splitlines()[-1])
    assert doc["platform"] == "emscripten"
    assert sorted(doc["registered"]) == sorted(REGISTRY)

    _import_main(build.main_source(embed=False), tmp_path, monkeypatch)
    expected = _run_cpython(standin, calls)
    # A TCMB rate needs the local store or the network, which xlwings Lite does not have: where
    # CPython (pointed at a closed TCMB port by conftest) says how to fetch the rate, Pyodide says
    # to type it in.
    for got, want in zip(doc["results"], expected):
        if "fx sync" in want.get("error", ""):
            assert "xlwings Lite" in got.get("error", "") and " — " in got["error"], got
            got.update(want)
    assert doc["results"] == expected
    assert any("fx sync" in r.get("error", "") for r in expected)      # the TCMB path was exercised
    for i, (_, value) in enumerate(SEEDS):
        assert doc["results"][i] == {"value": value}


def test_team_server_serves_main_py_and_the_wheel_with_cors():
    from trcalc.server import create_app
    from trcalc.server.config import Settings
    client = create_app(Settings()).test_client()
    whl = client.get(f"/lite/{build.wheel_name()}")
    assert whl.status_code == 200 and whl.data == build.wheel()
    assert whl.headers["Access-Control-Allow-Origin"] == "*"
    req = client.get("/lite/requirements.txt")
    assert req.data.decode().strip() == f"http://localhost/lite/{build.wheel_name()}"
    main = client.get("/lite/main.py")
    assert main.status_code == 200 and b"def TR_TEV(" in main.data
    assert client.get("/lite/nothing.py").status_code == 404


def test_cli_writes_the_lite_folder(tmp_path):
    from trcalc.cli import main
    assert main(["lite", "--out", str(tmp_path)]) == 0
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert names == sorted(["KURULUM.md", "main.py", "requirements.txt", "wheel/main.py",
                            "wheel/requirements.txt", f"wheel/{build.wheel_name()}"])
    assert (tmp_path / "KURULUM.md").read_text().startswith("# trcalc — xlwings Lite kurulumu")
