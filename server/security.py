"""Who may use the server, and what a browser may do with its pages.

Keys. With TRCALC_API_KEYS set or a key made by `trcalc keys add` (server.keys), every route but
the health check, the API documents and the Office add-in's files needs a key: scripts and the
add-in send `X-API-Key`; a person in a browser signs in once at `/giris` with a key, which sets a
cookie holding not the key but an HMAC (HttpOnly, SameSite=Strict, so no other site can send it),
good for 30 days or until the key is revoked; `/cikis` signs out. The cookie's value is its issue
time and an HMAC of that time under a secret derived from the key (server.keys.cookie_token), so it
expires on the server too (a copied cookie is good for 30 days at most). Wrong keys are throttled per
client address: after MAX_FAILURES in a minute the address gets 429 with Retry-After until the minute
is over (issue 22.8: 807 guesses a second were answered). After sign-in only a path on this server is
followed (no `//host`, no scheme, no tab, CR or LF, which browsers drop: `/%09/evil.example` is
`//evil.example` to them).

Headers on every response (OWASP Secure Headers): `X-Content-Type-Options: nosniff`,
`Referrer-Policy: no-referrer` (calculator URLs carry the amounts typed), HSTS on a request that
came over TLS (RFC 6797: a browser ignores it over plain HTTP), and a
Content-Security-Policy allowing only this server's own scripts. Its `frame-ancestors` is
'none' (no other site may frame the pages, against clickjacking) except for the Office add-in's
pages under /office/, which Office on the web shows in an iframe of its own page: those allow
the Office hosts (server.config.OFFICE_FRAME_ANCESTORS) and load office.js from Microsoft's CDN
(appsforoffice.microsoft.com, as Microsoft's add-in documentation requires).
"""
from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, redirect, render_template, request

from trcalc.calc.rules.store import book

from .keys import cookie_token

bp = Blueprint("security", __name__)

COOKIE = "trcalc_oturum"
COOKIE_DAYS = 30
OPEN_PATHS = ("/healthz", "/giris", "/cikis", "/openapi.json", "/docs", "/favicon.ico")
OPEN_PREFIXES = ("/office/", "/static/", "/lite/", "/belgeler/")   # /lite/: public code and rules; /belgeler/: the docs

_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# What office.js needs (read from Microsoft's own build, npm @microsoft/office-js dist/): its host
# scripts from the CDN (script-src); on Excel on the web a hidden iframe from the CDN's origin for the
# host trust check (excel-web-16.00.js: document.createElement("iframe"), origin officejsCDNHost), so
# frame-src; XMLHttpRequest/fetch (connect-src). Its one `new Function` sits in a try/catch with a
# fallback, so no 'unsafe-eval'.
OFFICE_JS_HOST = "https://appsforoffice.microsoft.com"
_OFFICE_CSP = ("default-src 'self'; script-src 'self' " + OFFICE_JS_HOST + "; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' https:; "
               "frame-src 'self' " + OFFICE_JS_HOST + "; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self' {ancestors}")


_token = cookie_token          # a key's sign-in cookie (server.keys.cookie_token: issue time and an HMAC)


def ring():
    """The keys this worker accepts (server.keys.KeyRing, made by create_app)."""
    return current_app.extensions["trcalc_keys"]


MAX_FAILURES = 10              # wrong keys per client address per minute, then 429


def _recent() -> dict[str, list[float]]:
    """Wrong keys by client address, per app (per worker process; each app its own)."""
    return current_app.extensions.setdefault("trcalc_key_failures", {})


def throttled() -> float:
    """Seconds this client must wait before trying a key again (0: it may try)."""
    now = time.monotonic()
    times = [t for t in _recent().get(request.remote_addr or "", ()) if t > now - 60]
    return 60 - (now - times[0]) if len(times) >= MAX_FAILURES else 0.0


def failed() -> None:
    """Count a wrong key from this client (a short list per address, the map cleared past 10,000)."""
    _failures = _recent()
    if len(_failures) > 10_000:
        _failures.clear()
    now = time.monotonic()
    addr = request.remote_addr or ""
    _failures[addr] = [t for t in _failures.get(addr, ()) if t > now - 60][-MAX_FAILURES:] + [now]


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def authorized() -> str | None:
    """The name of the key this request carries (header or sign-in cookie), or None."""
    r, headers = ring(), request.headers
    name = r.name_of(headers.get("X-API-Key"))
    if name is None and "Cookie" in headers:         # parse cookies only when some were sent
        name = r.name_of_cookie(request.cookies.get(COOKIE))
    return name


def wants_page() -> bool:
    return request.method == "GET" and not request.path.startswith("/api/")


def security_headers(resp: Response, frame_ancestors) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    if request.is_secure:                 # over TLS (or X-Forwarded-Proto https behind a trusted proxy)
        resp.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.path.startswith("/office/"):
        resp.headers["Content-Security-Policy"] = _OFFICE_CSP.format(ancestors=" ".join(frame_ancestors))
    else:
        resp.headers["Content-Security-Policy"] = _PAGE_CSP
        resp.headers["X-Frame-Options"] = "DENY"          # browsers without CSP frame-ancestors
    return resp


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never //host or a scheme) may follow the sign-in. Control characters
    and spaces are refused outright: browsers remove tab, CR and LF from a URL (WHATWG URL standard), so
    `/\t/evil.example` would be `//evil.example` to them, and CR/LF cannot go in a Location header."""
    if not target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.get("/giris")
def sign_in_form():
    return render_template("giris.html", next=_safe_next(request.args.get("next")), failed=False,
                           version=book().version)


@bp.post("/giris")
def sign_in():
    target = _safe_next(request.form.get("next"))
    given = request.form.get("key", "").strip()
    required = ring().required()
    wait = throttled() if required else 0
    if wait:
        return too_many(wait)
    if required and not ring().name_of(given):
        failed()
        return render_template("giris.html", next=target, failed=True, version=book().version), 401
    resp = redirect(target, code=303)
    if required:
        # the cookie: its issue time and an HMAC, so it expires on the server too (server.keys)
        resp.set_cookie(COOKIE, cookie_token(given), max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
    return resp


def too_many(wait: float):
    from .api import error_body, json_response
    resp = json_response(error_body("too_many_attempts",
                                    f"çok fazla yanlış anahtar denemesi; {int(wait) + 1} saniye sonra yeniden deneyin — "
                                    f"too many wrong keys; try again in {int(wait) + 1} s"), 429)
    resp.headers["Retry-After"] = str(int(wait) + 1)
    return resp


@bp.get("/cikis")
def sign_out():
    resp = redirect("/giris", code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp
