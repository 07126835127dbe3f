"""Random requests to every route of a live server on 127.0.0.1 (the app of server.create_app)."""
from __future__ import annotations

import datetime as dt
import glob
import http.client
import logging
import json
import random
import re
import threading
import time
import traceback
import urllib.parse
import uuid
from decimal import Decimal
from pathlib import Path

from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book

from .report import Findings
from .values import TEXTS, args_for, overrides, value

ROOT = Path(__file__).resolve().parent.parent


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v) if not v.is_finite() else float(v) if random.random() < 0.5 else str(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:
        return _jsonable(v.item())
    return str(v)


SERVER_ERRORS: list[str] = []     # tracebacks of the exceptions behind 500s, newest last


class _Capture(logging.Handler):
    """Keeps the traceback the server logs with each 500 (`log.exception` in server/__init__.py)."""

    def emit(self, record):
        if record.exc_info:
            SERVER_ERRORS.append("".join(traceback.format_exception(*record.exc_info)))


def start_server():
    """The app on a free loopback port, served by werkzeug's threaded server in a daemon thread."""
    from werkzeug.serving import make_server

    from trcalc.server import create_app
    server_log = logging.getLogger("trcalc.server")
    server_log.addHandler(_Capture())
    server_log.setLevel(logging.ERROR)
    server_log.propagate = False
    app = create_app()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, httpd.server_port


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = None

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.putrequest(method, path, skip_accept_encoding=True)
                for k, v in headers.items():
                    self.conn.putheader(k, v)
                if body is not None:
                    self.conn.putheader("Content-Length", str(len(body)))
                self.conn.endheaders(body)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status, data
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _workbooks() -> list[bytes]:
    files = sorted(glob.glob(str(ROOT / "templates" / "examples" / "*.xlsx")))
    return [Path(f).read_bytes() for f in files]


def _multipart(rng: random.Random, payloads: list[bytes]) -> tuple[bytes, str]:
    boundary = uuid.UUID(int=rng.getrandbits(128)).hex
    data = rng.choice(payloads) if payloads and rng.random() < 0.7 else rng.randbytes(rng.randint(0, 3000))
    if payloads and rng.random() < 0.3:                  # a real workbook with a few bytes flipped
        data = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    field = rng.choice(["file", "file", "workbook", ""])
    filename = rng.choice(["in.xlsx", "x.xlsm", "../../x.xlsx", "ş.xlsx", "", "a\r\nb.xlsx"])
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode("utf-8", "surrogateescape") + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _path(rule, rng: random.Random) -> str:
    names = sorted(REGISTRY)

    def fill(m):
        var = m.group(2)
        if var == "name":
            return urllib.parse.quote(rng.choice(names + [n.lower() for n in names[:3]] +
                                                 ["NOPE", "x" * 300, "../x", "main.py", "requirements.txt"]))
        if var == "size":
            return rng.choice(["16", "32", "80", "0", "x", "-1", "9" * 30])
        # a lone surrogate cannot be UTF-8: send its bytes as they are (still a hostile path)
        return urllib.parse.quote(rng.choice(TEXTS)[:100].encode("utf-8", "surrogatepass"), safe="")
    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>", fill, rule.rule)


def _call_body(rng: random.Random, params: list[str]) -> dict:
    fn = REGISTRY[rng.choice(sorted(REGISTRY))]
    body: dict = {"args": _jsonable(args_for(fn, rng))}
    if rng.random() < 0.2:
        body["date"] = _jsonable(value("date", rng))
    ov = overrides(rng, params)
    if ov is not None:
        body["overrides"] = _jsonable(ov)
    if rng.random() < 0.05:
        body[rng.choice(["date_format", "array", "x", "function"])] = _jsonable(rng.choice(TEXTS + [True, 1, None]))
    return body, fn.name


def _body(path: str, rng: random.Random, params: list[str], workbooks: list[bytes]):
    """(body bytes, content type) fitting the route most of the time, junk some of the time."""
    r = rng.random()
    if r < 0.05:
        return rng.randbytes(rng.randint(0, 200)), rng.choice(["application/json", "text/plain", ""])
    if r < 0.10:
        return rng.choice([b"{", b"[]", b"null", b"{\"args\": 5}", b"{\"calls\": {}}", "{\"args\":[\"\udcff\"]}".encode(
            "utf-8", "surrogatepass"), b"{\"args\": [1e999]}", b"{\"args\": [" + b"1" * 400 + b"]}",
            b"{\"args\": [NaN]}", b"[" * 5000]), "application/json"
    if path.endswith("/workbook"):
        return _multipart(rng, workbooks)
    if path.endswith("/batch"):
        calls = []
        for _ in range(rng.choice([0, 1, 3, 10, 50])):
            b, name = _call_body(rng, params)
            calls.append({"function": name if rng.random() > 0.05 else rng.choice(TEXTS), **b})
        body = {"calls": calls}
        if rng.random() < 0.2:
            body["overrides"] = _jsonable(overrides(rng, params) or {})
        return json.dumps(body).encode(), "application/json"
    b, _ = _call_body(rng, params)
    return json.dumps(b).encode(), rng.choice(["application/json"] * 8 + ["text/plain", "application/x-www-form-urlencoded"])


def _query(path: str, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return ""
    q = {}
    m = re.match(r"/hesap/([^/?]+)", path)
    fn = REGISTRY.get(urllib.parse.unquote(m.group(1)).upper()) if m else None
    if fn is not None:
        for a in fn.args:
            if rng.random() < 0.9:
                q[rng.choice([a.excel, a.name])] = str(_jsonable(value(a.kind, rng)))
    else:
        for k in rng.sample(["date", "currency", "kind", "format", "name", "x"], rng.randint(1, 3)):
            q[k] = rng.choice(TEXTS + ["USD", "EUR", "forex_buying", "2025-06-02"])[:200]
    return "?" + urllib.parse.urlencode(q, encoding="utf-8", errors="surrogateescape")


def fuzz_http(n: int, rng: random.Random, deadline: float, found: Findings) -> int:
    httpd, port = start_server()
    app = httpd.app
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    params = sorted(book().params)
    workbooks = _workbooks()
    client = Client(port)
    done = 0
    try:
        while done < n and time.monotonic() < deadline:
            rule = rules[done % len(rules)]             # every route, in turn
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            method = rng.choice(methods) if rng.random() < 0.9 else rng.choice(["GET", "POST", "PUT", "DELETE",
                                                                                "OPTIONS", "HEAD", "PATCH"])
            path = _path(rule, rng)
            if path.endswith("/workbook") and method == "POST" and rng.random() < 0.9:
                method = "GET"                          # computing workbooks is slow: 1 in 10 is enough
            headers = {"Host": "127.0.0.1", "Origin": rng.choice(["http://x", "null", "https://localhost:3000"])}
            if rng.random() < 0.1:
                headers["X-API-Key"] = rng.choice([b"\xc5\x9f\xff", b"key", b"", "ş".encode()])
            body = None
            if method in ("POST", "PUT", "PATCH"):
                body, ctype = _body(path, rng, params, workbooks)
                if ctype:
                    headers["Content-Type"] = ctype
            else:
                path += _query(path, rng)
            try:
                status, data = client.request(method, path, body, headers)
            except Exception as exc:  # noqa: BLE001 - the server dropped the connection
                found.add("http", f"no response: {type(exc).__name__}: {exc}", f"{method} {path}", "")
                done += 1
                continue
            found.outcomes[f"http: {status // 100}xx"] += 1
            if status >= 500:
                found.add("http", f"{status} on {method} {rule.rule}",
                          f"{method} {path} headers={headers!r} body={(body or b'')[:400]!r}",
                          SERVER_ERRORS.pop() if SERVER_ERRORS else data[:1000].decode("utf-8", "replace"))
            done += 1
    finally:
        httpd.shutdown()
    return done
