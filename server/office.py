"""Office.js custom functions: Excel on Mac and on the web reach the team server with no
Python on the desk.

    /office/manifest.xml      add-in manifest (sideload it, or deploy it from the admin centre)
    /office/functions.json    metadata generated from the registry: ids, Turkish help,
                              optional parameters, matrix dimensionality for the array forms
    /office/functions.js      queues invocations and sends them to /api/v1/batch, one request
                              per ~100 ms; errors become CustomFunctions.Error with the message
    /office/functions.html    the shared-runtime page: loads functions.js and taskpane.js and is the task
                              pane the ribbon button (Home → trcalc → API key) opens, with the key form
    /office/taskpane.js       the key form: stores the key in the add-in's storage
    /office/trcalc-manifest.xml  the manifest as a file download, for "Upload My Add-in"
    /office/templates         the templates in the Office flavour (TRCALC.TR_TEV…), one link each

Every parameter and result is a matrix: a single cell is a 1×1 matrix, a column gives the
array form (the batch API's column form, split within the server's limits, a column back).
Office requires HTTPS: run the server behind a TLS-terminating proxy in production and set
TRCALC_PUBLIC_URL to the address users reach (the manifest's URLs are built from it; without
it, from the request, which behind a proxy that sends no X-Forwarded-Proto is `http`).
"""
from __future__ import annotations

import os
import struct
import tempfile
import uuid
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request

from trcalc.calc.registry import REGISTRY

from .api import json_response

bp = Blueprint("office", __name__, url_prefix="/office")

ADDIN_ID = "5d1f4a0e-7c7b-4b59-9a51-3f0b7c2e9a11"      # the namespace of the per-server ids (below)
NAMESPACE = "TRCALC"


def addin_id(base: str) -> str:
    """The manifest's <Id> for the server at `base`: a name-based UUID (RFC 9562 §5.5, uuid5) of its
    public URL, so a team's test and production servers give two add-ins Office keeps apart, and one
    server always gives the same one (an update, not a second add-in)."""
    return str(uuid.uuid5(uuid.UUID(ADDIN_ID), base.rstrip("/").lower()))


def display_name(base: str) -> str:
    """"trcalc (host)": the add-in list tells test from production (DisplayName: at most 125 characters)."""
    host = urlsplit(base).hostname or base
    return f"trcalc ({host})"[:125]


def base_url() -> str:
    """TRCALC_PUBLIC_URL when set (e.g. https://trcalc.example.com). Without it, the request's own root
    only when the request names this machine (a loopback address, localhost or TRCALC_HOST: the
    development set-up), else the address the server listens on — never a Host header a client chose,
    which would put its server into the manifest and pages served (issue 22.8)."""
    from .config import host, port
    public = os.environ.get("TRCALC_PUBLIC_URL", "").strip()
    if public:
        return public.rstrip("/")
    name = (request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host).strip("[]").lower()
    if name in ("127.0.0.1", "localhost", "::1", host().lower()):
        return request.url_root.rstrip("/")
    bind = host()
    return f"http://{'[' + bind + ']' if ':' in bind else bind}:{port()}"


# Requirement sets for the APIs the add-in's scripts use (Microsoft Learn, "Custom functions requirement
# sets", "Excel JavaScript API requirement sets", "Shared runtime requirement sets"):
# CustomFunctions.Error / ErrorCode — CustomFunctionsRuntime 1.2; a shared runtime (functions, task pane
# and ribbon on one page, OfficeRuntime.storage there) — SharedRuntime 1.1; Excel.run with
# NamedItemCollection.getItemOrNullObject — ExcelApi 1.4 (NamedItem.getRange, Range.values: 1.1).
REQUIREMENTS = (("CustomFunctionsRuntime", "1.2"), ("SharedRuntime", "1.1"), ("ExcelApi", "1.4"))


@bp.context_processor
def _requirement_sets() -> dict:
    """The manifest's <Requirements> (manifest.xml) from REQUIREMENTS."""
    return {"requirements": REQUIREMENTS}


