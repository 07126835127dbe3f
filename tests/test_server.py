"""The server over HTTP with Flask's test client: every route, every error code, auth, limits."""
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import openpyxl
import pytest
from openapi_spec_validator import validate

from trcalc import calc
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book
from trcalc.server import create_app
from trcalc.server.config import Settings
from trcalc.templates import build
from tests import bad_files

VERSION = book().version


@pytest.fixture(scope="module")
def client():
    return create_app(Settings()).test_client()


def make(**kw):
    return create_app(Settings(**kw)).test_client()


# --- /api/v1/call ------------------------------------------------------------------------------

def test_call_seed_values(client):
    r = client.post("/api/v1/call/TR_TEV", json={"args": [100000, 10000, 5000, 1, 0.10, 30]})
    assert r.status_code == 200
    assert r.json == {"function": "TR_TEV", "value": 150000.0, "text": "150000.00", "type": "money",
                      "rules_version": VERSION}
    assert r.headers["X-Trcalc-Rules-Version"] == VERSION
    r = client.post("/api/v1/call/tr_duty", json={"args": [60, 10, 5, "DE", "20%", "2025-03-01"]})
    assert r.json["value"] == 33.0 and r.json["text"] == "33.00"          # seed 003, by the law


def test_call_date_field_fills_the_date_argument(client):
    # 25 € from the EU: flat 30 % on 2024-09-01 → 7.50; regular from 2026-02-06 needs a duty rate
    r = client.post("/api/v1/call/TR_DUTY", json={"args": [25, 0, 0, "DE"], "date": "2024-09-01"})
    assert r.json["value"] == 7.5
    r = client.post("/api/v1/call/TR_CIF", json={"args": [1], "date": "2024-09-01"})
    assert r.status_code == 400 and r.json["error"]["argument"] == "date"


def test_call_dates_tables_and_booleans(client):
    r = client.post("/api/v1/call/EIHR_END", json={"args": ["2025-03-15"]})
    assert r.json["value"] == "2028-03-14"
    r = client.post("/api/v1/call/EIHR_END", json={"args": ["2025-03-15"], "date_format": "serial"})
    assert r.json["value"] == 46826                       # =DATE(2028,3,14) in Excel
    r = client.post("/api/v1/call/TR_TEV_APPLIES", json={"args": ["GB", "EUR1", "2025-03-01"]})
    assert r.json["value"] is False
    r = client.post("/api/v1/call/TR_TEV_DETAIL", json={"args": [100000, 10000, 5000, 1, 0.1, 30]})
    assert r.json["type"] == "table" and r.json["value"][0] == ["Adım", "Hesaplama", "Tutar"]


def test_call_overrides(client):
    body = {"args": [25, 0, 0, "DE", None, "2024-09-01"], "overrides": {"import.flat.rate_eu": "25%"}}
    assert client.post("/api/v1/call/TR_DUTY", json=body).json["value"] == 6.25     # 25 × 25 %


@pytest.mark.parametrize("args, argument, code", [
    ([100000, 10000, 5000, 1, 10, 30], "gv_orani", "out_of_range"),
    (["abc", 10000, 5000, 1, 0.1, 30], "ithal_degeri", "invalid"),
    ([100000, 0, 5000, 1, 0.1, 30], "ithal_miktari", "out_of_range"),
    ([100000, 10000, 5000, 1, 0.1], "kur", "missing"),
])
def test_call_bad_input_is_400_naming_the_argument(client, args, argument, code):
    r = client.post("/api/v1/call/TR_TEV", json={"args": args})
    assert r.status_code == 400
    assert r.json["error"]["argument"] == argument and r.json["error"]["code"] == code
    assert " — " in r.json["error"]["message"] and r.json["rules_version"] == VERSION


def test_unknown_function_is_404(client):
    r = client.post("/api/v1/call/NO_SUCH", json={"args": []})
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_function"


@pytest.mark.parametrize("body", [b"not json", b'{"args": 5}', b'{"argz": []}', b"[]"])
def test_malformed_requests_are_400(client, body):
    r = client.post("/api/v1/call/TR_CIF", data=body, content_type="application/json")
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_request"


def test_wrong_method_and_unknown_route(client):
    assert client.get("/api/v1/call/TR_CIF").status_code == 405
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"


def test_request_too_large_is_413():
    c = make(max_request_bytes=200)
    r = c.post("/api/v1/call/TR_CIF", json={"args": [1], "overrides": {"x" * 300: 1}})
    assert r.status_code == 413 and r.json["error"]["code"] == "too_large"


