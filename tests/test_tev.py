"""TEV (seed 004), TR_TEV_APPLIES, late interest, penalty — hand-worked values in the comments."""
import datetime as dt
from decimal import Decimal as D

import pytest

from trcalc.calc import call
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
    assert call("TR_TEV", *SEED, None, "GB", "EUR1", "2025-03-24") == D("0")     # TR–UK FTA: no drawback ban
    d = rows("TR_TEV_DETAIL", *SEED, None, "GB", "EUR1", "2025-03-24")
    assert d["TEV doğar mı"][2] is False and "yasağı yok" in d["TEV doğar mı"][1]
    assert call("TR_TEV", *SEED, None, "DE", "ATR", "2025-03-24") == D("150000.00")


EU = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
      "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
# Agreements in force on 2025-03-24 whose origin rules forbid drawback (PEM protocols: EUR.1, EUR-MED,
# invoice declaration) — Ticaret Bakanlığı, yürürlükteki STA'lar.
PEM = ["CH", "NO", "IS", "LI", "AL", "BA", "MK", "ME", "RS", "XK", "EG", "IL", "MA", "TN", "PS", "GE", "MD", "FO"]
# In force with a no-drawback rule, outside the PEM zone (EUR.1 and invoice declaration, no EUR-MED).
NON_PEM = ["CL", "MU", "MY", "SG"]


@pytest.mark.parametrize("country", EU)
def test_every_eu_state_with_each_certificate(country):
    # customs union (1/95 Association Council Decision): A.TR, and EUR.1 / EUR-MED / invoice declaration
    for cert in ("ATR", "EUR1", "EURMED", "FATURA"):
        assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is True
    assert call("TR_TEV_APPLIES", country, "YOK", "2025-03-24") is False


@pytest.mark.parametrize("country", PEM)
def test_every_pem_partner(country):
    for cert in ("EUR1", "EURMED", "FATURA"):
        assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is True
    assert call("TR_TEV_APPLIES", country, "YOK", "2025-03-24") is False
    with raises_on("certificate", "out_of_range"):          # A.TR is the customs union's certificate
        call("TR_TEV_APPLIES", country, "ATR", "2025-03-24")


@pytest.mark.parametrize("country", NON_PEM)
def test_every_partner_outside_the_pem_zone(country):
    for cert in ("EUR1", "FATURA"):
        assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is True
    with raises_on("certificate", "out_of_range"):          # no EUR-MED outside the PEM zone
        call("TR_TEV_APPLIES", country, "EURMED", "2025-03-24")


@pytest.mark.parametrize("country, cert", [("GB", "EUR1"), ("GB", "FATURA"), ("İngiltere", "EUR.1"),
                                           ("KR", "FATURA"), ("Güney Kore", "menşe beyanı"),
                                           ("AE", "FATURA"), ("AE", "SERTIFIKA"), ("VE", "EUR1")])
def test_agreements_without_a_no_drawback_rule(country, cert):
    # TR–UK FTA (in force 2021-01-01), TR–Korea FTA (2013-05-01), TR–UAE CEPA (2023-09-01),
    # TR–Venezuela (2020): no drawback prohibition, so no TEV whatever the proof
    assert call("TR_TEV_APPLIES", country, cert, "2025-03-24") is False
    assert call("TR_TEV_APPLIES", country, None, "2025-03-24") is False
    d = rows("TR_TEV_APPLIES_DETAIL", country, cert, "2025-03-24")
    assert "yasağı yok" in d["TEV doğar mı"][1]


def test_a_proof_the_agreement_does_not_know_is_a_clear_error():
    # TR–Korea knows only the exporter's origin declaration; TR–UAE its own certificate and the declaration
    for country, cert, known in [("KR", "EUR1", "fatura/menşe beyanı"), ("AE", "EUR1", "menşe ispat belgesi"),
                                 ("GB", "ATR", "EUR.1"), ("CH", "SERTIFIKA", "EUR-MED")]:
        with raises_on("certificate", "out_of_range") as e:
            call("TR_TEV_APPLIES", country, cert, "2025-03-24")
        assert known in e.value.message_tr and "kapsamında düzenlenmez" in e.value.message_tr


