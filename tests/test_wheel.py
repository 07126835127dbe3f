"""The built wheel, installed as a user installs it, and used from a folder outside the checkout
(issue 21.4).

The wheel is built from a copy of the tracked files with the project's own setuptools (no build
isolation), then installed with pip's ordinary resolution *with its dependencies* from the package
index — `pip install "trcalc[server] @ file:///…whl"`, as docs/kurulum.md tells a team lead — into a
new virtual environment that sees nothing of the development one. pip's own cache (~/.cache/pip)
keeps a second run on the same machine from downloading again. From a folder outside the checkout
it runs the CLI (`trcalc call`, `trcalc compute` on a shipped example, `trcalc templates --out`,
`trcalc excel`, `trcalc lite`) and `trcalc serve --production` — gunicorn with its gevent worker,
as shipped — and asks it for /healthz, one function call and the docs at /belgeler/.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

ROOT = Path(__file__).resolve().parent.parent


def _env(venv: Path | None = None) -> dict:
    """The user's environment: nothing of the development one (no PYTHONPATH, no active venv);
    the fresh environment's bin/ first on PATH, as after `activate`."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    if venv:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
    return env


def _run(*args, cwd, env=None, check=True, timeout=300):
    r = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       env=env or _env())
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
    started = time.monotonic()
    # pip's normal resolution from the index, its cache on (pip --python: the development pip installs
    # into the new environment, which saves bootstrapping pip there). --no-compile: no .pyc written
    # ahead for the ~250 MB of dependencies (numpy, scipy via formulas) — Python compiles what it
    # imports; this halves the install (measured: 16 s against 30–37 s with a warm cache).
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--disable-pip-version-check",
         "--no-compile", f"trcalc[server] @ {wheel.as_uri()}", cwd=tmp, timeout=600)
    print(f"installed trcalc[server] with its dependencies in {time.monotonic() - started:.0f} s")
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp).stdout.strip())
    work = tmp / "elsewhere"
    work.mkdir()
    return {"wheel": wheel, "venv": venv, "python": python, "site": site, "cwd": work,
            "env": _env(venv), "trcalc": venv / "bin" / "trcalc"}


