"""The measurements of the benchmark issue, each returning Figures."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from trcalc.calc import settings as trcalc_settings

from .measure import CPU_NOTE, Figure, median_cpu
from .baselines import bare_duty_seconds, file_floor

ROOT = Path(__file__).resolve().parent.parent
CALLS = {
    "TR_DUTY": (60.0, 10.0, 5.0, "DE", 0.2, dt.datetime(2025, 3, 1)),
    "TR_TEV": (100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0),
    "EIHR_CAP": ("REKLAM", "SIRKET", 100000.0, 300000.0, 2025.0),
    # every tax of a declaration line: GV, İGV, ÖTV, anti-dumping, other costs, KKDF, KDV
    "TR_IMPORT_TAXES": (10000.0, "USD", 32.5, 0.1, 0.05, 1234.56, 500.0, 2000.0, None, "MAL_MUKABILI",
                        dt.datetime(2025, 3, 1)),
}


def single_calls(n: int = 20000) -> list[Figure]:
    from trcalc.calc import call
    out = []
    bare = bare_duty_seconds(n) / n
    for name, args in CALLS.items():
        call(name, *args)
        per = median_cpu(lambda name=name, args=args: [call(name, *args) for _ in range(n)], repeat=7) / n
        out.append(Figure(f"calc.call {name}, one call", per * 1e6, "µs", 25, baseline=bare * 1e6,
                          baseline_what="bare Decimal arithmetic of a TR_DUTY", note=CPU_NOTE))
    return out


def array_path(rows: int = 100_000) -> list[Figure]:
    import trcalc.addin.trcalc_udfs as udfs
    from trcalc.calc import call
    rnd = random.Random(1)
    goods = [float(rnd.randint(5, 3000)) for _ in range(rows)]
    freight = [float(rnd.randint(0, 50)) for _ in range(rows)]
    when = dt.datetime(2025, 3, 1)
    col = median_cpu(lambda: udfs.TR_DUTY(goods, freight, 0.0, "DE", 0.2, when), repeat=5)
    single = median_cpu(lambda: [call("TR_DUTY", g, f, 0.0, "DE", 0.2, when) for g, f in zip(goods, freight)],
                        repeat=3)
    bare = bare_duty_seconds(rows)
    what = f"bare Decimal arithmetic of {rows:,} TR_DUTY"
    return [Figure(f"add-in array form, {rows:,} rows of TR_DUTY (one UDF call)", col, "s", 1.0,
                   baseline=bare, baseline_what=what, note=CPU_NOTE),
            Figure(f"the same {rows:,} rows as single calc.call calls", single, "s",
                   note=f"{single / col:.2f}× the array form; in Excel each single UDF call also costs "
                        f"milliseconds of COM traffic; {CPU_NOTE}", baseline=bare, baseline_what=what)]


def batch_in_process(calls: int = 10_000) -> list[Figure]:
    from trcalc.server import create_app
    client = create_app().test_client()
    body = json.dumps({"calls": [
        {"function": "TR_TEV", "args": [100000, 10000, 5000 + i, 1, 0.1, 30]} if i % 3 else
        {"function": "TR_DUTY", "args": [60 + i % 100, 10, 5, "DE", 0.2, "2025-03-01"]} for i in range(calls)]})
    t = median_cpu(lambda: client.post("/api/v1/batch", data=body, content_type="application/json"), repeat=5)
    bare = _bare_flask().test_client()
    floor = median_cpu(lambda: bare.post("/api/v1/batch", data=body, content_type="application/json"), repeat=5)
    return [Figure(f"/api/v1/batch with {calls:,} calls, server time", t, "s", 0.5, baseline=floor,
                   baseline_what="a bare Flask app parsing the same body and answering one result per call",
                   note=CPU_NOTE + "; in-process, Flask's test client")]


def _bare_flask():
    """The floor of a JSON API on Flask: parse the body, answer a fixed result per call."""
    from flask import Flask, jsonify, request
    app = Flask("bare")

    @app.post("/api/v1/batch")
    def batch():
        calls = request.get_json()["calls"]
        return jsonify({"results": [{"value": 1.0} for _ in calls]})

    @app.post("/api/v1/call/<name>")
    def one(name):
        request.get_json()
        return jsonify({"value": 150000.0, "text": "150000.00"})
    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _wrk(wrk: str, url: str, seconds: int) -> tuple[str, float, float]:
    """wrk's POST of seed 004's TR_TEV to `url` for `seconds`: (its output, requests/s, p99 in ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write('wrk.method = "POST"\n'
                  'wrk.body = \'{"args": [100000, 10000, 5000, 1, 0.10, 30]}\'\n'
                  'wrk.headers["Content-Type"] = "application/json"\n')
    out = subprocess.run([wrk, "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", lua.name,
                          url + "/api/v1/call/TR_TEV"], capture_output=True, text=True).stdout
    os.unlink(lua.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    return out, rps, float(p99[1]) * {"us": 0.001, "ms": 1, "s": 1000}[p99[2]]


def production_load(seconds: int = 10) -> list[Figure]:
    wrk = shutil.which("wrk")
    if not wrk:
        return [Figure("production load (wrk)", 0, "req/s", note="wrk is not installed: run bench/setup.sh")]
    port = _free_port()
    env = {**os.environ, "TRCALC_WORKERS": "2", "TRCALC_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "trcalc.cli", "serve", "--production"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        out, rps, p99_ms = _wrk(wrk, url, seconds)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        peak = max((_vm_hwm_kb(int(p)) for p in workers), default=0) / 1024
    finally:
        server.terminate()
        server.wait(20)
    note = f"gunicorn {trcalc_settings.get('TRCALC_WORKER_CLASS')}, 2 workers, wrk -t2 -c16 -d{seconds}s on the same 2 cores"
    if errors:
        note += f"; {errors[1]} non-2xx"
    b_rps, b_p99, b_peak = _bare_load(wrk, seconds)
    bare = "a bare Flask app (parse, fixed answer), same gunicorn configuration and wrk run"
    return [Figure("single-call throughput, 16 concurrent clients", rps, "req/s", 1500, "higher", note,
                   baseline=b_rps, baseline_what=bare),
            Figure("p99 latency under that load", p99_ms, "ms", 25, baseline=b_p99, baseline_what=bare),
            Figure("peak memory per worker (VmHWM)", peak, "MiB", baseline=b_peak, baseline_what=bare)]


def _bare_load(wrk: str, seconds: int) -> tuple[float, float, float]:
    """The same wrk run against bench/bare_app.py under gunicorn with server/gunicorn.conf.py."""
    port = _free_port()
    env = {**os.environ, "TRCALC_WORKERS": "2", "TRCALC_PORT": str(port)}
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen([gunicorn, "-c", str(ROOT / "server" / "gunicorn.conf.py"), "bench.bare_app:app"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except urllib.request.HTTPError:          # the bare app has no /healthz: it answers, so it is up
                break
            except OSError:
                time.sleep(0.1)
        _, rps, p99_ms = _wrk(wrk, url, seconds)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        peak = max((_vm_hwm_kb(int(p)) for p in workers), default=0) / 1024
    finally:
        server.terminate()
        server.wait(20)
    return rps, p99_ms, peak


def compute(lines=(1_000, 10_000), engine_lines: int = 100) -> list[Figure]:
    from .workbooks import dir_tev
    out = []
    with tempfile.TemporaryDirectory() as d:
        for n, engine in [(engine_lines, "formulas"), *((n, "fast") for n in lines)]:
            src = dir_tev(n, Path(d) / f"dir_{n}.xlsx")
            secs, rss, used, errors = _compute_in_a_process(src, Path(d) / "out.xlsx", engine)
            label = f"trcalc compute dir_tev, {n:,} export lines, a row inserted mid-table ({used} engine)"
            target = {1_000: 2.0, 10_000: 10.0}.get(n) if engine == "fast" else None
            out.append(Figure(label, float(secs), "s", target,
                              note=f"peak memory {rss / 1024:.0f} MiB (target ≤ 500); {errors} error cells; "
                                   f"{CPU_NOTE}",
                              baseline=file_floor(src), baseline_what="reading and rewriting the file's parts"))
    out.append(declaration())
    return out


def _compute_in_a_process(src: Path, dst: Path, engine: str) -> tuple[float, int, str, int]:
    # VmHWM of the computing process itself: ru_maxrss would include the parent's memory at fork
    # (Linux keeps the pre-exec high-water mark in it; proc(5) documents VmHWM per address space)
    code = ("import re, sys, time; from pathlib import Path; from trcalc.workbook import compute_file;"
            "t = time.process_time(); r = compute_file(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]);"
            "secs = time.process_time() - t;"
            "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1];"
            "print(secs, hwm, r.engine, len(r.errors))")
    res = subprocess.run([sys.executable, "-c", code, str(src), str(dst), engine],
                         capture_output=True, text=True, cwd=ROOT)
    secs, rss, used, errors = res.stdout.split()
    return float(secs), int(rss), used, int(errors)


def declaration(lines: int = 1_000) -> Figure:
    """An import declaration of `lines` lines (8 registry calls a line), computed by `trcalc compute`."""
    from .workbooks import ithalat_beyanname
    with tempfile.TemporaryDirectory() as d:
        src = ithalat_beyanname(lines, Path(d) / "decl.xlsx")
        secs, rss, used, errors = _compute_in_a_process(src, Path(d) / "out.xlsx", "auto")
        floor = file_floor(src)
    return Figure(f"trcalc compute ithalat_beyanname, {lines:,} declaration lines ({used} path)", secs, "s", 2.0,
                  note=f"peak memory {rss / 1024:.0f} MiB; {errors} error cells; {CPU_NOTE}", baseline=floor,
                  baseline_what="reading and rewriting the file's parts")
