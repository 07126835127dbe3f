"""trcalc for xlwings Lite, served by the team server (see lite/build.py).

    /lite/main.py                       the main.py to paste into xlwings Lite (carries the code)
    /lite/wheel/main.py                 the main.py that takes the code from the wheel below
    /lite/requirements.txt              the lines for xlwings Lite's requirements.txt (xlwings pinned, the wheel)
    /lite/trcalc_lite-VERSION-py3-none-any.whl

The wheel is fetched by Pyodide's package installer from inside the xlwings Lite add-in,
whose origin is not this server's: it is served with `Access-Control-Allow-Origin: *`
(lite.xlwings.org, "Limitations": web requests need CORS).  It holds only the public
calculation code and rules, so it needs no API key.  Built once per process from the
rules this server runs with, so Lite computes with the team's rules.
"""
from __future__ import annotations

import functools

from flask import Blueprint, Response, abort

bp = Blueprint("lite", __name__, url_prefix="/lite")


@functools.cache
def _files() -> dict[str, tuple[bytes, str]]:
    from trcalc.lite import build
    return {
        "main.py": (build.main_source(embed=True).encode(), "text/x-python; charset=utf-8"),
        "wheel/main.py": (build.main_source(embed=False).encode(), "text/x-python; charset=utf-8"),
        build.wheel_name(): (build.wheel(), "application/zip"),
    }


@bp.get("/<path:name>")
def file(name: str):
    if name == "requirements.txt":
        from trcalc.lite.build import XLWINGS_PIN, wheel_name
        from .office import base_url
        body = f"xlwings=={XLWINGS_PIN}\n{base_url()}/lite/{wheel_name()}\n".encode()
        mime = "text/plain; charset=utf-8"
    elif name in _files():
        body, mime = _files()[name]
    else:
        abort(404)
    resp = Response(body, mimetype=mime)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    if name.endswith(".py"):
        resp.headers["Content-Disposition"] = "attachment; filename=main.py"
    return resp