def test_jordan_fta_by_date():
    # TR–Jordan FTA: signed 2009-12-01, in force 2011-03-01, terminated 2018-11-22 (Ticaret Bakanlığı)
    assert call("TR_TEV_APPLIES", "JO", "EUR1", "2010-06-01") is False         # signed, not yet in force
    assert call("TR_TEV_APPLIES", "JO", "EUR1", "2011-03-01") is True
    assert call("TR_TEV_APPLIES", "JO", "EUR1", "2018-11-21") is True
    assert call("TR_TEV_APPLIES", "JO", "EUR1", "2018-11-22") is False
    assert call("TR_TEV_APPLIES", "Ürdün", "EUR.1", "2025-03-24") is False
    # the seed-004 case: 150,000 TL before the termination, nothing after it
    assert call("TR_TEV", *SEED, None, "JO", "EUR1", "2017-05-01") == D("150000.00")
    assert call("TR_TEV", *SEED, None, "JO", "EUR1", "2025-03-24") == D("0")
    d = rows("TR_TEV_APPLIES_DETAIL", "JO", "EUR1", "2025-03-24")
    assert "22.11.2018" in d["Anlaşma"][1] and "yürürlükte değil" in d["TEV doğar mı"][1]
    assert any(r[0].startswith("Kaynak") and "22.11.2018" in str(r[1]) for r in d.values())


def test_lebanon_never_in_force_and_algeria_without_an_fta():
    # TR–Lebanon: signed 2010-11-24, Lebanon's ratification never completed; Algeria: no FTA at all
    for country in ("LB", "Lübnan"):
        assert call("TR_TEV_APPLIES", country, "EUR1", "2025-03-24") is False
    assert "yürürlüğe girmedi" in rows("TR_TEV_APPLIES_DETAIL", "LB", "EUR1", "2025-03-24")["Anlaşma"][1]
    assert call("TR_TEV_APPLIES", "DZ", "EUR1", "2025-03-24") is False
    assert "anlaşması yok" in rows("TR_TEV_APPLIES_DETAIL", "DZ", "EUR1", "2025-03-24")["Anlaşma"][1]
    assert call("TR_TEV", *SEED, None, "DZ", "EUR1", "2025-03-24") == D("0")


def test_other_dated_agreements():
    # Syria: in force 2007-01-01, suspended 2011-12-06; Kosovo: in force 2019-09-01; Ukraine: signed
    # 2022-02-03, not in force; UK before the FTA (2021-01-01) and after leaving the EU (2020-02-01)
    assert call("TR_TEV_APPLIES", "SY", "EUR1", "2010-01-01") is True
    assert call("TR_TEV_APPLIES", "SY", "EUR1", "2012-01-01") is False
    assert call("TR_TEV_APPLIES", "XK", "EUR1", "2019-08-31") is False
    assert call("TR_TEV_APPLIES", "XK", "EUR1", "2019-09-01") is True
    assert call("TR_TEV_APPLIES", "UA", "EUR1", "2025-03-24") is False
    assert call("TR_TEV_APPLIES", "GB", "ATR", "2019-06-01") is True           # an EU member then
    assert call("TR_TEV_APPLIES", "HR", "ATR", "2013-06-30") is False          # joined the EU 2013-07-01
    assert call("TR_TEV_APPLIES", "HR", "ATR", "2013-07-01") is True


