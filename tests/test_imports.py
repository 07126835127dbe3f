"""TR_CIF / TR_DUTY: the 60 € shirt parcel and every regime and date boundary of art. 62 of the
Karar annexed to BKK 2009/15481 (as amended RG 06.08.2024, RG 07.01.2026) and KDV Law 3065 art. 21.

Each expected value is worked by hand in the comment beside it.
"""
from decimal import Decimal as D

import pytest

from trcalc.calc import call
from tests.conftest import raises_on

SEED = (60, 10, 5)   # seed 003: shirt 60 €, freight 10 €, insurance 5 € → CIF 75 €


def duty(*args, **kw):
    return call("TR_DUTY", *args, **kw)


def detail(*args):
    return {row[0]: row for row in call("TR_DUTY_DETAIL", *args)}


def test_cif_seed_003():
    assert call("TR_CIF", *SEED) == D("75")                # 60 + 10 + 5
    assert call("TR_CIF", 60) == D("60")                   # freight and insurance omitted
    assert call("TR_CIF", 0.1, 0.2) == D("0.3")            # floats through str(): exact


@pytest.mark.parametrize("date, origin, expected, regime", [
    # before 2024-08-21: limit 150 € on the goods value alone; 60 ≤ 150 → flat 18 % EU / 30 % other
    ("2024-01-15", "DE", "10.80", "FLAT"),    # 60 × 18 %
    ("2024-01-15", "CN", "18.00", "FLAT"),    # 60 × 30 %
    # 2024-08-21 … 2024-12-26: limit 30 € on goods alone; 60 > 30 → regular, 20 % duty
    ("2024-09-01", "DE", "33.00", "REGULAR"), # duty 75 × 20 % = 15.00; KDV (75 + 15) × 20 % = 18.00
    # 2024-12-27 … 2026-02-05: limit 30 € on CIF; 75 > 30 → regular
    ("2025-03-01", "DE", "33.00", "REGULAR"),
    # from 2026-02-06: regular at every value
    ("2026-03-01", "CN", "33.00", "REGULAR"),
])
def test_seed_003_parcel_in_each_period(date, origin, expected, regime):
    assert duty(*SEED, origin, "20%", date) == D(expected)
    d = detail(*SEED, origin, "20%", date)
    assert d["Rejim"][2] == regime
    assert d["CIF (gümrük değeri)"][2] == D("75")


def test_seed_003_detail_follows_the_law_not_the_seed_table():
    d = detail(*SEED, "DE", 0.20, "2025-03-01")
    assert d["Gümrük vergisi"][2] == D("15.00")
    assert d["KDV matrahı"][2] == D("90.00")          # CIF 75 + duty 15 (seed's table: 75)
    assert d["KDV"][2] == D("18.00")                  # seed's table: 15.00
    assert d["Toplam vergi"][2] == D("33.00")
    assert d["Toplam maliyet (vergiler dahil)"][2] == D("108.00")   # 75 + 33
    assert d["Kurallar sürümü"][1]


@pytest.mark.parametrize("goods, freight, date, expected", [
    # 2024-08-21 … 2024-12-26: the test is on goods alone
    (30, 5, "2024-09-01", "9.00"),           # 30 ≤ 30 → flat 30 % × 30 = 9.00 (freight ignored)
    # from 2024-12-27 the test and the base are CIF
    (25, 5, "2025-01-10", "9.00"),           # CIF 30 ≤ 30 → 30 % × 30 = 9.00
    (25.01, 5, "2025-01-10", "9.60"),        # CIF 30.01 > 30 → regular 10 %: duty 3.001 → 3.00;
                                             # KDV (30.01 + 3.00) × 20 % = 6.602 → 6.60; 9.60
])
def test_30_eur_boundary(goods, freight, date, expected):
    assert duty(goods, freight, 0, "DE", "10%", date) == D(expected)


