// Runs the server's /office/functions.js in Node with a stub of the CustomFunctions runtime,
// invokes several functions in the same tick and prints what happened as JSON.
// Usage: node office_harness.js functions.js '<json list of [name, args]>'
"use strict";
const fs = require("fs");
const vm = require("vm");

const code = fs.readFileSync(process.argv[2], "utf8");
const invocations = JSON.parse(process.argv[3]);
const registered = {};
const requests = [];

class CFError {
  constructor(code, message) { this.code = code; this.message = message; this.isCustomFunctionsError = true; }
}

const sandbox = {
  CustomFunctions: {
    associate: (name, fn) => { registered[name] = fn; },
    Error: CFError,
    ErrorCode: { invalidValue: "#VALUE!" },
  },
  fetch: (url, opts) => {
    requests.push({ url, headers: opts.headers, calls: JSON.parse(opts.body).calls.length });
    return fetch(url, opts);
  },
  localStorage: { getItem: (k) => (k === "trcalc_api_key" ? process.env.TRCALC_API_KEY || null : null) },
  setTimeout, console, Promise, JSON, Array, Math, String,
};
vm.createContext(sandbox);
vm.runInContext(code, sandbox);

const started = invocations.map(([name, args]) => registered[name](...args));
Promise.allSettled(started).then((results) => {
  const out = results.map((r) => (r.status === "fulfilled"
    ? { value: r.value }
    : { error: { code: r.reason.code, message: r.reason.message, cf: r.reason instanceof CFError } }));
  process.stdout.write(JSON.stringify({ registered: Object.keys(registered).sort(), requests, results: out }));
});
