"""A stand-in for the `xlwings` module as xlwings Lite provides it, for tests without Excel.

It follows xlwings Lite's documented contract for custom functions
(https://lite.xlwings.org/custom_functions and xlwings 0.37's docstrings of
`func`, `arg`, `ret` in xlwings/pro/udfs_officejs.py, which Lite runs):

- `@func` or `@func(name=…, namespace=…, volatile=…, cache=…, help_url=…)` registers a
  function; its Excel id is the upper-cased Python name, its name is
  "NAMESPACE.NAME" with a namespace and "NAME" without; the docstring is the
  description.
- `@arg(name, convert=None, doc=…, ndim=…)` must name a parameter of the function
  (xlwings raises otherwise); `@ret(...)` configures the result.
- A parameter with a default is optional; keyword-only parameters are refused.
- A call passes a single cell as a scalar, an empty cell or an omitted optional
  argument as None (then the parameter's default is used), a 1-D range as a list and a
  2-D range as a list of lists.
"""
from __future__ import annotations

import inspect

REGISTERED: dict[str, dict] = {}


class XlwingsError(Exception):
    pass


def _meta(f) -> dict:
    if not hasattr(f, "__xlfunc__"):
        sig = inspect.signature(f)
        params = []
        for p in sig.parameters.values():
            if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                raise XlwingsError("xlwings does not support UDFs with keyword arguments")
            params.append({"name": p.name, "optional": p.default is not p.empty,
                           "default": None if p.default is p.empty else p.default, "doc": ""})
        f.__xlfunc__ = {"name": f.__name__, "args": params, "ret": {"options": {}},
                        "namespace": None, "excel_name": None}
    return f.__xlfunc__


def func(f=None, *, name=None, namespace=None, volatile=False, cache=False, help_url=None, **_classic):
    def inner(f):
        xl = _meta(f)
        xl["namespace"] = namespace
        xl["excel_name"] = name
        xl["description"] = inspect.getdoc(f) or ""
        fid = f.__name__.upper()
        if fid in REGISTERED:
            raise XlwingsError(f"Duplicate custom function name: '{fid}'")
        display = name or fid
        REGISTERED[fid] = {"id": fid, "name": f"{namespace.upper()}.{display}" if namespace else display,
                           "function": f, "meta": xl}
        return f
    return inner if f is None else inner(f)


def arg(name, convert=None, **options):
    def inner(f):
        xl = _meta(f)
        match = [a for a in xl["args"] if a["name"] == name]
        if not match:
            raise XlwingsError(f"the function has no argument '{name}'")
        match[0]["doc"] = options.get("doc", "")
        match[0]["options"] = {"convert": convert, **options}
        return f
    return inner


def ret(convert=None, **options):
    def inner(f):
        _meta(f)["ret"] = {"options": {"convert": convert, **options}}
        return f
    return inner


def call(function_id: str, args: list):
    """Call a registered function as xlwings Lite does: None takes the parameter's default."""
    entry = REGISTERED[function_id]
    params = entry["meta"]["args"]
    values = [p["default"] if a is None else a for p, a in zip(params, args)]
    return entry["function"](*values)
