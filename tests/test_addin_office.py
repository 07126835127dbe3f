"""The Office add-in (Office.js custom functions) run by `tests/office_harness.js`, a stand-in for Excel's
custom-functions runtime that follows Microsoft's documented contract (see the harness's header: the
Invocation object last, null for an omitted optional parameter, 1×1 matrices for single cells, n×1 for
columns, CustomFunctions.Error, OfficeRuntime.storage, Excel.run) against a live server."""
import datetime as dt
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from trcalc.calc import call
from trcalc.calc.dates import to_serial
from trcalc.calc.registry import REGISTRY
from tests.test_live import free_port, start, stop

pytestmark = pytest.mark.xdist_group("live")

HERE = Path(__file__).parent
KEY = "office-test-key"
NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


@pytest.fixture(scope="module")
def server():
    proc, url = start([], {"TRCALC_API_KEYS": KEY}, free_port())      # default limits: 10,000 rows, 2 MiB
    yield url
    stop(proc)


def run(base, scenario, tmp_path):
    node = shutil.which("node")
    assert node, "Node.js is needed for the Office.js tests"
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    r = subprocess.run([node, str(HERE / "office_harness.js"), base, str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_seed_examples_through_functions_js_with_the_key_typed_in_the_task_pane(server, tmp_path):
    start_serial = to_serial(dt.date(2025, 3, 15))
    out = run(server, {"key": KEY, "invocations": [
        ["TR_TEV", [100000, 10000, 5000, 1, 0.1, 30]],                       # seed 004, optional args omitted
        ["TR_DUTY", [60, 10, 5, "DE", "20%", "2025-03-01"]],                 # seed 003
        ["TR_TEV", [100000, 10000, 5000, 1, 10, 30]],                        # 10 is not a rate
        ["TR_TEV", [[100000, 100000], 10000, [5000, 1000], 1, "10%", 30]],   # a column
        ["TR_TEV_APPLIES", ["GB", "EUR1", "2025-03-01"]],
        ["EIHR_END", [start_serial, None]],
        ["TR_RULES_VERSION", []],
    ]}, tmp_path)
    assert out["registered"] == sorted(REGISTRY)
    assert out["stored_key"] == KEY and "kaydedildi" in out["status"]       # the task pane's own form
    assert all(r["key"] == KEY and r["status"] == 200 for r in out["requests"])
    assert len(out["requests"]) == 1                                        # one recalculation, one request
    res = out["results"]
    assert res[0] == {"value": [[150000]]}          # (100,000 / 10,000) × 5,000 × 1 × 10 % × 30 = 150,000
    assert res[1] == {"value": [[33]]}              # CIF 75, duty 15, KDV (75 + 15) × 20 % = 18: 33
    bad = res[2]["error"]
    assert bad["cf"] and bad["code"] == "#VALUE!" and bad["message"].startswith("gv_orani")
    assert res[3] == {"value": [[150000], [30000]]}
    assert res[4] == {"value": [[False]]}
    assert res[5] == {"value": [[to_serial(dt.date(2028, 3, 14))]]}       # start + 3 years − 1 day
    assert res[6]["value"][0][0] == call("TR_RULES_VERSION")


def _duty_column(n):
    goods = [20.0 + (i % 400) * 0.75 for i in range(n)]
    goods[7] = "yirmi"
    return goods


def test_a_25000_row_column_in_batches_with_the_workbook_overrides(server, tmp_path):
    n = 25_000
    goods = _duty_column(n)
    overrides = [["Parametre", "Değer"], ["import.flat.rate_eu", 0.25], ["kdv.general_rate", "18%"]]
    out = run(server, {"key": KEY, "overrides": overrides, "invocations": [
        ["TR_DUTY", [goods, 1.0, 0.0, "DE", 0.2, "2024-09-01"]],
    ]}, tmp_path)
    reqs = out["requests"]
    assert len(reqs) == 3 and all(r["status"] == 200 for r in reqs)
    assert [r["rows"] for r in reqs] == [10_000, 10_000, 5_000]            # the server's batch limit
    assert all(r["overrides"] == {"import.flat.rate_eu": 0.25, "kdv.general_rate": "18%"} for r in reqs)
    assert not any(r["per_call_overrides"] for r in reqs)
    col = out["results"][0]["value"]
    assert len(col) == n and all(len(row) == 1 for row in col)
    # row 0: goods 20 ≤ 30 €, flat route at the workbook's 25 % (the rules say 30 %): 5.00
    assert col[0] == [5]
    # row 1: 20.75 × 25 % = 5.1875 → 5.19; row 400 repeats row 0
    assert col[1] == [5.19] and col[400] == [5]
    assert col[7][0]["error"]["code"] == "#VALUE!" and col[7][0]["error"]["message"].startswith("esya_bedeli")
    # every row as calc computes it with the same overrides
    ov = {"import.flat.rate_eu": 0.25, "kdv.general_rate": "18%"}
    for i in range(0, n, 997):
        if i != 7:
            assert col[i] == [float(call("TR_DUTY", goods[i], 1.0, 0.0, "DE", 0.2, "2024-09-01", overrides=ov))]


def test_no_key_is_reported_as_401(server, tmp_path):
    out = run(server, {"invocations": [["TR_CIF", [1, 2, 3]]]}, tmp_path)
    err = out["results"][0]["error"]
    assert out["requests"][0]["status"] == 401
    assert err["cf"] and err["code"] == "#N/A" and "(401)" in err["message"]
    assert "API" in err["message"] and "ulaşılamadı" not in err["message"]


@pytest.fixture(scope="module")
def refusing_server():
    """Every request refused with 413 by the batch limit (the body is read, so the answer always arrives)."""
    proc, url = start([], {"TRCALC_API_KEYS": KEY, "TRCALC_MAX_BATCH": "0"}, free_port())
    yield url
    stop(proc)


def test_a_request_over_the_limit_is_reported_as_413(refusing_server, tmp_path):
    out = run(refusing_server, {"key": KEY, "invocations": [["TR_CIF", [1, 2, 3]]]}, tmp_path)
    err = out["results"][0]["error"]
    assert out["requests"][0]["status"] == 413
    assert err["code"] == "#N/A" and "(413)" in err["message"] and "ulaşılamadı" not in err["message"]


def test_columns_of_different_lengths_give_the_local_message(server, tmp_path):
    out = run(server, {"key": KEY, "invocations": [["TR_CIF", [[1, 2, 3], [1, 2], None]]]}, tmp_path)
    from trcalc.calc import CalcError, call_many
    with pytest.raises(CalcError) as local:
        call_many("TR_CIF", [[1, 2, 3], [1, 2]])
    assert out["results"][0]["error"]["message"] == local.value.message


@pytest.fixture(scope="module")
def public_server():
    proc, url = start([], {"TRCALC_PUBLIC_URL": "http://127.0.0.1:9/"}, free_port())   # nothing listens on 9
    yield url
    stop(proc)


def test_public_url_setting_and_an_unreachable_server(public_server, tmp_path):
    import urllib.request
    with urllib.request.urlopen(public_server + "/office/manifest.xml") as r:
        root = ET.fromstring(r.read())
    urls = {el.get("id"): el.get("DefaultValue") for el in root.iter(f"{{{NS['bt']}}}Url")}
    assert urls["Trcalc.Script.Url"] == "http://127.0.0.1:9/office/functions.js"
    out = run(public_server, {"invocations": [["TR_CIF", [1, None, None]]]}, tmp_path)
    err = out["results"][0]["error"]
    assert err["code"] == "#N/A" and "ulaşılamadı" in err["message"] and "could not reach" in err["message"]


# --- the manifest ----------------------------------------------------------------------------------

@pytest.fixture
def client():
    from trcalc.server import create_app
    return create_app().test_client()


def test_manifest_is_offered_as_a_file_with_a_ribbon_button_for_the_key(client, monkeypatch):
    monkeypatch.setenv("TRCALC_PUBLIC_URL", "https://calc.example")     # the address users reach
    r = client.get("/office/trcalc-manifest.xml", base_url="https://calc.example")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == 'attachment; filename="trcalc-manifest.xml"'
    root = ET.fromstring(r.data)
    host = root.find(".//v:VersionOverrides/v:Hosts/v:Host", NS)
    runtime = host.find("v:Runtimes/v:Runtime", NS).get("resid")
    # shared runtime (Microsoft: "Configure your Office Add-in to use a shared runtime"): the custom
    # functions' page, the ribbon's FunctionFile and the task pane all use the runtime's resid
    assert host.find(".//v:ExtensionPoint/v:Page/v:SourceLocation", NS).get("resid") == runtime
    assert host.find("v:DesktopFormFactor/v:FunctionFile", NS).get("resid") == runtime
    action = host.find(".//v:Control/v:Action", NS)
    assert action.get(f"{{{NS['xsi']}}}type") == "ShowTaskpane"
    assert action.find("v:SourceLocation", NS).get("resid") == runtime
    urls = {el.get("id"): el.get("DefaultValue") for el in root.iter(f"{{{NS['bt']}}}Url")}
    assert urls[runtime] == "https://calc.example/office/functions.html"
    page = client.get("/office/functions.html", base_url="https://calc.example").text
    assert 'id="trcalc-key-form"' in page and 'id="trcalc-key"' in page and "/office/taskpane.js" in page


def test_functions_json_names_the_parameters_the_script_expects(client):
    import re
    meta = client.get("/office/functions.json").json
    js = client.get("/office/functions.js").text
    spec = {f["name"]: f["params"] for f in json.loads(re.search(r"var FUNCTIONS = (\[.*?\]);", js).group(1))}
    assert spec == {f["id"]: len(f["parameters"]) for f in meta["functions"]}
