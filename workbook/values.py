"""Cell values as Excel computes with them: coercion, comparison, criteria.

A value is None (blank), float, str, bool or `Err`.  The rules are Microsoft's:
"Calculation operators and precedence in Excel" (text that looks like a number
is converted in arithmetic; comparisons order numbers < text < logicals, text
without case) and the COUNTIF/SUMIFS criteria syntax ("Use wildcard characters
as comparison criteria", support.microsoft.com: `*`, `?`, `~` escapes; an
operator prefix `=`, `<>`, `<`, `>`, `<=`, `>=`; a criterion that refers to an
empty cell counts as 0).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from trcalc.calc.dates import to_serial


@dataclass(frozen=True)
class Err:
    """An Excel error value, with the message (Turkish — English) when trcalc knows why."""
    code: str
    message: str = ""

    def __str__(self) -> str:
        return self.code


VALUE = Err("#VALUE!")
# The most characters a cell may hold ("Excel specifications and limits": 32,767); a text result longer
# than that is #VALUE! in Excel (REPT's reference says so) — and here it is refused before it is built.
MAX_TEXT = 32767
TEXT_TOO_LONG = ("metin 32.767 karakteri aşıyor (Excel'in hücre sınırı) — the text is over 32,767 characters "
                 "(Excel's limit for a cell)")
# A range where one value is wanted: what an array formula ({=SUM(A1:A3*B1:B3)}, or a spilled dynamic
# array) gives here — they are computed as one cell, not as arrays; said, not left a bare #VALUE!.
NOT_ONE_VALUE = Err("#VALUE!", "tek değer beklenen yerde bir aralık var; dizi formülleri (Ctrl+Shift+Enter, "
                               "taşan diziler) hesaplanmaz — a range where one value is expected; array formulas "
                               "(Ctrl+Shift+Enter, spilled arrays) are not computed")
DIV0 = Err("#DIV/0!")
NA = Err("#N/A")
REF = Err("#REF!")
NUM = Err("#NUM!")

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def text_number(s: str) -> float | None:
    if _NUMBER.fullmatch(s):
        return float(s)
    return None


# A date typed as text: day-first (24.11.2026) or ISO (2026-11-24).  Excel and LibreOffice convert it
# in arithmetic and date functions when the locale reads it (LibreOffice Help, "Detailed Calculation
# Settings": ISO always, other dates only in the locale's order); trcalc reads it as the Turkish locale
# does.  Criteria never convert it (a text cell is not counted by "<"&A5: "SUMIFS function",
# support.microsoft.com), so only `to_number` calls this.
_DAY_FIRST = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*")
_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")


def text_date(s: str) -> float | None:
    """The date serial of day-first or ISO date text, else None."""
    if not s[:1].isdigit() and not s[:1].isspace():
        return None
    m = _DAY_FIRST.fullmatch(s)
    parts = (int(m[3]), int(m[2]), int(m[1])) if m else None
    if parts is None:
        m = _ISO.fullmatch(s)
        parts = (int(m[1]), int(m[2]), int(m[3])) if m else None
    if parts is None:
        return None
    try:
        d = dt.date(*parts)
    except ValueError:
        return None
    return float(to_serial(d)) if dt.date(1900, 3, 1) <= d <= dt.date(9999, 12, 31) else None


def to_number(v):
    """A value in arithmetic: blank 0, TRUE 1, number-like and date text converted, other text #VALUE!."""
    if v is None:
        return 0.0
    t = type(v)
    if t is float:
        return v
    if t is bool:
        return 1.0 if v else 0.0
    if t is int:
        return float(v)
    if t is str:
        x = text_number(v)
        if x is None:
            x = text_date(v)
        return VALUE if x is None else x
    if t is Err:
        return v
    return VALUE


def to_text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if abs(v) < 1e15 and v == int(v):
            return str(int(v))
        return format(v, ".15g").upper()
    return v


def to_bool(v):
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return v != 0
    if isinstance(v, str):
        up = v.upper()
        if up in ("TRUE", "FALSE"):
            return up == "TRUE"
        return VALUE
    return v


def _rank(v):
    t = type(v)
    if t is float:
        return 0, v
    if t is str:
        return 1, v.casefold()
    return 2, v                                  # bool


def compare(a, b, op: str):
    """Excel's = <> < > <= >= on two scalars (errors handled by the caller)."""
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)
    ka, kb = _rank(a), _rank(b)
    if op == "=":
        return ka == kb
    if op == "<>":
        return ka != kb
    if op == "<":
        return ka < kb
    if op == ">":
        return ka > kb
    if op == "<=":
        return ka <= kb
    return ka >= kb


