// A stand-in for Excel's custom-functions runtime, following Microsoft's documented contract, that loads
// the add-in from a live trcalc server and runs a scenario through it.
//
//   node office_harness.js BASE_URL SCENARIO.json
//
// SCENARIO: {"key": "typed in the task pane" | null, "overrides": [[name, value], ...] | null,
//            "invocations": [[FUNCTION, [arg, ...]], ...], "repeat": n}
// An arg is a scalar (one cell → [[v]]), a list (a column → [[v1], [v2], ...]), a list of lists (a range
// as is), or null (an omitted optional parameter). Prints JSON: what was registered, the HTTP requests,
// and each invocation's result (a matrix, with {"error": {code, message}} where Excel shows an error).
//
// The documented contract this stand-in follows (Microsoft Learn):
// - "Custom functions parameter options" (learn.microsoft.com/office/dev/add-ins/excel/
//   custom-functions-parameter-options): an omitted optional parameter is null; the Invocation object
//   (CustomFunctions.Invocation: functionName, address, parameterAddresses, isInValuePreview) is passed
//   as the last argument to every function, whether the function declares it or not.
// - "Custom functions metadata" / dimensionality "matrix": a range argument is a 2-D array, a single
//   cell a 1×1 matrix; a matrix result must be a 2-D array.
// - CustomFunctions.Error(code, message) with CustomFunctions.ErrorCode (invalidValue = "#VALUE!",
//   notAvailable = "#N/A", …) — "Handle and return errors from your custom function".
// - "Configure your Office Add-in to use a shared runtime": functions, task pane and ribbon run in one
//   page; OfficeRuntime.storage (getItem/setItem/removeItem, Promise-based) is the add-in's storage;
//   Excel.run(context => …) with workbook.names.getItemOrNullObject(name), isNullObject after
//   context.sync(), NamedItem.getRange(), range.load("values").
"use strict";
const fs = require("fs");
const vm = require("vm");

const BASE = process.argv[2];
const nodeFetch = globalThis.fetch;          // Node's own; the add-in's scripts get `loggingFetch`
const scenario = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));

class CFError {
  constructor(code, message) { this.code = code; this.message = message; }
}
const ErrorCode = {
  divisionByZero: "#DIV/0!", invalidName: "#NAME?", invalidNumber: "#NUM!", invalidReference: "#REF!",
  invalidValue: "#VALUE!", notAvailable: "#N/A", nullReference: "#NULL!",
};

// OfficeRuntime.storage: a persistent key/value store shared by the add-in's parts (async API).
const stored = new Map();
const OfficeRuntime = {
  storage: {
    getItem: async (k) => (stored.has(k) ? stored.get(k) : null),
    setItem: async (k, v) => { stored.set(k, String(v)); },
    removeItem: async (k) => { stored.delete(k); },
  },
};

// Excel.run over a workbook whose only defined name is TRCALC_OVERRIDES (when the scenario gives one).
const names = scenario.overrides ? { TRCALC_OVERRIDES: scenario.overrides } : {};
let excelRuns = 0;
const Excel = {
  run: async (batch) => {
    excelRuns++;
    const pending = [];
    const context = {
      workbook: {
        names: {
          getItemOrNullObject(name) {
            const item = { isNullObject: undefined };
            pending.push(() => { item.isNullObject = !(name in names); });
            item.getRange = () => {
              if (!(name in names)) throw new Error("InvalidObjectPath");
              const range = { load() { pending.push(() => { range.values = names[name]; }); } };
              return range;
            };
            return item;
          },
        },
      },
      sync: async () => { pending.splice(0).forEach((f) => f()); },
    };
    return batch(context);
  },
};

// A minimal document with the elements of the task pane page (found by id in the served HTML).
function makeDocument(html) {
  const elements = {};
  for (const m of html.matchAll(/<(\w+)[^>]*\sid="([^"]+)"/g)) {
    const listeners = {};
    elements[m[2]] = {
      tag: m[1], value: "", textContent: "",
      addEventListener: (type, fn) => { (listeners[type] = listeners[type] || []).push(fn); },
      dispatch: (type) => (listeners[type] || []).forEach((fn) => fn({ type, preventDefault() {} })),
    };
  }
  return { getElementById: (id) => elements[id] || null, elements };
}

// Office.context.document.settings: the workbook's add-in settings (get/set, then saveAsync persists them
// with the document) — "Persist add-in state and settings", Microsoft Learn. Starts from scenario.settings.
const docValues = Object.assign({}, scenario.settings || {});
let docSaves = 0;
const docSettings = {
  get: (name) => (name in docValues ? docValues[name] : null),
  set: (name, value) => { docValues[name] = value; },
  saveAsync: (cb) => { docSaves++; if (cb) cb({ status: "succeeded" }); },
};

const requests = [];
async function loggingFetch(url, opts) {
  const resp = await nodeFetch(url, opts);
  // what was sent is read after the rounds (`described`): Excel does not parse the add-in's requests, so
  // the harness does not either while the rounds are timed
  requests.push({ url, key: opts.headers["X-API-Key"] || null, body: opts.body, status: resp.status });
  return resp;
}

function described(r) {
  const body = JSON.parse(r.body);
  const rows = body.calls.reduce((n, c) => n + (c.array ? Math.max(1, ...c.args.filter(Array.isArray).map((a) => a.length)) : 1), 0);
  return { url: r.url, key: r.key, calls: body.calls.length, rows, bytes: r.body.length, overrides: body.overrides || null,
           per_call_overrides: body.calls.some((c) => c.overrides), status: r.status };
}

function toMatrix(arg) {
  if (arg === null || arg === undefined) return null;
  if (!Array.isArray(arg)) return [[arg]];
  if (arg.every(Array.isArray)) return arg;
  return arg.map((v) => [v]);
}

function show(result) {
  if (!Array.isArray(result) || !result.every(Array.isArray)) return { notMatrix: result };
  return result.map((row) => row.map((v) => (v instanceof CFError ? { error: { code: v.code, message: v.message } } : v)));
}

async function main() {
  const get = async (path) => {
    const r = await nodeFetch(BASE + path);
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.text();
  };
  const metadata = JSON.parse(await get("/office/functions.json"));
  const page = await get("/office/functions.html");
  const scripts = [...page.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
  const document = makeDocument(page);
  const registered = {};
  // The page's globals, on this script's own global object: the shared runtime runs the page's scripts in
  // the page's global scope, and a contextified vm sandbox would slow every global look-up of the
  // add-in's code about tenfold (V8's interceptors), which Excel's runtime does not.
  Object.assign(globalThis, {
    CustomFunctions: { associate: (id, fn) => { registered[id] = fn; }, Error: CFError, ErrorCode },
    OfficeRuntime, Excel,
    Office: { onReady: (cb) => Promise.resolve().then(() => cb({ host: "Excel" })),
              context: { document: { settings: docSettings } } },
    document, fetch: loggingFetch,
  });
  globalThis.window = globalThis;
  // the page's own scripts, in its order (office.js itself is Microsoft's: this file stands in for it)
  for (const src of scripts) {
    if (src.includes("appsforoffice.microsoft.com")) continue;
    const path = new URL(src, BASE + "/office/").pathname;
    vm.runInThisContext(await get(path), { filename: path });
  }
  await new Promise((r) => setTimeout(r, 0));        // Office.onReady

  // the user opens the task pane from the ribbon and types the key into the add-in's own form
  if (scenario.key !== undefined && scenario.key !== null) {
    const form = document.getElementById("trcalc-key-form");
    const input = document.getElementById("trcalc-key");
    if (!form || !input) throw new Error("the task pane has no key form");
    input.value = scenario.key;
    form.dispatch("submit");
    await new Promise((r) => setTimeout(r, 0));
  }
  const status = document.getElementById("trcalc-status");

  const byId = Object.fromEntries(metadata.functions.map((f) => [f.id, f]));
  const timings = [];
  let out = null;
  for (let round = 0; round < (scenario.repeat || 1); round++) {
    const started = Date.now();
    const calls = scenario.invocations.map(([id, args], n) => {
      const meta = byId[id];
      if (!meta || !registered[id]) throw new Error(`${id} is not registered`);
      const params = meta.parameters.map((p, i) => {
        const given = i < args.length ? toMatrix(args[i]) : null;
        if (given === null && !p.optional) throw new Error(`${id}: ${p.name} is required`);
        return given;                                         // null: an omitted optional parameter
      });
      const invocation = { functionName: id, address: `Sayfa1!A${n + 1}`, isInValuePreview: false };
      return Promise.resolve().then(() => registered[id](...params, invocation));
    });
    const settled = await Promise.allSettled(calls);
    timings.push(Date.now() - started);
    out = settled.map((r) => (r.status === "fulfilled" ? { value: show(r.value) }
      : { error: { code: r.reason && r.reason.code, message: r.reason && r.reason.message, cf: r.reason instanceof CFError } }));
  }
  process.stdout.write(JSON.stringify({
    registered: Object.keys(registered).sort(), stored_key: stored.get("trcalc_api_key") || null,
    status: status ? status.textContent : null, excel_runs: excelRuns, requests: requests.map(described), timings, results: out,
    settings: docValues, settings_saves: docSaves,
    rules: document.getElementById("trcalc-rules") ? document.getElementById("trcalc-rules").textContent : null,
  }));
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
