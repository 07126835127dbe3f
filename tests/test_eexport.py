"""EIHR_CAP / EIHR_ANNUAL_CAP / EIHR_END against Decision 5986 and the Ministry's yearly tables.

Sources (see docs/kurallar/kaynaklar.md):
* the 2022 base amounts: Decision 5986 (E-İhracat Destekleri Hakkında Karar), RG 25.08.2022
  no. 31934, arts. 4–9, as quoted by the press when it was published (sabah.com.tr 2022-08,
  lexology 2022-08) and confirmed by the Ministry's later tables;
* the revaluation, art. 18: each 1 January, × (1 + (TÜFE + Yİ-ÜFE) / 2) of the previous year,
  December over December (TÜİK bulletins: 2022 64,27 / 97,72; 2023 64,77 / 44,22;
  2024 44,38 / 28,52; 2025 30,89 / 27,67);
* the Ministry's tables: 2024 and 2025 as reproduced by consultancies, 2026 from the Ministry's
  "2026 Yılına İlişkin E-İhracat Destekleri Üst Limitleri" (REKLAM / SIRKET 36.993.646 TL).
The hand calculations below use those figures, written out here — not read from the code.
"""
import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP
from decimal import Decimal as D

import pytest

from trcalc.calc import call
from trcalc.calc.rules.check import check
from trcalc.calc.rules.store import book
from tests.conftest import raises_on

# Decision 5986's 2022 base amounts (TL a year), written out from the Decision's text.
BASE = {
    ("REKLAM", "SIRKET"): 7_500_000, ("REKLAM", "PERAKENDE"): 15_000_000, ("REKLAM", "KONSORSIYUM"): 25_000_000,
    ("TANITIM", "B2B"): 4_000_000, ("TANITIM", "KONSORSIYUM"): 15_000_000,
    ("TANITIM", "PERAKENDE"): 25_000_000, ("TANITIM", "PAZARYERI"): 30_000_000,
    ("SIPARIS", "SIRKET"): 7_500_000, ("SIPARIS", "PAZARYERI"): 15_000_000,
    ("SIPARIS", "PERAKENDE"): 25_000_000, ("SIPARIS", "KONSORSIYUM"): 25_000_000,
    ("MAGAZA", "KONSORSIYUM"): 3_000_000, ("MAGAZA", "SIRKET"): 1_500_000, ("MAGAZA", "PERAKENDE"): 1_500_000,
    ("KOMISYON", "SIRKET"): 750_000, ("KOMISYON", "PERAKENDE"): 2_500_000, ("KOMISYON", "KONSORSIYUM"): 3_000_000,
}
# TÜİK's December-over-December changes of the previous year (%), and the Ministry's rounding.
INDEX = {2023: ("64.27", "97.72", 1000, ROUND_FLOOR), 2024: ("64.77", "44.22", 1, ROUND_HALF_UP),
         2025: ("44.38", "28.52", 1, ROUND_FLOOR), 2026: ("30.89", "27.67", 1, ROUND_FLOOR)}


def by_hand(base, year):
    """The test's own revaluation chain: round(previous × (1 + (TÜFE + Yİ-ÜFE) / 200))."""
    v = D(base)
    for y in range(2023, year + 1):
        tufe, yiufe, unit, mode = INDEX[y]
        v = (v * (1 + (D(tufe) + D(yiufe)) / 200) / unit).to_integral_value(rounding=mode) * unit
    return v


def cap(*args, **kw):
    return call("EIHR_CAP", *args, **kw)


def annual(*args, **kw):
    return call("EIHR_ANNUAL_CAP", *args, **kw)


def detail(*args, **kw):
    return call("EIHR_CAP_DETAIL", *args, **kw)


