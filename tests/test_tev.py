"""TEV (seed 004), TR_TEV_APPLIES, late interest, penalty — hand-worked values in the comments."""
from decimal import Decimal as D

import pytest

from calc import call
from tests.conftest import raises_on

SEED = (100000, 10000, 5000, 1, "10%", 30)   # seed 004: 10,000 kg for 100,000 $, 5,000 kg exported, 10 %, 30 TL/$


def rows(name, *args):
    return {r[0]: r for r in call(name, *args)}


def test_seed_004_result():
    assert call("TR_TEV", *SEED) == D("150000.00")
    assert call("TR_TEV", 100000, 10000, 5000, 1, 0.10, 30) == D("150000.00")   # SPEC's form


def test_seed_004_table_line_by_line():
    d = rows("TR_TEV_DETAIL", *SEED)
    assert d["Birim ithalat değeri"][2] == D("10")              # 100,000 $ ÷ 10,000 kg = 10 $/kg
    assert d["Toplam ithal girdi kullanımı"][2] == D("5000")     # 5,000 kg × 1
    assert d["Kullanılan girdinin değeri"][2] == D("50000")      # 5,000 kg × 10 $/kg
    assert d["Vergi tutarı (döviz)"][2] == D("5000")             # 50,000 $ × 10 %
    assert d["TEV tutarı (TL)"][2] == D("150000.00")             # 5,000 $ × 30 TL
    assert "dahil edilmez" in d["İlave gümrük vergisi (İGV)"][1]
    assert "61" in d["Beyan"][1]


def test_waste():
    # 20 % waste: input used 5,000 × 1 ÷ 0.8 = 6,250 kg; × 10 $ = 62,500 $; × 10 % = 6,250 $; × 30 = 187,500 TL
    assert call("TR_TEV", *SEED, "20%") == D("187500.00")
    # consumption already holding the waste (1.25 kg per unit) gives the same
    assert call("TR_TEV", 100000, 10000, 5000, 1.25, "10%", 30) == D("187500.00")


def test_half_kurus_rounds_up():
    # unit value 1,000 ÷ 1,000 = 1; input used 1 × 1 = 1; levy 1 × 10 % = 0.1; × 30.05 = 3.005 → 3.01
    assert call("TR_TEV", 1000, 1000, 1, 1, "10%", 30.05) == D("3.01")
    # 0.1 × 30.04 = 3.004 → 3.00
    assert call("TR_TEV", 1000, 1000, 1, 1, "10%", 30.04) == D("3.00")


def test_destination_without_tev_gives_zero_and_says_why():
    assert call("TR_TEV", *SEED, None, "GB", "EUR1", "2025-03-24") == D("0")
    d = rows("TR_TEV_DETAIL", *SEED, None, "GB", "EUR1", "2025-03-24")
    assert d["TEV doğar mı"][2] is False and "yasağı yok" in d["TEV doğar mı"][1]
    assert call("TR_TEV", *SEED, None, "DE", "ATR", "2025-03-24") == D("150000.00")


EU = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
      "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
EFTA = ["CH", "NO", "IS", "LI"]
BALKANS = ["AL", "BA", "MK", "ME", "RS", "XK"]
MED = ["EG", "IL", "MA", "TN", "PS", "LB", "JO", "DZ"]
OTHER_FTA = ["GE", "MD", "CL", "MU", "MY", "SG", "FO"]


@pytest.mark.parametrize("country", EU)
def test_every_eu_state_with_each_certificate(country):
    for cert in ("ATR", "EUR1", "EURMED", "FATURA"):
        assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is True
    assert call("TR_TEV_APPLIES", country, "YOK", "2025-03-24") is False


@pytest.mark.parametrize("country", EFTA + BALKANS + MED + OTHER_FTA)
def test_every_partner(country):
    for cert in ("EUR1", "EURMED", "FATURA"):
        assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is True
    assert call("TR_TEV_APPLIES", country, "YOK", "2025-03-24") is False
    with raises_on("certificate", "out_of_range"):          # A.TR is for the EU only
        call("TR_TEV_APPLIES", country, "ATR", "2025-03-24")


@pytest.mark.parametrize("country", ["GB", "KR", "İngiltere", "Güney Kore"])
def test_exceptions_without_no_drawback_rule(country):
    for cert in ("EUR1", "EURMED", "FATURA", "YOK", None):
        assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is False


@pytest.mark.parametrize("country", ["US", "CN", "JP"])
def test_countries_outside_the_groups(country):
    assert call("TR_TEV_APPLIES", country, "EUR1", "2025-03-24") is False


@pytest.mark.parametrize("spelling, code", [("A.TR", "ATR"), ("EUR.1", "EUR1"), ("EUR-MED", "EURMED"),
                                            ("fatura", "FATURA"), ("yok", "YOK"), ("euro.1", "EUR1")])
def test_certificate_spellings(spelling, code):
    assert call("TR_TEV_APPLIES", "DE", spelling, "2025-03-24") == call("TR_TEV_APPLIES", "DE", code, "2025-03-24")


