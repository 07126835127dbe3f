"""Calls main.py's functions the way xlwings Lite does, with the real xlwings package.

Followed from xlwings' own code (cited in tests/test_lite.py):
- xlwings-server `xlwings_server/wasm/config.py`: XLWINGS_ON_SERVER=true before importing
  xlwings, so `from xlwings import func, arg` are the Office.js decorators;
- `xlwings_server/wasm/wasm_runtime.py`: main.py is executed into a module named "main"
  (`create_module_from_string`), its metadata comes from `xlwings.server.custom_functions_meta`,
  and a call is `xlwings.server.custom_functions_call(data.to_py(), module)`, an exception
  being returned as {"error": str(e)};
- `static/js/custom-functions/custom-functions-code.js`: the body (client "Office.js",
  func_name, every declared parameter as Excel passed it, runtime "1.4" where the custom
  functions runtime 1.4 is supported); an {"error"} answer is thrown as
  CustomFunctions.Error(invalidValue, message).

Runs in Pyodide (tests/lite/harness.mjs passes each body as a JS object, so JS null
becomes what Pyodide makes of it) and in CPython (the same bodies from JSON, null as None).
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")     # as xlwings Lite (free, noncommercial use)

import xlwings  # noqa: E402
import xlwings.server  # noqa: E402

MAIN = None


def load_main(source: str):
    global MAIN
    spec = importlib.util.spec_from_loader("main", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(source, module.__dict__)
    sys.modules["main"] = module
    MAIN = module
    return json.dumps(xlwings.server.custom_functions_meta(module))


async def call(data) -> str:
    if hasattr(data, "to_py"):
        data = data.to_py()
    try:
        result = await xlwings.server.custom_functions_call(data, module=MAIN)
    except Exception as exc:             # what Excel shows: an error value with this message
        return json.dumps({"error": str(exc), "type": type(exc).__name__})
    return json.dumps({"value": result})


def version() -> str:
    return xlwings.__version__


def main_cpython(main_py: str, bodies_json: str) -> None:
    """CPython: the same calls; prints one JSON line like the harness."""
    import asyncio
    meta = json.loads(load_main(open(main_py, encoding="utf-8").read()))
    bodies = json.load(open(bodies_json, encoding="utf-8"))
    results = [json.loads(asyncio.run(call(b))) for b in bodies]
    print(json.dumps({"meta": meta, "results": results, "xlwings": version(), "platform": sys.platform}))


if __name__ == "__main__":
    main_cpython(sys.argv[1], sys.argv[2])