# --- revised PEM rules (issue 26.8) ---------------------------------------------------------
# Ticaret Bakanlığı İhracat GM letter 27.03.2026, E-88364507-451.01-00120421282, «Revize PEM Menşe
# Kuralları Kapsamında TEV Uygulaması»: under the revised rules (1/2023 Regulation art. 18/1) the
# no-drawback rule covers only HS chapters 50–63; item 4: EFTA and the Faroes from 01.01.2025, in 2025
# only with the «REVISED RULES» endorsement, from 01.01.2026 always; item 5: Serbia 13.02.2026, Moldova
# 20.02.2026, Egypt 26.02.2026, Palestine, Morocco, Bosnia, Kosovo, North Macedonia, Montenegro and
# Georgia 01.01.2026; item 7: Albania and Tunisia unchanged, Egypt with EUR-MED under the old rules;
# items 1–3: EU with A.TR unchanged, with EUR.1 (ECSC, 1/98 farm goods) no TEV from 01.01.2026.
REVISED_2026 = [("PS", "2026-01-01"), ("MA", "2026-01-01"), ("BA", "2026-01-01"), ("XK", "2026-01-01"),
                ("MK", "2026-01-01"), ("ME", "2026-01-01"), ("GE", "2026-01-01"), ("RS", "2026-02-13"),
                ("MD", "2026-02-20"), ("EG", "2026-02-26")]


@pytest.mark.parametrize("country, start", REVISED_2026)
def test_revised_pem_partners_from_their_date(country, start):
    day_before = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
    # a car part (chapter 87) with EUR.1: TEV the day before, none from the date
    assert call("TR_TEV_APPLIES", country, "EUR1", day_before, "8708.29") is True
    assert call("TR_TEV_APPLIES", country, "EUR1", start, "8708.29") is False
    assert call("TR_TEV_APPLIES", country, "FATURA", start, "87") is False          # origin declaration: art. 19
    # a shirt (chapter 62) and yarn (chapter 52): the no-drawback rule stays for 50–63 (letter item 6/a)
    assert call("TR_TEV_APPLIES", country, "EUR1", start, "6205.20") is True
    assert call("TR_TEV_APPLIES", country, "EUR1", start, "52") is True
    # the seed-004 levy: 150,000 TL for the shirt, nothing for the car part
    assert call("TR_TEV", *SEED, None, country, "EUR1", start, None, "6205") == D("150000.00")
    assert call("TR_TEV", *SEED, None, country, "EUR1", start, None, "8708") == D("0")


@pytest.mark.parametrize("country", ["CH", "NO", "IS", "LI", "FO"])
def test_efta_and_the_faroes_transition_in_2025(country):
    # 2025: both rule sets; revised (no TEV outside 50–63) only with the «REVISED RULES» endorsement
    assert call("TR_TEV_APPLIES", country, "EUR1", "2024-12-31", "8708", True) is True      # before the revised rules
    assert call("TR_TEV_APPLIES", country, "EUR1", "2025-06-02", "8708", True) is False
    assert call("TR_TEV_APPLIES", country, "EUR1", "2025-06-02", "8708", False) is True
    d = call("TR_TEV_APPLIES_DETAIL", country, "EUR1", "2025-06-02", "8708")    # not said: the old rules, warned
    assert d[4][2] is True and any(r[0] == "Uyarı" and "REVISED RULES" in r[1] for r in d)
    # from 2026 only the revised rules
    assert call("TR_TEV_APPLIES", country, "EUR1", "2026-01-01", "8708") is False
    assert call("TR_TEV_APPLIES", country, "EUR1", "2026-01-01", "6109") is True


def test_revised_pem_eu_egypt_and_the_unchanged_partners():
    # EU: A.TR industrial goods keep TEV (item 1); EUR.1 steel (ECSC, chapter 72) none from 2026 (item 2)
    assert call("TR_TEV_APPLIES", "DE", "ATR", "2026-06-01", "8708") is True
    assert call("TR_TEV_APPLIES", "DE", "EUR1", "2025-12-31", "7208") is True
    assert call("TR_TEV_APPLIES", "DE", "EUR1", "2026-06-01", "7208") is False
    # Egypt: EUR-MED exports follow the old rules (item 7)
    assert call("TR_TEV_APPLIES", "EG", "EURMED", "2026-06-01", "8708") is True
    # Albania and Tunisia: negotiations continue, TEV as before (item 7); Israel is not in the letter
    for country in ("AL", "TN", "IL"):
        assert call("TR_TEV_APPLIES", country, "EUR1", "2026-06-01", "8708") is True


