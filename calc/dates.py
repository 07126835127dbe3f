"""Dates as Excel, JSON and people give them.

Accepted: `date`, `datetime` (the time is dropped), ISO text "2026-11-24",
Turkish "24.11.2026" (also with "/" or "-"), and Excel serial numbers of the
1900 date system (45000 → 2023-03-15), which is what a formula engine or a
number-formatted cell hands over — also written as text ("45000").

>>> to_date("24.11.2026", "date")
datetime.date(2026, 11, 24)
"""
from __future__ import annotations

import calendar
import math
import datetime as dt
import re
from decimal import Decimal

from . import settings
from .errors import CalcError

_EXCEL_EPOCH = dt.date(1899, 12, 30)   # serial 0 once Excel's 1900-02-29 is skipped
_SERIAL_MAX = 2958465                  # 9999-12-31
_TR_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_SERIAL_TEXT = re.compile(r"^\d{1,7}(\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")


# Türkiye's time: UTC+3 all year since the Council of Ministers decision of 7 September 2016
# (RG 08.09.2016, 29821: summer time kept permanently). A fixed offset, so it needs no tz database
# (xlwings Lite's Pyodide has none) and a server on UTC still changes day at Istanbul's midnight.
ISTANBUL = dt.timezone(dt.timedelta(hours=3), "TRT")


def istanbul_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Türkiye at `now` (default: the present moment).

    >>> istanbul_today(dt.datetime(2026, 11, 24, 22, 30, tzinfo=dt.timezone.utc))
    datetime.date(2026, 11, 25)
    """
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(ISTANBUL).date()


def today() -> dt.date:
    """Today in Türkiye, or TRCALC_TODAY (ISO) when set: lets a whole team or a test pin 'today'."""
    return settings.get("TRCALC_TODAY") or istanbul_today()


def from_serial(n: int) -> dt.date:
    # Excel counts 1900-02-29, which never existed: serials from 61 on are one day late.
    if n < 61:
        return _EXCEL_EPOCH + dt.timedelta(days=n + 1)
    return _EXCEL_EPOCH + dt.timedelta(days=n)


def to_serial(d: dt.date) -> int:
    n = (d - _EXCEL_EPOCH).days
    return n if n >= 61 else n - 1


def _bad(arg, value):
    if len(repr(value)) > 40:
        value = f"{repr(value)[:30]}…"
    return CalcError(
        "invalid",
        f"tarih okunamadı ({value!r}); 2026-11-24 ya da 24.11.2026 biçiminde yazın",
        f"not a date ({value!r}); write 2026-11-24 or 24.11.2026",
        arg)


FIRST, LAST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def to_date(value, arg: str) -> dt.date:
    d = _read_date(value, arg)
    if not FIRST <= d <= LAST:
        raise CalcError("out_of_range", f"tarih 1900–2199 arasında olmalı ({value!r})",
                        f"the date must be between 1900 and 2199 ({value!r})", arg)
    return d


def _read_date(value, arg: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _bad(arg, value)
    if isinstance(value, (int, float, Decimal)):
        # (math.isfinite would convert a 400-digit int to float and overflow: ints are finite)
        finite = value.is_finite() if isinstance(value, Decimal) else \
            isinstance(value, int) or math.isfinite(value)
        if not finite or not (1 <= value <= _SERIAL_MAX):
            raise _bad(arg, value)
        return from_serial(int(value))
    if isinstance(value, str):
        s = value.strip()
        try:
            m = _ISO_DATE.match(s)
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            m = _TR_DATE.match(s)
            if m:
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
            if _SERIAL_TEXT.match(s):             # an Excel serial written as text ("45717")
                return to_date(float(s), arg)
        except ValueError:
            pass
    raise _bad(arg, value)


def add_years(d: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February rolls to 1 March in a common year."""
    _in_range(d.year + years)
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 3, 1)


def _in_range(year: int) -> None:
    """A computed date stays in 1900–2199, like every date read (an overridden period of
    9,999,999 years would otherwise end in year 10,002,024, or crash)."""
    if not FIRST.year <= year <= LAST.year:
        raise CalcError("out_of_range", f"hesaplanan tarih 1900–2199 dışına çıkıyor (yıl {year})",
                        f"a computed date falls outside 1900–2199 (year {year})")


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    _in_range(y)
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def fmt_date(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")
