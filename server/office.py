"""Office.js custom functions: Excel on Mac and on the web reach the team server with no
Python on the desk.

    /office/manifest.xml      add-in manifest (sideload it, or deploy it from the admin centre)
    /office/functions.json    metadata generated from the registry: ids, Turkish help,
                              optional parameters, matrix dimensionality for the array forms
    /office/functions.js      queues invocations and sends them to /api/v1/batch, one request
                              per ~100 ms; errors become CustomFunctions.Error with the message
    /office/functions.html    the shared-runtime page that loads it (and keeps an API key)

Every parameter and result is a matrix: a single cell is a 1×1 matrix, a column gives the
array form (one batch for the whole column, a column back).  Office requires HTTPS: run
the server behind a TLS-terminating proxy in production.
"""
from __future__ import annotations

import struct
import zlib

from flask import Blueprint, Response, abort, render_template, request

from calc.registry import REGISTRY

from .api import json_response

bp = Blueprint("office", __name__, url_prefix="/office")

ADDIN_ID = "5d1f4a0e-7c7b-4b59-9a51-3f0b7c2e9a11"
NAMESPACE = "TRCALC"


def base_url() -> str:
    return request.url_root.rstrip("/")


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
    return {"functions": functions}


@bp.get("/functions.json")
def functions_json():
    return json_response(metadata())


@bp.get("/functions.js")
def functions_js():
    spec = [{"name": n, "result": REGISTRY[n].result} for n in sorted(REGISTRY)]
    body = render_template("functions.js", base=base_url(), functions=spec)
    return Response(body, mimetype="application/javascript")


@bp.get("/functions.html")
def functions_html():
    return render_template("functions.html")


@bp.get("/manifest.xml")
def manifest():
    body = render_template("manifest.xml", base=base_url(), id=ADDIN_ID, namespace=NAMESPACE)
    return Response(body, mimetype="application/xml")


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
