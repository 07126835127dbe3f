"""A short load test on loopback: 20 concurrent clients for 20 s against the batch endpoint of
the production server (gunicorn, 2 workers) — zero errors, memory stable."""
import http.client
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.test_live import free_port, start

pytestmark = pytest.mark.xdist_group("live")
CLIENTS, SECONDS = 20, 20


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_batch_under_load():
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "2"}, port)
    body = json.dumps({"calls": [
        {"function": "TR_TEV", "args": [100000, 10000, 5000 + i, 1, 0.1, 30]} if i % 2 else
        {"function": "TR_DUTY", "args": [60, 10, 5, "DE", "20%", "2025-03-01"]} for i in range(50)]})
    stop = time.monotonic() + SECONDS
    counts, failures = [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        try:
            while time.monotonic() < stop:
                conn.request("POST", "/api/v1/batch", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                if resp.status != 200:
                    failures.append(resp.status)
                    continue
                results = json.loads(data)["results"]
                if len(results) != 50 or any("error" in r for r in results):
                    failures.append("bad results")
                # seed 003's parcel (33.00); 5,001 kg × 10 $ × 10 % × 30 = 150,030.00
                elif results[0]["value"] != 33.0 or results[1]["value"] != 150030.0:
                    failures.append(results[:2])
                n += 1
        except Exception as exc:       # a dropped connection is a failure, not a crash of the test
            failures.append(repr(exc))
        counts.append(n)

    try:
        workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                  text=True).stdout.split()]
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(5)                                  # warmed up
        early = sum(rss_mib(p) for p in workers)
        for t in threads:
            t.join()
        late = sum(rss_mib(p) for p in workers)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/healthz")
        assert c.getresponse().status == 200
        c.close()
    finally:
        proc.terminate()
        proc.wait(20)
    assert not failures, failures[:5]
    assert sum(counts) > CLIENTS * 10, counts                 # it really ran
    assert late - early < max(30.0, 0.25 * early), (early, late)
