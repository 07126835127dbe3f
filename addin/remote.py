"""Remote mode: the add-in sends its calls to the team server instead of computing locally.

Turned on by TRCALC_SERVER_URL — in the environment, in the workbook's
`xlwings.conf` sheet, or in the user's ~/.xlwings/xlwings.conf — so a whole
team computes with the server's one rules version.  TRCALC_API_KEY is sent as
X-API-Key when set.  A server that cannot be reached is an error in the cell,
never a silent fallback to local rules (which could differ from the team's).
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

TIMEOUT = float(os.environ.get("TRCALC_SERVER_TIMEOUT", "15"))


class RemoteError(Exception):
    def __init__(self, tr: str, en: str):
        super().__init__(f"{tr} — {en}")
        self.message = f"{tr} — {en}"


def server_url(book=None) -> str | None:
    url = os.environ.get("TRCALC_SERVER_URL")
    if not url and book is not None:
        try:
            from xlwings.utils import read_config_sheet
            url = {str(k).upper(): v for k, v in (read_config_sheet(book) or {}).items()}.get("TRCALC_SERVER_URL")
        except Exception:
            url = None
    if not url:
        try:
            from xlwings.utils import read_user_config
            url = read_user_config().get("trcalc_server_url")
        except Exception:
            url = None
    return url.rstrip("/") if url else None


def jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def batch(url: str, calls: list[dict]) -> list[dict]:
    """POST the calls to /api/v1/batch; returns the results in order."""
    body = json.dumps({"calls": calls}).encode("utf-8")
    req = urllib.request.Request(f"{url}/api/v1/batch", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    key = os.environ.get("TRCALC_API_KEY")
    if key:
        req.add_header("X-API-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            data = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read().decode("utf-8"))["error"]["message"]
        except Exception:
            message = f"HTTP {exc.code}"
        raise RemoteError(f"trcalc sunucusu isteği reddetti ({url}): {message}",
                          f"the trcalc server refused the request ({url})") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"trcalc sunucusuna ulaşılamadı ({url}): {reason}",
                          f"could not reach the trcalc server ({url})") from None
    results = data.get("results")
    if not isinstance(results, list) or len(results) != len(calls):
        raise RemoteError(f"trcalc sunucusundan beklenmeyen yanıt ({url})",
                          f"unexpected answer from the trcalc server ({url})")
    return results