def test_reklam_company_cap_year_by_year():
    # 2022: the base. 2023: 7,500,000 × (1 + (64.27 + 97.72) / 200) = 7,500,000 × 1.80995
    #   = 13,574,625 → down to 1,000 TL: 13,574,000.
    # 2024: 13,574,000 × 1.54495 = 20,971,151.30 → 20,971,151 (Ministry's 2024 table: 20,971,151)
    # 2025: 20,971,151 × 1.3645 = 28,615,135.54 → 28,615,135 (2025 table: 28,615,135)
    # 2026: 28,615,135 × 1.2928 = 36,993,646.53 → 36,993,646 (2026 table: 36,993,646)
    expected = {2022: 7_500_000, 2023: 13_574_000, 2024: 20_971_151, 2025: 28_615_135, 2026: 36_993_646}
    assert {y: annual("REKLAM", "SIRKET", y) for y in expected} == {y: D(v) for y, v in expected.items()}


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
@pytest.mark.parametrize("support, beneficiary", sorted(BASE))
def test_annual_cap_of_every_eligible_beneficiary(support, beneficiary, year):
    limit = by_hand(BASE[(support, beneficiary)], year)
    assert annual(support, beneficiary, year) == limit
    expense = 2 * limit + 2              # 50 % of it is the cap + 1 TL: the cap binds
    sales = 100 * expense                # the sales ratio does not bind
    assert cap(support, beneficiary, expense, sales, year) == limit
    # below the cap: 50 % of 100,000 = 50,000
    assert cap(support, beneficiary, 100000, sales, year) == D("50000.00")


def _published():
    """Every figure of the Ministry's tables in the rules: (support, beneficiary or item, year, value)."""
    for name, entries in book().params.items():
        if name.startswith("eexport.table."):
            _, _, a, b = name.split(".")
            for e in entries:
                yield a.upper(), b.upper(), e.start.year, e.value


@pytest.mark.parametrize("first, second, year, value", list(_published()))
def test_derivation_reproduces_every_published_table(first, second, year, value):
    """The Ministry's figures (2024: 15, 2025: 4, 2026: 5 in the rules) equal the derived caps."""
    if first == "ITEM":                  # per-unit / per-integration caps: one item
        got = annual(second, "PERAKENDE" if second == "DEPO" else "SIRKET", year, 1)
        if second == "DEPO":             # one unit is below art. 6's cap, so the unit cap shows
            assert got < annual("SIPARIS", "PERAKENDE", year)
    else:
        got = annual(first, second, year)
    assert got == value


def test_published_figures_by_hand():
    # the same agreement, for figures whose base is not a cap of EIHR_ANNUAL_CAP's own
    assert by_hand(200_000, 2024) == 557_727          # 200,000 × 1.80995 = 361,990 → 361,000; × 1.54495
    assert by_hand(5_000_000, 2024) == 13_980_253     # 9,049,000 × 1.54495 = 13,980,252.55 → 13,980,253
    assert by_hand(25_000_000, 2026) == 123_315_792   # TANITIM / PERAKENDE, 2026 table


def test_detail_shows_the_chain_the_sources_and_the_table():
    rows = detail("REKLAM", "SIRKET", 100000, 1000000, 2026)
    labels = [r[0] for r in rows]
    for y in (2023, 2024, 2025, 2026):
        assert f"{y} yeniden değerlemesi" in labels and f"Dayanak: {y} endeksleri" in labels
    by = {r[0]: r for r in rows}
    assert by["2024 yeniden değerlemesi"][2] == D(20_971_151)
    assert "%64,77 TÜFE" in by["2024 yeniden değerlemesi"][1] and "%44,22 Yİ-ÜFE" in by["2024 yeniden değerlemesi"][1]
    assert "TÜİK" in by["Dayanak: 2024 endeksleri"][1] and "güven:" in by["Dayanak: 2024 endeksleri"][1]
    table = by["Yıllık üst sınır: Bakanlığın 2026 tablosu"]
    assert table[2] == D(36_993_646) and "türetilen tutarla aynı" in table[1]
    base = by["Yıllık üst sınır: taban tutar (2022)"]
    assert "5986 sayılı" in base[1] and "RG 25.08.2022" in base[1] and base[2] == D(7_500_000)