def test_150_eur_boundary_before_2024_08_21():
    assert duty(150, 0, 0, "DE", None, "2024-01-15") == D("27.00")       # 150 × 18 %
    # 150.01 > 150 → regular 10 %: duty 15.001 → 15.00; KDV (150.01 + 15.00) × 20 % = 33.002 → 33.00
    assert duty(150.01, 0, 0, "DE", "10%", "2024-01-15") == D("48.00")


def test_date_boundary_2024_08_20_21():
    assert duty(*SEED, "DE", "20%", "2024-08-20") == D("10.80")   # 60 ≤ 150 → 60 × 18 %
    assert duty(*SEED, "DE", "20%", "2024-08-21") == D("33.00")   # 60 > 30 → regular


def test_date_boundary_2024_12_26_27():
    # goods 28, freight 5: on 12-26 the test is 28 ≤ 30 → flat 30 % × 28 = 8.40;
    # on 12-27 it is CIF 33 > 30 → regular 20 %: duty 6.60, KDV (33 + 6.60) × 20 % = 7.92 → 14.52
    assert duty(28, 5, 0, "DE", "20%", "2024-12-26") == D("8.40")
    assert duty(28, 5, 0, "DE", "20%", "2024-12-27") == D("14.52")


def test_date_boundary_2026_02_05_06():
    # CIF 30: flat 30 % = 9.00 on 02-05; regular 10 % on 02-06: duty 3.00, KDV 33 × 20 % = 6.60 → 9.60
    assert duty(25, 5, 0, "DE", "10%", "2026-02-05") == D("9.00")
    assert duty(25, 5, 0, "DE", "10%", "2026-02-06") == D("9.60")
    with raises_on("duty_rate", "missing"):
        duty(25, 5, 0, "DE", None, "2026-02-06")


def test_kdv_date_boundary_2023_07_09_10():
    # CIF 210 > 150 → regular 10 %: duty 21.00; KDV base 231
    assert duty(200, 10, 0, "DE", "10%", "2023-07-09") == D("62.58")   # 231 × 18 % = 41.58; + 21
    assert duty(200, 10, 0, "DE", "10%", "2023-07-10") == D("67.20")   # 231 × 20 % = 46.20; + 21


def test_origin_groups_and_brexit():
    assert duty(25, 0, 0, "AB", None, "2024-09-01") == D("7.50")        # 25 × 30 %
    assert duty(25, 0, 0, "AB DIŞI", None, "2024-09-01") == D("15.00")  # 25 × 60 %
    assert duty(25, 0, 0, "GB", None, "2024-09-01") == D("15.00")       # not EU after 2020-02-01
    assert duty(100, 0, 0, "GB", None, "2019-06-01") == D("18.00")      # EU-28 then: 100 × 18 %


def test_tuzel_22_eur():
    # Karar art. 62(3) as rewritten by Decision 5303 (RG 15.03.2022 no. 31779, in force 01.05.2022, the
    # gumrukkulliyati.com consolidation): "bir tüzel kişiye gelen ... kıymeti 22 Avro'yu geçmeyen eşyanın
    # değeri üzerinden birinci fıkrada belirtilen oranlarda tek ve maktu bir vergi"
    assert duty(20, 2, 0, "DE", "10%", "2025-01-10", "TUZEL") == D("6.60")   # CIF 22 ≤ 22 → 22 × 30 %
    # 22.01 → regular 10 %: duty 2.201 → 2.20; KDV (22.01 + 2.20) × 20 % = 4.842 → 4.84; 7.04
    assert duty(20.01, 2, 0, "DE", "10%", "2025-01-10", "TUZEL") == D("7.04")
    # 2023: goods value alone (20 ≤ 22) at the pre-2024 EU rate 18 %: 20 × 18 % = 3.60
    assert duty(20, 2, 0, "DE", "10%", "2023-06-01", "TUZEL") == D("3.60")
    # the rewrite entered into force on 01.05.2022, not on its RG date 15.03.2022
    assert call("TR_DUTY_REGIME", 20, 2, 0, "DE", "10%", "2022-05-01", "TUZEL") == "FLAT"
    with raises_on("date", "no_rule"):
        duty(20, 2, 0, "DE", "10%", "2022-04-30", "TUZEL")      # art. 45(3)–(4) of that time not read: refused
    # Decision 10813 (RG 07.01.2026 no. 33130, in force 06.02.2026) changed art. 62(1) only: paragraph 3
    # stands, at paragraph 1's rates (EU 30 %): CIF 22 × 30 % = 6.60 on both sides of the date
    assert duty(20, 2, 0, "DE", "10%", "2026-02-05", "TUZEL") == D("6.60")
    assert duty(20, 2, 0, "DE", "10%", "2026-02-06", "TUZEL") == D("6.60")
    # above 22 €: regular 10 %: duty 2.201 → 2.20; KDV (22.01 + 2.20) × 20 % = 4.842 → 4.84; 7.04
    assert duty(20.01, 2, 0, "DE", "10%", "2026-02-06", "TUZEL") == D("7.04")


def test_1500_eur_commercial_warning_and_books():
    assert duty(1490, 10, 0, "DE", "0%", "2025-01-10", "KITAP") == D("0")          # 1,500 ≤ 1,500: exempt
    # 1,500.01 → regular, 0 % duty: KDV 1,500.01 × 20 % = 300.002 → 300.00
    assert duty(1490.01, 10, 0, "DE", "0%", "2025-01-10", "KITAP") == D("300.00")
    at = call("TR_DUTY_DETAIL", 1490, 10, 0, "DE", "10%", "2025-01-10")
    above = call("TR_DUTY_DETAIL", 1490.01, 10, 0, "DE", "10%", "2025-01-10")
    assert not any(r[0] == "Uyarı" and "ticari" in r[1] for r in at)
    assert any(r[0] == "Uyarı" and "commercial import" in r[1] for r in above)


def test_medicines_from_2024_08_21():
    # RG 06.08.2024 (in force 2024-08-21): "kıymeti 1500 Avro'yu geçmeyen ilaç cinsi eşya" → 30 % / 60 %
    assert duty(100, 0, 0, "US", None, "2025-03-01", "ILAC") == D("60.00")     # 100 × 60 % (the case)
    assert duty(100, 0, 0, "DE", None, "2024-08-21", "ILAC") == D("30.00")     # 100 × 30 %
    assert duty(1500, 0, 0, "DE", None, "2025-03-01", "ILAC") == D("450.00")   # 1,500 × 30 %
    # 1,500.01 → regular 0 %: KDV 1,500.01 × 20 % = 300.002 → 300.00
    assert duty(1500.01, 0, 0, "CN", "0%", "2025-03-01", "ILAC") == D("300.00")
    # before 2024-08-21 medicines followed the general route: 100 ≤ 150 → 100 × 18 % = 18.00
    assert duty(100, 0, 0, "DE", None, "2024-08-20", "ILAC") == D("18.00")


def test_medicines_and_supplements_after_2026_02_06():
    # Decision 10813 (RG 07.01.2026, in force 2026-02-06): the route is kept and extended to food
    # supplements, on condition of a health report or prescription
    assert duty(1500, 0, 0, "DE", None, "2026-03-01", "ILAC") == D("450.00")     # 1,500 × 30 %
    assert duty(1500, 0, 0, "CN", None, "2026-03-01", "TAKVIYE") == D("900.00")  # 1,500 × 60 %
    d = call("TR_DUTY_DETAIL", 100, 0, 0, "DE", None, "2026-03-01", "Takviye edici gıda")
    assert any(r[0] == "Uyarı" and "reçete" in r[1] for r in d)
    assert not any(r[0] == "Uyarı" and "reçete" in r[1]
                   for r in call("TR_DUTY_DETAIL", 100, 0, 0, "DE", None, "2025-03-01", "ILAC"))
    # a supplement before 2026-02-06 is general goods: 100 > 30 → regular 0 %: KDV 100 × 20 % = 20.00
    assert duty(100, 0, 0, "DE", "0%", "2025-03-01", "TAKVIYE") == D("20.00")


