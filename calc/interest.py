"""Gecikme zammı — the late-payment surcharge of Law 6183 art. 51.

The period from the due date to the payment date is cut where the monthly
rate changes.  In each piece the whole months (counted from the piece's first
day) are charged at the rate in force, and the remaining days at that rate
× days/30.  The total is rounded once to the kuruş.

The vade is the last day of the payment period (6183 art. 37); when it falls on a weekend or an
official holiday the period ends on the next working day (VUK art. 18/4, applied by 6183 art. 8),
so a payment on that day is on time and the surcharge runs from it (`TR_DUE_DATE`).  Give
`tatil_kaydir` = FALSE to count from the date as given.

Example: 10,000 TL due 2025-10-01, paid 2025-12-13: 1 month 12 days at 4.5 %
(6.3 %) until the 3.7 % rate starts on 2025-11-13, then 1 month at 3.7 %:
10 % in all, 1,000.00 TL.

>>> from trcalc.calc import call
>>> call("TR_LATE_INTEREST", 10000, "2025-10-01", "2025-12-13")
Decimal('1000.00')
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .dates import add_months, fmt_date
from .errors import CalcError
from .money import ZERO, fmt, fmt_rate, round_quotient
from .registry import Arg, Outcome, function
from .rules.store import book, param
from .workdays import due_date

P_RATE = param("interest.late_monthly_rate")
THIRTY = Decimal(30)


@dataclass
class Piece:
    start: dt.date
    end: dt.date
    months: int
    days: int
    rate: Decimal
    interest: Decimal           # shown in the breakdown
    thirtieths: Decimal         # the exact interest × 30


@dataclass
class InterestOutcome(Outcome):
    unit = "TL"
    amount: Decimal
    due: dt.date
    paid: dt.date
    pieces: list[Piece]
    value: Decimal
    moved: object = None        # workdays.DueOutcome when the vade was moved past holidays
    calendar_note: str = ""

    def rows(self):
        rows = [("Asıl tutar", f"{fmt(self.amount)} TL", self.amount)]
        if self.moved is not None and self.moved.skipped:
            rows.append(("Vade", f"{fmt_date(self.moved.given)} tatile rastlıyor ("
                         + "; ".join(why for _, why in self.moved.skipped)
                         + "): ilk iş gününe uzar (VUK md. 18/4, 6183 md. 8)", self.due))
        if self.calendar_note:
            rows.append(("Vade", self.calendar_note, self.due))
        rows.append(("Süre", f"{fmt_date(self.due)} – {fmt_date(self.paid)}", max((self.paid - self.due).days, 0)))
        for p in self.pieces:
            rows.append((f"{fmt_date(p.start)} – {fmt_date(p.end)}",
                         f"{fmt(self.amount)} × {fmt_rate(p.rate)} × ({p.months} ay + {p.days}/30 gün)",
                         p.interest))
        rows.append(("Gecikme zammı", " + ".join(fmt(p.interest) for p in self.pieces) or "0", self.value))
        return rows


def _change_dates(ctx, start: dt.date, end: dt.date) -> list[dt.date]:
    if P_RATE in ctx.overrides:       # one overridden rate for the whole period
        return []
    return [e.start for e in book().params[P_RATE] if start < e.start < end]


def late_interest(ctx, amount: Decimal, due: dt.date, paid: dt.date, move: bool = True) -> InterestOutcome:
    if paid < due:
        raise CalcError("out_of_range", f"ödeme tarihi ({fmt_date(paid)}) vade tarihinden ({fmt_date(due)}) önce olamaz",
                        f"the payment date ({paid}) is before the due date ({due})", "pay_date")
    try:
        ctx.rule(P_RATE, due)
    except CalcError as exc:
        raise exc.for_argument("due_date") from None
    moved, note = None, ""
    if move:
        try:
            moved = due_date(ctx, due)
        except CalcError as exc:
            if exc.code != "no_rule":
                raise
            note = (f"{due.year} yılının tatil takvimi kurallarda yok: vade kaydırılmadı, "
                    "tatile rastlıyorsa tatil_kaydir'ı kontrol edin")
        else:
            if moved.value >= paid:             # paid within the extended period: no surcharge
                return InterestOutcome(amount, moved.value, paid, [], ZERO, moved)
            due = moved.value
    cuts = [due, *_change_dates(ctx, due, paid), paid]
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        rate = ctx.rule(P_RATE, start)
        months = 0
        while add_months(start, months + 1) <= end:
            months += 1
        days = (end - add_months(start, months)).days
        # amount × rate × (months + days/30), kept as a numerator over 30: days/30 never
        # ends in decimals, and the total is rounded once from the exact fraction
        thirtieths = amount * rate * (months * THIRTY + days)
        pieces.append(Piece(start, end, months, days, rate, thirtieths / THIRTY, thirtieths))
    total = round_quotient(sum((p.thirtieths for p in pieces), ZERO), THIRTY)
    return InterestOutcome(amount, due, paid, pieces, total, moved, note)


@function("TR_LATE_INTEREST", topic="tev", result="money", detail=True,
          summary_tr="Gecikme zammı (6183 md. 51): ay ay yürürlükteki oranla, ay kesirleri gün/30",
          summary_en="late-payment surcharge (Law 6183 art. 51): month by month at the rate in force, days/30",
          args=[Arg("amount", "money", "Geç ödenen vergi (TL)", "tax paid late, TRY"),
                Arg("due_date", "date", "Vade tarihi", "due date"),
                Arg("pay_date", "date", "Ödeme tarihi", "payment date"),
                Arg("move", "bool", "Vade tatile rastlarsa ilk iş gününe kaydır (boş: DOĞRU; VUK md. 18/4)",
                    "move a due date on a weekend or holiday to the next working day (empty: TRUE; VUK art. 18/4)",
                    optional=True, excel="tatil_kaydir")])
def tr_late_interest(ctx, amount, due_date, pay_date, move):
    return late_interest(ctx, amount, due_date, pay_date, move is not False)