def test_unexpected_error_is_500_without_traceback(monkeypatch, client):
    def boom(*a, **k):
        raise RuntimeError("secret internals")
    monkeypatch.setattr("trcalc.server.api.get", boom)
    r = client.post("/api/v1/call/TR_CIF", json={"args": [1]})
    assert r.status_code == 500 and r.json["error"]["code"] == "internal"
    assert "secret" not in r.text and "Traceback" not in r.text


# --- batch ---------------------------------------------------------------------------------------

def test_batch_mixed_good_and_bad_in_order(client):
    calls = [
        {"function": "TR_TEV", "args": [100000, 10000, 5000, 1, 0.1, 30]},
        {"function": "TR_TEV", "args": [100000, 10000, 5000, 1, 10, 30]},
        {"function": "NOPE", "args": []},
        {"function": "TR_DUTY", "args": [60, 10, 5, "DE", 0.2], "date": "2025-03-01"},
        {"function": "TR_DUTY", "args": [25, 0, 0, "DE", None, "2024-09-01"],
         "overrides": {"import.flat.rate_eu": 0.25}},
    ]
    r = client.post("/api/v1/batch", json={"calls": calls})
    assert r.status_code == 200 and r.json["rules_version"] == VERSION
    res = r.json["results"]
    assert len(res) == 5
    assert res[0] == {"value": 150000.0, "text": "150000.00"}
    assert res[1]["error"]["argument"] == "gv_orani"
    assert res[2]["error"]["code"] == "unknown_function"
    assert res[3]["value"] == 33.0
    assert res[4]["value"] == 6.25


def test_batch_shared_overrides(client):
    calls = [{"function": "TR_DUTY", "args": [25, 0, 0, "DE", None, "2024-09-01"]}] * 2
    r = client.post("/api/v1/batch", json={"calls": calls, "overrides": {"import.flat.rate_eu": "20%"}})
    assert [x["value"] for x in r.json["results"]] == [5.0, 5.0]
    r = client.post("/api/v1/batch", json={"calls": calls, "overrides": {"no.such": 1}})
    assert all(x["error"]["code"] == "unknown_code" for x in r.json["results"])


def test_batch_length_limit_is_413():
    c = make(max_batch=3)
    calls = [{"function": "TR_CIF", "args": [1]}] * 4
    r = c.post("/api/v1/batch", json={"calls": calls})
    assert r.status_code == 413 and r.json["error"]["code"] == "too_large"
    assert c.post("/api/v1/batch", json={"calls": calls[:3]}).status_code == 200


GOLDEN = [
    ("TR_TEV", [100000, 10000, 5000, 1, "10%", 30]),
    ("TR_TEV", [100000, 10000, 5000, 1, "10%", 30, "20%"]),
    ("TR_TEV", [1000, 1000, 1, 1, "10%", 30.05]),
    ("TR_DUTY", [60, 10, 5, "DE", "20%", "2025-03-01"]),
    ("TR_DUTY", [60, 10, 5, "DE", "20%", "2024-01-15"]),
    ("TR_DUTY", [60, 10, 5, "DE", "20%", "2025-03-01", None, 34.567]),
    ("TR_DUTY", [28, 5, 0, "DE", "20%", "2024-12-27"]),
    ("TR_CIF", [60, 10, 5]),
    ("EIHR_CAP", ["REKLAM", "SIRKET", 100000, 300000, 2025]),
    ("EIHR_CAP", ["KOMISYON", "SIRKET", 200000, None, 2025, 700000]),
    ("EIHR_CAP", ["ENTEGRASYON", "SIRKET", 3000000, None, 2024, None, 7]),
    ("TR_LATE_INTEREST", [10000, "2025-10-01", "2025-12-13"]),
    ("TR_TEV_PENALTY", [150000]),
    ("TR_MICRO_EXPORT", [300, 15000, "2026-01-02"]),
    ("TR_EXPORT_KDV_REFUND", [25000, 100000, "2025-06-01"]),
    ("TR_TEV_APPLIES", ["Güney Kore", "menşe beyanı", "2025-03-01"]),
]


def test_same_values_as_calc_call(client):
    r = client.post("/api/v1/batch", json={"calls": [{"function": f, "args": a} for f, a in GOLDEN]})
    for (f, a), res in zip(GOLDEN, r.json["results"]):
        expected = calc.call(f, *a)
        if isinstance(expected, D):
            assert res["text"] == str(expected) and res["value"] == float(expected), (f, a)
        else:
            assert res["value"] == expected, (f, a)


# --- auth and CORS --------------------------------------------------------------------------------