def test_revised_pem_without_a_gtip_assumes_tev_and_warns():
    d = call("TR_TEV_APPLIES_DETAIL", "RS", "EUR1", "2026-03-02")
    assert d[4][2] is True and "GTİP verilmedi" in d[4][1]
    assert any(r[0] == "Uyarı" and "50–63" in r[1] for r in d)
    assert "yalnız 50–63" in d[2][1]                                     # the agreement row says so
    with raises_on("hs", "invalid"):
        call("TR_TEV_APPLIES", "RS", "EUR1", "2026-03-02", "870")          # an odd number of digits


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
    ((100000, 10000, 5000, 1, "10%", 30, None, "CH", "ATR"), "certificate", "out_of_range"),
])
def test_bad_tev_input(args, arg, code):
    with raises_on(arg, code):
        call("TR_TEV", *args)


# --- late interest -------------------------------------------------------------------------

# The tests below count from the due date as given (tatil_kaydir = FALSE): their dates test the
# month/day arithmetic and the rate history; tests/test_workdays.py tests the move past holidays.

def test_interest_within_one_rate_period():
    # 3 whole months at 4.5 %: 10,000 × 13.5 % = 1,350.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-09-01", False) == D("1350.00")


def test_interest_with_a_partial_month():
    # 3 months + 15 days: 10,000 × 4.5 % × 3.5 = 1,575.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-09-16", False) == D("1575.00")
    # 10 days only: 10,000 × 4.5 % = 450 a month; × 10/30 = 150.00
    assert call("TR_LATE_INTEREST", 10000, "2024-06-01", "2024-06-11", False) == D("150.00")


def test_interest_across_the_2025_11_13_change():
    # 2025-10-01 → 11-13: 1 month 12 days at 4.5 % = 6.3 %; 11-13 → 12-13: 1 month at 3.7 %; 10 % → 1,000.00
    assert call("TR_LATE_INTEREST", 10000, "2025-10-01", "2025-12-13") == D("1000.00")
    d = call("TR_LATE_INTEREST_DETAIL", 10000, "2025-10-01", "2025-12-13")
    pieces = [r for r in d if r[0].startswith(("01.10.2025", "13.11.2025"))]
    assert [p[2] for p in pieces] == [D("630"), D("370")]


def test_interest_across_the_2024_05_21_change():
    # 1 month at 3.5 % + 1 month at 4.5 % = 8 % of 10,000
    assert call("TR_LATE_INTEREST", 10000, "2024-04-21", "2024-06-21", False) == D("800.00")


def test_interest_history_across_the_2022_07_21_change():
    # 1947 sayılı CK (RG 30.12.2019 sayı 30994): 1.6 %; 5801 sayılı CK (RG 21.07.2022 sayı 31899): 2.5 %
    # 2022-06-21 → 07-21: 1 month at 1.6 % = 160; 07-21 → 08-21: 1 month at 2.5 % = 250; total 410.00
    assert call("TR_LATE_INTEREST", 10000, "2022-06-21", "2022-08-21") == D("410.00")


def test_interest_history_through_the_2019_changes():
    # 62 sayılı CK 2 % (from 2018-09-05); 1266 sayılı CK 2.5 % (RG 29.06.2019 sayı 30816, from 07-01);
    # 1592 sayılı CK 2 % (RG 02.10.2019 sayı 30906); 1947 sayılı CK 1.6 % (RG 30.12.2019 sayı 30994)
    # 06-01 → 07-01: 1 month × 2 % = 200
    # 07-01 → 10-02: 3 months + 1 day at 2.5 %: 10,000 × 2.5 % × (3 + 1/30) = 758.333…
    # 10-02 → 12-30: 2 months + 28 days × 2 % = 10,000 × 2 % × (2 + 28/30) = 586.666…
    # 12-30 → 2020-01-30: 1 month × 1.6 % = 160
    # 200 + 758.333… + 586.666… + 160 = 1,705.00
    assert call("TR_LATE_INTEREST", 10000, "2019-06-01", "2020-01-30", False) == D("1705.00")


