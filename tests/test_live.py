"""A real server process on 127.0.0.1: Office.js in Node, the add-in's remote mode,
the web calculator in headless Chromium, and the production server (gunicorn)."""
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import trcalc.addin.trcalc_udfs as udfs
from trcalc.addin import cells
from trcalc.calc import call
from trcalc.calc.registry import REGISTRY

pytestmark = pytest.mark.xdist_group("live")

KEY = "live-test-key"
HERE = Path(__file__).parent


_NEXT_PORT = [0]


def free_port() -> int:
    """A port for a test server that no other test process can be handed: each xdist worker takes its
    own block below Linux's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range starts at 32768, where
    bind(0) and every client socket draw), counting up, skipping a port something already holds. A port
    from bind(0) could be handed to another worker's server in the moment before ours bound it; our server
    then failed to start while /healthz answered from the other one (seen once: every later call of a
    module's tests "fetch failed" when that other server stopped)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    block = int(worker[2:]) if worker[2:].isdigit() else 0
    base = 20_000 + 1_000 * (block % 12)
    for _ in range(1_000):
        port = base + _NEXT_PORT[0] % 1_000
        _NEXT_PORT[0] += 1
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {base}–{base + 999}")


def start(args, env_extra, port):
    env = {**os.environ, **env_extra}
    proc = subprocess.Popen([sys.executable, "-m", "trcalc.cli", "serve", "--port", str(port), *args],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}")


def stop(proc) -> None:
    """Stop a server started by `start`: SIGTERM, then, past gunicorn's graceful timeout on a
    loaded machine (or a worker caught while booting, which can miss SIGTERM), SIGKILL."""
    proc.terminate()
    try:
        proc.wait(35)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="module")
def server():
    proc, url = start([], {"TRCALC_API_KEYS": KEY}, free_port())
    yield url
    stop(proc)


def post(url, body, key=KEY):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "X-API-Key": key})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


# --- the add-in's remote mode --------------------------------------------------------------------

def test_remote_mode_round_trip(server, monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    assert udfs.TR_TEV(100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0) == 150000.0
    args = (60.0, 10.0, 5.0, "DE", 0.2, dt.datetime(2025, 3, 1))
    assert udfs.TR_DUTY(*args) == float(call("TR_DUTY", *args))
    assert udfs.EIHR_END(dt.datetime(2025, 3, 15)) == dt.datetime(2028, 3, 14)
    assert udfs.TR_TEV(100000.0, 10000.0, 5000.0, 1.0, 10.0, 30.0).message.startswith("gv_orani")
    col = udfs.TR_TEV([100000.0, 100000.0], 10000.0, [5000.0, "x"], 1.0, 0.1, 30.0)
    assert col[0] == [150000.0] and col[1][0].message.startswith("ihrac_miktari")
    table = udfs.TR_TEV_DETAIL(100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0)
    assert table[0] == ["Adım", "Hesaplama", "Tutar"]


def test_remote_mode_sends_workbook_overrides(server, monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    book = type("B", (), {"fullname": "remote.xlsm", "names": {"TRCALC_OVERRIDES": type("N", (), {
        "refers_to_range": type("R", (), {"value": [["import.flat.rate_eu", 0.25]]})()})()}})()
    caller = type("C", (), {"sheet": type("S", (), {"book": book})()})()
    cells._cache.clear()
    assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None, None, None, None, None, None, None, caller) == 6.25


def test_remote_mode_wrong_key_is_a_cell_error(server, monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", "wrong")
    out = udfs.TR_CIF(1.0, 2.0, 3.0)
    assert isinstance(out, cells.CellError)
    assert out.message.startswith("trcalc sunucusu API anahtarını kabul etmedi (401")


def test_live_api_matches_calc(server):
    body = post(server + "/api/v1/call/TR_TEV", {"args": [100000, 10000, 5000, 1, 0.10, 30]})
    assert body["value"] == 150000.0 and body["text"] == "150000.00"


# --- the web calculator in headless Chromium -------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: tests/setup-browser.sh could not install it")
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def test_web_calculator_in_chromium(server, browser):
    page = browser.new_page()
    blocked = []                     # Content-Security-Policy violations Chromium reports
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(server + "/")
    # the server has TRCALC_API_KEYS: the pages ask for a key once (server/security.py)
    assert "/giris" in page.url
    page.fill("#key", KEY)
    page.click("#giris")
    page.click("a[href='/hesap/TR_TEV']")
    for name, value in [("ithal_degeri", "100.000,00"), ("ithal_miktari", "10000"), ("ihrac_miktari", "5000"),
                        ("birim_tuketim", "1"), ("gv_orani", "%10"), ("kur", "30")]:
        page.fill(f"#{name}", value)
    page.click("#hesapla")
    page.wait_for_selector("#sonuc")
    assert page.inner_text("#sonuc").strip() == "150.000,00 TL"
    assert "Vergi tutarı (döviz)" in page.inner_text("#dokum")
    # a bad value: the clear message, naming the argument
    page.fill("#ithal_miktari", "on bin")
    page.click("#hesapla")
    page.wait_for_selector("#hata")
    message = page.inner_text("#hata")
    label = next(a.doc_tr for a in REGISTRY["TR_TEV"].args if a.excel == "ithal_miktari")
    assert label in message and "sayı değil" in message and "not a number" in message   # under its Turkish label
    assert page.input_value("#ithal_miktari") == "on bin"
    # a drop-down code
    page.goto(server + "/hesap/TR_TEV_APPLIES")
    page.fill("#varis_ulkesi", "İngiltere")
    page.select_option("#mense_belgesi", "EUR1")
    page.fill("#tarih", "24.03.2025")
    page.click("#hesapla")
    assert "Hayır" in page.inner_text("#sonuc")
    assert not blocked, blocked
    page.close()


# --- production server -------------------------------------------------------------------------

def test_production_server_with_gunicorn():
    proc, url = start(["--production"], {"TRCALC_WORKERS": "2"}, free_port())
    try:
        with urllib.request.urlopen(url + "/healthz") as r:
            assert json.loads(r.read())["status"] == "ok"
        body = post(url + "/api/v1/call/TR_TEV", {"args": [100000, 10000, 5000, 1, 0.10, 30]})
        assert body["value"] == 150000.0
    finally:
        stop(proc)
