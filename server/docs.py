"""The OpenAPI 3.1 document (`/openapi.json`), generated from the pydantic models and
the registry, and a plain docs page (`/docs`) rendered from it — no CDN needed."""
from __future__ import annotations

from flask import Blueprint, render_template
from pydantic.json_schema import models_json_schema

from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book

from . import models as m
from .api import json_response
from .fx_api import FxResponse

bp = Blueprint("docs", __name__)

ERR = "#/components/schemas/ErrorResponse"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _errors(*codes: int) -> dict:
    words = {400: "bad input (the message names the argument)", 401: "missing or bad API key",
             404: "unknown function (/api/v1/fx: no stored rate and TCMB unreachable; the message names the "
                  "command to run)",
             413: "over a size budget (the message names the limit and its TRCALC_ setting)",
             422: "over the time limit (TRCALC_REQUEST_SECONDS)", 500: "unexpected error (no traceback)"}
    return {str(c): _json(ERR, words[c]) for c in codes}


def _page(summary: str, mime: str = "text/html") -> dict:
    return {"get": {"summary": summary, "tags": ["pages"],
                    "responses": {"200": {"description": "OK", "content": {mime: {"schema": {"type": "string"}}}}}}}


def openapi() -> dict:
    _, defs = models_json_schema(
        [(model, "validation") for model in (m.CallRequest, m.BatchRequest)]
        + [(model, "serialization") for model in (m.CallResponse, m.BatchResponse, m.ErrorResponse,
                                                  m.FunctionsResponse, m.RulesResponse, m.HealthResponse,
                                                  FxResponse)],
        ref_template="#/components/schemas/{model}")
    ref = "#/components/schemas/"
    names = sorted(REGISTRY)
    secured = [{"ApiKey": []}, {}]
    paths = {
        "/api/v1/call/{name}": {"post": {
            "summary": "Compute one function as an Excel cell would", "tags": ["api"], "security": secured,
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": names}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": ref + "CallRequest"}}}},
            "responses": {"200": _json(ref + "CallResponse", "the cell value"), **_errors(400, 401, 404, 413, 422, 500)}}},
        "/api/v1/batch": {"post": {
            "summary": "Compute many calls in one request; results in the same order", "tags": ["api"],
            "security": secured,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": ref + "BatchRequest"}}}},
            "responses": {"200": _json(ref + "BatchResponse", "one result or error per call"),
                          **_errors(400, 401, 413, 422, 500)}}},
        "/api/v1/functions": {"get": {
            "summary": "The function registry with Turkish and English help", "tags": ["api"], "security": secured,
            "responses": {"200": _json(ref + "FunctionsResponse", "every function"), **_errors(401, 500)}}},
        "/api/v1/rules": {"get": {
            "summary": "Rule parameters in force on a date, with source and confidence", "tags": ["api"],
            "security": secured,
            "parameters": [{"name": "date", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": "2026-11-24 or 24.11.2026 (default today)"}],
            "responses": {"200": _json(ref + "RulesResponse", "parameters in force"), **_errors(400, 401, 500)}}},
        "/api/v1/fx": FxResponse.openapi(ref, _errors(400, 401, 404, 500)),
        "/api/v1/workbook": {"post": {
            "summary": "Upload a filled template, get it back computed", "tags": ["api"], "security": secured,
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "parameters": [{"name": "report", "in": "query", "required": False,
                            "description": "json: the report and the file (base64) in one JSON answer (the upload page)",
                            "schema": {"type": "string", "enum": ["json"]}}],
            "responses": {"200": {"description": "the computed workbook (values in place of formulas); "
                                                 "X-Trcalc-Errors counts the cells in error; with report=json, "
                                                 "{filename, mimetype, formulas, file, errors: [{sheet, cell, message}]}",
                                  "content": {XLSX: {"schema": {"type": "string", "format": "binary"}},
                                              "application/json": {"schema": {"type": "object"}}}},
                          **_errors(400, 401, 413, 422, 500)}}},
        "/healthz": {"get": {"summary": "Health and rules version", "tags": ["ops"],
                             "responses": {"200": _json(ref + "HealthResponse", "up")}}},
        "/admin/status": {"get": {"summary": "For the team lead: database, key names, rate store and its sync",
                                  "tags": ["ops"], "security": secured,
                                  "responses": {"200": {"description": "status", "content": {
                                      "application/json": {"schema": {"type": "object"}}}}, **_errors(401)}}},
        "/openapi.json": {"get": {"summary": "This document", "tags": ["docs"],
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/docs": _page("API documentation page"),
        "/office/manifest.xml": _page("Office add-in manifest (custom functions)", "application/xml"),
        "/office/functions.json": {"get": {"summary": "Custom functions metadata, from the registry",
                                           "tags": ["office"],
                                           "responses": {"200": {"description": "OK", "content": {
                                               "application/json": {"schema": {"type": "object"}}}}}}},
        "/office/functions.js": _page("Custom functions script (batches calls to /api/v1/batch)",
                                      "application/javascript"),
        "/office/functions.html": _page("Shared runtime page of the Office add-in (also its task pane: the API key form)"),
        "/office/taskpane.js": _page("Task pane script: stores the API key in the add-in's storage",
                                     "application/javascript"),
        "/office/trcalc-manifest.xml": _page("The add-in manifest as a file download (for Upload My Add-in)",
                                             "application/xml"),
        "/office/templates": _page("The templates in the Office add-in flavour: one link each"),
        "/office/templates/{kind}.xlsx": {"get": {
            "summary": "A template in the Office add-in flavour (its formulas call TRCALC.<function>)",
            "tags": ["office"],
            "parameters": [{"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the workbook", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {
                    "type": "string", "format": "binary"}}}}, "404": {"description": "no such template"}}}},
        "/office/icon-{size}.png": {"get": {
            "summary": "Add-in icon", "tags": ["office"],
            "parameters": [{"name": "size", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["16", "32", "64", "80"]}}],
            "responses": {"200": {"description": "PNG", "content": {"image/png": {"schema": {
                "type": "string", "format": "binary"}}}}, "404": {"description": "no such size"}}}},
        "/lite/{name}": {"get": {
            "summary": "xlwings Lite: main.py, wheel/main.py, requirements.txt or the trcalc_lite wheel (CORS: *)",
            "tags": ["lite"],
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the file", "content": {
                "text/x-python": {"schema": {"type": "string"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                "404": {"description": "no such file"}}}},
        "/belgeler/": _page("The documentation (docs/ rendered): the start page"),
        "/belgeler/{path}": {"get": {
            "summary": "A documentation page, at its mkdocs directory URL (kurulum/, sunucu/ayarlar/)",
            "tags": ["pages"],
            "parameters": [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}},
                          "301": {"description": "to the page's URL with its closing slash"},
                          "404": {"description": "no such page"}}}},
        "/": _page("Web calculator: index of the calculator pages"),
        "/giris": {
            **_page("Sign-in form (when the server sets TRCALC_API_KEYS)"),
            "post": {"summary": "Sign in with an API key: sets an HttpOnly cookie for the pages", "tags": ["pages"],
                     "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                         "type": "object", "required": ["key"],
                         "properties": {"key": {"type": "string"}, "next": {"type": "string"}}}}}},
                     "responses": {"303": {"description": "signed in; on to `next`"},
                                   "401": {"description": "invalid key (the form again)"}}}},
        "/cikis": {"get": {"summary": "Sign out (clears the cookie)", "tags": ["pages"],
                           "responses": {"303": {"description": "signed out; to /giris"}}}},
        "/yukle": _page("Web page: upload a filled template, see its progress and the cells in error"),
        "/sablon/{kind}.xlsx": {"get": {
            "summary": "A blank template workbook to fill in (ithalat_vergi, ithalat_beyanname, dir_tev, eihracat_destek)",
            "tags": ["pages"],
            "parameters": [{"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the .xlsx file"}, "404": {"description": "no such template"}}}},
        "/beyanname": _page("Web page: a commercial import declaration with several lines, totals and stamp duty"),
        "/durum": _page("Web page for the administrator: rules version, rate store and the last TCMB outages in full"),
        "/hesap/{name}": {"get": {
            "summary": "Web calculator page of one main function (form, result, breakdown)", "tags": ["pages"],
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {
                "type": "string", "enum": sorted(n for n, f in REGISTRY.items() if f"{n}_DETAIL" in REGISTRY)}}],
            "responses": {"200": {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}},
                          "404": {"description": "no page for that function"}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "trcalc", "version": book().version,
                 "description": "Turkish trade-tax formulas: the same functions as the Excel add-in. "
                                "Errors are in Turkish, then English. Every response carries the rules version "
                                "(body field `rules_version` and header X-Trcalc-Rules-Version)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": defs["$defs"],
                       "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                                      "description": "only when the server sets TRCALC_API_KEYS"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    return json_response(openapi())


@bp.get("/docs")
def docs_page():
    doc = openapi()
    routes = [(method.upper(), path, op.get("summary", "")) for path, ops in doc["paths"].items()
              for method, op in ops.items()]
    return render_template("docs.html", routes=routes, version=doc["info"]["version"],
                           functions=[REGISTRY[n] for n in sorted(REGISTRY)])
