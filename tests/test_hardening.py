"""Issue 10 over HTTP (Flask's test client): one failure never takes down more than itself,
budgets refuse with 413/422 naming the limit and its setting, security headers, keys for the
pages, 405 with Allow, English messages in English."""
import io
import re
import time

import openpyxl
import pytest

from trcalc.calc.registry import KINDS, REGISTRY
from trcalc.server import budgets, create_app
from trcalc.server.config import OFFICE_FRAME_ANCESTORS, Settings

TURKISH_LETTERS = re.compile("[çğıöşüÇĞİÖŞÜ]")


@pytest.fixture(scope="module")
def client():
    return create_app(Settings()).test_client()


def make(**kw):
    return create_app(Settings(**kw)).test_client()


def english(message: str) -> str:
    return message.split(" — ", 1)[1]


# --- 10.6: one failure takes down nothing but itself ------------------------------------------

def test_batch_good_bad_good_gives_per_call_results(client):
    # docs/sunucu/api.md: "one bad call never fails the others" — whatever makes the call bad
    good = {"function": "TR_CIF", "args": [60, 10, 5]}                      # 60 + 10 + 5 = 75
    bad_calls = [
        {"function": "TR_CIF", "args": ["1e999999999"]},                    # a number past Decimal's range
        {"function": "TR_CIF", "args": 5},                                  # malformed: args not a list
        {"function": 7, "args": []},                                        # malformed: no function name
        "not a call",
        {"function": "TR_CIF", "args": [1], "extra": True},
        {"function": "TR_CIF", "args": [[1, [2]]]},                         # a nested list as a number
        {"function": "TR_LATE_INTEREST", "args": [100, "9" * 400, "2025-01-01"]},   # 400-digit date
    ]
    for bad in bad_calls:
        r = client.post("/api/v1/batch", json={"calls": [good, bad, good]})
        assert r.status_code == 200, (bad, r.status_code, r.text[:300])
        res = r.json["results"]
        assert res[0] == res[2] and res[0]["value"] == 75.0, bad
        assert set(res[1]) == {"error"} and " — " in res[1]["error"]["message"], (bad, res[1])


def test_batch_a_defect_in_one_call_is_that_call_s_error(client, monkeypatch):
    from trcalc.server import api
    real = api.run_call

    def broken_penalty(fn, args, overrides):
        if fn.name == "TR_TEV_PENALTY":
            raise RuntimeError("secret internals")
        return real(fn, args, overrides)
    monkeypatch.setattr(api, "run_call", broken_penalty)
    calls = [{"function": "TR_CIF", "args": [1]}, {"function": "TR_TEV_PENALTY", "args": [100]},
             {"function": "TR_CIF", "args": [2]}]
    r = client.post("/api/v1/batch", json={"calls": calls})
    assert r.status_code == 200
    res = r.json["results"]
    assert res[0]["value"] == 1.0 and res[2]["value"] == 2.0
    assert res[1]["error"]["code"] == "internal" and "secret" not in r.text


def test_single_call_with_a_number_past_decimal_range_is_400(client):
    r = client.post("/api/v1/call/TR_CIF", json={"args": ["1e999999999"]})
    assert r.status_code == 400 and r.json["error"]["code"] in ("out_of_range", "invalid")


@pytest.mark.parametrize("key", ["ş", "ключ", "k\u00e9y", "\udcc5"])
def test_non_ascii_api_key_is_401_not_500(key):
    c = make(api_keys=frozenset({"k-one"}))
    r = c.post("/api/v1/call/TR_CIF", json={"args": [1]}, headers={"X-API-Key": key})
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"


@pytest.mark.xdist_group("workbooks")
def test_sheet_name_with_a_line_break_and_an_error_cell_uploads(client):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Satır\nİki"
    ws["A1"] = 5
    ws["A2"] = "=TR_CIF(-1)"            # goods cannot be negative: one cell in error
    ws["A3"] = "=A1*2"
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/api/v1/workbook", data={"file": (io.BytesIO(buf.getvalue()), "x.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["X-Trcalc-Errors"] == "1"
    # the sheet name percent-encoded (UTF-8), so the header stays one valid line
    assert r.headers["X-Trcalc-Error-Cells"] == "Sat%C4%B1r%0A%C4%B0ki!A2"
    out = openpyxl.load_workbook(io.BytesIO(r.data))
    assert out["Satır\nİki"]["A3"].value == 10


# --- 10.4: budgets refuse before the work, naming the limit and its setting --------------------

