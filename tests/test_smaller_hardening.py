"""Issue 22.8, the smaller findings: each reproduced as the attack was made, through the app the
production server runs (Flask's test client) or the command line."""
import io
import os
import runpy
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from trcalc.server import create_app, security
from trcalc.server.config import Settings

KEY = "dogru-anahtar"
ROOT = Path(__file__).parents[1]


@pytest.fixture
def client():
    return create_app(Settings(api_keys=frozenset({KEY}))).test_client()


# --- sign-in: only a path on this server follows -----------------------------------------------

@pytest.mark.parametrize("target", ["/\t/evil.example", "/%09/evil.example", "/\r\nSet-Cookie: x=1", "//evil.example",
                                    "/\n/evil.example", "https://evil.example/", "/\\evil.example"])
def test_no_open_redirect_after_sign_in(client, target):
    from urllib.parse import unquote
    r = client.post("/giris", data={"key": KEY, "next": unquote(target)})
    assert r.status_code == 303 and r.headers["Location"] == "/"
    page = client.get("/giris", query_string={"next": unquote(target)}).get_data(as_text=True)
    assert "evil.example" not in page and "Set-Cookie" not in page


def test_a_path_on_this_server_still_follows(client):
    r = client.post("/giris", data={"key": KEY, "next": "/hesap/TR_TEV?x=1"})
    assert r.status_code == 303 and r.headers["Location"] == "/hesap/TR_TEV?x=1"


# --- the cookie expires, HSTS over TLS ----------------------------------------------------------------

def test_the_sign_in_cookie_expires_on_the_server(client):
    old = security._token(KEY, int(time.time()) - 31 * 86400)         # issued 31 days ago
    client.set_cookie(security.COOKIE, old)
    assert client.get("/api/v1/functions").status_code == 401
    client.set_cookie(security.COOKIE, security._token(KEY))
    assert client.get("/api/v1/functions").status_code == 200
    # a token made for one time is not good for another (the HMAC covers the time)
    fresh = security._token(KEY)
    forged = str(int(time.time())) + "." + fresh.split(".", 1)[1]
    if forged != fresh:
        client.set_cookie(security.COOKIE, forged)
        assert client.get("/api/v1/functions").status_code == 401


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    r = client.get("/healthz", base_url="https://trcalc.example")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


# --- wrong keys are throttled ------------------------------------------------------------------------

def test_wrong_keys_are_throttled(client):
    statuses = [client.get("/api/v1/functions", headers={"X-API-Key": f"guess{i}"}).status_code for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    r = client.get("/api/v1/functions", headers={"X-API-Key": "guess"})
    assert int(r.headers["Retry-After"]) > 0 and "too many wrong keys" in r.get_json()["error"]["message"]
    assert client.post("/giris", data={"key": "guess", "next": "/"}).status_code == 429
    # the right key is never throttled
    assert client.get("/api/v1/functions", headers={"X-API-Key": KEY}).status_code == 200


# --- the Host header chooses nothing ------------------------------------------------------------------

def test_manifest_and_lite_do_not_follow_the_host_header(monkeypatch):
    monkeypatch.delenv("TRCALC_PUBLIC_URL", raising=False)
    c = create_app().test_client()
    for path in ("/office/manifest.xml", "/office/functions.html"):
        body = c.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body and "http://127.0.0.1:8000" in body
    monkeypatch.setenv("TRCALC_PUBLIC_URL", "https://trcalc.example.com")
    body = c.get("/office/manifest.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://trcalc.example.com/office/" in body and "evil.example" not in body


# --- a macro-enabled workbook goes back as one ---------------------------------------------------------

def test_an_xlsm_is_returned_as_xlsm(tmp_path):
    from tests.bad_files import example_bytes
    src = zipfile.ZipFile(io.BytesIO(example_bytes(tmp_path)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":        # the main part of a macro-enabled workbook
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            z.writestr(item, data)
    c = create_app().test_client()
    r = c.post("/api/v1/workbook", data={"file": (io.BytesIO(out.getvalue()), "beyan.xlsm")},
               content_type="multipart/form-data")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.ms-excel.sheet.macroEnabled.12"
    assert r.headers["Content-Disposition"].endswith('beyan_hesaplandi.xlsm"')
    types = zipfile.ZipFile(io.BytesIO(r.data)).read("[Content_Types].xml")
    assert b"macroEnabled.main+xml" in types


# --- array formulas and LET say why ----------------------------------------------------------------------

def test_array_formulas_and_let_give_a_message(tmp_path):
    from trcalc.workbook import compute_file
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["B1"], ws["B2"] = 1, 2, 3, 4
    ws["C1"] = "=SUM(A1:A2*B1:B2)"                       # an array formula's text, computed as one cell
    ws["C2"] = "=LET(x,A1,x*2)"
    wb.save(tmp_path / "a.xlsx")
    report = compute_file(tmp_path / "a.xlsx", tmp_path / "o.xlsx")
    errors = {cell: message for _, cell, message in report.errors}
    assert "array formulas" in errors["C1"] and "LET" in errors["C2"] and "not supported" in errors["C2"]


# --- settings of `trcalc serve` ---------------------------------------------------------------------

def _serve(*args, env=None):
    return subprocess.run([sys.executable, "-m", "trcalc.cli", "serve", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_bad_serve_settings_are_one_line_and_exit_2():
    r = _serve("--production", env={"TRCALC_WORKERS": "abc"})
    assert r.returncode == 2 and "TRCALC_WORKERS" in r.stderr and "Traceback" not in r.stderr
    r = _serve("--production", "--port", "99999")
    assert r.returncode == 2 and "99999" in r.stderr and "65535" in r.stderr and "Traceback" not in r.stderr


def test_two_instances_have_their_own_control_socket(monkeypatch):
    conf = str(ROOT / "server" / "gunicorn.conf.py")
    monkeypatch.setenv("TRCALC_BIND", "127.0.0.1:8001")
    a = runpy.run_path(conf)["control_socket"]
    monkeypatch.setenv("TRCALC_BIND", "127.0.0.1:8002")
    b = runpy.run_path(conf)["control_socket"]
    assert a != b and a.endswith(".ctl") and "8001" in a