def test_api_keys():
    c = make(api_keys=frozenset({"k-one", "k-two"}))
    body = {"args": [1, 2, 3]}
    r = c.post("/api/v1/call/TR_CIF", json=body)
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": "wrong"}).status_code == 401
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": "k-two"}).json["value"] == 6.0
    assert c.get("/api/v1/functions").status_code == 401
    # health, the API documents and the Office add-in's files stay open; the calculator pages need
    # the key too (tests/test_hardening.py signs in)
    assert c.get("/healthz").status_code == 200 and c.get("/openapi.json").status_code == 200
    assert c.get("/office/manifest.xml").status_code == 200
    assert c.get("/").status_code == 303


def test_no_keys_means_open(client):
    assert client.post("/api/v1/call/TR_CIF", json={"args": [1]}).status_code == 200


def test_cors():
    c = make(cors_origins=("https://excel.example",))
    r = c.options("/api/v1/batch", headers={"Origin": "https://excel.example",
                                            "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "https://excel.example"
    assert "X-API-Key" in r.headers["Access-Control-Allow-Headers"]
    r = c.post("/api/v1/call/TR_CIF", json={"args": [1]}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    c = make()
    r = c.post("/api/v1/call/TR_CIF", json={"args": [1]}, headers={"Origin": "https://excel.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_preflight_passes_with_keys_on():
    c = make(api_keys=frozenset({"k"}), cors_origins=("*",))
    r = c.options("/api/v1/batch", headers={"Origin": "https://x", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"


# --- functions, rules, health ----------------------------------------------------------------------

def test_functions(client):
    r = client.get("/api/v1/functions")
    names = [f["name"] for f in r.json["functions"]]
    assert names == sorted(REGISTRY)
    tev = next(f for f in r.json["functions"] if f["name"] == "TR_TEV")
    assert tev["summary_tr"] and tev["summary_en"]
    assert [a["name"] for a in tev["arguments"]][:2] == ["ithal_degeri", "ithal_miktari"]
    cert = next(a for a in tev["arguments"] if a["name"] == "mense_belgesi")
    assert cert["optional"] and cert["choices"] == ["ATR", "EUR1", "EURMED", "FATURA", "SERTIFIKA", "FORMA", "YOK"]


def test_rules_by_date(client):
    r = client.get("/api/v1/rules?date=2024-09-01")
    rules = {x["name"]: x for x in r.json["rules"]}
    assert r.json["date"] == "2024-09-01" and r.json["rules_version"] == VERSION
    assert rules["import.flat.limit"]["value"] == 30.0 and rules["import.flat.limit"]["confidence"] == "high"
    assert rules["kdv.general_rate"]["value"] == 0.2 and "7346" in rules["kdv.general_rate"]["source"]
    assert "DE" in rules["eu.members"]["value"]
    r = client.get("/api/v1/rules?date=01.08.2024")
    assert {x["name"]: x for x in r.json["rules"]}["import.flat.limit"]["value"] == 150.0
    r = client.get("/api/v1/rules?date=yarın")
    assert r.status_code == 400 and r.json["error"]["argument"] == "date"


def test_health(client):
    r = client.get("/healthz")
    assert {k: r.json[k] for k in ("status", "rules_version", "functions")} == \
        {"status": "ok", "rules_version": VERSION, "functions": len(REGISTRY)}
    assert set(r.json["fx_sync"]) == {"last_success", "through", "autosync"}     # issue 24.3


# --- workbook upload ---------------------------------------------------------------------------

def _example_bytes(tmp_path, name="dir_tev", edit=None):
    wb = build.EXAMPLES[name]()
    if edit:
        edit(wb)
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return path.read_bytes()


@pytest.mark.xdist_group("workbooks")
def test_workbook_upload(client, tmp_path):
    data = _example_bytes(tmp_path)
    r = client.post("/api/v1/workbook", data={"file": (io.BytesIO(data), "dir_tev.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.text
    assert r.headers["X-Trcalc-Errors"] == "0" and int(r.headers["X-Trcalc-Formulas"]) > 100
    assert "dir_tev_hesaplandi.xlsx" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.data))["İhracat"]
    column = next(c.column_letter for c in ws[4] if c.value == "TEV (TL)")
    tev = [c.value for c in ws[column][4:7]]
    assert tev == [150000, 0, 30360]                   # seed 004, the UK line, the shirt line (two imports, FIFO)


@pytest.mark.xdist_group("workbooks")
def test_workbook_formula_injection_stays_text(client, tmp_path):
    def edit(wb):
        wb["İhracat"]["A5"].value = "=HYPERLINK(\"http://evil\",\"x\")"
        wb["İhracat"]["A5"].data_type = "s"           # typed as text by the user
        wb["İhracat"]["C6"] = "=cmd|' /C calc'!A0"
        wb["İhracat"]["C6"].data_type = "s"
    data = _example_bytes(tmp_path, edit=edit)
    r = client.post("/api/v1/workbook", data={"file": (io.BytesIO(data), "x.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    out = openpyxl.load_workbook(io.BytesIO(r.data))
    for ws in out.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is still a formula"
    assert out["İhracat"]["A5"].value.startswith("=HYPERLINK") and out["İhracat"]["A5"].data_type == "s"


@pytest.mark.xdist_group("workbooks")
def test_bad_workbooks_get_a_clear_400_and_the_server_stays_up(client, tmp_path):
    for case, (data, words) in bad_files.cases(tmp_path).items():
        r = client.post("/api/v1/workbook", data={"file": (io.BytesIO(data), "bad.xlsx")},
                        content_type="multipart/form-data")
        # over one of the engine's budgets: 413 naming its setting; otherwise unreadable: 400
        setting = r.json["error"]["argument"] if r.status_code == 413 else None
        if setting:
            assert r.json["error"]["code"] == "too_large" and setting.startswith("TRCALC_"), case
            assert setting in r.json["error"]["message"], case
        else:
            assert r.status_code == 400, (case, r.status_code, r.text[:300])
            assert r.json["error"]["code"] == "invalid_workbook", case
        assert words in r.json["error"]["message"], case
        assert "Traceback" not in r.text
        assert client.get("/healthz").status_code == 200


def test_workbook_too_large_is_413():
    c = make(max_workbook_bytes=1000)
    r = c.post("/api/v1/workbook", data={"file": (io.BytesIO(b"x" * 5000), "big.xlsx")},
               content_type="multipart/form-data")
    assert r.status_code == 413


def test_workbook_missing_file(client):
    r = client.post("/api/v1/workbook", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["error"]["argument"] == "file"


def test_openpyxl_is_protected_by_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# --- OpenAPI and docs -----------------------------------------------------------------------------

def test_openapi_validates_and_lists_every_route(client):
    doc = client.get("/openapi.json").json
    validate(doc)
    app = create_app(Settings())
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
              if r.endpoint != "static"}
    assert routes == set(doc["paths"]), routes ^ set(doc["paths"])
    assert doc["paths"]["/api/v1/call/{name}"]["post"]["parameters"][0]["schema"]["enum"] == sorted(REGISTRY)
    assert doc["info"]["version"] == VERSION


def test_docs_page(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "/api/v1/batch" in r.text and "TR_TEV" in r.text


# --- Office.js ------------------------------------------------------------------------------------

def test_office_functions_json_from_the_registry(client):
    meta = client.get("/office/functions.json").json
    by_id = {f["id"]: f for f in meta["functions"]}
    assert set(by_id) == set(REGISTRY)
    tev = by_id["TR_TEV"]
    assert tev["description"] == REGISTRY["TR_TEV"].summary_tr
    assert [p["name"] for p in tev["parameters"]] == [a.excel for a in REGISTRY["TR_TEV"].args]
    assert [p["optional"] for p in tev["parameters"]] == [a.optional for a in REGISTRY["TR_TEV"].args]
    assert all(p["dimensionality"] == "matrix" for f in meta["functions"] for p in f["parameters"])
    assert tev["result"]["dimensionality"] == "matrix"


def test_office_manifest_and_script(client, monkeypatch):
    # the URLs are the configured public address (TRCALC_PUBLIC_URL), never a Host header (issue 22.8)
    monkeypatch.setenv("TRCALC_PUBLIC_URL", "https://calc.example")
    r = client.get("/office/manifest.xml", base_url="https://calc.example")
    root = ET.fromstring(r.data)
    urls = {el.get("id"): el.get("DefaultValue") for el in root.iter() if el.tag.endswith("}Url")}
    assert urls["Trcalc.Script.Url"] == "https://calc.example/office/functions.js"
    assert urls["Trcalc.Metadata.Url"] == "https://calc.example/office/functions.json"
    js = client.get("/office/functions.js", base_url="https://calc.example").text
    assert '"https://calc.example"' in js and "/api/v1/batch" in js and "CustomFunctions.associate" in js
    assert client.get("/office/functions.html").status_code == 200
    png = client.get("/office/icon-32.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get("/office/icon-7.png").status_code == 404


# --- web pages ----------------------------------------------------------------------------------

def test_index_lists_a_page_per_main_function(client):
    html = client.get("/").text
    for name in ("TR_DUTY", "TR_TEV", "EIHR_CAP", "TR_MICRO_EXPORT"):
        assert f'href="/hesap/{name}"' in html


def test_page_computes_the_seed_004_example(client):
    q = "import_value=100000&import_qty=10000&export_qty=5000&consumption=1&duty_rate=%2510&fx=30"
    html = client.get(f"/hesap/TR_TEV?{q}").text
    assert "150.000,00 TL" in html and "Birim ithalat değeri" in html


def test_page_turkish_formats_and_currency(client):
    q = "goods=60&freight=10&insurance=5&origin=DE&duty_rate=20%25&date=01.03.2025"
    assert "33,00 €" in client.get(f"/hesap/TR_DUTY?{q}").text
    assert "1.140,72 TL" in client.get(f"/hesap/TR_DUTY?{q}&fx=34,5670").text
    html = client.get("/hesap/TR_MICRO_EXPORT?gross_kg=300&value_eur=15000&date=2025-06-01").text
    assert "Evet (DOĞRU)" in html


def test_page_bad_value_shows_a_clear_message(client):
    html = client.get("/hesap/TR_TEV?import_value=100000&import_qty=abc&export_qty=5000&consumption=1"
                      "&duty_rate=10%25&fx=30").text
    assert 'id="hata"' in html and "ithal_miktari" in html and "sayı değil" in html
    assert 'value="abc"' in html                          # the form keeps what was typed


def test_pages_only_for_main_functions(client):
    assert client.get("/hesap/TR_CIF").status_code == 404
    assert client.get("/hesap/NOPE").status_code == 404


# --- the batch API's column form (issue 13.6) -----------------------------------------------------

def test_batch_column_form(client):
    calls = [{"function": "TR_TEV", "array": True,
              "args": [[100000, 100000, 100000], 10000, [5000, 1000, "x"], 1, 0.1, 30]},
             {"function": "TR_CIF", "args": [1, 2, 3]}]
    res = client.post("/api/v1/batch", json={"calls": calls}).json["results"]
    rows = res[0]["rows"]
    assert rows[0] == {"value": 150000.0, "text": "150000.00"}       # seed 004
    assert rows[1]["value"] == 30000.0                                 # 1,000 of 5,000 exported: 1/5 of it
    assert rows[2]["error"]["argument"] == "ihrac_miktari"
    assert res[1]["value"] == 6.0


def test_batch_column_form_length_mismatch_is_one_clear_error(client):
    calls = [{"function": "TR_CIF", "array": True, "args": [[1, 2, 3], [1, 2], None]}]
    res = client.post("/api/v1/batch", json={"calls": calls}).json["results"][0]
    assert "rows" not in res
    assert res["error"]["message"] == ("sütunların satır sayıları farklı ([2, 3]) — "
                                       "the columns have different lengths ([2, 3])")


def test_batch_column_rows_count_against_the_limit():
    c = make(max_batch=5)
    ok = [{"function": "TR_CIF", "array": True, "args": [[1, 2, 3, 4, 5], 0, 0]}]
    assert c.post("/api/v1/batch", json={"calls": ok}).status_code == 200
    too_many = [{"function": "TR_CIF", "array": True, "args": [[1, 2, 3, 4, 5, 6], 0, 0]}]
    r = c.post("/api/v1/batch", json={"calls": too_many})
    assert r.status_code == 413 and "(6 given)" in r.json["error"]["message"]


def test_parcel_page_offers_the_amounts_currency(client):
    """Issue 25.6: the parcel page takes amounts in EUR, USD or TL (a drop-down), the limits tested in EUR.
    1,000 TL + 80 TL freight at 36 TL/€ = 30.00 € ≤ 30 € → flat 60 % (CN): 1,080 × 60 % = 648.00 TL."""
    html = client.get("/hesap/TR_DUTY").text
    select = html[html.index('<select id="doviz"'):]
    select = select[:select.index("</select>")]
    assert all(f'<option value="{c}"' in select for c in ("EUR", "USD", "TRY")) and "Türk lirası" in select
    q = "esya_bedeli=1.000&navlun=80&sigorta=0&mense=CN&tarih=01.03.2025&kur=36&doviz=TRY"
    html = client.get(f"/hesap/TR_DUTY?{q}").text
    assert "648,00 TL" in html and "Sınır testi matrahı (€)" in html
    # 30,85 USD × 35 TL/$ ÷ 36 TL/€ = 29,99 € → flat, EU rate 30 %: 1.079,75 × 30 % = 323,925 → 323,93 TL
    q = "esya_bedeli=30,85&navlun=0&sigorta=0&mense=DE&tarih=01.03.2025&kur=36&doviz=USD&doviz_kuru=35"
    assert "323,93 TL" in client.get(f"/hesap/TR_DUTY?{q}").text
