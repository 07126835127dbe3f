"""Issue 26.9: due dates and holidays (VUK art. 18/4; Law 6183 arts. 8 and 51; Law 2429).

Every expected value is a hand count on the calendar, shown next to it.
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from trcalc.calc import CalcError, call

D_ = dt.date


@pytest.mark.parametrize("day, expected, why", [
    # a Sunday: the June 2024 KDV return due 28.07.2024 was filed and paid on Monday 29.07.2024
    ("2024-07-28", D_(2024, 7, 29), "weekend"),
    # Saturday 15.06.2024 (arefe) → Kurban Bayramı 16–19.06 (Sun–Wed) → Thursday 20.06.2024
    ("2024-06-15", D_(2024, 6, 20), "weekend + 4 bayram days"),
    # 23 Nisan 2024 is a Tuesday → Wednesday 24.04.2024
    ("2024-04-23", D_(2024, 4, 24), "national holiday"),
    # 15 Temmuz 2025 (Tuesday): Law 6752, RG 29.10.2016 → Wednesday 16.07.2025
    ("2025-07-15", D_(2025, 7, 16), "15 Temmuz"),
    # Ramazan Bayramı 2025: 30.03 (Sun) – 01.04 (Tue) → Wednesday 02.04.2025, although the
    # President gave civil servants idari izin on 2–4 April: administrative leave is not a holiday
    ("2025-03-30", D_(2025, 4, 2), "bayram, leave ignored"),
    # 2019: Kurban Bayramı 11–14.08 (Sun–Wed); a period ending Monday 12.08.2019 → Thursday 15.08.2019
    ("2019-08-12", D_(2019, 8, 15), "bayram 2019"),
    # the arife itself (Tuesday 09.04.2024) is a working day until 13:00: the date stays
    ("2024-04-09", D_(2024, 4, 9), "arife"),
    # 28 Ekim 2025 (Tuesday) is a half day: stays; 29 Ekim 2025 (Wednesday) → Thursday 30.10.2025
    ("2025-10-28", D_(2025, 10, 28), "28 Ekim"),
    ("2025-10-29", D_(2025, 10, 30), "29 Ekim"),
    # New Year 2027 is a Friday → Monday 04.01.2027
    ("2027-01-01", D_(2027, 1, 4), "new year + weekend"),
    # a working day stays
    ("2024-07-29", D_(2024, 7, 29), "working day"),
])
def test_due_date_moves_past_weekends_and_official_holidays(day, expected, why):
    assert call("TR_DUE_DATE", day) == expected, why


def test_due_date_detail_names_each_skipped_day_and_the_law():
    rows = call("TR_DUE_DATE_DETAIL", "2024-06-15")
    skipped = [r[1] for r in rows if r[0] == "Tatil"]
    assert skipped[0].startswith("15.06.2024: hafta sonu")
    assert [s.split(": ")[1] for s in skipped[1:]] == [f"Kurban Bayramı {i}. gün" for i in (1, 2, 3, 4)]
    last = next(r for r in rows if r[0] == "Sürenin bittiği gün")
    assert "VUK md. 18/4" in last[1] and last[2] == D_(2024, 6, 20)
    assert any("Diyanet İşleri Başkanlığı 2024" in str(r[1]) for r in rows if str(r[0]).startswith("Kaynak"))


def test_administrative_leave_is_shown_but_not_a_holiday():
    # 08.04.2024 (Monday) was idari izin before Ramazan Bayramı 2024: a working day for tax periods
    assert call("TR_IS_WORKDAY", "2024-04-08") is True
    rows = call("TR_IS_WORKDAY_DETAIL", "2024-04-08")
    assert any("idari izin" in str(r[1]) for r in rows if r[0] == "Not")
    assert call("TR_IS_WORKDAY", "2024-04-10") is False        # Ramazan Bayramı 1. gün
    assert call("TR_IS_WORKDAY", "2024-04-13") is False        # Saturday


def test_fifteenth_of_july_counts_only_from_law_6752():
    # Law 6752 (RG 29.10.2016) added 15 Temmuz; 15.07.2016 (a Friday) was not yet a holiday, but
    # the religious calendar for 2016 is not in the rules, so the year is refused rather than guessed
    with pytest.raises(CalcError) as e:
        call("TR_IS_WORKDAY", "2016-07-15")
    assert "2016" in str(e.value)


def test_networkdays_2024_by_hand():
    # 2024 has 366 days from Monday 1 January: 52 weeks + Mon 30.12 and Tue 31.12 → 262 weekdays.
    # Official holidays on weekdays: 01.01 (Mon); Ramazan 10–12.04 (Wed–Fri); 23.04 (Tue); 01.05 (Wed);
    # Kurban 17–19.06 (Mon–Wed; 16.06 is a Sunday); 15.07 (Mon); 30.08 (Fri); 29.10 (Tue) — 12 days
    # (19.05 is a Sunday).  262 − 12 = 250.
    assert call("TR_NETWORKDAYS", "2024-01-01", "2024-12-31") == D(250)
    assert call("TR_NETWORKDAYS", "2024-12-31", "2024-01-01") == D(-250)
    # one week around Ramazan Bayramı 2024: Mon 08.04 – Sun 14.04 → Mon, Tue (arefe) = 2
    assert call("TR_NETWORKDAYS", "2024-04-08", "2024-04-14") == D(2)


def test_workday_counts_working_days_forward_and_back():
    # Friday 05.04.2024 + 3 working days: Mon 08.04 (idari izin: works), Tue 09.04 (arefe: works),
    # 10–12.04 bayram, 13–14.04 weekend, Mon 15.04 → 15.04.2024
    assert call("TR_WORKDAY", "2024-04-05", 3) == D_(2024, 4, 15)
    # Monday 15.04.2024 − 1 working day: skips the weekend and the bayram → Tuesday 09.04.2024
    assert call("TR_WORKDAY", "2024-04-15", -1) == D_(2024, 4, 9)
    assert call("TR_WORKDAY", "2024-04-15", 0) == D_(2024, 4, 15)


def test_years_outside_the_calendar_are_refused_with_a_clear_message():
    with pytest.raises(CalcError) as e:
        call("TR_DUE_DATE", "2028-06-01")
    assert "2028" in str(e.value) and "calendar.yaml" in str(e.value)
    with pytest.raises(CalcError):
        call("TR_WORKDAY", "2024-01-01", 1.5)


def test_late_interest_counts_from_the_moved_due_date():
    # 6183 md. 51 runs "vadenin bitim tarihinden itibaren"; VUK 18/4 (via 6183 md. 8) ends a vade on
    # Sunday 28.07.2024 on Monday 29.07.2024: paying on 29.07 is on time
    assert call("TR_LATE_INTEREST", 10000, "2024-07-28", "2024-07-29") == D("0.00")
    # paid 29.08.2024: 29.07 → 29.08 one month at 4.5 % (8484 sayılı CK) = 450.00
    assert call("TR_LATE_INTEREST", 10000, "2024-07-28", "2024-08-29") == D("450.00")
    # counted from the unmoved date (FALSE): 28.07 → 28.08 one month + 1 day = 450 + 15 = 465.00
    assert call("TR_LATE_INTEREST", 10000, "2024-07-28", "2024-08-29", False) == D("465.00")
    # Saturday 01.06.2024 → Monday 03.06.2024; to 01.09: 2 months (03.08) + 29 days at 4.5 %:
    # 10,000 × 4.5 % × (2 + 29/30) = 1,335.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-09-01") == D("1335.00")
    rows = call("TR_LATE_INTEREST_DETAIL", 10000, "2024-07-28", "2024-08-29")
    vade = next(r for r in rows if r[0] == "Vade")
    assert "VUK md. 18/4" in vade[1] and vade[2] == D_(2024, 7, 29)


def test_late_interest_before_the_calendar_says_it_did_not_move():
    # 2011 is outside the holiday calendar: counted from the date as given, and the breakdown says so
    assert call("TR_LATE_INTEREST", 10000, "2011-01-01", "2012-01-01") == D("1680.00")
    rows = call("TR_LATE_INTEREST_DETAIL", 10000, "2011-01-01", "2012-01-01")
    assert any("tatil takvimi kurallarda yok" in str(r[1]) for r in rows if r[0] == "Vade")


def test_every_calendar_year_2019_2027_has_both_bayrams_in_its_own_year():
    from trcalc.calc.rules.store import book
    rb = book()
    for name, month_range in (("calendar.ramazan_bayrami", range(3, 7)), ("calendar.kurban_bayrami", range(5, 9))):
        years = {}
        for e in rb.params[name]:
            (day,) = e.value
            d = D_.fromisoformat(day)
            assert d.year == e.start.year and d.month in month_range, (name, day)
            years[d.year] = d
        assert set(years) >= set(range(2019, 2028))