def test_everything_installs_under_the_one_name_trcalc(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"trcalc"}
    top_level = next(n for n in names if n.endswith("top_level.txt"))
    assert zipfile.ZipFile(installed["wheel"]).read(top_level).decode().split() == ["trcalc"]
    for data in ("trcalc/calc/rules/tev.yaml", "trcalc/server/templates/functions.js",
                 "trcalc/templates/dir_tev.xlsx", "trcalc/templates/examples/dir_tev.xlsx",
                 "trcalc/docs/index.md", "trcalc/docs/islevler.md", "trcalc/docs/sunucu/ayarlar.md"):
        assert data in names, data
    shipped = {n.removeprefix("trcalc/docs/") for n in names if n.startswith("trcalc/docs/")}
    assert shipped == {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    for folder in ("calc", "addin", "server", "templates", "lite", "docs", "workbook"):
        assert not (installed["site"] / folder).exists()


def test_the_server_extra_declares_what_production_needs(installed):
    """gunicorn's gevent worker imports `packaging` and `gevent`, which gunicorn's metadata declares
    only under its `gevent` extra (Requires-Dist: packaging; extra == "gevent"): installed here by
    pip's resolution of trcalc[server], not borrowed from the development environment."""
    code = ("import importlib.util, json\n"
            "print(json.dumps({m: bool(importlib.util.find_spec(m)) for m in "
            "('packaging', 'gevent', 'gunicorn', 'flask', 'markdown', 'pytest', 'mkdocs')}))")
    found = json.loads(_run(installed["python"], "-c", code, cwd=installed["cwd"], env=installed["env"]).stdout)
    assert found == {"packaging": True, "gevent": True, "gunicorn": True, "flask": True, "markdown": True,
                     "pytest": False, "mkdocs": False}                # nothing of the development extra


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
    out = json.loads(_run(installed["python"], "-c", code, cwd=installed["cwd"], env=installed["env"]).stdout)
    assert out["tev"] == "150000.00"                          # seed 004
    assert out["from"].startswith(str(installed["site"]))
    assert not out["calc_top_level"]                          # no generic top-level package
    assert out["error"] == "ithal_degeri" and out["udfs"] and out["n"] > 20


def test_cli_call_compute_templates_and_excel_outside_a_checkout(installed):
    trcalc, cwd, env = installed["trcalc"], installed["cwd"], installed["env"]
    assert _run(trcalc, "call", "TR_DUTY", "60", "10", "5", "DE", "20%", "2025-03-01",
                cwd=cwd, env=env).stdout.strip() == "33.00"             # seed 003
    out_dir = cwd / "sablonlar"
    r = _run(trcalc, "templates", "--out", out_dir, cwd=cwd, env=env)
    built = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.xlsx"))
    for name in ("dir_tev.xlsx", "ithalat_vergi.xlsx", "examples/dir_tev.xlsx", "office/dir_tev.xlsx"):
        assert name in built, r.stdout
    # the example as shipped in the wheel, computed without Excel
    example = installed["site"] / "trcalc" / "templates" / "examples" / "dir_tev.xlsx"
    _run(trcalc, "compute", example, cwd / "dir_tev.xlsx", cwd=cwd, env=env)
    code = ("import openpyxl\n"
            "ws = openpyxl.load_workbook('dir_tev.xlsx')['Özet']\n"
            "print({ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(5, 12)}['Toplam TEV'])")
    # seed 004's 150,000 and the shirts' FIFO: 500 × 10 $ × 10 % × 30 + 500 × 12 € × 8 % × 32 (test_templates)
    assert _run(installed["python"], "-c", code, cwd=cwd, env=env).stdout.strip() == str(150000 + 15000 + 15360)
    conf = cwd / "xlwings.conf"
    r = _run(trcalc, "excel", "--conf", conf, cwd=cwd, env=env)
    text = conf.read_text()
    assert '"UDF MODULES","trcalc.udfs"' in text and "PYTHONPATH" not in text      # installed: no path needed
    assert "Trust access to the VBA project object model" in r.stdout and "Import Functions" in r.stdout
    assert _run(trcalc, "excel", "--check", "--conf", conf, cwd=cwd, env=env).returncode == 0


def test_trcalc_lite_outside_a_checkout_ships_code_that_runs_on_the_standard_library(installed, tmp_path):
    """`trcalc lite` from the installed wheel: the code carried in main.py imports the same
    `trcalc.calc` names as the wheel and needs nothing but the standard library (as in Pyodide;
    tests/test_lite.py runs it there); -S keeps the installed wheel off the path."""
    out = installed["cwd"] / "lite"
    _run(installed["trcalc"], "lite", "--out", out, cwd=installed["cwd"], env=installed["env"])
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, body: dict | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read().decode()


def test_the_production_server_starts_answers_and_stops(installed, tmp_path):
    """`trcalc serve --production` as installed: gunicorn (gevent workers, server/gunicorn.conf.py) on a
    free loopback port; /healthz, one call and the docs over HTTP; SIGTERM is gunicorn's graceful
    shutdown (gunicorn docs, "Signal Handling": TERM — graceful shutdown), so it exits 0."""
    port = _free_port()
    env = {**installed["env"], "TRCALC_HOST": "127.0.0.1", "TRCALC_PORT": str(port), "TRCALC_WORKERS": "1"}
    log = tmp_path / "server.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([str(installed["trcalc"]), "serve", "--production"], cwd=installed["cwd"],
                                env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = _get(url + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert health is not None, f"the server did not start (exit {proc.poll()}): {log.read_text()[-3000:]}"
        status, body = health
        assert status == 200 and json.loads(body)["rules_version"]
        status, body = _get(url + "/api/v1/call/TR_DUTY", {"args": [60, 10, 5, "DE", "20%", "2025-03-01"]})
        assert status == 200 and json.loads(body)["value"] == 33.0            # seed 003: 15 + 18
        status, body = _get(url + "/belgeler/islevler/")
        assert status == 200 and "<code>TR_TEV(ithal_degeri" in body          # the docs, from the wheel
        status, body = _get(url + "/belgeler/")
        assert status == 200 and 'href="/belgeler/kurulum/"' in body
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
            code = None
    text = log.read_text()
    assert code == 0, text[-3000:]
    # gunicorn names the worker class it loaded: trcalc's, a subclass of gunicorn's gevent worker
    # (server/worker.py), which imports gevent, so it booting proves the [server] extra brought gevent
    assert "Using worker: trcalc.server.worker.Worker" in text and "Booting worker" in text, text[-3000:]
    assert "Traceback" not in text and "No module named" not in text, text[-3000:]
