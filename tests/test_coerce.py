import datetime as dt
from decimal import Decimal as D

import pytest

from trcalc.calc.coerce import CodeSet, fold, to_bool, to_count, to_nonneg, to_number, to_positive, to_rate
from trcalc.calc.countries import EU, NON_EU, country
from trcalc.calc.dates import add_months, add_years, from_serial, to_date, to_serial
from tests.conftest import raises_on


@pytest.mark.parametrize("value, expected", [
    (0.1, D("0.1")),               # float through str(): 0.1 stays 0.1
    (0.1 + 0.2, D("0.30000000000000004")),   # what Excel really holds is kept as given
    (1e-7, D("1E-7")),
    (60, D("60")),
    (D("12.50"), D("12.50")),
    ("1234.56", D("1234.56")),
    ("1234,56", D("1234.56")),     # Turkish decimal comma
    ("1.234,56", D("1234.56")),    # Turkish thousands dot
    ("1.234.567,89", D("1234567.89")),
    ("1,234.56", D("1234.56")),    # English thousands comma
    ("1,234,567", D("1234567")),
    (" 75 ", D("75")),
    ("1 234,5", D("1234.5")),      # a space as thousands separator
    ("0.100", D("0.100")),         # a leading zero is never a thousands group
    ("1.234", D("1.234")),         # a single dot is a decimal point: str(1.234) reads back
    ("12.345", D("12.345")),
    ("-5", D("-5")),
    ("12", D("12")),
])
def test_numbers(value, expected):
    assert to_number(value, "goods") == expected


@pytest.mark.parametrize("value", ["abc", "1,2,3", "1.2.3", "12a", [1], {}, "1..2", ",", "."])
def test_bad_numbers(value):
    with raises_on("goods", "invalid"):
        to_number(value, "goods")


@pytest.mark.parametrize("value", ["1.500", "1,500", "-2.000", "150.000", "1,234"])
def test_ambiguous_numbers_are_refused(value):
    with raises_on("goods", "invalid") as info:
        to_number(value, "goods")
    assert "belirsiz" in str(info.value) and "ambiguous" in str(info.value)
    whole, frac = value.lstrip("-").replace(",", ".").split(".")
    assert f"{whole}{frac}" in str(info.value) and f"{whole},{frac}0" in str(info.value)


def test_unambiguous_decimals():
    assert to_number("34,5670", "fx") == D("34.5670")
    assert to_number("34.5670", "fx") == D("34.5670")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), D("NaN"), True, False, None])
def test_non_finite_and_booleans_are_refused(value):
    with raises_on("goods"):
        to_number(value, "goods")


def test_huge_numbers_are_refused():
    with raises_on("goods", "out_of_range"):
        to_number(1e300, "goods")


def test_sign_checks():
    assert to_nonneg(0, "freight") == 0
    with raises_on("freight", "out_of_range"):
        to_nonneg(-0.01, "freight")
    with raises_on("fx", "out_of_range"):
        to_positive(0, "fx")


@pytest.mark.parametrize("value, expected", [
    (0.18, D("0.18")),        # a cell formatted 18 % gives 0.18
    ("18%", D("0.18")),
    ("%18", D("0.18")),
    ("% 4,5", D("0.045")),
    ("4.5%", D("0.045")),
    (0, D("0")),
    (1, D("1")),              # 100 %
    ("225%", D("2.25")),      # above 100 % only as text
])
def test_rates(value, expected):
    assert to_rate(value, "duty_rate") == expected


def test_bare_rate_above_one_suggests_percent():
    with raises_on("duty_rate", "out_of_range") as info:
        to_rate(18, "duty_rate")
    assert "%18" in str(info.value) and "18%" in str(info.value)


@pytest.mark.parametrize("value", [-0.1, "-5%", "abc%"])
def test_bad_rates(value):
    with raises_on("duty_rate"):
        to_rate(value, "duty_rate")


