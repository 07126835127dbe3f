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


def test_the_stamp_cells_are_computed_by_the_server(server, tmp_path):
    """Issue 25.5: a template's stamp cells (=TRCALC.TR_STAMP("…")) in Office: the team server's rules
    version and trcalc version; each rate's bulletin is in its row's breakdown there."""
    from trcalc.calc import stamp
    out = run(server, {"key": KEY, "invocations": [["TR_STAMP", ["KURALLAR"]], ["TR_STAMP", ["BULTENLER"]],
                                                   ["TR_STAMP", ["TRCALC"]]]}, tmp_path)
    res = out["results"]
    assert res[0] == {"value": [[call("TR_RULES_VERSION").split(" (")[0]]]}
    assert res[1] == {"value": [[stamp.IN_A_CELL]]} and res[2] == {"value": [[stamp.version()]]}


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


def test_the_workbook_remembers_its_rules_version_and_warns_when_the_server_differs(server, tmp_path):
    """Issue 24.5: the version of the last computation is kept in the workbook's settings; another one
    from the server is a warning in the task pane (and TR_RULES_VERSION(son_hesap) in a cell)."""
    from trcalc.calc.rules.store import book
    now = book().version
    fresh = run(server, {"key": KEY, "invocations": [["TR_CIF", [100, 10, 5]]]}, tmp_path)
    assert fresh["settings"] == {"trcalc.rulesVersion": now} and fresh["settings_saves"] == 1
    assert fresh["rules"] == f"Kural sürümü / rules {now}"
    old = run(server, {"key": KEY, "settings": {"trcalc.rulesVersion": "2026.01.01+00000000"},
                       "invocations": [["TR_CIF", [100, 10, 5]], ["TR_RULES_VERSION", ["2026.01.01+00000000"]]]},
              tmp_path)
    assert old["rules"].startswith("UYARI:") and now in old["rules"] and "2026.01.01+00000000" in old["rules"]
    assert old["settings"] == {"trcalc.rulesVersion": now}           # computed again: now with the server's
    assert old["results"][1]["value"][0][0].startswith("UYARI:")
    same = run(server, {"key": KEY, "settings": {"trcalc.rulesVersion": now},
                        "invocations": [["TR_CIF", [100, 10, 5]]]}, tmp_path)
    assert same["rules"] == f"Kural sürümü / rules {now}" and same["settings_saves"] == 0


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


def test_rows_keep_their_orientation_row_errors_are_errors_and_detail_refuses_a_range(server, tmp_path):
    out = run(server, {"key": KEY, "invocations": [
        ["TR_CIF", [[[100, 200, "x"]], 0, 1]],                          # a 1×3 row
        ["TR_CIF", [[100, "x"], 0, 1]],                                  # a column with a bad row
        ["TR_TEV_DETAIL", [[100000, 50000], 10000, 5000, 1, 0.1, 30]],   # a _DETAIL over a range
    ]}, tmp_path)
    row, col, detail = out["results"]
    # 100 + 0 + 1, 200 + 0 + 1 across; the bad cell is a CustomFunctions.Error inside the matrix, so
    # SUM over the row or column is #VALUE! as in Excel
    assert row["value"][0][:2] == [101, 201] and len(row["value"]) == 1
    assert row["value"][0][2]["error"]["code"] == "#VALUE!"
    assert col["value"][0] == [101] and col["value"][1][0]["error"]["message"].startswith("esya_bedeli")
    from trcalc.calc import CalcError
    from trcalc.calc.excel import refuse_detail_range
    with pytest.raises(CalcError) as want:
        refuse_detail_range(REGISTRY["TR_TEV_DETAIL"])
    assert detail["error"]["cf"] and detail["error"]["message"] == want.value.message[:255]
    assert all(r["calls"] <= 2 for r in out["requests"])             # the refused call was never sent


