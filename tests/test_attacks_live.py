"""Issue 22.1, 22.2, 22.5 against the production server (`trcalc serve --production`: gunicorn with
trcalc's gevent worker) over real sockets on 127.0.0.1, each attack small and bounded in time.

Each reproduces what the issue measured: a worker frozen by concurrent rate look-ups, a stale
per-process alarm killing a worker after ordinary concurrent uploads, unfinished and trickling
requests holding memory and connections — and checks that /healthz answers within 1 s throughout.
"""
import http.client
import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.tcmb_server import TcmbStandIn
from tests.test_live import free_port, start, stop

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live")]
EXAMPLE = Path(__file__).parents[1] / "templates" / "examples" / "ithalat_vergi.xlsx"


def healthz_seconds(port: int) -> float:
    """How long /healthz takes to answer 200 (a failure: an assertion, not a long wait)."""
    t0 = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/healthz")
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 200
    return time.monotonic() - t0


def workers(master: int) -> set[int]:
    return {int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                                           text=True).stdout.split()}


def get(port: int, path: str, timeout: float = 20) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path)
    resp = conn.getresponse()
    out = resp.status, json.loads(resp.read())
    conn.close()
    return out


def in_threads(n: int, fn) -> list:
    out = [None] * n

    def run(i):
        try:
            out[i] = fn(i)
        except Exception as exc:          # a reset or a timeout is the failure being tested for
            out[i] = repr(exc)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    return threads, out


# --- 22.1: concurrent look-ups of dates not yet stored -------------------------------------------

def test_concurrent_rate_lookups_do_not_freeze_the_worker(tmp_path):
    """12 concurrent GET /api/v1/fx for distinct unstored dates, one worker, a healthy TCMB answering
    in 0.3 s. Before: the first look-up held an OS lock while its greenlet waited on the socket, the
    second blocked the worker's only thread on that lock — every request hung until gunicorn killed
    the worker (30–62 s). Now: all are answered, in about the time of the fetches, and /healthz
    answers within 1 s meanwhile."""
    tcmb = TcmbStandIn()
    tcmb.every_day = True
    days = [f"2024-06-{d:02d}" for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18)]   # weekdays
    for d in days:
        y, m, dd = d.split("-")
        tcmb.delays[f"{y}{m}/{dd}{m}{y}.xml"] = 0.3
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "TRCALC_TCMB_URL": tcmb.url,
                                       "TRCALC_DATA_DIR": str(tmp_path), "TRCALC_TODAY": "2024-07-20",
                                       "GUNICORN_CMD_ARGS": "--timeout 20"}, port)
    try:
        before = workers(proc.pid)
        threads, out = in_threads(len(days), lambda i: get(port, f"/api/v1/fx?currency=USD&date={days[i]}"))
        time.sleep(0.2)
        assert healthz_seconds(port) < 1.0
        for t in threads:
            t.join(30)
        assert all(isinstance(o, tuple) and o[0] == 200 for o in out), out
        assert [o[1]["bulletin_date"] for o in out] == days
        assert workers(proc.pid) == before                  # nobody was killed
    finally:
        stop(proc)
        tcmb.close()


# --- 22.2: no process-wide alarm ------------------------------------------------------------------

def upload(port: int) -> tuple[int, bytes]:
    data = EXAMPLE.read_bytes()
    boundary = "trcalcboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/api/v1/workbook", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    resp = conn.getresponse()
    out = resp.status, resp.read()
    conn.close()
    return out


def test_concurrent_uploads_leave_no_alarm_behind():
    """Three ordinary concurrent uploads on one worker, rounds apart by more than the time limit
    (3 s here). Before: each request armed the worker's one SIGALRM timer and put back the previous
    request's on its way out, so an alarm outlived them all and killed the worker 3 s later (or
    fired inside the next request). Now the worker survives and answers every round."""
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "TRCALC_REQUEST_SECONDS": "3",
                                       "GUNICORN_CMD_ARGS": "--timeout 60"}, port)
    try:
        before = workers(proc.pid)
        for _ in range(2):
            threads, out = in_threads(3, lambda i: upload(port))
            for t in threads:
                t.join(60)
            assert all(isinstance(o, tuple) and o[0] == 200 for o in out), [str(o)[:300] for o in out]
            time.sleep(4)                                    # past the time limit: a stale alarm fires
            assert workers(proc.pid) == before
            assert healthz_seconds(port) < 1.0
    finally:
        stop(proc)


# --- 22.5: unfinished and trickling requests ------------------------------------------------------

