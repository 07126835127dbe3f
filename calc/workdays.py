"""Working days and due dates: Türkiye's holiday calendar as the tax laws count periods.

VUK (Law 213) art. 18/4: official holidays count within a period, but when its last day
falls on an official holiday the period ends at the close of the first working day after
it; Law 6183 art. 8 applies the same rule to public receivables (so to the gecikme zammı
of art. 51).  The holidays are in `calendar.yaml`: the national ones of Law 2429, the two
religious bayrams by the Diyanet calendar (each year's first day a dated entry), and the
weekend.  Half days (the arife of a bayram and 28 October, holiday from 13:00) are working
days by default (`calendar.half_day_moves_due_date`); administrative leave (idari izin)
days are shown but are not holidays.

Example: the KDV return for June 2024 was due on Sunday 28.07.2024; it moved to Monday
29.07.2024.  The Kurban Bayramı of 2024 ran 16–19.06 (arefe Saturday 15.06), so a period
ending on Sunday 16.06.2024 ended on Thursday 20.06.2024.

>>> from trcalc.calc import call
>>> call("TR_DUE_DATE", "2024-07-28")
datetime.date(2024, 7, 29)
>>> call("TR_DUE_DATE", "2024-06-16")
datetime.date(2024, 6, 20)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .dates import fmt_date
from .errors import CalcError
from .registry import Arg, Outcome, function
from .rules.store import param

P_NATIONAL = param("calendar.national_holidays")
P_HALF = param("calendar.national_half_days")
P_RAMAZAN = param("calendar.ramazan_bayrami")
P_KURBAN = param("calendar.kurban_bayrami")
P_RAMAZAN_DAYS = param("calendar.ramazan_bayrami_days")
P_KURBAN_DAYS = param("calendar.kurban_bayrami_days")
P_WEEKEND = param("calendar.weekend")
P_HALF_MOVES = param("calendar.half_day_moves_due_date")
P_LEAVE = param("calendar.administrative_leave")

_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_DAY_TR = ("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar")
_NATIONAL_TR = {"01-01": "Yılbaşı", "04-23": "Ulusal Egemenlik ve Çocuk Bayramı",
                "05-01": "Emek ve Dayanışma Günü", "05-19": "Atatürk'ü Anma, Gençlik ve Spor Bayramı",
                "07-15": "Demokrasi ve Milli Birlik Günü", "08-30": "Zafer Bayramı",
                "10-29": "Cumhuriyet Bayramı", "10-28": "Cumhuriyet Bayramı arifesi"}
MAX_SPAN_DAYS = 366 * 40          # a longer count is a typo: refuse it rather than loop for long


class Year:
    """One year's calendar: day → why it is not a (full) working day."""

    def __init__(self, ctx, year: int):
        on = dt.date(year, 1, 1)
        self.year = year
        self.holidays: dict[dt.date, str] = {}
        self.half_days: dict[dt.date, str] = {}
        self.leave: set[dt.date] = set()
        self.weekend = {_WEEKDAYS.index(c) for c in ctx.rule(P_WEEKEND, on)}
        self.half_moves = bool(ctx.rule(P_HALF_MOVES, on))
        for md in ctx.rule(P_NATIONAL, dt.date(year, 12, 31)):
            d = _md(year, md)
            if self._in_force(ctx, P_NATIONAL, md, d):
                self.holidays[d] = _NATIONAL_TR.get(md, "Ulusal bayram / genel tatil")
        for md in ctx.rule(P_HALF, on):
            self.half_days[_md(year, md)] = _NATIONAL_TR.get(md, "Yarım gün tatil") + " (13.00'ten itibaren)"
        for p, days, name in ((P_RAMAZAN, P_RAMAZAN_DAYS, "Ramazan Bayramı"),
                              (P_KURBAN, P_KURBAN_DAYS, "Kurban Bayramı")):
            first = _first_day(ctx, p, year, name)
            n = int(ctx.rule(days, first))
            for i in range(n):
                self.holidays.setdefault(first + dt.timedelta(days=i), f"{name} {i + 1}. gün")
            self.half_days.setdefault(first - dt.timedelta(days=1), f"{name} arefesi (13.00'ten itibaren)")
        try:
            leave = ctx.rule(P_LEAVE, dt.date(year, 12, 31))
        except CalcError:
            leave = ()                         # no announcement recorded for that year
        self.leave = {d for d in map(dt.date.fromisoformat, leave) if d.year == year}

    @staticmethod
    def _in_force(ctx, p, md, d) -> bool:
        # a holiday added during the year (15 July from 29.10.2016) counts from its law's date
        try:
            return md in ctx.rule(p, d)
        except CalcError:
            return False

    def why_not_working(self, d: dt.date) -> str:
        """'' for a working day, else the reason (a holiday's name, or the weekday)."""
        if d in self.holidays:
            return self.holidays[d]
        if d.weekday() in self.weekend:
            return f"hafta sonu ({_DAY_TR[d.weekday()]})"
        if self.half_moves and d in self.half_days:
            return self.half_days[d]
        return ""