def _refusal(r, status, setting):
    assert r.status_code == status, r.text[:300]
    assert r.json["error"]["argument"] == setting and setting in r.json["error"]["message"]
    assert " — " in r.json["error"]["message"]


def test_batch_length_budget():
    c = make(max_batch=3)
    r = c.post("/api/v1/batch", json={"calls": [{"function": "TR_CIF", "args": [1]}] * 4})
    _refusal(r, 413, "TRCALC_MAX_BATCH")


def test_batch_table_budget_is_checked_before_the_work(monkeypatch):
    c = make(max_batch_tables=2)
    ran = []
    monkeypatch.setattr("trcalc.server.api.run_call", lambda *a: ran.append(a))
    calls = [{"function": "tr_tev_detail", "args": [100000, 10000, 5000, 1, 0.1, 30]}] * 3
    _refusal(c.post("/api/v1/batch", json={"calls": calls}), 413, "TRCALC_MAX_BATCH_TABLES")
    assert ran == []


def test_batch_response_budget():
    c = make(max_response_bytes=2000)
    calls = [{"function": "TR_TEV_DETAIL", "args": [100000, 10000, 5000, 1, 0.1, 30]}] * 10
    _refusal(c.post("/api/v1/batch", json={"calls": calls}), 413, "TRCALC_MAX_RESPONSE_BYTES")
    assert c.post("/api/v1/batch", json={"calls": calls[:1]}).status_code == 200


def test_time_limit_is_422(monkeypatch):
    c = make(request_seconds=1)
    fn = REGISTRY["TR_CIF"]
    real_run = type(fn).run

    def slow(self, values, overrides, ctx=None):
        if self is fn:
            time.sleep(0.4)           # ten of these are 4 s, well past the 1 s limit
        return real_run(self, values, overrides, ctx)
    monkeypatch.setattr(type(fn), "run", slow)
    calls = [{"function": "TR_CIF", "args": [1]}] * 10
    _refusal(c.post("/api/v1/batch", json={"calls": calls}), 422, "TRCALC_REQUEST_SECONDS")
    # stopped between calls, where it checks its deadline: nothing half-done, the worker stays
    assert budgets.recycle_reason() is None


def test_time_limit_interrupts_a_single_slow_call(monkeypatch):
    # work that checks its deadline as it goes (calc.deadline: the engine per cell, call_many per row)
    from trcalc.calc import deadline
    c = make(request_seconds=1)
    fn = REGISTRY["TR_CIF"]
    real_run = type(fn).run

    def slow(self, values, overrides, ctx=None):
        if self is fn:
            for _ in range(50):
                try:
                    time.sleep(0.1)
                    deadline.check()
                except Exception:      # a library that swallows errors cannot swallow the time limit
                    pass
        return real_run(self, values, overrides, ctx)
    monkeypatch.setattr(type(fn), "run", slow)
    started = time.monotonic()
    _refusal(c.post("/api/v1/call/TR_CIF", json={"args": [1]}), 422, "TRCALC_REQUEST_SECONDS")
    assert time.monotonic() - started < 4.5          # stopped by the timer, not by the sleep ending


def test_memory_error_is_413_and_recycles_the_worker(monkeypatch, client):
    def hungry(*a, **k):
        raise MemoryError
    monkeypatch.setattr("trcalc.server.api.run_call", hungry)
    budgets.recycle_reason()
    _refusal(client.post("/api/v1/call/TR_CIF", json={"args": [1]}), 413, "TRCALC_MAX_WORKER_MIB")
    assert budgets.recycle_reason() == "MemoryError"


def test_workbook_budget_refusal_is_413_naming_the_setting(monkeypatch, client):
    # the engine's budgets (cells, formula cells, range sizes, table rows) raise a WorkbookLimitError
    # that names its setting; it answers 413 by its own status (issue 21.3: the app's one handler
    # of TrcalcError reads status and code from the error, so an ad-hoc `setting` on a plain
    # WorkbookError no longer makes a 413)
    from trcalc.workbook import WorkbookLimitError

    def refuse(data, on_resave=None):
        raise WorkbookLimitError("formula_cells", 500_001)
    monkeypatch.setattr("trcalc.workbook.compute_bytes", refuse)
    r = client.post("/api/v1/workbook", data={"file": (io.BytesIO(b"PK..."), "x.xlsx")},
                    content_type="multipart/form-data")
    _refusal(r, 413, "TRCALC_MAX_FORMULA_CELLS")


def test_body_over_the_limit_is_413_also_when_chunked():
    c = make(max_request_bytes=500)
    body = b'{"args": [1], "overrides": {"' + b"x" * 2000 + b'": 1}}'
    r = c.post("/api/v1/call/TR_CIF", data=body, content_type="application/json")
    _refusal(r, 413, "TRCALC_MAX_REQUEST_BYTES")
    # chunked: no Content-Length, the server learns the size only while reading (WSGI
    # wsgi.input_terminated, as gunicorn sets it for a chunked body)
    r = c.post("/api/v1/call/TR_CIF", input_stream=io.BytesIO(body), content_type="application/json",
               headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    _refusal(r, 413, "TRCALC_MAX_REQUEST_BYTES")


def test_settings_from_the_environment_are_checked(monkeypatch):
    from trcalc.server.config import SettingError
    for bad in ("lots", "-1"):
        monkeypatch.setenv("TRCALC_MAX_BATCH", bad)
        with pytest.raises(SettingError, match="TRCALC_MAX_BATCH"):
            Settings.from_env()
    monkeypatch.setenv("TRCALC_MAX_BATCH", "50")
    monkeypatch.setenv("TRCALC_REQUEST_SECONDS", "7")
    s = Settings.from_env()
    assert s.max_batch == 50 and s.request_seconds == 7


# --- 10.9: headers, keys, 405, English ----------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/"), ("get", "/hesap/TR_TEV"), ("get", "/docs"), ("get", "/openapi.json"), ("get", "/healthz"),
    ("get", "/nothing"), ("get", "/api/v1/call/TR_CIF"), ("post", "/api/v1/call/TR_CIF"),
    ("get", "/office/functions.html"), ("get", "/office/functions.js"), ("get", "/giris"),
])
def test_security_headers_on_every_response(client, method, path):
    r = getattr(client, method)(path, json={"args": [1]} if method == "post" else None)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors" in csp
    if not path.startswith("/office/"):
        assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"


def test_office_pages_may_be_framed_by_office_and_load_office_js(client):
    # Office on the web shows the add-in's pages in an iframe of the Office page: frame-ancestors
    # must allow the Microsoft 365 hosts (Microsoft's list for Microsoft 365 app hosts:
    # *.cloud.microsoft, *.office.com, *.microsoft365.com …) and Excel on the web's hosts.
    r = client.get("/office/functions.html")
    csp = r.headers["Content-Security-Policy"]
    ancestors = csp.split("frame-ancestors", 1)[1].split(";")[0].split()
    for host in ("https://*.cloud.microsoft", "https://*.office.com", "https://*.officeapps.live.com"):
        assert host in ancestors
    assert set(OFFICE_FRAME_ANCESTORS) <= set(ancestors) and "'none'" not in ancestors
    script_src = csp.split("script-src", 1)[1].split(";")[0].split()
    assert "https://appsforoffice.microsoft.com" in script_src and "'unsafe-inline'" not in script_src
    assert "X-Frame-Options" not in r.headers
    # no inline script the policy would block: every <script> has a src, no on…= handler
    html = r.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith(("https://appsforoffice.microsoft.com/", "http://localhost/office/")), src


def test_frame_ancestors_setting():
    c = make(frame_ancestors=("https://intranet.example",))
    csp = c.get("/office/functions.html").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://intranet.example" in csp


def test_web_pages_need_the_key_and_sign_in_sets_a_cookie():
    c = make(api_keys=frozenset({"k-one", "k-two"}))
    r = c.get("/hesap/TR_TEV?import_value=1")
    assert r.status_code == 303 and r.headers["Location"] == "/giris?next=/hesap/TR_TEV%3Fimport_value%3D1"
    assert c.get("/").status_code == 303
    form = c.get("/giris")
    assert form.status_code == 200 and 'name="key"' in form.text
    # a wrong key: the form again, 401, no cookie
    r = c.post("/giris", data={"key": "wrong", "next": "/"})
    assert r.status_code == 401 and "geçersiz" in r.text and "Set-Cookie" not in r.headers
    # the right key: a cookie that is not the key itself, HttpOnly, SameSite=Strict
    r = c.post("/giris", data={"key": "k-two", "next": "/hesap/TR_TEV"})
    assert r.status_code == 303 and r.headers["Location"] == "/hesap/TR_TEV"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "k-two" not in cookie
    q = "import_value=100000&import_qty=10000&export_qty=5000&consumption=1&duty_rate=%2510&fx=30"
    assert "150.000,00 TL" in c.get(f"/hesap/TR_TEV?{q}").text           # seed 004
    assert c.get("/").status_code == 200
    # signing out ends it
    c.get("/cikis")
    assert c.get("/").status_code == 303


