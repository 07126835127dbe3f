"""Issue 10.5: slow clients do not starve the production server.

50 sockets on loopback each send one byte a second (half of them never finish their headers,
half announce a body and trickle it), while normal requests are timed: they must all succeed,
with a p99 under 100 ms — the documented requirement (docs/sunucu/index.md).

Bounded so that it cannot fail by chance on a loaded 2-core machine: the slow sockets cost the
server nothing but a greenlet each, so the only noise is CPU scheduling. The requests are timed in
rounds of 200 (the p99 of a round lets two requests be slow), and a round whose p99 was spoilt by
the machine is measured again, up to three rounds; every request of every round must succeed.
A sync worker fails every round (each of its requests waits behind a slow socket for seconds).
"""
import http.client
import json
import socket
import threading
import time

import pytest

from tests.test_live import free_port, start, stop

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live")]

SLOW_SOCKETS, ROUND, ROUNDS, P99_MS = 50, 200, 3, 100.0


class Trickle:
    """Sockets sending one byte a second from one thread, until stopped."""

    def __init__(self, port: int, n: int):
        self.socks, self.open = [], 0
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setblocking(False)
            if i % 2:    # a complete header block announcing a body that comes a byte at a time
                s.send(b"POST /api/v1/call/TR_CIF HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       b"Content-Length: 100000\r\n\r\n")
            self.socks.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(1.0):
            still = 0
            for i, s in enumerate(self.socks):
                try:     # headers that never end, or a body that never ends
                    s.send(b"a" if i % 2 == 0 else b" ")
                    still += 1
                except (BlockingIOError, OSError):
                    pass
            self.open = still

    def close(self):
        self.stop.set()
        self.thread.join(5)
        for s in self.socks:
            s.close()


def timed_round(port: int, n: int) -> tuple[list[float], list]:
    body = json.dumps({"args": [60, 10, 5]})
    times, failures = [], []
    for _ in range(n):
        if len(failures) >= 3:
            break                      # starved: no need to wait out every timeout
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", "/api/v1/call/TR_CIF", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = json.loads(resp.read())
            conn.close()
            if resp.status != 200 or data["value"] != 75.0:        # 60 + 10 + 5
                failures.append((resp.status, data))
        except Exception as exc:       # a timeout or a reset is a failure of the requirement
            failures.append(repr(exc))
        times.append((time.perf_counter() - t0) * 1000)
    return times, failures


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(len(ordered) * 0.99) - 1]


def test_fifty_slow_sockets_do_not_starve_the_server():
    port = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "2"}, port)
    trickle = None
    try:
        timed_round(port, 20)                          # warm both workers
        trickle = Trickle(port, SLOW_SOCKETS)
        time.sleep(2.5)                                # every slow socket accepted and mid-request
        results = []
        for _ in range(ROUNDS):
            times, failures = timed_round(port, ROUND)
            assert not failures, failures[:5]
            results.append(p99(times))
            if results[-1] < P99_MS:
                break
        assert trickle.open == SLOW_SOCKETS, trickle.open     # they were all still open, trickling
        assert min(results) < P99_MS, f"p99 per round (ms): {results}"
    finally:
        if trickle:
            trickle.close()
        stop(proc)