@pytest.mark.parametrize("name", ["EIHR_CAP_DETAIL"])
@pytest.mark.parametrize("args", [
    ("REKLAM", "SIRKET", 1000, 10000, 2026), ("DEPO", "PAZARYERI", 1000, None, 2024, None, 2),
    ("ENTEGRASYON", "SIRKET", 1000, None, 2023, None, 1), ("KOMISYON", "KONSORSIYUM", 1000, None, 2022),
    ("TANITIM", "B2B", 1000, None, 2025, None, None, 20),
])
def test_no_breakdown_mentions_seeds_or_internal_notes(name, args):
    text = " ".join(str(c) for row in call(name, *args) for c in row)
    assert "seed" not in text.lower() and "RULES.md" not in text


def test_supports_exist_since_2022_08_25():
    # 2023 works: 50 % × 100,000 = 50,000 with the 2023 cap 13,574,000 not binding
    assert cap("REKLAM", "SIRKET", 100000, 1000000, 2023) == D("50000.00")
    # a window starting in 2023: + 3 years − 1 day
    assert call("EIHR_END", "2023-03-15") == dt.date(2026, 3, 14)
    assert call("EIHR_END", "2022-08-25", "REKLAM") == dt.date(2025, 8, 24)
    with raises_on("start_date", "no_rule"):
        call("EIHR_END", "2022-08-24")                # the day before the Decision
    with raises_on("year", "no_rule"):
        cap("REKLAM", "SIRKET", 1000, 1000, 2021)


def test_a_year_whose_indices_are_not_in_the_rules_is_an_error_not_a_guess():
    with raises_on("year", "no_rule") as info:
        cap("REKLAM", "SIRKET", 1000, 10000, 2027)
    assert "2026 Aralık" in str(info.value) and "eexport.cap.reklam.sirket" in str(info.value)
    # the Ministry's 2027 figure given as an override: used as that year's cap, said in the detail
    ov = {"eexport.cap.reklam.sirket": 45_000_000}
    assert cap("REKLAM", "SIRKET", 100_000_000, 10**9, 2027, overrides=ov) == D("45000000.00")
    rows = detail("REKLAM", "SIRKET", 100_000_000, 10**9, 2027, overrides=ov)
    assert any(r[0] == "Geçersiz kılınan parametre" for r in rows)


def test_revaluation_figures_cannot_be_overridden_as_one_value():
    with raises_on("overrides[eexport.revaluation.tufe]", "invalid"):
        cap("REKLAM", "SIRKET", 1000, 10000, 2025, overrides={"eexport.revaluation.tufe": 0.3})
    # a published figure is only compared with: overriding it would change nothing, so it is refused
    with raises_on("overrides[eexport.table.reklam.sirket]", "invalid"):
        cap("REKLAM", "SIRKET", 1000, 10000, 2025, overrides={"eexport.table.reklam.sirket": 1})


def test_reklam_ratio_binding_and_not():
    # 20 % of 300,000 sales = 60,000 < 100,000 spent → 50 % × 60,000 = 30,000
    assert cap("REKLAM", "SIRKET", 100000, 300000, 2025) == D("30000.00")
    # 20 % of 1,000,000 = 200,000 ≥ 100,000 → 50 % × 100,000 = 50,000
    assert cap("REKLAM", "SIRKET", 100000, 1000000, 2025) == D("50000.00")
    # exactly at the ratio: 20 % × 500,000 = 100,000 → 50,000
    assert cap("REKLAM", "SIRKET", 100000, 500000, 2025) == D("50000.00")


def test_siparis_ratio_binding_and_not():
    # 10 % of 200,000 = 20,000 < 50,000 → 10,000
    assert cap("SIPARIS", "PAZARYERI", 50000, 200000, 2025) == D("10000.00")
    # 10 % of 1,000,000 = 100,000 ≥ 50,000 → 25,000
    assert cap("SIPARIS", "PAZARYERI", 50000, 1000000, 2025) == D("25000.00")