def _md(year: int, md: str) -> dt.date:
    try:
        m, d = md.split("-")
        return dt.date(year, int(m), int(d))
    except ValueError:
        raise CalcError("invalid", f"tatil günü ay-gün biçiminde değil ({md!r})",
                        f"a holiday is not written as month-day ({md!r})", "calendar") from None


def _first_day(ctx, p: str, year: int, name: str) -> dt.date:
    try:
        written = ctx.rule(p, dt.date(year, 12, 31))
    except CalcError:
        written = ()
    try:
        days = [dt.date.fromisoformat(s) for s in written]
    except ValueError:
        raise CalcError("invalid", f"{name} tarihi YYYY-AA-GG biçiminde değil", f"{name}: a date is not YYYY-MM-DD",
                        "calendar") from None
    days = [d for d in days if d.year == year]
    if not days:
        raise CalcError("no_rule",
                        f"{year} yılının tatil takvimi kurallarda yok ({name} tarihi girilmemiş); "
                        "calendar.yaml'a Diyanet takviminden ekleyin",
                        f"the holiday calendar for {year} is not in the rules ({name} missing); add it to "
                        "calendar.yaml from the Diyanet calendar", "date")
    return days[0]


class Calendar:
    """Years read once per call."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._years: dict[int, Year] = {}

    def year(self, y: int) -> Year:
        cal = self._years.get(y)
        if cal is None:
            cal = self._years[y] = Year(self.ctx, y)
        return cal

    def why_not_working(self, d: dt.date) -> str:
        return self.year(d.year).why_not_working(d)

    def note(self, d: dt.date) -> str:
        """Half days and administrative leave that do not stop a working day, for the breakdown."""
        y = self.year(d.year)
        notes = []
        if d in y.half_days and not y.half_moves:
            notes.append(f"{y.half_days[d]}: sabahı iş günü")
        if d in y.leave:
            notes.append("idari izin günü: resmi tatil değil, süre uzamaz")
        return "; ".join(notes)

    def due_date(self, d: dt.date) -> tuple[dt.date, list[tuple[dt.date, str]]]:
        """VUK 18/4: the date itself, or the first working day after the holidays it falls on."""
        skipped = []
        while (why := self.why_not_working(d)):
            skipped.append((d, why))
            d += dt.timedelta(days=1)
            if len(skipped) > 60:
                raise CalcError("out_of_range", "60 günden uzun tatil: takvim verisini kontrol edin",
                                "a holiday longer than 60 days: check the calendar data", "date")
        return d, skipped


def _span(a: dt.date, b: dt.date, arg: str) -> None:
    if abs((b - a).days) > MAX_SPAN_DAYS:
        raise CalcError("out_of_range", "aralık 40 yıldan uzun olamaz", "the span cannot exceed 40 years", arg)


@dataclass
class DueOutcome(Outcome):
    given: dt.date
    value: dt.date
    skipped: list
    note: str

    def rows(self):
        rows = [("Son gün", f"{fmt_date(self.given)} ({_DAY_TR[self.given.weekday()]})", self.given)]
        for d, why in self.skipped:
            rows.append(("Tatil", f"{fmt_date(d)}: {why}", d))
        if self.note:
            rows.append(("Not", self.note, ""))
        rows.append(("Sürenin bittiği gün", "VUK md. 18/4: son gün resmi tatile rastlarsa tatili izleyen ilk "
                     "iş gününün mesai bitiminde biter (6183 md. 8 ile amme alacaklarına da uygulanır)", self.value))
        return rows


def due_date(ctx, d: dt.date) -> DueOutcome:
    cal = Calendar(ctx)
    moved, skipped = cal.due_date(d)
    return DueOutcome(d, moved, skipped, cal.note(moved))


@function("TR_DUE_DATE", topic="dates", result="date", detail=True,
          summary_tr="Vade/son gün tatile rastlarsa izleyen ilk iş günü (VUK md. 18/4; 6183 md. 8)",
          summary_en="a due date moved past weekends and official holidays to the next working day "
                     "(VUK art. 18/4; Law 6183 art. 8)",
          args=[Arg("date", "date", "Kanuni son gün / vade", "the legal last day / due date")])
def tr_due_date(ctx, date):
    return due_date(ctx, date)


@dataclass
class DayOutcome(Outcome):
    day: dt.date
    why: str
    note: str
    value: bool

    def rows(self):
        rows = [("Gün", f"{fmt_date(self.day)} ({_DAY_TR[self.day.weekday()]})", self.day),
                ("Tatil", self.why or "—", "")]
        if self.note:
            rows.append(("Not", self.note, ""))
        rows.append(("İş günü", "resmi tatil ve hafta sonu değilse", self.value))
        return rows


@function("TR_IS_WORKDAY", topic="dates", result="bool", detail=True,
          summary_tr="Gün iş günü mü (hafta sonu ve resmi tatil değil; arefe sabahı iş günü)",
          summary_en="is the day a working day (not a weekend or official holiday; an eve's morning works)",
          args=[Arg("date", "date", "Tarih", "date")])
def tr_is_workday(ctx, date):
    cal = Calendar(ctx)
    why = cal.why_not_working(date)
    return DayOutcome(date, why, cal.note(date), not why)


def _whole(value: Decimal, arg: str) -> int:
    if value != value.to_integral_value():
        raise CalcError("invalid", f"iş günü sayısı tam sayı olmalı ({value})",
                        f"the number of working days must be a whole number ({value})", arg)
    if abs(value) > 10000:
        raise CalcError("out_of_range", "iş günü sayısı en çok 10.000 olabilir",
                        "the number of working days can be at most 10,000", arg)
    return int(value)


@function("TR_WORKDAY", topic="dates", result="date",
          summary_tr="Başlangıçtan bu kadar iş günü sonraki (eksi: önceki) gün, Türkiye tatilleriyle (Excel İŞGÜNÜ gibi)",
          summary_en="the day this many working days after (negative: before) the start, with Türkiye's "
                     "holidays (like Excel WORKDAY)",
          args=[Arg("start_date", "date", "Başlangıç tarihi", "start date"),
                Arg("days", "number", "İş günü sayısı", "number of working days", excel="is_gunu")])
def tr_workday(ctx, start_date, days):
    n = _whole(days, "is_gunu")
    cal, d = Calendar(ctx), start_date
    step = dt.timedelta(days=1 if n >= 0 else -1)
    left = abs(n)
    while left:
        d += step
        _span(start_date, d, "is_gunu")
        if not cal.why_not_working(d):
            left -= 1
    return d


@function("TR_NETWORKDAYS", topic="dates", result="number",
          summary_tr="İki tarih arasındaki iş günü sayısı, iki uç dahil, Türkiye tatilleriyle (Excel TAMİŞGÜNÜ gibi)",
          summary_en="working days between two dates, both ends included, with Türkiye's holidays "
                     "(like Excel NETWORKDAYS)",
          args=[Arg("start_date", "date", "Başlangıç tarihi", "start date"),
                Arg("end_date", "date", "Bitiş tarihi", "end date", excel="bitis_tarihi")])
def tr_networkdays(ctx, start_date, end_date):
    _span(start_date, end_date, "bitis_tarihi")
    a, b, sign = (start_date, end_date, 1) if start_date <= end_date else (end_date, start_date, -1)
    cal, n, d = Calendar(ctx), 0, a
    while d <= b:
        if not cal.why_not_working(d):
            n += 1
        d += dt.timedelta(days=1)
    return Decimal(sign * n)
