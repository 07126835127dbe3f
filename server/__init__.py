"""The trcalc team server: one rules version for Excel on Mac/web, scripts and colleagues.

    from trcalc.server import create_app
    app = create_app()            # settings from TRCALC_* (see server.config)

Blueprints: `api` (JSON), `office` (Office.js custom functions), `web` (Turkish
calculator pages), `docs` (OpenAPI document and page), `security` (sign-in with a
key).  Stateless: scale out by running more instances.  Limits: server.limits;
keys and security headers: server.security.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

from flask import Flask, g, redirect, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from . import accesslog, limits, security
from .config import Settings
from .keys import KeyRing

log = logging.getLogger("trcalc.server")

_MESSAGES = {
    401: ("API anahtarı eksik ya da geçersiz (X-API-Key)", "missing or invalid API key (X-API-Key)", "unauthorized"),
    404: ("bulunamadı", "not found", "not_found"),
    405: ("bu yöntem desteklenmiyor", "method not allowed", "method_not_allowed"),
}
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class _App(Flask):
    def dispatch_request(self):
        # The time limit covers the view only: the body has been read already (before_request),
        # so a slow client spends none of it.
        # Outbound TCMB fetches are counted per request too (TRCALC_TCMB_MAX_PER_REQUEST, calc.tcmb).
        from trcalc.calc.tcmb import request_budget
        with limits.time_limit(self.config["TRCALC"].request_seconds), request_budget():
            return super().dispatch_request()


def create_app(settings: Settings | None = None) -> Flask:
    from trcalc.calc.rules.check import require_valid
    from trcalc.calc.rules.store import book
    from . import api, belgeler, beyanname, docs, fx_api, lite, office, web

    settings = settings or Settings.from_env()
    require_valid()                          # refuse to start on rules that fail `trcalc rules check`
    limits.CEILING_MIB = settings.max_worker_mib
    app = _App(__name__)
    app.config["TRCALC"] = settings
    app.extensions["trcalc_keys"] = KeyRing(settings.api_keys, settings.database_url or None,
                                            settings.keys_refresh_seconds)
    accesslog.configure(settings.access_log)
    _database_ready(settings)
    if settings.trusted_proxies:
        # X-Forwarded-For/-Proto/-Host/-Port are believed from that many proxies only (the nearest
        # ones); with 0 they are ignored, so a client cannot forge its address or the scheme.
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    app.config["MAX_CONTENT_LENGTH"] = max(settings.max_request_bytes, settings.max_workbook_bytes)
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_workbook_bytes
    app.json.ensure_ascii = False

    @app.before_request
    def _keys_and_body():
        accesslog.start()
        if request.method not in _BODY_METHODS:
            limits.done_reading()            # nothing more to read: not a connection still sending
        name = security.authorized()
        g.trcalc_key = name
        if not name and request.method != "OPTIONS" and not security.is_open(request.path) \
                and app.extensions["trcalc_keys"].required():
            wait = security.throttled()
            if wait:
                return security.too_many(wait)
            if request.headers.get("X-API-Key"):        # a wrong key (not a missing one) counts
                security.failed()
            if security.wants_page():
                return redirect("/giris?next=" + quote(request.full_path.rstrip("?"), safe="/"), code=303)
            return _error(401)
        if request.method in _BODY_METHODS:
            workbook = request.path == "/api/v1/workbook"
            request.max_content_length = settings.max_workbook_bytes if workbook else settings.max_request_bytes
            if request.content_length and request.content_length > request.max_content_length:
                raise RequestEntityTooLarge()
            # Read the whole body now, against the limit (also when it comes chunked, with no length),
            # within the read deadline and the worker's body buffer, before the view and its time limit.
            limits.read_body(request, request.max_content_length, settings.read_seconds,
                             settings.max_body_buffer_mib * 1024 * 1024)
        return None

    @app.teardown_request
    def _release(exc):
        limits.release_body(request.environ)

    @app.after_request
    def _headers(resp):
        resp.headers["X-Trcalc-Rules-Version"] = book().version
        security.security_headers(resp, settings.frame_ancestors)
        origin = request.headers.get("Origin")
        allowed = settings.cors_origins
        if origin and request.path.startswith("/api/") and ("*" in allowed or origin in allowed):
            resp.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type, X-API-Key"
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Expose-Headers"] = "X-Trcalc-Rules-Version, X-Trcalc-Errors"
            resp.headers["Vary"] = "Origin"
        accesslog.write(resp, book().version)
        return resp

    @app.errorhandler(api.ApiError)
    def _api_error(exc: api.ApiError):
        return api.json_response(api.error_body(exc.code, exc.message, exc.argument), exc.status)

    @app.errorhandler(limits.Refused)
    def _refused(exc: limits.Refused):
        resp = api.json_response(api.error_body(exc.code, exc.message, exc.setting), exc.status)
        if exc.status in (408, 503):
            resp.headers["Connection"] = "close"
            if exc.status == 503:
                resp.headers["Retry-After"] = "5"
        return resp

    @app.errorhandler(MemoryError)
    def _memory(exc: MemoryError):
        return _refused(limits.memory_refusal())

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        workbook = request.path == "/api/v1/workbook"
        size, setting = ((settings.max_workbook_bytes, "TRCALC_MAX_WORKBOOK_BYTES") if workbook
                         else (settings.max_request_bytes, "TRCALC_MAX_REQUEST_BYTES"))
        return _refused(limits.too_large(f"istek gövdesi {size} bayt sınırını aşıyor",
                                         f"the request body is over the limit of {size} bytes", setting))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 404 and not request.path.startswith(("/api/", "/office/", "/lite/")):
            return web.not_found_page()           # a person's page answers with a page, not JSON
        resp = _error(exc.code or 500)
        for name, value in exc.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                resp.headers[name] = value         # e.g. Allow on 405, as RFC 9110 §15.5.6 requires
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return api.json_response(api.error_body(
            "internal", "beklenmeyen sunucu hatası; kayıtlara bakın — unexpected server error; see the logs"), 500)

    @app.get("/healthz")
    def healthz():
        from trcalc.calc.registry import REGISTRY
        return api.json_response({"status": "ok", "rules_version": book().version, "functions": len(REGISTRY),
                                  "fx_sync": _sync_status(settings, brief=True)})

    @app.get("/admin/status")
    def admin_status():
        """For the team lead: the database, the keys (names only), the rate store and its sync."""
        import os
        import socket
        from trcalc.calc import db
        ring = app.extensions["trcalc_keys"]
        try:
            from .keys import listing
            keys, keys_error = listing(settings.database_url or None), None
        except db.Error as exc:
            keys, keys_error = [], str(exc).splitlines()[0][:200]
        return api.json_response({
            "rules_version": book().version, "instance": f"{socket.gethostname()}:{os.getpid()}",
            "database": db.shown(settings.database_url or db.url()), "key_used": g.get("trcalc_key"),
            "keys": keys, "keys_error": keys_error or ring.error, "env_keys": len(settings.api_keys),
            "fx_sync": _sync_status(settings, brief=False)})

    app.register_blueprint(api.bp)
    app.register_blueprint(fx_api.bp)
    app.register_blueprint(office.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(beyanname.bp)
    app.register_blueprint(security.bp)
    app.register_blueprint(lite.bp)
    app.register_blueprint(belgeler.bp)
    return app


def _database_ready(settings) -> None:
    """Make (or migrate) the database once, here — with gunicorn's preload, in the master before the
    workers fork — so no request pays for it. A database that is down now is tried again on first use."""
    from trcalc.calc import db
    try:
        db.engine(settings.database_url or None)
    except db.Error as exc:
        log.error("trcalc: the database is not reachable yet (%s); trying again on first use",
                  str(exc).splitlines()[0][:200])


def _sync_status(settings, brief: bool) -> dict:
    """The rate store's last sync (and, unless brief, the store and the last attempt)."""
    import json
    from trcalc.calc import db
    from trcalc.calc.fxstore import Store
    from trcalc.calc.fxsync import LAST_ATTEMPT
    try:
        store = Store(url=settings.database_url or None)
        last = store.last_sync() or {}
        out = {"last_success": last.get("at"), "through": last.get("through"), "autosync": settings.fx_autosync}
        if not brief:
            raw = db.get_meta(LAST_ATTEMPT, store.url)
            out["last_attempt"] = json.loads(raw) if raw else None
            out["store"] = store.summary()
        return out
    except db.Error as exc:
        return {"error": str(exc).splitlines()[0][:200]}


def _error(status: int):
    from .api import error_body, json_response
    tr, en, code = _MESSAGES.get(status, ("istek işlenemedi", "request failed", "http_error"))
    return json_response(error_body(code, f"{tr} — {en}"), status)