def test_claimed_reduces_the_remainder():
    # KOMISYON / SIRKET 2025 cap 2,860,670 (2,096,497 × 1.3645 = 2,860,670.16 → down):
    # 2,800,000 already paid → 60,670 left of a 100,000 support
    assert cap("KOMISYON", "SIRKET", 200000, None, 2025, 2800000) == D("60670.00")
    assert cap("KOMISYON", "SIRKET", 200000, None, 2025, 2860670) == D("0.00")
    assert cap("KOMISYON", "SIRKET", 200000, None, 2025, 9000000) == D("0.00")     # never below 0
    d = {r[0]: r for r in detail("KOMISYON", "SIRKET", 200000, None, 2025, 2800000)}
    assert d["Kalan sınır"][2] == D("60670")
    assert d["Destek (sınırlar öncesi)"][2] == D("100000")


@pytest.mark.parametrize("count, expected, warned", [
    (1, "557727.00", False),      # 2024 per integration 557,727 (Ministry's 2024 table) < 50 % × 3,000,000
    (6, "1500000.00", False),     # 557,727 × 6 = 3,346,362 > 1,500,000: the rate binds
    (7, "1500000.00", True),      # at most 6 integrations: 7 counts as 6, with a warning
])
def test_integration_per_item_cap(count, expected, warned):
    assert cap("ENTEGRASYON", "SIRKET", 3000000, None, 2024, None, count) == D(expected)
    rows = detail("ENTEGRASYON", "SIRKET", 3000000, None, 2024, None, count)
    assert any(r[0] == "Uyarı" and "en çok 6" in r[1] for r in rows) is warned


def test_integration_cap_covers_the_whole_term():
    # art. 7: "pazaryeri başına 3 yıl süresince, bir entegrasyon için en fazla 200.000 TL" (2022 TL).
    # 2025 cap per integration: 557,727 × 1.3645 = 761,018.49 → 761,018. Paid 700,000 in 2024 for the
    # same integration → 61,018 left in 2025, although a new calendar year has begun.
    assert annual("ENTEGRASYON", "PAZARYERI", 2025, 1) == D(761_018)
    assert cap("ENTEGRASYON", "PAZARYERI", 400000, None, 2025, 700000, 1) == D("61018.00")
    rows = {r[0]: r for r in detail("ENTEGRASYON", "PAZARYERI", 400000, None, 2025, 700000, 1)}
    assert "Üst sınır (destek süresince)" in rows and "Önceden ödenen (tüm süre)" in rows


@pytest.mark.parametrize("count, expected", [
    (1, "13980253.00"),     # 2024: 1 unit × 13,980,253 (Ministry's table) < art. 6 cap 69,905,898 (PERAKENDE)
    (5, "69901265.00"),     # 5 × 13,980,253 = 69,901,265, still just below 69,905,898
    (6, "69905898.00"),     # 6 × 13,980,253 = 83,881,518 > 69,905,898: art. 6's cap binds
])
def test_warehouse_per_unit_cap_and_article_6_cap(count, expected):
    assert cap("DEPO", "PERAKENDE", 300000000, None, 2024, None, count) == D(expected)


def test_warehouse_bounded_by_article_6_cap_for_companies():
    # SIRKET 2024: 25 units × 13,980,253 = 349,506,325, but art. 6's company cap is 20,971,151
    assert cap("DEPO", "SIRKET", 300000000, None, 2024, None, 25) == D("20971151.00")
    rows = detail("DEPO", "SIRKET", 300000000, None, 2024, None, 26)
    assert any(r[0] == "Uyarı" and "en çok 25" in r[1] for r in rows)
    assert any(r[0] == "Uyarı" and "SIPARIS" in r[1] and "md. 6" in r[1] for r in rows)