def test_flat_rate_follows_the_sending_country_not_the_origin():
    # the decision's 30 % is for goods "Avrupa Birliği ülkelerinden doğrudan gelen": a Chinese-made item
    # sent from Germany is given as DE → 25 × 30 % = 7.50; sent from China → 25 × 60 % = 15.00
    assert duty(25, 0, 0, "DE", None, "2024-09-01") == D("7.50")
    assert duty(25, 0, 0, "CN", None, "2024-09-01") == D("15.00")
    d = detail(25, 0, 0, "DE", None, "2024-09-01")
    assert "gönderildiği ülke" in d["Gönderen ülke"][1]
    from trcalc.calc.registry import REGISTRY
    origin = next(a for a in REGISTRY["TR_DUTY"].args if a.name == "origin")
    assert "menşei değil" in origin.doc_tr and "not the goods' origin" in origin.doc_en


def test_regular_regime_kdv_rate_and_other_charges():
    # KDV Law art. 21: base = CIF + duty + ÖTV + anti-dumping + other charges; art. 28: the goods' rate
    # CIF 75, duty 20 % = 15.00; at 10 % KDV: (75 + 15) × 10 % = 9.00 → 24.00
    assert duty(*SEED, "DE", "20%", "2025-03-01", None, None, "10%") == D("24.00")
    # 1 %: 90 × 1 % = 0.90 → 15.90
    assert duty(*SEED, "DE", "20%", "2025-03-01", None, None, "%1") == D("15.90")
    # ÖTV 6, anti-dumping 3, other 1: base 75 + 15 + 6 + 3 + 1 = 100 → KDV 20.00; 15 + 10 + 20 = 45.00
    assert duty(*SEED, "DE", "20%", "2025-03-01", None, None, None, 6, 3, 1) == D("45.00")
    d = detail(*SEED, "DE", "20%", "2025-03-01", None, None, None, 6, 3, 1)
    assert d["KDV matrahı"][2] == D("100.00") and "md. 21" in d["KDV matrahı"][1]
    assert d["ÖTV"][2] == D("6.00") and d["Damping vergisi"][2] == D("3.00")
    assert "genel oran" in d["KDV"][1]
    # in TL at 34.567: CIF 2,592.525; duty 518.505 → 518.51; ÖTV 207.402 → 207.40; AD 103.701 → 103.70;
    # other 34.567 → 34.57; base 3,456.705 × 20 % = 691.341 → 691.34; total 1,555.52
    assert duty(*SEED, "DE", "20%", "2025-03-01", None, 34.567, None, 6, 3, 1) == D("1555.52")
    # the flat regime ignores them and says so: 25 × 30 % = 7.50
    assert duty(25, 0, 0, "DE", None, "2024-09-01", None, None, "10%", 5) == D("7.50")
    assert any(r[0] == "Uyarı" and "yok sayıldı" in r[1]
               for r in call("TR_DUTY_DETAIL", 25, 0, 0, "DE", None, "2024-09-01", None, None, "10%", 5))


def test_samples_and_otv4():
    assert duty(30, 0, 0, "CN", None, "2025-03-01", "NUMUNE") == D("0")
    # 2024-09-01, 25 € EU, ÖTV IV: flat 25 × 30 % = 7.50 + add-on 25 × 20 % = 5.00
    assert duty(25, 0, 0, "DE", None, "2024-09-01", "OTV4") == D("12.50")


def test_rounding_half_up_in_try():
    # flat: 25 € × 33.35 = 833.75 TL × 30 % = 250.125 → 250.13 (banker's rounding would give 250.12)
    assert duty(25, 0, 0, "DE", None, "2024-09-01", None, 33.35) == D("250.13")
    # regular: CIF 75 × 34.567 = 2,592.525 TL; duty × 20 % = 518.505 → 518.51;
    # KDV (2,592.525 + 518.51) × 20 % = 622.207 → 622.21; total 1,140.72
    assert duty(*SEED, "DE", "20%", "2025-03-01", "", 34.567) == D("1140.72")


