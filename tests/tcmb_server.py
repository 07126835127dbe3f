"""A stand-in for https://www.tcmb.gov.tr/kurlar on 127.0.0.1, serving tests/fixtures/tcmb.

It behaves as TCMB's server does for the bulletin files: 200 with the XML for a date
that has a bulletin, 404 (with an HTML page) for a weekend or holiday, `today.xml`
= the latest bulletin (see tests/fixtures/tcmb/README.md).  A test can replace any
path's answer (`answers[path] = (status, body)`, with `headers[path]` added), make it hang
(`delays[path]`) or send its body a byte every `drip[path]` seconds, and `requests` lists the paths
asked for.  `every_day = True` answers every weekday not in the fixtures with the real bulletin
2024/126 re-dated to that day (made up: only for tests that need many distinct dates).
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "tcmb"
LATEST = "202407/16072024.xml"
NOT_FOUND_PAGE = b"<!DOCTYPE html><html><head><title>404</title></head><body>Sayfa bulunamadi</body></html>"


class TcmbStandIn:
    def __init__(self, root: Path = FIXTURES):
        self.root = root
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.delays: dict[str, float] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.drip: dict[str, float] = {}
        self.every_day = False
        self.requests: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.lstrip("/")
                stand_in.requests.append(path)
                if path in stand_in.delays:
                    time.sleep(stand_in.delays[path])
                status, body, ctype = stand_in.answer(path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in stand_in.headers.get(path, {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    if path in stand_in.drip:
                        for i in range(len(body)):
                            self.wfile.write(body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(stand_in.drip[path])
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def answer(self, path: str) -> tuple[int, bytes, str]:
        if path in self.answers:
            status, body = self.answers[path]
            return status, body, "text/html; charset=utf-8" if body.lstrip().startswith(b"<!") else "text/xml"
        if path == "today.xml":
            path = LATEST
        f = self.root / path
        if path.endswith(".xml") and f.is_file() and self.root in f.resolve().parents:
            return 200, f.read_bytes(), "text/xml"
        day = redated(path) if self.every_day else None
        if day is not None:
            return 200, day, "text/xml"
        return 404, NOT_FOUND_PAGE, "text/html; charset=utf-8"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def redated(path: str) -> bytes | None:
    """The real bulletin re-dated to the weekday `path` names (YYYYMM/DDMMYYYY.xml), else None."""
    import datetime as dt
    import re
    m = re.fullmatch(r"(\d{6})/(\d\d)(\d\d)(\d{4})\.xml", path)
    if not m:
        return None
    try:
        day = dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
    except ValueError:
        return None
    if day.weekday() >= 5 or m.group(1) != f"{day:%Y%m}":
        return None
    return real_bulletin().replace(b'Tarih="08.07.2024" Date="07/08/2024" Bulten_No="2024/126"',
                                   f'Tarih="{day:%d.%m.%Y}" Date="{day:%m/%d/%Y}" Bulten_No="{day:%Y}/999"'.encode())


def real_bulletin() -> bytes:
    return (FIXTURES / "202407" / "08072024.xml").read_bytes()


@pytest.fixture
def tcmb(tmp_path, monkeypatch):
    """The stand-in server, a fresh empty store, and a fresh in-process rate cache."""
    from trcalc.calc import fx, tcmb as tcmb_module
    server = TcmbStandIn()
    tcmb_module._sent.clear()          # the per-minute fetch budget counts this test's fetches only
    monkeypatch.setenv("TRCALC_TCMB_URL", server.url)
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRCALC_TODAY", "2024-07-20")
    monkeypatch.setenv("TRCALC_TCMB_TIMEOUT", "5")
    monkeypatch.delenv("TRCALC_FX_OFFLINE", raising=False)
    old = fx.set_source(fx.StoreSource())
    try:
        yield server
    finally:
        fx.set_source(old)
        server.close()
