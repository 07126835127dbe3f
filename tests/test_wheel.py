"""The built wheel, installed into a fresh virtual environment and used from outside the checkout.

Offline: the wheel is built with the project's own setuptools (no build isolation) from a copy of the
tracked files, installed without dependencies by pip, and the dependencies come from the project's
.venv through a path file (their own .pth files are not run, so the checkout's editable install stays
out of the fresh environment).
"""
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, cwd, env=None, check=True):
    r = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300,
                       env={**os.environ, **(env or {})})
    if check:
        assert r.returncode == 0, f"{args}: {r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes((ROOT / name).read_bytes())
    dist = tmp / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, ".", cwd=src)
    (wheel,) = dist.glob("trcalc-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).stdout.strip())
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")    # the .venv's dependencies
    work = tmp / "elsewhere"
    work.mkdir()
    return {"wheel": wheel, "venv": venv, "python": python, "site": site, "cwd": work}


def test_everything_installs_under_the_one_name_trcalc(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"trcalc"}
    top_level = next(n for n in names if n.endswith("top_level.txt"))
    assert zipfile.ZipFile(installed["wheel"]).read(top_level).decode().split() == ["trcalc"]
    for data in ("trcalc/calc/rules/tev.yaml", "trcalc/server/templates/functions.js",
                 "trcalc/templates/dir_tev.xlsx", "trcalc/templates/examples/dir_tev.xlsx"):
        assert data in names, data
    for folder in ("calc", "addin", "server", "templates", "lite"):
        assert not (installed["site"] / folder).exists()


def test_the_python_entry_point_outside_a_checkout(installed):
    code = ("import json, trcalc\n"
            "from trcalc import call, CalcError, function_names\n"
            "import importlib.util\n"
            "out = {'tev': str(call('TR_TEV', 100000, 10000, 5000, 1, 0.10, 30)),\n"
            "       'n': len(function_names()), 'from': trcalc.__file__,\n"
            "       'calc_top_level': importlib.util.find_spec('calc') is not None}\n"
            "try:\n    call('TR_TEV', 'abc', 1, 1, 1, 0.1, 30)\nexcept CalcError as e:\n    out['error'] = e.argument\n"
            "import trcalc.udfs\nout['udfs'] = 'TR_TEV' in trcalc.udfs.__all__\n"
            "print(json.dumps(out))")
    out = json.loads(_run(installed["python"], "-c", code, cwd=installed["cwd"]).stdout)
    assert out["tev"] == "150000.00"                          # seed 004
    assert out["from"].startswith(str(installed["site"]))
    assert not out["calc_top_level"]                          # no generic top-level package
    assert out["error"] == "ithal_degeri" and out["udfs"] and out["n"] > 20


def test_cli_templates_and_excel_outside_a_checkout(installed):
    trcalc = installed["venv"] / "bin" / "trcalc"
    out_dir = installed["cwd"] / "sablonlar"
    r = _run(trcalc, "templates", "--out", out_dir, cwd=installed["cwd"])
    built = sorted(p.name for p in out_dir.rglob("*.xlsx"))
    assert "dir_tev.xlsx" in built and "ithalat_vergi.xlsx" in built, r.stdout
    assert _run(trcalc, "call", "TR_DUTY", "60", "10", "5", "DE", "20%", "2025-03-01",
                cwd=installed["cwd"]).stdout.strip() == "33.00"             # seed 003
    conf = installed["cwd"] / "xlwings.conf"
    r = _run(trcalc, "excel", "--conf", conf, cwd=installed["cwd"])
    text = conf.read_text()
    assert '"UDF MODULES","trcalc.udfs"' in text and "PYTHONPATH" not in text      # installed: no path needed
    assert "Trust access to the VBA project object model" in r.stdout and "Import Functions" in r.stdout
    assert _run(trcalc, "excel", "--check", "--conf", conf, cwd=installed["cwd"]).returncode == 0


def test_trcalc_lite_outside_a_checkout_ships_code_that_runs_on_the_standard_library(installed, tmp_path):
    """`trcalc lite` from the installed wheel: the code carried in main.py imports the same
    `trcalc.calc` names as the wheel and needs nothing but the standard library (as in Pyodide;
    tests/test_lite.py runs it there); -S keeps the installed wheel off the path."""
    trcalc = installed["venv"] / "bin" / "trcalc"
    out = installed["cwd"] / "lite"
    _run(trcalc, "lite", "--out", out, cwd=installed["cwd"])
    main = (out / "main.py").read_text(encoding="utf-8")
    assert 'importlib.import_module("trcalc.lite.runtime")' in main
    code = (f"import sys, types\n"
            "for m in ('pydantic', 'yaml', 'pycountry', 'openpyxl'): sys.modules[m] = None\n"
            "x = types.ModuleType('xlwings'); x.func = lambda f=None, **k: f if f else (lambda g: g)\n"
            "x.arg = lambda *a, **k: (lambda g: g); sys.modules['xlwings'] = x\n"
            f"sys.path.insert(0, {str(out)!r})\n"
            "import main\n"
            "print(main.TR_TEV(100000, 10000, 5000, 1, 0.1, 30), main.TR_DUTY(60, 10, 5, 'DE', 0.2, '2025-03-01'))")
    r = _run(sys.executable, "-S", "-c", code, cwd=tmp_path)
    assert r.stdout.split() == ["150000.0", "33.0"]          # seed 004 and seed 003, by hand in test_lite.py
