// Loads what `trcalc lite` wrote into Pyodide (npm package `pyodide`: its core and standard
// library ship inside the package, so nothing is fetched), imports main.py under the
// xlwings stand-in, and runs the calls in CASES.json: [{"function": id, "args": [...]}, ...].
// Prints one JSON line: {"registered": {...}, "results": [...], "timings": {...}}.
// Usage: node harness.mjs MAIN_PY CASES_JSON [BENCH]
import { loadPyodide } from "pyodide";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [mainPy, casesFile, bench] = process.argv.slice(2);
const t0 = performance.now();
const py = await loadPyodide();
const tLoaded = performance.now();
py.FS.mkdirTree("/home/pyodide/site");
py.FS.writeFile("/home/pyodide/site/xlwings.py", fs.readFileSync(path.join(here, "xlwings_standin.py")));
py.FS.writeFile("/home/pyodide/site/main.py", fs.readFileSync(mainPy));
py.FS.writeFile("/home/pyodide/cases.json", fs.readFileSync(casesFile));
py.globals.set("BENCH", bench === "bench");
const out = py.runPython(`
import sys, json, time, datetime
sys.path.insert(0, "/home/pyodide/site")
t = time.perf_counter()
import xlwings, main
import_s = time.perf_counter() - t

def plain(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return {"date": v.isoformat()[:10]}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v

results = []
for case in json.load(open("/home/pyodide/cases.json")):
    try:
        results.append({"value": plain(xlwings.call(case["function"], case["args"]))})
    except Exception as exc:
        results.append({"error": str(exc), "type": type(exc).__name__})

timings = {"import_s": import_s}
if BENCH:
    n, laps = 500, []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(n):
            xlwings.call("TR_DUTY", [60, 10, 5, "DE", 0.2, "2025-03-01", None, None])
        laps.append((time.perf_counter() - t) / n * 1e6)
    timings["tr_duty_us"] = sorted(laps)[len(laps) // 2]
    col = [60.0 + (i % 50) for i in range(10000)]
    t = time.perf_counter()
    xlwings.call("TR_DUTY", [col, 10, 5, "DE", 0.2, "2025-03-01", None, None])
    timings["column_10000_s"] = time.perf_counter() - t
registered = {k: {"name": v["name"], "params": [a["name"] for a in v["meta"]["args"]],
                  "optional": [a["optional"] for a in v["meta"]["args"]],
                  "docs": [a["doc"] for a in v["meta"]["args"]], "description": v["meta"]["description"]}
              for k, v in xlwings.REGISTERED.items()}
json.dumps({"registered": registered, "results": results, "timings": timings,
            "python": sys.version.split()[0], "platform": sys.platform})
`);
const doc = JSON.parse(out);
doc.timings.pyodide_load_s = (tLoaded - t0) / 1000;
doc.timings.cold_start_s = (performance.now() - t0) / 1000;
console.log(JSON.stringify(doc));
