"""Reading arguments the way Excel, JSON and people hand them over.

Every reader takes `(value, arg)` and returns the clean value or raises a
`CalcError` that names `arg`.  `None` and "" (an empty cell) are "omitted":
the registry deals with them before a reader is called.

Numbers
    int, float (through `str()`, so 0.1 stays 0.1), Decimal, and text:
    "1234.56", "1234,56", "1.234,56", "1,234.56", "1.234.567".  A single dot
    is a decimal point, as in every number a program or Excel writes ("1.234"
    is 1.234), so `str()` of any float reads back as the same number.  But
    "1.500" and "1,500" — one separator, three digits, and for a dot a final
    zero no float's text ever has — look like a Turkish thousand as much as
    one and a half: that is an error asking which was meant.
Rates
    0.18, "18%", "%18", "%4,5".  A bare number above 1 is an error that
    suggests the percentage (18 → 18 %); write "225%" for a rate above 100 %.
Codes
    case-insensitive, Turkish-İ-safe, punctuation ignored: "Şirket", "SIRKET",
    "şirket" and "sırket" are all SIRKET; "A.TR" is ATR.

>>> to_number("1.234,56", "goods")
Decimal('1234.56')
>>> to_rate("%18", "duty_rate")
Decimal('0.18')
>>> fold("İNGİLTERE") == fold("ingiltere")
True
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import CalcError
from .limits import LIMIT, LIMIT_TEXT, MAX_DIGITS, SMALLEST, SMALLEST_TEXT
from .money import HUNDRED, ONE, ZERO

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")      # 1.234.567,89
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")     # 1,234,567.89
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")                      # 1234,56
_NUMERIC = re.compile(r"^\s*[+-]?[\d.,]*\d[\d.,]*([eE][+-]?\d+)?\s*$")     # text that reads as a number
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d\d0|,\d{3})$")      # 1.500 / 1,500 (not 1.234)


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A code's comparison key: no accents, no case, no punctuation, ı = i."""
    s = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", s.casefold())


def _invalid_number(arg, value):
    return CalcError("invalid", f"sayı değil ({value!r})", f"not a number ({value!r})", arg)


def _parse_text_number(s: str, arg: str, original) -> Decimal:
    t = s.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if _AMBIGUOUS.match(t):
        whole, frac = re.split(r"[.,]", t.lstrip("+-"))
        raise CalcError(
            "invalid",
            f"belirsiz sayı {original!r}: bin mi ({whole}{frac}), ondalık mı ({whole},{frac})? "
            f"Bin için {whole}{frac}, ondalık için {whole},{frac}0 yazın",
            f"ambiguous number {original!r}: thousands ({whole}{frac}) or decimals ({whole}.{frac})? "
            f"Write {whole}{frac} for the former, {whole}.{frac}0 for the latter",
            arg)
    if _PLAIN.match(t):
        return Decimal(t)
    if _GROUPED_DOT.match(t):
        return Decimal(t.replace(".", "").replace(",", "."))
    if _GROUPED_COMMA.match(t):
        return Decimal(t.replace(",", ""))
    if _DECIMAL_COMMA.match(t):
        return Decimal(t.replace(",", "."))
    raise _invalid_number(arg, original)


def scalar(value, arg: str):
    """One cell's value: numpy scalars unwrapped; an array, list or mapping is an error.

    Columns (lists) are split into rows by `registry.call_many` before any reader
    sees them, so a container reaching a reader is always a mistake.
    """
    if isinstance(value, (str, int, float, Decimal, dt.date)) or value is None:
        return value
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):    # numpy scalar / 0-d array
        return value.item()
    raise CalcError("invalid", f"tek bir değer bekleniyordu, {type(value).__name__} geldi",
                    f"expected a single value, got {type(value).__name__}", arg)


def _digits(d: Decimal) -> int:
    """Significant digits, trailing zeros not counted (1.500 and 1500 have two)."""
    digits = d.as_tuple().digits
    n = len(digits)
    while n > 1 and digits[n - 1] == 0:
        n -= 1
    return n


