"""Remote mode: the add-in sends its calls to the team server instead of computing locally.

Turned on by TRCALC_SERVER_URL — in the environment, in the workbook's
`xlwings.conf` sheet, or in the user's ~/.xlwings/xlwings.conf — so a whole
team computes with the server's one rules version.  TRCALC_API_KEY (same
places) is sent as X-API-Key.  A server that cannot be reached is an error in
the cell, never a silent fallback to local rules (which could differ from the team's).

A column goes to the server as one call in the batch API's column form
(`"array": true`), with the workbook's overrides once per request; the server
runs the registry's array form, the code the local add-in runs, so both give
the same values and messages.  A column longer than the server accepts (413) is
sent in smaller slices.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from trcalc.calc import settings
from trcalc.calc.errors import TrcalcError

TIMEOUT = settings.get("TRCALC_SERVER_TIMEOUT")
# The rules version each server last answered with (every response carries it, issue 24.5).
SEEN: dict[str, str] = {}
# First slice size; halved on every 413 (the server's TRCALC_MAX_BATCH and request-size limits).
ROWS_PER_REQUEST = settings.get("TRCALC_BATCH_ROWS")


class RemoteError(TrcalcError):
    """The team server cannot be reached or refused the request; `status` is its HTTP status (None
    when no answer came)."""
    code = "remote"

    def __init__(self, tr: str, en: str, status: int | None = None):
        super().__init__(tr, en)
        self.status = status


class CallError(TrcalcError):
    """The server computed the call and refused it (bad input): its message (already Turkish —
    English, as the server rendered it), shown as the local error would be."""
    code = "call"

    def __init__(self, message: str):
        super().__init__(message)


def _setting(book, name: str) -> str | None:
    value = settings.raw(name)
    if not value and book is not None:
        try:
            from xlwings.utils import read_config_sheet
            value = {str(k).upper(): v for k, v in (read_config_sheet(book) or {}).items()}.get(name)
        except Exception:
            value = None
    if not value:
        try:
            from xlwings.utils import read_user_config
            value = read_user_config().get(name.lower())
        except Exception:
            value = None
    return str(value).strip() if value else None


def server_url(book=None) -> str | None:
    url = _setting(book, "TRCALC_SERVER_URL")
    return url.rstrip("/") if url else None


def api_key(book=None) -> str | None:
    return _setting(book, "TRCALC_API_KEY")


_PLAIN = frozenset({float, int, str, bool, type(None)})     # what json.dumps writes as it is


def jsonable(value):
    """An argument as JSON: a date as its ISO day, a column element by element (a plain element as it is:
    a 10,000-row column is most of a request's preparation)."""
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def _post(url: str, body: dict, key: str | None) -> dict:
    req = urllib.request.Request(f"{url}/api/v1/batch", data=json.dumps(body).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    if key:
        req.add_header("X-API-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read().decode("utf-8"))["error"]["message"]
        except Exception:
            message = f"HTTP {exc.code}"
        if exc.code == 401:
            raise RemoteError(f"trcalc sunucusu API anahtarını kabul etmedi (401, {url}): TRCALC_API_KEY ayarını "
                              "kontrol edin", "the trcalc server refused the API key (401): check TRCALC_API_KEY",
                              401) from None
        if exc.code == 413:
            raise RemoteError(f"istek trcalc sunucusunun sınırını aşıyor (413, {url}): {message}",
                              "the request exceeds the trcalc server's limit (413)", 413) from None
        raise RemoteError(f"trcalc sunucusu isteği reddetti (HTTP {exc.code}, {url}): {message}",
                          f"the trcalc server refused the request (HTTP {exc.code})", exc.code) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"trcalc sunucusuna ulaşılamadı ({url}): {reason}",
                          f"could not reach the trcalc server ({url})") from None


def batch(url: str, calls: list[dict], overrides: dict | None = None, key: str | None = None) -> list[dict]:
    """POST the calls (and the overrides, once) to /api/v1/batch; returns the results in order."""
    body = {"calls": calls}
    if overrides:
        body["overrides"] = jsonable(overrides)
    data = _post(url, body, key if key is not None else settings.raw("TRCALC_API_KEY"))
    if isinstance(data, dict) and isinstance(data.get("rules_version"), str):
        SEEN[url] = data["rules_version"]            # the server's rules version, for the workbook's record
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or len(results) != len(calls):
        raise RemoteError(f"trcalc sunucusundan beklenmeyen yanıt ({url})",
                          f"unexpected answer from the trcalc server ({url})")
    return results


def column(url: str, name: str, args: list, overrides: dict | None = None, key: str | None = None) -> list[dict]:
    """One function over columns (lists; other arguments repeat): one result dict per row.

    Columns of equal length are sent in slices that the server accepts; columns of different
    lengths go whole, so the server's message (the local one) names both lengths, and so does a function
    of a whole column (`Function.column`).
    """
    from trcalc.calc.registry import get
    lengths = {len(a) for a in args if isinstance(a, list)}
    # a function of a whole column goes whole: its rows depend on each other (a running total) or it takes
    # a table of its own length (TR_MATCH…), so a slice of it would not give its answer
    n = lengths.pop() if len(lengths) == 1 and get(name).column is None else 0
    args = jsonable(args)
    step = max(1, ROWS_PER_REQUEST)
    out: list[dict] = []
    start = 0
    while True:
        part = args if not n else [a[start:start + step] if isinstance(a, list) else a for a in args]
        try:
            (res,) = batch(url, [{"function": name, "args": part, "array": True}], overrides, key)
        except RemoteError as exc:
            if exc.status == 413 and n and step > 1:
                step = (min(step, n - start) + 1) // 2          # a smaller slice, then try again
                continue
            raise
        if "error" in res and res["error"]:
            raise CallError(res["error"]["message"])
        rows = res.get("rows")
        if not isinstance(rows, list):
            raise RemoteError(f"trcalc sunucusundan beklenmeyen yanıt ({url})",
                              f"unexpected answer from the trcalc server ({url})")
        out.extend(rows)
        start += step
        if not n or start >= n:
            return out