def test_sign_in_never_redirects_off_the_server():
    c = make(api_keys=frozenset({"k"}))
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "evil"):
        r = c.post("/giris", data={"key": "k", "next": target})
        assert r.headers["Location"] == "/", target


def test_upload_needs_the_key(tmp_path):
    c = make(api_keys=frozenset({"k"}))
    r = c.post("/api/v1/workbook", data={"file": (io.BytesIO(b"x"), "x.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == 401
    r = c.post("/api/v1/workbook", data={"file": (io.BytesIO(b"x"), "x.xlsx")}, content_type="multipart/form-data",
               headers={"X-API-Key": "k"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_workbook"      # past the key check
    # the upload page (/yukle) posts with the sign-in cookie: same-origin fetch sends it
    c.post("/giris", data={"key": "k", "next": "/yukle"})
    assert c.get("/yukle").status_code == 200
    r = c.post("/api/v1/workbook", data={"file": (io.BytesIO(b"x"), "x.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_workbook"


def test_405_says_which_methods_are_allowed(client):
    # RFC 9110 §15.5.6: a 405 response MUST carry an Allow header
    r = client.get("/api/v1/call/TR_CIF")
    assert r.status_code == 405 and r.json["error"]["code"] == "method_not_allowed"
    assert "POST" in {m.strip() for m in r.headers["Allow"].split(",")}
    r = client.post("/healthz")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


SAMPLE = {"number": 1, "money": 100, "positive": 1, "rate": "10%", "waste": "1%", "date": "2025-03-01",
          "year": 2025, "bool": False, "count": 1, "text": "x", "country": "DE", "origin": "DE", "fx": 30,
          "currency": "EUR"}


def test_english_halves_of_code_errors_are_english(client):
    # every function, every argument that takes a code or a country: an unknown value's message
    # names it in Turkish, then English — and the English half has no Turkish word
    # (it said "unknown menşe belgesi code")
    checked = set()
    for name, fn in sorted(REGISTRY.items()):
        for i, a in enumerate(fn.args):
            if not KINDS[a.kind].choices and a.kind not in ("country", "origin"):
                continue
            # arguments are read in order: the ones before get a valid value
            before = [SAMPLE.get(b.kind, (KINDS[b.kind].choices or (None,))[0]) for b in fn.args[:i]]
            if None in before:
                continue                  # a kind this test has no sample value for
            r = client.post(f"/api/v1/call/{name}", json={"args": before + ["ZZQ"]})
            err = r.json["error"]
            if err["argument"] != a.excel:
                continue                  # a sample value did not suit an earlier argument

            # the argument's own (Excel) name leads both halves; the words after it must be English
            text = english(err["message"]).removeprefix(f"{a.excel}: ")
            assert not TURKISH_LETTERS.search(text), (name, a.excel, err["message"])
            checked.add(a.kind)
    assert {"country", "origin", "certificate", "support", "beneficiary", "category"} <= checked, checked


def test_a_column_call_that_cannot_be_split_has_its_own_budget():
    """Issue 23: the add-ins split a long column into requests of TRCALC_MAX_BATCH rows, but not a
    function whose rows depend on each other (a running total, a look-up in a table given whole); the
    10,000-line DİR's export table is 10,002 rows. Such a call counts against TRCALC_MAX_COLUMN_ROWS."""
    n = 12
    call = {"function": "TR_RUNNING_SUM", "array": True, "args": [["A"] * n, list(range(n)), [1] * n]}
    c = make(max_batch=10, max_column_rows=20)
    r = c.post("/api/v1/batch", json={"calls": [call]})
    assert r.status_code == 200, r.text[:300]
    # by hand: the sum of the same group's rows before each row, all amounts 1 — 0, 1, 2, …, 11
    assert [v["value"] for v in r.json["results"][0]["rows"]] == list(range(n))
    # a column that can be split still counts against TRCALC_MAX_BATCH
    split = {"function": "TR_CIF", "array": True, "args": [[1] * n]}
    _refusal(c.post("/api/v1/batch", json={"calls": [split]}), 413, "TRCALC_MAX_BATCH")
    # and the column budget is a budget: two such calls of 12 rows are 24 > 20
    _refusal(c.post("/api/v1/batch", json={"calls": [call, call]}), 413, "TRCALC_MAX_COLUMN_ROWS")