def test_no_certificate_assumes_the_usual_proof():
    assert call("TR_TEV_APPLIES", "DE", None, "2025-03-24") is True
    d = rows("TR_TEV_APPLIES_DETAIL", "DE", None, "2025-03-24")
    assert "varsayıldı" in d["TEV doğar mı"][1]


@pytest.mark.parametrize("args, arg, code", [
    ((0, 10000, 5000, 1, "10%", 30), "import_value", "out_of_range"),
    ((100000, 0, 5000, 1, "10%", 30), "import_qty", "out_of_range"),
    ((100000, -1, 5000, 1, "10%", 30), "import_qty", "out_of_range"),
    ((100000, 10000, 0, 1, "10%", 30), "export_qty", "out_of_range"),
    ((100000, 10000, 5000, -1, "10%", 30), "consumption", "out_of_range"),
    ((100000, 10000, 5000, 1, 10, 30), "duty_rate", "out_of_range"),
    ((100000, 10000, 5000, 1, "10%", 0), "fx", "out_of_range"),
    ((100000, 10000, 5000, 1, "10%", 30, 1), "waste_rate", "out_of_range"),
    ((100000, 10000, 5000, 1, "10%", 30, "100%"), "waste_rate", "out_of_range"),
    ((100000, 10000, 5000, 1, "10%", 30, None, "Narnia"), "destination", "unknown_code"),
    ((100000, 10000, 5000, 1, "10%", 30, None, "DE", "EUR2"), "certificate", "unknown_code"),
    ((100000, 10000, 5000, 1, "10%", 30, None, None, "ATR"), "destination", "missing"),
    ((100000, 10000, 5000, 1, "10%", 30, None, "DE", "ATR", "2020-06-01"), "date", "no_rule"),
])
def test_bad_tev_input(args, arg, code):
    with raises_on(arg, code):
        call("TR_TEV", *args)


# --- late interest -------------------------------------------------------------------------

def test_interest_within_one_rate_period():
    # 3 whole months at 4.5 %: 10,000 × 13.5 % = 1,350.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-09-01") == D("1350.00")


def test_interest_with_a_partial_month():
    # 3 months + 15 days: 10,000 × 4.5 % × 3.5 = 1,575.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-09-16") == D("1575.00")
    # 10 days only: 10,000 × 4.5 % = 450 a month; × 10/30 = 150.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-06-11") == D("150.00")


def test_interest_across_the_2025_11_13_change():
    # 2025-10-01 → 11-13: 1 month 12 days at 4.5 % = 6.3 %; 11-13 → 12-13: 1 month at 3.7 %; 10 % → 1,000.00
    assert call("TR_LATE_INTEREST", 10000, "2025-10-01", "2025-12-13") == D("1000.00")
    d = call("TR_LATE_INTEREST_DETAIL", 10000, "2025-10-01", "2025-12-13")
    pieces = [r for r in d if r[0].startswith(("01.10.2025", "13.11.2025"))]
    assert [p[2] for p in pieces] == [D("630"), D("370")]


def test_interest_across_the_2024_05_21_change():
    # 1 month at 3.5 % + 1 month at 4.5 % = 8 % of 10,000
    assert call("TR_LATE_INTEREST", 10000, "2024-04-21", "2024-06-21") == D("800.00")


def test_interest_rounds_once_half_up():
    # 1 day at 3.7 %: 1,000 × 0.037 / 30 = 1.2333… → 1.23
    assert call("TR_LATE_INTEREST", 1000, "2025-12-01", "2025-12-02") == D("1.23")
    # 0.27 × 3.7 % × 15/30 = 0.004995 → 0.00; 0.28 → 0.00518 → 0.01
    assert call("TR_LATE_INTEREST", 0.27, "2025-12-01", "2025-12-16") == D("0.00")
    assert call("TR_LATE_INTEREST", 0.28, "2025-12-01", "2025-12-16") == D("0.01")


def test_interest_bad_dates():
    assert call("TR_LATE_INTEREST", 10000, "2025-01-01", "2025-01-01") == D("0.00")
    with raises_on("pay_date", "out_of_range"):
        call("TR_LATE_INTEREST", 10000, "2025-02-01", "2025-01-01")
    with raises_on("due_date", "no_rule"):
        call("TR_LATE_INTEREST", 10000, "2023-11-13", "2024-01-01")
    with raises_on("amount", "out_of_range"):
        call("TR_LATE_INTEREST", -1, "2025-01-01", "2025-02-01")


# --- penalty --------------------------------------------------------------------------------

def test_penalty():
    assert call("TR_TEV_PENALTY", 150000) == D("37500.00")                 # 150,000 × 1/4
    assert call("TR_TEV_PENALTY", 10.02) == D("2.51")                      # 2.505 → 2.51
    assert call("TR_TEV_PENALTY", 150000, True) == D("0")                  # disclosed first
    assert call("TR_TEV_PENALTY", 150000, "YANLIŞ") == D("37500.00")
    d = call("TR_TEV_PENALTY_DETAIL", 150000)
    assert any(r[0] == "Uyarı" and "düşük" in r[1] for r in d)             # low confidence said
    assert any("güven: düşük" in str(r[1]) for r in d)
    with raises_on("tev", "out_of_range"):
        call("TR_TEV_PENALTY", -5)