def to_number(value, arg: str) -> Decimal:
    """Any finite number inside the limits (`calc.limits`), as a Decimal; -0 is 0."""
    t = type(value)
    if t is float:
        if not math.isfinite(value):
            raise CalcError("invalid", f"sonlu bir sayı değil ({value!r})",
                            f"not a finite number ({value!r})", arg)
        d = Decimal(repr(value))
    elif t is int:
        d = Decimal(value)
    elif t is Decimal:
        if not value.is_finite():
            raise CalcError("invalid", f"sonlu bir sayı değil ({value!r})",
                            f"not a finite number ({value!r})", arg)
        d = value
    elif t is str:
        try:
            d = _parse_text_number(value.strip(), arg, value)
        except InvalidOperation:
            raise _invalid_number(arg, value) from None
    elif isinstance(value, bool):
        raise CalcError("invalid", f"sayı bekleniyordu, mantıksal değer geldi ({value!r})",
                        f"expected a number, got a boolean ({value!r})", arg)
    elif isinstance(value, (int, float, Decimal)):                    # subclasses (numpy float64 …)
        return to_number(int(value) if isinstance(value, int) else
                         value if isinstance(value, Decimal) else float(value), arg)
    else:
        scalar_value = scalar(value, arg)                             # numpy scalars; arrays refused
        if scalar_value is value:
            raise _invalid_number(arg, value)
        return to_number(scalar_value, arg)
    return _in_domain(d, value, arg)


def _shown(value):
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 130:
        # never str() of a huge int: Python refuses past 4,300 digits (ValueError, sys.int_info)
        return f"{'-' if value < 0 else ''}~10^{int(value.bit_length() * 0.30103)}"
    return value if not isinstance(value, (int, str)) or len(str(value)) <= 40 else f"{str(value)[:20]}…"


def _in_domain(d: Decimal, value, arg: str) -> Decimal:
    size = d.copy_abs()                              # (abs() would round, and overflow on 1e999999999)
    if size >= LIMIT:
        shown = _shown(value)
        raise CalcError("out_of_range", f"sayı çok büyük ({shown!r}); {LIMIT_TEXT}'ten küçük olmalı",
                        f"number too large ({shown!r}); must be below {LIMIT_TEXT}", arg)
    if d.is_zero():
        return ZERO if d.is_signed() else d          # -0 is 0 (a result never shows -0,00)
    if size < SMALLEST:
        shown = _shown(value)
        raise CalcError("out_of_range", f"sayı çok küçük ({shown!r}); 0 ya da en az {SMALLEST_TEXT} olmalı",
                        f"number too small ({shown!r}); must be 0 or at least {SMALLEST_TEXT}", arg)
    # (a float's text has at most 17 digits, an int below the limit 15)
    if type(value) is not float and type(value) is not int and _digits(d) > MAX_DIGITS:
        shown = _shown(value)
        raise CalcError("out_of_range", f"çok fazla anlamlı basamak ({shown!r}); en çok {MAX_DIGITS}",
                        f"too many significant digits ({shown!r}); at most {MAX_DIGITS}", arg)
    return d


def to_nonneg(value, arg: str) -> Decimal:
    d = to_number(value, arg)
    if d < ZERO:
        raise CalcError("out_of_range", f"negatif olamaz ({value!r})",
                        f"must not be negative ({value!r})", arg)
    return d


def to_positive(value, arg: str) -> Decimal:
    d = to_number(value, arg)
    if d <= ZERO:
        raise CalcError("out_of_range", f"sıfırdan büyük olmalı ({value!r})",
                        f"must be greater than zero ({value!r})", arg)
    return d


def to_rate(value, arg: str) -> Decimal:
    """A rate between 0 and 1 (0 % … 100 %); text percentages may go above 100 %."""
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("%") or s.endswith("%"):
            r = to_number(s.strip("%").strip(), arg) / HUNDRED
            if r < ZERO:
                raise CalcError("out_of_range", f"oran negatif olamaz ({value!r})",
                                f"a rate must not be negative ({value!r})", arg)
            return r
    r = to_number(value, arg)
    if r < ZERO:
        raise CalcError("out_of_range", f"oran negatif olamaz ({value!r})",
                        f"a rate must not be negative ({value!r})", arg)
    if r > 1:
        raise CalcError(
            "out_of_range",
            f"oran 1'den büyük ({value!r}): %{r} mi demek istediniz? {r / HUNDRED} ya da "
            f"\"%{r}\" yazın (%100'ün üzerindeki bir oranı metin olarak yazın, örn. \"%225\")",
            f"rate above 1 ({value!r}): did you mean {r}%? Write {r / HUNDRED} or \"{r}%\" "
            f"(give a rate above 100 % as text, e.g. \"225%\")",
            arg)
    return r


