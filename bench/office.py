"""The Office.js path end to end: `tests/office_harness.js` (Excel's custom-functions runtime as Microsoft
documents it) runs the server's functions.js in Node against a loopback server; one invocation with a
10,000-row column, from the call to the spilled column."""
from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .measure import Figure

ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def office_js(rows: int = 10_000, repeat: int = 5) -> list[Figure]:
    node = shutil.which("node")
    if not node:
        return [Figure(f"Office.js path, {rows:,}-row column (Node not installed)", float("nan"), "s", 2.0)]
    port = _port()
    env = {**os.environ, "TRCALC_API_KEYS": "bench-key"}
    server = subprocess.Popen([sys.executable, "-m", "trcalc.cli", "serve", "--production", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        goods = [20.0 + (i % 400) * 3.5 for i in range(rows)]
        freight = [float(i % 9) for i in range(rows)]
        scenario = {"key": "bench-key", "repeat": repeat + 1, "overrides": [["import.flat.rate_eu", 0.25]],
                    "invocations": [["TR_DUTY", [goods, freight, 0.0, "DE", 0.2, "2025-03-01"]]]}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(scenario, f)
        out = subprocess.run([node, str(ROOT / "tests" / "office_harness.js"), base, f.name],
                             capture_output=True, text=True, timeout=300)
        os.unlink(f.name)
        data = json.loads(out.stdout)
        assert len(data["results"][0]["value"]) == rows, out.stderr
        t = statistics.median(data["timings"][1:]) / 1000          # the first round warms up
    finally:
        server.terminate()
        server.wait(20)
    return [Figure(f"Office.js path, one {rows:,}-row column end to end (Node harness, loopback gunicorn)",
                   t, "s", 2.0)]