# --- criteria (COUNTIF, SUMIFS, …) -----------------------------------------------------------

def cell_key(v):
    """The key an exact criterion compares: numbers and number-like text by value, text without case."""
    t = type(v)
    if v is None or v == "":
        return ("blank",)
    if t is float:
        return ("n", v)
    if t is bool:
        return ("b", v)
    if t is str:
        x = text_number(v)
        return ("n", x) if x is not None else ("s", v.casefold())
    if t is int:
        return ("n", float(v))
    return ("err",)


_OPS = ("<=", ">=", "<>", "=", "<", ">")


def _wild(text: str):
    """A compiled regex for a wildcard pattern, or None when there is no wildcard."""
    if not re.search(r"(?<!~)[*?]", text):
        return None
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text) and text[i + 1] in "*?~":
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S | re.I)


@dataclass(frozen=True)
class Criterion:
    key: tuple | None          # exact-match key (an index can answer it), else None
    test: object               # value → bool
    bound: tuple | None = None  # (op, number) for <, <=, >, >= on numbers (a sorted index answers it)


_CRITERIA: dict = {}


def criterion(c) -> Criterion | Err:
    """A criterion, parsed once per distinct value (a 10,000-row column asks for the same few)."""
    if isinstance(c, Err):
        return c
    k = (type(c), c)
    hit = _CRITERIA.get(k)
    if hit is None:
        if len(_CRITERIA) > 100_000:
            _CRITERIA.clear()
        hit = _CRITERIA[k] = _criterion(c)
    return hit


def _criterion(c) -> Criterion:
    if c is None:
        c = 0.0
    if isinstance(c, bool):
        k = ("b", c)
        return Criterion(k, lambda v, k=k: cell_key(v) == k)
    if isinstance(c, (int, float)):
        k = ("n", float(c))
        return Criterion(k, lambda v, k=k: cell_key(v) == k)
    s = str(c)
    op = next((o for o in _OPS if s.startswith(o)), "")
    rest = s[len(op):]
    if rest == "":
        if op == "":
            return Criterion(("blank",), lambda v: v is None or v == "")
        if op == "=":
            return Criterion(None, lambda v: v is None)
        if op == "<>":
            return Criterion(None, lambda v: not (v is None or v == ""))
    x = text_number(rest)
    up = rest.upper()
    if x is None and op not in ("", "=", "<>"):
        x = text_date(rest)                   # "<10.02.2025": a date bound, on date cells only
    elif x is None and text_date(rest) is not None:
        # "10.02.2025": the date cells of that day and the text itself (LibreOffice, Turkish locale)
        keys = (("n", text_date(rest)), ("s", rest.casefold()))
        if op == "<>":
            return Criterion(None, lambda v, keys=keys: cell_key(v) not in keys)
        return Criterion(None, lambda v, keys=keys: cell_key(v) in keys)
    if x is not None:
        if op in ("", "="):
            k = ("n", x)
            return Criterion(k, lambda v, k=k: cell_key(v) == k)
        if op == "<>":
            return Criterion(None, lambda v, x=x: cell_key(v) != ("n", x))
        return Criterion(None, lambda v, x=x, op=op: type(v) is float and compare(v, x, op), (op, x))
    if up in ("TRUE", "FALSE"):
        b = up == "TRUE"
        if op in ("", "="):
            return Criterion(("b", b), lambda v, b=b: v is b)
        if op == "<>":
            return Criterion(None, lambda v, b=b: v is not b)
    wild = _wild(rest) if op in ("", "=", "<>") else None
    if wild is not None:
        if op == "<>":
            return Criterion(None, lambda v, w=wild: not (isinstance(v, str) and w.fullmatch(v)))
        return Criterion(None, lambda v, w=wild: isinstance(v, str) and w.fullmatch(v) is not None)
    plain = rest.replace("~*", "*").replace("~?", "?").replace("~~", "~")
    if op in ("", "="):
        k = ("s", plain.casefold())
        return Criterion(k, lambda v, k=k: cell_key(v) == k)
    if op == "<>":
        k = ("s", plain.casefold())
        return Criterion(None, lambda v, k=k: cell_key(v) != k)
    return Criterion(None, lambda v, p=plain, op=op: isinstance(v, str) and compare(v, p, op))