def test_an_unfinished_upload_is_cut_at_the_read_deadline():
    """An upload announcing 1 MB that stops after 100 kB. Before: the worker waited for the rest with
    no timeout, holding the part it had, for as long as the client kept the socket. Now it answers 408
    naming TRCALC_READ_SECONDS (2 s here) and closes."""
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "TRCALC_READ_SECONDS": "2"}, port)
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"POST /api/v1/workbook HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Length: 1000000\r\n\r\n" + b"P" * 100_000)
        t0 = time.monotonic()
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except TimeoutError:
            pass
        s.close()
        assert time.monotonic() - t0 < 6, "the server kept the unfinished upload open"
        assert data.startswith(b"HTTP/1.1 408") and b"TRCALC_READ_SECONDS" in data, data[:300]
        assert healthz_seconds(port) < 1.0
    finally:
        stop(proc)


def test_unfinished_uploads_cannot_pin_the_workers_memory():
    """Uploads that stop short are held only up to the worker's body buffer (1 MiB here): past it a
    new upload is answered 503 with Retry-After at once, instead of each pinning what it sent."""
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "TRCALC_MAX_BODY_BUFFER_MIB": "1",
                                       "TRCALC_READ_SECONDS": "20"}, port)
    socks = []
    try:
        for _ in range(3):                                   # 3 × 400 kB held: 1.2 MB > 1 MiB
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"POST /api/v1/workbook HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                      b"Content-Length: 2000000\r\n\r\n" + b"P" * 400_000)
            socks.append(s)
            time.sleep(0.3)
        s = socks[-1]
        data = s.recv(65536)
        assert data.startswith(b"HTTP/1.1 503") and b"TRCALC_MAX_BODY_BUFFER_MIB" in data, data[:300]
        assert b"Retry-After: 5" in data
        assert healthz_seconds(port) < 1.0
    finally:
        for s in socks:
            s.close()
        stop(proc)


def test_trickling_sockets_past_every_slot_do_not_lock_clients_out():
    """120 sockets sending their headers a byte a second against a worker of 60 connection slots.
    Before: the 60 slots were held for as long as the attackers trickled and the server accepted
    nobody else (4,200 sockets starved a real server for 22 s). Now the oldest unfinished request
    makes room for each new connection: /healthz answers within 1 s throughout."""
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "GUNICORN_CMD_ARGS": "--worker-connections 60"},
                    port)
    socks, stop_flag = [], threading.Event()
    try:
        for _ in range(120):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setblocking(False)
            s.send(b"GET /api/v1/functions HTTP/1.1\r\n")
            socks.append(s)

        def trickle():
            while not stop_flag.wait(1.0):
                for s in socks:
                    try:
                        s.send(b"X")
                    except OSError:
                        pass
        t = threading.Thread(target=trickle, daemon=True)
        t.start()
        time.sleep(1.5)
        times = [healthz_seconds(port) for _ in range(5)]
        assert max(times) < 1.0, times
    finally:
        stop_flag.set()
        for s in socks:
            s.close()
        stop(proc)


# --- 22.4: a costly upload does not hold its worker ---------------------------------------------------

def test_a_costly_upload_leaves_the_worker_answering():
    """One worker computing a costly upload (200 cells each a SUMPRODUCT over 2 × 52,000 cells, allowed
    here by TRCALC_MAX_CELL_READS = 30 million: many seconds of work). Before: the worker computed it
    start to end, and /healthz waited for all of it. Now the work yields every 20 ms (calc.deadline),
    so /healthz is answered within a second while it runs, and the upload still gets its answer."""
    from tests.test_engine_hostile import book
    cells = {"A2000": 1, "Z2000": 1}
    cells.update({f"AB{i}": "=SUMPRODUCT($A$1:$Z$2000,$A$1:$Z$2000)" for i in range(1, 201)})
    data = book(cells)
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "TRCALC_MAX_CELL_READS": "30000000",
                                       "TRCALC_REQUEST_SECONDS": "120", "GUNICORN_CMD_ARGS": "--timeout 200"}, port)
    try:
        boundary = "b0undary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        result = {}

        def send():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=200)
            conn.request("POST", "/api/v1/workbook", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
            resp = conn.getresponse()
            resp.read()
            result["status"] = resp.status
        t = threading.Thread(target=send)
        t.start()
        time.sleep(1.0)                                   # the upload is being computed
        times = []
        while t.is_alive() and len(times) < 5:
            times.append(healthz_seconds(port))
            time.sleep(0.3)
        t.join(200)
        assert len(times) >= 3, f"the upload finished too soon to measure ({times})"
        assert sorted(times)[len(times) // 2] < 1.0, times            # the median of the tries
        assert result["status"] == 200
    finally:
        stop(proc)
