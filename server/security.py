"""Who may use the server, and what a browser may do with its pages.

Keys. With TRCALC_API_KEYS set, every route but the health check, the API documents and the
Office add-in's files needs a key: scripts and the add-in send `X-API-Key`; a person in a
browser signs in once at `/giris` with a key, which sets a cookie holding not the key but an
HMAC of it (HttpOnly, SameSite=Strict, so no other site can send it), good for 30 days or until
the key is removed from TRCALC_API_KEYS; `/cikis` signs out.

Headers on every response (OWASP Secure Headers): `X-Content-Type-Options: nosniff`,
`Referrer-Policy: no-referrer` (calculator URLs carry the amounts typed), and a
Content-Security-Policy allowing only this server's own scripts. Its `frame-ancestors` is
'none' (no other site may frame the pages, against clickjacking) except for the Office add-in's
pages under /office/, which Office on the web shows in an iframe of its own page: those allow
the Office hosts (server.config.OFFICE_FRAME_ANCESTORS) and load office.js from Microsoft's CDN
(appsforoffice.microsoft.com, as Microsoft's add-in documentation requires).
"""
from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Response, current_app, redirect, render_template, request

from trcalc.calc.rules.store import book

bp = Blueprint("security", __name__)

COOKIE = "trcalc_oturum"
COOKIE_DAYS = 30
OPEN_PATHS = ("/healthz", "/giris", "/cikis", "/openapi.json", "/docs", "/favicon.ico")
OPEN_PREFIXES = ("/office/", "/static/", "/lite/", "/belgeler/")   # /lite/: public code and rules; /belgeler/: the docs

_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_OFFICE_CSP = ("default-src 'self'; script-src 'self' https://appsforoffice.microsoft.com; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' https:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self' {ancestors}")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _token(key: str) -> str:
    return hmac.new(_bytes(key), b"trcalc web sign-in", hashlib.sha256).hexdigest()


def key_ok(given: str | None, keys) -> bool:
    """Constant-time check of a key as sent (any text: a header may carry non-ASCII bytes)."""
    if not given:
        return False
    given_b = _bytes(given)
    return any(hmac.compare_digest(given_b, _bytes(k)) for k in keys)


def cookie_ok(keys) -> bool:
    token = request.cookies.get(COOKIE)
    if not token:
        return False
    return any(hmac.compare_digest(_bytes(token), _bytes(_token(k))) for k in keys)


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def authorized(keys) -> bool:
    return key_ok(request.headers.get("X-API-Key"), keys) or cookie_ok(keys)


def wants_page() -> bool:
    return request.method == "GET" and not request.path.startswith("/api/")


def security_headers(resp: Response, frame_ancestors) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    if request.path.startswith("/office/"):
        resp.headers["Content-Security-Policy"] = _OFFICE_CSP.format(ancestors=" ".join(frame_ancestors))
    else:
        resp.headers["Content-Security-Policy"] = _PAGE_CSP
        resp.headers["X-Frame-Options"] = "DENY"          # browsers without CSP frame-ancestors
    return resp


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never //host or a scheme) may follow the sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.get("/giris")
def sign_in_form():
    return render_template("giris.html", next=_safe_next(request.args.get("next")), failed=False,
                           version=book().version)


@bp.post("/giris")
def sign_in():
    keys = current_app.config["TRCALC"].api_keys
    target = _safe_next(request.form.get("next"))
    given = request.form.get("key", "").strip()
    if keys and not key_ok(given, keys):
        return render_template("giris.html", next=target, failed=True, version=book().version), 401
    resp = redirect(target, code=303)
    if keys:
        resp.set_cookie(COOKIE, _token(given), max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
    return resp


@bp.get("/cikis")
def sign_out():
    resp = redirect("/giris", code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp
