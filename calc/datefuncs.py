"""A date as every engine reads it: TR_DATE, the templates' one reading of a typed date.

A date cell typed as text ("10.02.2025", "2025-02-10") is read differently by each
spreadsheet program: Excel and LibreOffice convert it for arithmetic and YEAR only when
their locale reads it (LibreOffice's default, "Convert only if unambiguous", converts ISO
dates alone — LibreOffice Help, "Formula options", Detailed calculation settings), and
SUMIFS/COUNTIFS never count a text cell against a numeric bound such as `"<"&A5`
(Microsoft Support, "SUMIFS function"; "COUNTIFS function").  The templates therefore
read every typed date once, with this function, into a date column of their own and use
only that column in criteria, bounds, sorting keys and date arithmetic: Excel in any
locale, LibreOffice, the `formulas` engine and trcalc's own evaluator then all see the
same number.

>>> from trcalc.calc import call
>>> call("TR_DATE", "10.02.2025")
datetime.date(2025, 2, 10)
>>> call("TR_DATE", "2025-02-10"), call("TR_DATE", 45698)
(datetime.date(2025, 2, 10), datetime.date(2025, 2, 10))
"""
from __future__ import annotations

from .registry import Arg, function


@function("TR_DATE", topic="dates", result="date",
          summary_tr="Tarih: gün.ay.yıl ya da YYYY-AA-GG metni veya tarih hücresi, her programda aynı okunur",
          summary_en="a date: day.month.year or YYYY-MM-DD text or a date cell, read alike by every program",
          args=[Arg("date", "date", "Tarih (24.11.2026, 2026-11-24 ya da tarih hücresi)",
                    "date (24.11.2026, 2026-11-24 or a date cell)")])
def tr_date(ctx, date):
    return date
