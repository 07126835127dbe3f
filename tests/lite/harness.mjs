// xlwings Lite's Python side in Node: npm's `pyodide` (core and standard library inside the
// package, nothing fetched), the real xlwings wheel unpacked into site-packages, main.py loaded and
// called by lite_driver.py as xlwings' Wasm runtime does (see that file). Each call's body is a JS
// object built from BODIES_JSON, so a null (an omitted argument, an empty cell) crosses into Python
// as Pyodide turns it, as in Excel.
// Prints one JSON line: {"meta": ..., "results": [...], "timings": {...}, "xlwings", "platform"}.
// Usage: node harness.mjs XLWINGS_WHEEL MAIN_PY BODIES_JSON [bench]
import { loadPyodide } from "pyodide";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [wheel, mainPy, bodiesFile, bench] = process.argv.slice(2);
const t0 = performance.now();
const py = await loadPyodide();
const tLoaded = performance.now();
py.unpackArchive(new Uint8Array(fs.readFileSync(wheel)), "wheel");
py.FS.mkdirTree("/home/pyodide/site");
py.FS.writeFile("/home/pyodide/site/lite_driver.py", fs.readFileSync(path.join(here, "lite_driver.py")));
py.runPython("import sys; sys.path.insert(0, '/home/pyodide/site')");
const driver = py.pyimport("lite_driver");
const tImport = performance.now();
const meta = JSON.parse(driver.load_main(fs.readFileSync(mainPy, "utf8")));
const tMain = performance.now();
const results = [];
for (const body of JSON.parse(fs.readFileSync(bodiesFile, "utf8"))) {
  results.push(JSON.parse(await driver.call(body)));
}
const timings = { pyodide_load_s: (tLoaded - t0) / 1000, xlwings_import_s: (tImport - tLoaded) / 1000,
                  main_import_s: (tMain - tImport) / 1000 };
if (bench === "bench") {
  const cell = (v) => [[v]];
  const one = { client: "Office.js", func_name: "TR_DUTY", version: driver.version(), runtime: "1.4",
                caller_address: "[Book1]Sheet1!A1", culture_info_name: "tr-TR", date_format: null,
                args: [cell(60), cell(10), cell(5), cell("DE"), cell(0.2), cell("2025-03-01"),
                       null, null, null, null, null, null, null, null] };
  const laps = [];
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    for (let i = 0; i < 200; i++) await driver.call(one);
    laps.push((performance.now() - t) / 200 * 1000);
  }
  laps.sort((a, b) => a - b);
  timings.tr_duty_us = laps[3];
  const col = Array.from({ length: 10000 }, (_, i) => [60 + (i % 50)]);
  const t = performance.now();
  await driver.call({ ...one, args: [col, ...one.args.slice(1)] });
  timings.column_10000_s = (performance.now() - t) / 1000;
  // xlwings' own cost of one call: a function of TR_DUTY's 14 parameters that does nothing
  const params = Array.from({ length: 14 }, (_, i) => `p${i}` + (i >= 4 ? "=None" : "")).join(", ");
  const decorators = Array.from({ length: 14 }, (_, i) => `@arg("p${i}", ndim=2)\n`).join("");
  driver.load_main(`from xlwings import arg, func\n\n@func\n${decorators}def TR_DUTY(${params}):\n    return 0\n`);
  const noop = [];
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    for (let i = 0; i < 200; i++) await driver.call(one);
    noop.push((performance.now() - t) / 200 * 1000);
  }
  noop.sort((a, b) => a - b);
  timings.xlwings_noop_us = noop[3];
  // the baseline: a TR_DUTY's bare Decimal arithmetic in the same Pyodide (bench/baselines.py bare_duty)
  timings.bare_duty_10000_s = py.runPython(`
import time
from decimal import ROUND_HALF_UP, Decimal
def _bare(goods, c=Decimal("0.01")):
    cif = Decimal(str(goods)) + Decimal("10.0") + Decimal("5.0")
    duty = (cif * Decimal("0.2")).quantize(c, ROUND_HALF_UP)
    return duty + ((cif + duty) * Decimal("0.2")).quantize(c, ROUND_HALF_UP)
laps = []
for _ in range(5):
    t = time.perf_counter()
    for i in range(10000):
        _bare(60.0 + i % 50)
    laps.append(time.perf_counter() - t)
sorted(laps)[2]`);
}
timings.cold_start_s = (tMain - t0) / 1000;
console.log(JSON.stringify({ meta, results, timings, xlwings: driver.version(),
                             platform: py.runPython("import sys; sys.platform") }));
