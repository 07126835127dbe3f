"""Named API keys, kept in the installation's database (calc.db), managed without a restart.

    trcalc keys add ali        prints a new key once: give it to Ali; only its hash is stored
    trcalc keys list           names, when made, when revoked (never a key)
    trcalc keys revoke ali     refused by every worker of every instance within TRCALC_KEYS_REFRESH_SECONDS

Stored hashed: the database holds SHA-256 of each key, never the key, and the secret its browser
sign-in cookies are made with (an HMAC of the key: it cannot be turned back into the key, but it
lets whoever reads the database make such cookies — keep the database as private as the keys). A slow, salted password hash (scrypt, Argon2) protects a *guessable* secret; these keys
are 32 random bytes from `secrets` (256 bits), so no guess list exists and a plain SHA-256 is
already out of reach of any search (NIST SP 800-63B §5.1.1.2 asks for a slow hash for memorised
secrets, not for random tokens). A fast hash also lets a worker find the key of a request with one
dictionary look-up instead of one slow hash per stored key, on every request.

Every worker keeps the table in memory and reads it again every TRCALC_KEYS_REFRESH_SECONDS
(default 5), so `revoke` needs no restart. Keys in TRCALC_API_KEYS keep working beside them, named
`env:` + the first 8 hex digits of their hash. Once the table holds a key (even revoked), a key is
required: revoking the last one never opens the server. When the database cannot be read, the
last table read stays in force (and with none read yet, only the TRCALC_API_KEYS keys are
accepted): failing closed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import time

from sqlalchemy import text

from trcalc.calc import db

log = logging.getLogger("trcalc.server")

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
PREFIX = "trc_"


class KeyError_(ValueError):
    def __init__(self, tr: str, en: str):
        super().__init__(f"{tr} — {en}")


def _bytes(text_: str) -> bytes:
    return text_.encode("utf-8", "surrogateescape")


def key_hash(key: str) -> str:
    return hashlib.sha256(_bytes(key)).hexdigest()


COOKIE_DAYS = 30


def cookie_secret(key: str) -> str:
    """The secret a key's sign-in cookies are made with: derived from the key, not the key (the
    database keeps it, so a server can check a cookie; it cannot be turned back into the key)."""
    return hmac.new(_bytes(key), b"trcalc cookie secret", hashlib.sha256).hexdigest()


def _mac(secret: str, issued: int) -> str:
    return hmac.new(secret.encode("ascii"), b"trcalc web sign-in %d" % issued, hashlib.sha256).hexdigest()


def cookie_token(key: str, issued: int | None = None) -> str:
    """What the sign-in cookie holds: its issue time and an HMAC of that time under the key's cookie
    secret — never the key; it expires on the server after COOKIE_DAYS (issue 22.8)."""
    issued = int(time.time()) if issued is None else issued
    return f"{issued}.{_mac(cookie_secret(key), issued)}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def add(name: str, url: str | None = None) -> str:
    """A new key for `name`; returned once, stored only as hashes."""
    name = name.strip()
    if not NAME.match(name):
        raise KeyError_(f"anahtar adı harf/rakamla başlamalı, en çok 64 karakter (harf, rakam, . _ @ -): {name!r}",
                        f"a key name starts with a letter or digit, at most 64 characters (letters, digits, . _ @ -): "
                        f"{name!r}")
    key = PREFIX + secrets.token_urlsafe(32)
    with db.write(url) as conn:
        row = conn.execute(text("SELECT revoked_at FROM api_key WHERE name = :n"), {"n": name}).fetchone()
        if row is not None and row[0] is None:
            raise KeyError_(f"{name!r} adlı etkin bir anahtar zaten var; önce `trcalc keys revoke {name}`",
                            f"an active key named {name!r} exists; first `trcalc keys revoke {name}`")
        conn.execute(text("DELETE FROM api_key WHERE name = :n"), {"n": name})
        conn.execute(text("INSERT INTO api_key (name, key_hash, cookie_secret, created_at) VALUES (:n, :k, :c, :t)"),
                     {"n": name, "k": key_hash(key), "c": cookie_secret(key), "t": _now()})
    return key


def revoke(name: str, url: str | None = None) -> bool:
    with db.write(url) as conn:
        n = conn.execute(text("UPDATE api_key SET revoked_at = :t WHERE name = :n AND revoked_at IS NULL"),
                         {"t": _now(), "n": name.strip()}).rowcount
    return n > 0


def listing(url: str | None = None) -> list[dict]:
    with db.read(url) as conn:
        return [{"name": n, "created_at": c, "revoked_at": r} for n, c, r in
                conn.execute(text("SELECT name, created_at, revoked_at FROM api_key ORDER BY name"))]


class KeyRing:
    """The keys one worker accepts: TRCALC_API_KEYS and the database's, re-read every `refresh` seconds."""

    def __init__(self, env_keys=(), url: str | None = None, refresh: float = 5.0):
        self.url = url
        self.refresh = refresh
        self._env = {key_hash(k): "env:" + key_hash(k)[:8] for k in env_keys}
        self._env_cookies = [(cookie_secret(k), "env:" + key_hash(k)[:8]) for k in env_keys]
        self._keys: dict[str, str] = {}
        self._cookies: list[tuple[str, str]] = []
        self._any_in_db = False
        self._loaded = False
        self._next = 0.0
        self._lock = db.ProcessLock()          # not an OS lock in a gevent worker
        self.error: str | None = None

    def _load(self) -> None:
        if time.monotonic() < self._next:
            return
        with self._lock:
            if time.monotonic() < self._next:
                return
            try:
                with db.read(self.url) as conn:
                    rows = conn.execute(text("SELECT name, key_hash, cookie_secret, revoked_at FROM api_key")).fetchall()
            except db.Error as exc:
                if self.error is None:
                    log.error("trcalc: API keys cannot be read from the database (%s); keeping the last ones read",
                              exc.__class__.__name__)
                self.error = str(exc).splitlines()[0][:200]
                self._any_in_db = self._any_in_db or not self._loaded     # never read: fail closed
                self._next = time.monotonic() + min(self.refresh, 1.0)
                return
            self.error = None
            self._keys = {h: n for n, h, _c, r in rows if r is None}
            self._cookies = [(c, n) for n, _h, c, r in rows if r is None]
            self._any_in_db = bool(rows)
            self._loaded = True
            self._next = time.monotonic() + self.refresh

    def required(self) -> bool:
        self._load()
        return bool(self._env) or self._any_in_db

    def name_of(self, given: str | None) -> str | None:
        """The name of a key as sent, or None. A dictionary look-up by SHA-256: the time it takes
        depends on the hash, which tells nothing about a 256-bit random key."""
        if not given:
            return None
        self._load()
        h = key_hash(given)
        return self._env.get(h) or self._keys.get(h)

    def name_of_cookie(self, token: str | None) -> str | None:
        """The name of the key a sign-in cookie was made with, if it is younger than COOKIE_DAYS."""
        if not token or "." not in token:
            return None
        issued_text, mac = token.split(".", 1)
        if not (issued_text.isascii() and issued_text.isdigit() and len(issued_text) <= 12):
            return None
        issued = int(issued_text)
        if not 0 <= time.time() - issued <= COOKIE_DAYS * 86400:
            return None
        self._load()
        given = _bytes(mac)
        for secret, name in self._env_cookies + self._cookies:       # one HMAC per active key
            if hmac.compare_digest(given, _mac(secret, issued).encode("ascii")):
                return name
        return None