# --- the metadata and the manifest against Microsoft's documented contract ---------------------------
# learn.microsoft.com/office/dev/add-ins/excel/custom-functions-json ("Manually create JSON metadata for
# custom functions": the properties of functions, options, parameters and result) and the rules of
# Microsoft's own metadata generator (npm custom-functions-metadata, Specification.md: an id of
# A-Z a-z 0-9 _ . at most 128 characters; a name starting with a letter, letters, digits, _ and .,
# at most 128).
_FUNCTION_KEYS = {"description", "helpUrl", "id", "name", "options", "parameters", "result"}
_OPTION_KEYS = {"cancelable", "capturesCallingObject", "excludeFromAutoComplete", "linkedEntityLoadService",
                "requiresAddress", "requiresParameterAddresses", "requiresStreamAddress",
                "requiresStreamParameterAddresses", "stream", "volatile"}
_PARAMETER_KEYS = {"description", "dimensionality", "name", "type", "cellValueType", "customEnumId", "optional",
                   "repeating"}
_TYPES = {"boolean", "number", "string", "any"}


def test_functions_json_follows_the_documented_metadata_contract(client):
    import re
    meta = client.get("/office/functions.json").json
    assert set(meta) <= {"$schema", "allowCustomDataForDataTypeAny", "allowErrorForDataTypeAny", "functions",
                         "enums"}
    ids = [f["id"] for f in meta["functions"]]
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(REGISTRY)
    for f in meta["functions"]:
        assert set(f) <= _FUNCTION_KEYS and {"id", "name", "parameters", "result"} <= set(f)
        assert re.fullmatch(r"[A-Za-z0-9_.]{1,128}", f["id"]) and re.fullmatch(r"[^\W\d_][\w.]{0,127}", f["name"])
        assert isinstance(f["description"], str) and len(f["description"]) <= 255
        assert set(f["result"]) <= {"dimensionality", "type"} and f["result"]["type"] in _TYPES
        assert f["result"]["dimensionality"] in ("scalar", "matrix")
        seen_optional = False
        for p in f["parameters"]:
            assert set(p) <= _PARAMETER_KEYS and p["type"] in _TYPES and p["dimensionality"] in ("scalar", "matrix")
            assert isinstance(p["optional"], bool) and re.fullmatch(r"[^\W\d]\w*", p["name"])
            assert not (seen_optional and not p["optional"]), (f["id"], p["name"])   # optional ones last
            seen_optional = seen_optional or p["optional"]
        options = f.get("options", {})
        assert set(options) <= _OPTION_KEYS and all(isinstance(v, bool) for v in options.values())
        # "volatile: the function recalculates each time Excel recalculates" — every result that follows
        # today (an empty date) and the rules version
        assert options.get("volatile", False) is REGISTRY[f["id"]].volatile, f["id"]
    assert REGISTRY["TR_RULES_VERSION"].volatile and not REGISTRY["TR_CIF"].volatile


# The requirement set each API the add-in's scripts use needs (Microsoft Learn: "Custom functions
# requirement sets" — CustomFunctions.Error, CustomFunctions.ErrorCode: CustomFunctionsRuntime 1.2;
# "Excel JavaScript API requirement sets" — NamedItemCollection.getItemOrNullObject: ExcelApi 1.4,
# Excel.run, NamedItem.getRange, Range.values: ExcelApi 1.1; "Shared runtime requirement sets" —
# OfficeRuntime.storage in the shared runtime: SharedRuntime 1.1).
_API_SETS = {"CustomFunctions.Error": ("CustomFunctionsRuntime", "1.2"),
             "CustomFunctions.ErrorCode": ("CustomFunctionsRuntime", "1.2"),
             "getItemOrNullObject": ("ExcelApi", "1.4"), "Excel.run": ("ExcelApi", "1.1"),
             "OfficeRuntime.storage": ("SharedRuntime", "1.1")}


def test_manifest_requirement_sets_cover_the_apis_the_scripts_use(client):
    root = ET.fromstring(client.get("/office/manifest.xml").data)
    declared = {s.get("Name"): s.get("MinVersion") for s in root.findall("o:Requirements/o:Sets/o:Set", NS)}
    scripts = client.get("/office/functions.js").text + client.get("/office/taskpane.js").text
    used = {api: need for api, need in _API_SETS.items() if api in scripts}
    assert {"CustomFunctions.Error", "getItemOrNullObject", "OfficeRuntime.storage"} <= set(used)
    for api, (name, version) in used.items():
        assert name in declared, api
        assert tuple(map(int, declared[name].split("."))) >= tuple(map(int, version.split("."))), api


def test_the_task_pane_policy_allows_what_office_js_loads(client):
    """office.js comes from Microsoft's CDN (the page's own script tag); its host scripts come from there
    too, and on Excel on the web it adds a hidden iframe from the CDN's origin (npm @microsoft/office-js,
    dist/excel-web-16.00.js: the host trust check); functions.js fetches this server."""
    import re
    r = client.get("/office/functions.html")
    policy = dict((d.split()[0], d.split()[1:]) for d in r.headers["Content-Security-Policy"].split("; "))
    cdn = {m.group(1) for m in re.finditer(r'<script src="(https://[^/"]+)/', r.text)}
    assert cdn == {"https://appsforoffice.microsoft.com"}
    for host in cdn:
        assert host in policy["script-src"] and host in policy["frame-src"]
    assert "'self'" in policy["connect-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_one_cell_formulas_of_a_burst_go_as_columns_and_keep_their_own_values_and_errors(server, tmp_path):
    """A recalculation of many one-cell formulas: the invocations of one function go to the server as one
    call in the column form; each cell gets exactly what its own call gives (value, date, or error)."""
    starts = [dt.date(2025, 3, 15) + dt.timedelta(days=7 * i) for i in range(40)]
    invocations = []
    for i in range(300):
        goods = "x" if i % 97 == 5 else 20.0 + i
        invocations.append(["TR_DUTY", [goods, 1.0, 0.0, "DE" if i % 2 else "CN", 0.2, "2025-03-01"]])
    invocations += [["EIHR_END", [to_serial(s)]] for s in starts]
    invocations += [["TR_CIF", [float(i), None, None]] for i in range(50)]
    invocations += [["TR_CIF", [float(i), 2.0, 3.0]] for i in range(50)]
    out = run(server, {"key": KEY, "invocations": invocations}, tmp_path)
    assert len(out["requests"]) == 1 and out["requests"][0]["calls"] <= 4      # 440 cells, 4 column calls
    for (name, args), got in zip(invocations, out["results"]):
        try:
            want = call(name, *args)
        except Exception as exc:                                      # a CalcError: this cell's #VALUE!
            assert got["error"]["cf"] and got["error"]["code"] == "#VALUE!", (name, args, got)
            assert got["error"]["message"] == exc.message[:255]
            continue
        if isinstance(want, dt.date):
            want = to_serial(want)
        assert got == {"value": [[float(want) if not isinstance(want, (bool, int)) else want]]}, (name, args, got)


def test_a_burst_longer_than_the_servers_batch_goes_in_slices(server, tmp_path):
    """A recalculation burst of more one-cell formulas of one function than the server takes in one batch
    (TRCALC_MAX_BATCH, 10,000 by default): the grouped column is sliced like any column of that function
    (a grouped burst of 40,000 was once sent whole and refused, 413, every cell #N/A)."""
    n = 10_050
    invocations = [["TR_CIF", [float(i), 2.0, 3.0]] for i in range(n)]
    out = run(server, {"key": KEY, "invocations": invocations}, tmp_path)
    assert [r["status"] for r in out["requests"]] == [200, 200]
    # by hand: CIF = goods + freight + insurance = i + 2 + 3
    assert [r["value"][0][0] for r in out["results"]] == [i + 5.0 for i in range(n)]


def test_functions_json_is_what_microsofts_generator_writes_for_the_same_functions(client, tmp_path):
    """Microsoft's own metadata generator (npm custom-functions-metadata, OfficeDev/Office-Addin-Scripts;
    its JSDoc tags: @customfunction id name, @param {any[][]} [optional], @returns, @volatile —
    learn.microsoft.com/office/dev/add-ins/excel/custom-functions-json-autogeneration) is given each
    function as a JSDoc-annotated stub written from our functions.json: it must accept every id, name
    and parameter (no errors) and write the same metadata."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the Office.js tests"
    subprocess.run(["bash", str(HERE / "office" / "setup.sh")], check=True, timeout=600)
    meta = client.get("/office/functions.json").json
    lines = []
    for f in meta["functions"]:
        lines += ["/**", f" * {f['description']}", f" * @customfunction {f['id']} {f['name']}"]
        if f.get("options", {}).get("volatile"):
            lines.append(" * @volatile")
        for p in f["parameters"]:
            name = f"[{p['name']}]" if p["optional"] else p["name"]
            lines.append(f" * @param {{any[][]}} {name} {p['description']}")
        lines += [" * @returns {any[][]} sonuç", " */",
                  f"function {f['id'].lower()}({', '.join(p['name'] for p in f['parameters'])}) {{ return [[0]]; }}", ""]
    script = tmp_path / "functions.js"
    script.write_text("\n".join(lines), encoding="utf-8")
    done = subprocess.run([node, str(HERE / "office" / "generate.js"), str(script)], capture_output=True, text=True,
                          timeout=120, cwd=HERE / "office")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["errors"] == []
    theirs = {f["id"]: f for f in json.loads(result["metadataJson"])["functions"]}

    def norm(f):            # the generator leaves out defaults: type "any", optional false, no options
        return {"id": f["id"], "name": f["name"], "description": f["description"],
                "options": {k: v for k, v in f.get("options", {}).items() if v},
                "result": {"dimensionality": f["result"]["dimensionality"], "type": f["result"].get("type", "any")},
                "parameters": [{"name": p["name"], "description": p["description"],
                                "dimensionality": p.get("dimensionality", "scalar"), "type": p.get("type", "any"),
                                "optional": p.get("optional", False)} for p in f["parameters"]]}
    assert sorted(theirs) == sorted(f["id"] for f in meta["functions"])
    for f in meta["functions"]:
        assert norm(theirs[f["id"]]) == norm(f), f["id"]


def test_only_row_by_row_functions_have_their_one_cell_calls_grouped(client):
    """functions.js sends the one-cell calls of a burst as one column-form call only where each row of
    the column form is the one-cell call: not a _DETAIL, not a function of a whole column."""
    import re
    js = client.get("/office/functions.js").text
    spec = {f["name"]: f for f in json.loads(re.search(r"var FUNCTIONS = (\[.*?\]);", js).group(1))}
    for name, fn in REGISTRY.items():
        whole_column = getattr(fn, "column", None) is not None
        assert spec[name]["groupable"] is (not fn.detail_of and not whole_column), name
    assert spec["TR_DUTY"]["groupable"] and not spec["TR_DUTY_DETAIL"]["groupable"]


def test_a_function_of_a_whole_column_is_never_sliced(server, tmp_path):
    """A running total (or a look-up with a table of its own length, TR_SUMBY…) computed slice by slice would
    restart in each slice: silently wrong. functions.js sends such a call whole (issue 23.1) — within the
    server's limits it is one request with every row right; past them the server's refusal, not a wrong total."""
    n = 4000
    groups, order = ["A" if i % 2 else "B" for i in range(n)], list(range(n))
    out = run(server, {"key": KEY, "invocations": [["TR_RUNNING_SUM", [groups, order, 1]]]}, tmp_path)
    assert len(out["requests"]) == 1
    col = out["results"][0]["value"]
    # by hand: row i is the (i // 2)-th row of its group (rows alternate B, A), so i // 2 rows come before it
    assert [row[0] for row in col] == [i // 2 for i in range(n)]
    # past the server's 10,000-call batch (TRCALC_MAX_BATCH) — the 10,000-line DİR's export table is 10,002
    # rows — a call that cannot be split counts against TRCALC_MAX_COLUMN_ROWS (100,000): still one request,
    # every row right (by hand: one group, amounts 1, so i rows come before row i); past that budget the
    # server refuses it (tests/test_hardening.py), never a total restarted per slice
    big = 12_000
    out = run(server, {"key": KEY, "invocations": [["TR_RUNNING_SUM", [["A"] * big, list(range(big)), 1]]]}, tmp_path)
    assert len(out["requests"]) == 1 and out["requests"][0]["status"] == 200
    assert [row[0] for row in out["results"][0]["value"]] == list(range(big))