def metadata() -> dict:
    functions = []
    for name in sorted(REGISTRY):
        fn = REGISTRY[name]
        functions.append({
            "id": name,
            "name": name,
            "description": fn.summary_tr[:255],
            "result": {"type": "any", "dimensionality": "matrix"},
            "parameters": [{"name": a.excel, "description": a.doc_tr[:255], "type": "any",
                            "dimensionality": "matrix", "optional": a.optional} for a in fn.args],
        })
        if fn.volatile:         # a result that follows today, or the rules version (issue 23.4)
            functions[-1]["options"] = {"volatile": True}
    return {"functions": functions}


@bp.get("/functions.json")
def functions_json():
    return json_response(metadata())


def _range_refused(fn) -> str | None:
    """The message a range gets where the function refuses one (a `_DETAIL`), as every host says it."""
    from trcalc.calc.errors import CalcError
    from trcalc.calc.excel import refuse_detail_range
    try:
        refuse_detail_range(fn)
    except CalcError as exc:
        return exc.message
    return None


def _groupable(fn) -> bool:
    """Whether one-cell calls of `fn` may travel together as one call in the column form: each row of
    the column form must be the one-cell call on that row's values. Not so for a `_DETAIL` (a table a
    row) nor for a function of a whole column, whose rows depend on each other (a running total)."""
    return not fn.detail_of and getattr(fn, "column", None) is None


@bp.get("/functions.js")
def functions_js():
    spec = [{"name": n, "params": len(REGISTRY[n].args), "result": REGISTRY[n].result,
             "range_refused": _range_refused(REGISTRY[n]), "groupable": _groupable(REGISTRY[n])}
            for n in sorted(REGISTRY)]
    settings = current_app.config["TRCALC"]
    body = render_template("functions.js", base=base_url(), functions=spec, max_rows=settings.max_batch,
                           max_bytes=settings.max_request_bytes)
    return Response(body, mimetype="application/javascript")


@bp.get("/taskpane.js")
def taskpane_js():
    return Response(render_template("taskpane.js"), mimetype="application/javascript")


@bp.get("/functions.html")
def functions_html():
    return render_template("functions.html", base=base_url())


def _manifest() -> str:
    base = base_url()
    return render_template("manifest.xml", base=base, id=addin_id(base), name=display_name(base), namespace=NAMESPACE)


@bp.get("/manifest.xml")
def manifest():
    return Response(_manifest(), mimetype="application/xml")


@bp.get("/trcalc-manifest.xml")
def manifest_download():
    """The same manifest as a file: Excel's "Upload My Add-in" asks for a file, not a URL."""
    resp = Response(_manifest(), mimetype="application/xml")
    resp.headers["Content-Disposition"] = 'attachment; filename="trcalc-manifest.xml"'
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/templates")
def office_templates():
    from trcalc.templates.build import KINDS
    return render_template("office_templates.html", kinds=list(KINDS), base=base_url())


@bp.get("/templates/<kind>.xlsx")
def office_template(kind: str):
    """A template in the Office flavour: the file `trcalc templates` built, or built now."""
    from trcalc.templates.build import KINDS, ROWS
    from trcalc.templates.common import save
    from trcalc.templates.office import OFFICE, office_path
    if kind not in KINDS:
        abort(404)
    path = office_path(kind)
    if path.is_file():
        data = path.read_bytes()
    else:                                   # an installation without the built files
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / f"{kind}.xlsx"
            save(KINDS[kind].build(ROWS.get(kind, 200), OFFICE), built)
            data = built.read_bytes()
    resp = Response(data, mimetype=XLSX)
    resp.headers["Content-Disposition"] = f'attachment; filename="{kind}_office.xlsx"'
    return resp


def _png(size: int) -> bytes:
    """A plain square icon (the brand colour), made here so the add-in needs no image files."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes((0x1F, 0x4E, 0x78)) * size
    raw = zlib.compress(row * size)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


@bp.get("/icon-<size>.png")
def icon(size: str):
    if size not in ("16", "32", "64", "80"):
        abort(404)
    return Response(_png(int(size)), mimetype="image/png")
