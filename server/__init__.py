"""The trcalc team server: one rules version for Excel on Mac/web, scripts and colleagues.

    from server import create_app
    app = create_app()            # settings from TRCALC_* (see server.config)

Blueprints: `api` (JSON), `office` (Office.js custom functions), `web` (Turkish
calculator pages), `docs` (OpenAPI document and page).  Stateless: scale out
by running more instances.
"""
from __future__ import annotations

import hmac
import logging

from flask import Flask, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .config import Settings

log = logging.getLogger("trcalc.server")

_MESSAGES = {
    401: ("API anahtarı eksik ya da geçersiz (X-API-Key)", "missing or invalid API key (X-API-Key)", "unauthorized"),
    404: ("bulunamadı", "not found", "not_found"),
    405: ("bu yöntem desteklenmiyor", "method not allowed", "method_not_allowed"),
    413: ("istek çok büyük", "request too large", "too_large"),
}


def create_app(settings: Settings | None = None) -> Flask:
    from calc.rules.check import require_valid
    from calc.rules.store import book
    from . import api, docs, fx_api, lite, office, web

    settings = settings or Settings.from_env()
    require_valid()                          # refuse to start on rules that fail `trcalc rules check`
    app = Flask(__name__)
    app.config["TRCALC"] = settings
    app.config["MAX_CONTENT_LENGTH"] = max(settings.max_request_bytes, settings.max_workbook_bytes)
    app.json.ensure_ascii = False

    @app.before_request
    def _limits_and_keys():
        if not request.path.startswith("/api/"):
            return None
        request.max_content_length = (settings.max_workbook_bytes if request.path == "/api/v1/workbook"
                                      else settings.max_request_bytes)
        if request.content_length and request.content_length > request.max_content_length:
            raise RequestEntityTooLarge()
        if settings.api_keys and request.method != "OPTIONS":
            given = request.headers.get("X-API-Key", "")
            if not any(hmac.compare_digest(given, k) for k in settings.api_keys):
                return _error(401)
        return None

    @app.after_request
    def _headers(resp):
        resp.headers["X-Trcalc-Rules-Version"] = book().version
        origin = request.headers.get("Origin")
        allowed = settings.cors_origins
        if origin and request.path.startswith("/api/") and ("*" in allowed or origin in allowed):
            resp.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type, X-API-Key"
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Expose-Headers"] = "X-Trcalc-Rules-Version, X-Trcalc-Errors"
            resp.headers["Vary"] = "Origin"
        return resp

    @app.errorhandler(api.ApiError)
    def _api_error(exc: api.ApiError):
        return api.json_response(api.error_body(exc.code, exc.message, exc.argument), exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 404 and not request.path.startswith(("/api/", "/office/", "/lite/")):
            return web.not_found_page()           # a person's page answers with a page, not JSON
        return _error(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return api.json_response(api.error_body(
            "internal", "beklenmeyen sunucu hatası; kayıtlara bakın — unexpected server error; see the logs"), 500)

    @app.get("/healthz")
    def healthz():
        from calc.registry import REGISTRY
        return api.json_response({"status": "ok", "rules_version": book().version, "functions": len(REGISTRY)})

    app.register_blueprint(api.bp)
    app.register_blueprint(fx_api.bp)
    app.register_blueprint(office.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(lite.bp)
    return app


def _error(status: int):
    from .api import error_body, json_response
    tr, en, code = _MESSAGES.get(status, ("istek işlenemedi", "request failed", "http_error"))
    return json_response(error_body(code, f"{tr} — {en}"), status)