@pytest.mark.parametrize("value, expected", [
    (dt.date(2026, 11, 24), dt.date(2026, 11, 24)),
    (dt.datetime(2026, 11, 24, 15, 30), dt.date(2026, 11, 24)),
    ("2026-11-24", dt.date(2026, 11, 24)),
    ("2026-11-24T10:00:00", dt.date(2026, 11, 24)),
    ("24.11.2026", dt.date(2026, 11, 24)),
    ("24/11/2026", dt.date(2026, 11, 24)),
    ("1.2.2025", dt.date(2025, 2, 1)),
    (45000, dt.date(2023, 3, 15)),        # Excel serial (=DATE(2023,3,15) is 45000)
    (45000.75, dt.date(2023, 3, 15)),     # the time of day is dropped
    (1, dt.date(1900, 1, 1)),
    (61, dt.date(1900, 3, 1)),            # after Excel's phantom 1900-02-29
    (46350, dt.date(2026, 11, 24)),
    ("45717", dt.date(2025, 3, 1)),       # a serial written as text
])
def test_dates(value, expected):
    assert to_date(value, "date") == expected


@pytest.mark.parametrize("value", ["31.02.2025", "2025-13-01", "yesterday", 0, -5, True, 3e6, "24.11.26"])
def test_bad_dates(value):
    with raises_on("date", "invalid"):
        to_date(value, "date")


@pytest.mark.parametrize("value", ["9999-12-31", 2957371, dt.date(1899, 12, 31), "2200-01-01"])
def test_dates_outside_1900_2199_are_refused(value):
    with raises_on("date", "out_of_range"):
        to_date(value, "date")


def test_serial_round_trip():
    for d in (dt.date(1900, 3, 1), dt.date(2024, 2, 29), dt.date(2026, 11, 24)):
        assert from_serial(to_serial(d)) == d


def test_calendar_steps():
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 3, 1)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 13), 2) == dt.date(2026, 1, 13)


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (1, True), (0, False),
    ("TRUE", True), ("doğru", True), ("DOĞRU", True), ("Evet", True),
    ("FALSE", False), ("YANLIŞ", False), ("yanlış", False), ("hayır", False),
])
def test_bools(value, expected):
    assert to_bool(value, "voluntary") is expected


def test_bad_bool():
    with raises_on("voluntary", "invalid"):
        to_bool("belki", "voluntary")


def test_counts():
    assert to_count(6, "count") == 6
    assert to_count(6.0, "count") == 6
    assert to_count("7", "count") == 7
    with raises_on("count", "invalid"):
        to_count(2.5, "count")
    with raises_on("count", "out_of_range"):
        to_count(0, "count")


def test_fold_is_turkish_i_safe():
    # Python's own lower() turns İ into i + a combining dot: fold must not.
    assert fold("İNGİLTERE") == fold("ingiltere") == fold("Ingiltere") == "ingiltere"
    assert fold("ŞİRKET") == fold("şirket") == fold("sırket") == fold("SIRKET") == "sirket"
    assert fold("A.TR") == fold("a tr") == "atr"


@pytest.mark.parametrize("value, expected", [
    ("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("Almanya", "DE"), ("ALMANYA", "DE"), ("Germany", "DE"),
    ("İngiltere", "GB"), ("INGILTERE", "GB"), ("United Kingdom", "GB"), ("Birleşik Krallık", "GB"), ("UK", "GB"),
    ("Güney Kore", "KR"), ("South Korea", "KR"), ("KOR", "KR"),
    ("Çin", "CN"), ("CIN", "CN"), ("China", "CN"),
    ("Kosova", "XK"), ("XK", "XK"),
    ("Kıbrıs Rum Kesimi", "CY"), ("Mısır", "EG"), ("Morityus", "MU"), ("Faroe Adaları", "FO"),
    ("ABD", "US"), ("Türkiye", "TR"), ("İsviçre", "CH"), ("Bosna-Hersek", "BA"),
])
def test_countries(value, expected):
    assert country(value, "destination") == expected


def test_origin_groups():
    assert country("AB", "origin", groups=True) == EU
    assert country("EU", "origin", groups=True) == EU
    assert country("Avrupa Birliği", "origin", groups=True) == EU
    assert country("AB DIŞI", "origin", groups=True) == NON_EU
    assert country("ab dışı", "origin", groups=True) == NON_EU
    with raises_on("destination", "unknown_code"):
        country("AB", "destination")          # a destination must be a country


def test_unknown_country():
    with raises_on("destination", "unknown_code"):
        country("Atlantis", "destination")


def test_codeset():
    certs = CodeSet("sertifika", {"ATR": ["A.TR"], "EUR1": ["EUR.1"]})
    assert certs.read("a.tr", "certificate") == "ATR"
    assert certs.read("Eur.1", "certificate") == "EUR1"
    with raises_on("certificate", "unknown_code") as info:
        certs.read("XX", "certificate")
    assert "ATR, EUR1" in str(info.value)