def test_text_and_turkish_inputs():
    assert duty("60,00", "10", "5", "almanya", "%20", "01.03.2025", "genel") == D("33.00")
    assert duty(60, 10, 5, "DEU", 0.2, 45717) == D("33.00")   # 45717 = 2025-03-01


@pytest.mark.parametrize("args, arg, code", [
    (("abc", 10, 5, "DE", 0.2, "2025-03-01"), "goods", "invalid"),
    ((-1, 10, 5, "DE", 0.2, "2025-03-01"), "goods", "out_of_range"),
    ((None, 10, 5, "DE", 0.2, "2025-03-01"), "goods", "missing"),
    ((60, "", 5, "DE", 0.2, "2025-03-01"), "freight", "missing"),
    ((60, 10, -5, "DE", 0.2, "2025-03-01"), "insurance", "out_of_range"),
    ((60, 10, 5, "Atlantis", 0.2, "2025-03-01"), "origin", "unknown_code"),
    ((60, 10, 5, "DE", 20, "2025-03-01"), "duty_rate", "out_of_range"),
    ((60, 10, 5, "DE", None, "2025-03-01"), "duty_rate", "missing"),
    ((60, 10, 5, "DE", 0.2, "31.02.2025"), "date", "invalid"),
    ((60, 10, 5, "DE", 0.2, "2019-01-01"), "date", "no_rule"),
    ((60, 10, 5, "DE", 0.2, "2025-03-01", "FOOD"), "category", "unknown_code"),
    ((60, 10, 5, "DE", 0.2, "2025-03-01", "GENEL", 0), "fx", "out_of_range"),
    ((60, 10, 5, "DE", 0.2, "2025-03-01", "GENEL", "kur"), "fx", "invalid"),
])
def test_bad_input_names_the_argument(args, arg, code):
    with raises_on(arg, code):
        duty(*args)


def test_too_many_arguments():
    from trcalc.calc import CalcError
    with pytest.raises(CalcError) as info:
        duty(60, 10, 5, "DE", 0.2, "2025-03-01", "GENEL", 35, "10%", 1, 1, 1, "EUR", None, "extra")
    assert info.value.code == "arity" and "TR_DUTY" in str(info.value)


@pytest.mark.parametrize("name, args", [
    ("TR_DUTY_DETAIL", (60, 10, 5, "DE", "20%", "2025-03-01")),
    ("TR_DUTY_DETAIL", (100, 0, 0, "US", None, "2026-03-01", "TAKVIYE")),
    ("TR_TEV_DETAIL", (100000, 10000, 5000, 1, "10%", 30, None, "JO", "EUR1", "2017-05-01")),
    ("TR_TEV_PENALTY_DETAIL", (150000, False, "2015-06-01")),
    ("TR_LATE_INTEREST_DETAIL", (10000, "2019-06-01", "2020-01-30")),
    ("TR_MICRO_EXPORT_DETAIL", (300, 15000, "2026-01-03")),
    ("TR_EXPORT_KDV_REFUND_DETAIL", (25000, 100000, "2023-07-09")),
])
def test_source_rows_are_a_turkish_legal_basis(name, args):
    # issue 11.7: each source row names the rule in Turkish (not its parameter name), cites the text,
    # says since when and with what confidence, and never cites the project's working papers
    rows = [r for r in call(name, *args) if str(r[0]).startswith("Kaynak")]
    assert rows
    for label, text, _value in rows:
        assert "." not in label.split(": ", 1)[1].split(" ")[0], label          # not "kdv.general_rate"
        assert "tarihinden itibaren; güven: " in text
        assert "seed" not in text.lower() and "RULES.md" not in text