def test_warehouse_with_claimed():
    # PAZARYERI 2025: 2 units × 19,076,055 = 38,152,110 (13,980,253 × 1.3645 = 19,076,055.22 → down)
    # and art. 6 cap 57,232,380 (41,943,848 × 1.3645 = 57,232,380.60 → down): 38,152,110 − 4,000,000 paid
    assert cap("DEPO", "PAZARYERI", 100000000, None, 2025, 4000000, 2) == D("34152110.00")


def test_warehouse_support_repealed_from_2026_01_17():
    with raises_on("year", "out_of_range") as info:
        cap("DEPO", "PERAKENDE", 1000, None, 2026, None, 1)
    assert "17.01.2026" in str(info.value) and "5973" in str(info.value)


@pytest.mark.parametrize("support, points, expected", [
    ("REKLAM", 20, "70000.00"),      # (50 + 20) % × 100,000
    ("SIPARIS", 10, "60000.00"),     # (50 + 10) % × 100,000
    ("TANITIM", 0, "50000.00"),
    ("KOMISYON", 20, "70000.00"),    # before 2026-01-17 commission could take the points
])
def test_target_country_points(support, points, expected):
    beneficiary = "PERAKENDE"
    assert cap(support, beneficiary, 100000, 10**7, 2025, None, None, points) == D(expected)


@pytest.mark.parametrize("support, year", [("ENTEGRASYON", 2025), ("MAGAZA", 2024), ("KOMISYON", 2026)])
def test_no_target_points_where_the_decision_excludes_them(support, year):
    with raises_on("hedef_puani", "out_of_range"):
        cap(support, "PERAKENDE", 100000, None, year, None, 1 if support == "ENTEGRASYON" else None, 20)


def test_target_points_at_most_20():
    with raises_on("hedef_puani", "out_of_range") as info:
        cap("REKLAM", "SIRKET", 100000, 10**7, 2025, None, None, 21)
    assert "20" in str(info.value)


@pytest.mark.parametrize("support, beneficiary, allowed", [
    ("REKLAM", "B2B", "SIRKET, PERAKENDE, KONSORSIYUM"),
    ("REKLAM", "PAZARYERI", "SIRKET, PERAKENDE, KONSORSIYUM"),
    ("TANITIM", "SIRKET", "B2B, KONSORSIYUM, PERAKENDE, PAZARYERI"),
    ("SIPARIS", "B2B", "SIRKET, KONSORSIYUM, PERAKENDE, PAZARYERI"),
    ("DEPO", "B2B", "SIRKET, KONSORSIYUM, PERAKENDE, PAZARYERI"),
    ("ENTEGRASYON", "B2B", "SIRKET, KONSORSIYUM, PERAKENDE, PAZARYERI"),
    ("MAGAZA", "PAZARYERI", "SIRKET, PERAKENDE, KONSORSIYUM"),
    ("KOMISYON", "B2B", "SIRKET, PERAKENDE, KONSORSIYUM"),
])
def test_ineligible_beneficiary_lists_who_may_apply(support, beneficiary, allowed):
    with raises_on("beneficiary", "out_of_range") as info:
        cap(support, beneficiary, 1000, 100000, 2025, None, 1)
    assert allowed in str(info.value)


