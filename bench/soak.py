"""Soak (issue 22): normal clients' p99 and each worker's peak memory while hostile uploads run.

The production server (`trcalc serve --production`, 2 workers) on loopback. First 16 normal clients
alone (the baseline, same run, same machine), then the same 16 with 4 more clients sending hostile
uploads back to back — each cycling through the attacks of issue 22: SUMPRODUCT over big ranges in
every row (refused by TRCALC_MAX_CELL_READS), a whole-sheet range with one value far out (refused by
TRCALC_MAX_AREA_CELLS before it is read), `LEN(REPT("x";1E9))` (a cell error, nothing built), a
20,000-cell dependency chain (computed), and an upload that stops half-way (cut at TRCALC_READ_SECONDS).
A normal client posts one TR_TEV call at a time; its latency is timed by the client.
"""
from __future__ import annotations

import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from .measure import Figure
from .suites import _free_port, _vm_hwm_kb

NORMAL, HOSTILE = 16, 4


def _book(cells: dict) -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for k, v in cells.items():
        ws[k] = v
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def hostile_files() -> list[tuple[str, bytes]]:
    sumproduct = {"A2000": 1, "Z2000": 1}
    sumproduct.update({f"AB{i}": "=SUMPRODUCT($A$1:$Z$2000,$A$1:$Z$2000)" for i in range(1, 201)})
    chain = {f"A{i}": f"=A{i + 1}+1" for i in range(1, 20000)}
    chain["A20000"] = 1
    return [("sumproduct", _book(sumproduct)),
            ("whole sheet", _book({"A1": 1, "XFD3000": 1, "B1": "=SUM(Sheet1!1:1048576)"})),
            ("rept", _book({"A1": '=LEN(REPT("x",1E9))'})),
            ("chain", _book(chain))]


def _multipart(data: bytes) -> tuple[bytes, str]:
    b = "soakboundary"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


def _normal(port: int, until: float, times: list, errors: list) -> None:
    body = json.dumps({"args": [100000, 10000, 5000, 1, 0.10, 30]})
    while time.monotonic() < until:
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/v1/call/TR_TEV", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status != 200:
                errors.append(resp.status)
        except Exception as exc:             # a timeout or a reset counts as a failed request
            errors.append(type(exc).__name__)
        times.append((time.perf_counter() - t0) * 1000)


def _hostile(port: int, until: float, files, i: int, outcomes: list) -> None:
    k = i
    while time.monotonic() < until:
        k += 1
        try:
            if k % (len(files) + 1) == len(files):        # an upload that stops half-way
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                s.sendall(b"POST /api/v1/workbook HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                          b"Content-Length: 5000000\r\n\r\n" + b"P" * 1_000_000)
                data = s.recv(200)
                s.close()
                outcomes.append(("unfinished", data[9:12].decode(errors="replace")))
                continue
            name, data = files[k % (len(files) + 1)]
            body, ctype = _multipart(data)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", "/api/v1/workbook", body, {"Content-Type": ctype})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            outcomes.append((name, str(resp.status)))
        except Exception as exc:
            outcomes.append(("error", type(exc).__name__))


def _p99(times: list) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)] if ordered else float("nan")


def soak(seconds: int = 20) -> list[Figure]:
    port = _free_port()
    env = {**os.environ, "TRCALC_WORKERS": "2", "TRCALC_PORT": str(port), "TRCALC_READ_SECONDS": "5"}
    server = subprocess.Popen([sys.executable, "-m", "trcalc.cli", "serve", "--production"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        files = hostile_files()
        results = {}
        for phase, hostile in (("baseline", 0), ("attack", HOSTILE)):
            until = time.monotonic() + seconds
            times, errors, outcomes = [], [], []
            threads = [threading.Thread(target=_normal, args=(port, until, times, errors)) for _ in range(NORMAL)]
            threads += [threading.Thread(target=_hostile, args=(port, until, files, i, outcomes)) for i in range(hostile)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            results[phase] = (times, errors, outcomes)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        peak = max((_vm_hwm_kb(int(p)) for p in workers), default=0) / 1024
    finally:
        server.terminate()
        server.wait(30)
    base, attack = results["baseline"], results["attack"]
    kinds: dict = {}
    for name, status in attack[2]:
        kinds.setdefault(name, set()).add(status)
    seen = "; ".join(f"{k} → {'/'.join(sorted(v))}" for k, v in sorted(kinds.items()))
    p_base, p_attack = _p99(base[0]), _p99(attack[0])
    load = os.getloadavg()[0]
    return [
        Figure(f"normal p99, {NORMAL} clients alone (baseline)", p_base, "ms",
               note=f"{len(base[0]):,} requests, {len(base[1])} failed; median {statistics.median(base[0]):.1f} ms; "
                    f"load average {load:.1f} on {os.cpu_count()} cores"),
        Figure(f"normal p99, {NORMAL} clients + {HOSTILE} hostile uploaders", p_attack, "ms",
               baseline=p_base, baseline_what=f"the same {NORMAL} clients alone, just before",
               note=f"median {statistics.median(attack[0]):.1f} ms; "
                    f"{len(attack[0]):,} requests, {len(attack[1])} failed; "
                    f"{len(attack[2])} hostile uploads: {seen}"),
        Figure("peak memory per worker after the soak (VmHWM)", peak, "MiB", 1024,
               note="the highest of the 2 workers (TRCALC_MAX_WORKER_MIB = 1024)"),
    ]


if __name__ == "__main__":
    from .measure import table
    print(table(soak(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