def test_interest_history_back_to_2010():
    # 2010/965 sayılı BKK: 1.4 % from 2010-10-19; 12 whole months in 2011 → 10,000 × 16.8 % = 1,680.00
    assert call("TR_LATE_INTEREST", 10000, "2011-01-01", "2012-01-01") == D("1680.00")
    # 2009/15565 sayılı BKK 1.95 % until 2010-10-18: 2010-09-19 → 10-19 one month at 1.95 % = 195.00
    assert call("TR_LATE_INTEREST", 10000, "2010-09-19", "2010-10-19") == D("195.00")
    d = call("TR_LATE_INTEREST_DETAIL", 10000, "2011-01-01", "2012-01-01")
    assert any("2010/965" in str(r[1]) for r in d)


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
    with raises_on("due_date", "no_rule"):                  # before the earliest rate we hold (2006-04-21)
        call("TR_LATE_INTEREST", 10000, "2006-04-20", "2007-01-01")
    with raises_on("amount", "out_of_range"):
        call("TR_LATE_INTEREST", -1, "2025-01-01", "2025-02-01")


# --- penalty --------------------------------------------------------------------------------

def test_penalty():
    # GK md. 234/5 (Law 5911, RG 07.07.2009): TEV (the import duties of art. 194/1) not paid by the date
    # in 194/4 → a fine of "bu vergilerin dörtte biri"; none when disclosed before customs finds it
    assert call("TR_TEV_PENALTY", 150000) == D("37500.00")                 # 150,000 × 1/4
    assert call("TR_TEV_PENALTY", 10.02) == D("2.51")                      # 10.02 / 4 = 2.505 → 2.51
    assert call("TR_TEV_PENALTY", 150000, True) == D("0")                  # disclosed first (234/5, 2nd sentence)
    assert call("TR_TEV_PENALTY", 150000, "YANLIŞ") == D("37500.00")
    d = call("TR_TEV_PENALTY_DETAIL", 150000)
    assert not any(r[0] == "Uyarı" for r in d)                             # the article text was read
    assert any(r[0] == "Yasal dayanak" and "md. 234/5" in r[1] and "5911" in r[1] for r in d)
    assert "234/5" in call("TR_TEV_PENALTY_DETAIL", 150000, True)[1][1]
    with raises_on("tev", "out_of_range"):
        call("TR_TEV_PENALTY", -5)


def test_penalty_by_the_text_in_force():
    # 234/5 is part of the article as rewritten by Law 5911 (RG 07.07.2009 no. 27281); Law 7190 (RG
    # 07.11.2019) changed 234/2 (declaration differences under inward processing), not the TEV fine:
    # 150,000 × 1/4 = 37,500.00 on either side of 2019-11-07
    for day in ("2009-07-07", "2015-06-01", "2019-11-06", "2019-11-07", "2026-06-01"):
        assert call("TR_TEV_PENALTY", 150000, False, day) == D("37500.00")
    with raises_on("date", "no_rule"):                                     # before the 2009 text
        call("TR_TEV_PENALTY", 150000, False, "2009-07-06")


def test_every_agreement_is_complete_and_knows_only_real_proofs():
    # each agreement in tev_partners.yaml has its four parameters, and its proofs are certificate codes
    from trcalc.calc.rules.store import book
    from trcalc.calc.tev import CERTIFICATES
    from trcalc.calc.tev_partners import agreement_ids, parties_param
    rb = book()
    assert {"eu", "efta", "jo", "lb", "gb", "kr", "ae", "ua"} <= set(agreement_ids())
    for a in agreement_ids():
        for part in ("in_force", "proofs", "no_drawback"):
            assert f"tev.fta.{a}.{part}" in rb.params, (a, part)
        assert parties_param(a) in rb.params, a
        for e in rb.params[f"tev.fta.{a}.proofs"]:
            assert set(e.value) <= set(CERTIFICATES.codes) - {"YOK"}, (a, e.value)