def to_rate_below_one(value, arg: str) -> Decimal:
    """A share strictly below 100 % (a waste rate: 100 % waste would mean no product)."""
    r = to_rate(value, arg)
    if r >= 1:
        raise CalcError("out_of_range", f"%100'den küçük olmalı ({value!r})",
                        f"must be below 100 % ({value!r})", arg)
    if ONE - r < SMALLEST:                           # the formulas divide by 1 − r
        raise CalcError("out_of_range", f"%100'e çok yakın ({value!r}); 1 − oran en az {SMALLEST_TEXT} olmalı",
                        f"too close to 100 % ({value!r}); 1 − rate must be at least {SMALLEST_TEXT}", arg)
    return r


_TRUE = {"true", "dogru", "evet", "yes", "1", "e", "d"}
_FALSE = {"false", "yanlis", "hayir", "no", "0", "h", "y"}


def to_bool(value, arg: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and not (isinstance(value, Decimal) and not value.is_finite()) \
            and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if _NUMERIC.match(value):     # 1 / 0 written as text ("1.0", "-0.0", "0,0"); "-1" is not "1"
            try:
                d = to_number(value, arg)
            except CalcError:
                d = None
            if d is not None and d in (0, 1):
                return d == 1
        else:
            f = fold(value)
            if f in _TRUE:
                return True
            if f in _FALSE:
                return False
    raise CalcError("invalid", f"DOĞRU/YANLIŞ bekleniyordu ({value!r})",
                    f"expected TRUE/FALSE ({value!r})", arg)


def to_count(value, arg: str) -> int:
    """A whole number of items, at least 1."""
    d = to_number(value, arg)
    if d != d.to_integral_value():
        raise CalcError("invalid", f"tam sayı olmalı ({value!r})", f"must be a whole number ({value!r})", arg)
    if d < 1:
        raise CalcError("out_of_range", f"en az 1 olmalı ({value!r})", f"must be at least 1 ({value!r})", arg)
    return int(d)


def to_text(value, arg: str) -> str:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = str(value)                         # a number in a text argument is read as its text
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise CalcError("invalid", f"metin bekleniyordu ({value!r})", f"expected text ({value!r})", arg)


# The English names of the code sets the topic modules declare in Turkish.
_WHAT_EN = {"destek": "support", "yararlanıcı": "beneficiary", "menşe belgesi": "proof-of-origin",
            "kategori": "category", "kur türü": "exchange-rate kind", "ödeme şekli": "payment-method",
            "kalem tutarı": "amount-line"}


class CodeSet:
    """A closed set of codes with their accepted spellings.

    >>> certs = CodeSet("certificate", {"ATR": ["A.TR"], "EUR1": ["EUR.1"]})
    >>> certs.read("a.tr", "certificate")
    'ATR'
    """

    def __init__(self, what: str, codes: dict[str, list[str]], what_en: str | None = None):
        self.what = what
        # never the Turkish word in the English message: with no English name, just "unknown code"
        self.what_en = what_en or _WHAT_EN.get(what, "")
        self.codes = tuple(codes)
        self.aliases = {code: tuple(spellings) for code, spellings in codes.items()}
        self._index: dict[str, str] = {}
        for code, aliases in codes.items():
            for spelling in (code, *aliases):
                key = fold(str(spelling))
                assert self._index.get(key, code) == code, f"{spelling} is ambiguous"
                self._index[key] = code

    def read(self, value, arg: str) -> str:
        value = scalar(value, arg)
        if (isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)) or \
                (isinstance(value, str) and _NUMERIC.match(value)):
            # A number (an article number from a numeric cell, or "13.0") is a code only as an
            # exact whole number: 1.3 is not article 13, though its letters fold to "13".
            try:
                d = to_number(value, arg)
            except CalcError:
                d = None
            code = self._index.get(str(int(d))) if d is not None and d == d.to_integral_value() else None
        else:
            code = self._index.get(fold(str(value))) if value is not None else None
        if code is None:
            raise CalcError("unknown_code",
                            f"bilinmeyen {self.what} kodu ({value!r}); geçerli kodlar: {', '.join(self.codes)}",
                            f"unknown {self.what_en + ' ' if self.what_en else ''}code ({value!r}); "
                            f"valid codes: {', '.join(self.codes)}",
                            arg)
        return code