@pytest.mark.parametrize("args, arg, code", [
    (("REKLAM", "SIRKET", 1000, None, 2025), "sales", "missing"),
    (("SIPARIS", "SIRKET", 1000, None, 2025), "sales", "missing"),
    (("DEPO", "SIRKET", 1000, None, 2025), "count", "missing"),
    (("ENTEGRASYON", "SIRKET", 1000, None, 2025), "count", "missing"),
    (("REKLAM", "SIRKET", -1, 1000, 2025), "expense", "out_of_range"),
    (("REKLAM", "SIRKET", None, 1000, 2025), "expense", "missing"),
    (("REKLAM", "SIRKET", 1000, -5, 2025), "sales", "out_of_range"),
    (("KOMISYON", "SIRKET", 1000, None, 2025, -1), "claimed", "out_of_range"),
    (("DEPO", "SIRKET", 1000, None, 2025, None, 0), "count", "out_of_range"),
    (("DEPO", "SIRKET", 1000, None, 2025, None, 1.5), "count", "invalid"),
    (("REKLAM", "SIRKET", 1000, 1000, 2025, None, None, -1), "hedef_puani", "out_of_range"),
    (("REKLAM", "SIRKET", 1000, 1000, 2021), "year", "no_rule"),
    (("REKLAM", "SIRKET", 1000, 1000, 1999), "year", "out_of_range"),
    (("PR", "SIRKET", 1000, 1000, 2025), "support", "unknown_code"),
    (("REKLAM", "BANKA", 1000, 1000, 2025), "beneficiary", "unknown_code"),
])
def test_bad_input(args, arg, code):
    with raises_on(arg, code):
        cap(*args)


def test_tier_warning_for_company_caps():
    for support in ("REKLAM", "SIPARIS", "KOMISYON"):
        rows = detail(support, "SIRKET", 1000, 10000, 2024)
        assert any(r[0] == "Uyarı" and "kademe" in r[1] for r in rows), support
    rows = detail("REKLAM", "PERAKENDE", 1000, 10000, 2024)
    assert not any(r[0] == "Uyarı" and "kademe" in r[1] for r in rows)


def test_codes_in_any_spelling():
    expected = cap("ENTEGRASYON", "PAZARYERI", 100000, None, 2025, None, 1)    # 50,000
    assert expected == D("50000.00")
    assert cap("Entegrasyon", "Pazaryeri", 100000, None, 2025, None, 1) == expected
    assert cap(17, "pazaryeri", 100000, None, 2025, None, 1) == expected
    assert cap(17.0, "PAZARYERİ", 100000, None, 2025, None, 1) == expected
    assert cap("madde 17", "MARKETPLACE", 100000, None, 2025, None, 1) == expected
    assert cap("reklam", "Şirket", 100000, 10**6, 2025) == cap("13", "SIRKET", 100000, 10**6, 2025)


def test_rounding_once_half_up():
    # 50 % of 0.01 = 0.005 → 0.01; of 100.01 → 50.005 → 50.01; 70 % of 0.05 = 0.035 → 0.04
    assert cap("TANITIM", "B2B", 0.01, None, 2025) == D("0.01")
    assert cap("TANITIM", "B2B", 100.01, None, 2025) == D("50.01")
    assert cap("TANITIM", "B2B", 0.05, None, 2025, None, None, 20) == D("0.04")


def test_year_defaults_to_this_year(monkeypatch):
    monkeypatch.setenv("TRCALC_TODAY", "2025-06-30")
    assert cap("TANITIM", "B2B", 1000) == D("500.00")
    rows = {r[0]: r for r in detail("TANITIM", "B2B", 1000)}
    assert rows["Yıl"][2] == 2025


def test_window_end():
    assert call("EIHR_END", "2025-03-15") == dt.date(2028, 3, 14)          # + 3 years − 1 day
    assert call("EIHR_END", "2024-12-03", "REKLAM") == dt.date(2027, 12, 2)
    assert call("EIHR_END", "2028-02-29") == dt.date(2031, 2, 28)          # 29 Feb → 1 Mar − 1 day
    with raises_on("support", "unknown_code"):
        call("EIHR_END", "2025-01-01", "XYZ")


def test_validator_requires_a_cap_for_every_named_beneficiary(tmp_path):
    import yaml
    from trcalc.calc.rules.store import RULES_DIR
    data = yaml.safe_load((RULES_DIR / "eexport.yaml").read_text(encoding="utf-8"))
    del data["eexport.cap.magaza.sirket"]
    broken = tmp_path / "eexport.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ok, lines = check(broken)
    assert not ok and any("eexport.cap.magaza.sirket" in line for line in lines)
