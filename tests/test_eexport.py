"""EIHR_CAP / EIHR_END: seed 000's Genelge (arts. 13–19) with hand-worked values."""
import datetime as dt
from decimal import Decimal as D

import pytest

from calc import call
from calc.rules.check import check
from tests.conftest import raises_on

# The annual caps of seed 000 / RULES.md §3, written out here (not read from the code).
CAPS = {
    ("REKLAM", "SIRKET"): 7_500_000, ("REKLAM", "PERAKENDE"): 15_000_000, ("REKLAM", "KONSORSIYUM"): 25_000_000,
    ("TANITIM", "B2B"): 4_000_000, ("TANITIM", "KONSORSIYUM"): 15_000_000,
    ("TANITIM", "PERAKENDE"): 25_000_000, ("TANITIM", "PAZARYERI"): 30_000_000,
    ("SIPARIS", "SIRKET"): 7_500_000, ("SIPARIS", "PAZARYERI"): 15_000_000,
    ("SIPARIS", "PERAKENDE"): 25_000_000, ("SIPARIS", "KONSORSIYUM"): 25_000_000,
    ("MAGAZA", "KONSORSIYUM"): 3_000_000, ("MAGAZA", "SIRKET"): 1_500_000, ("MAGAZA", "PERAKENDE"): 1_500_000,
    ("KOMISYON", "SIRKET"): 750_000, ("KOMISYON", "PERAKENDE"): 2_500_000, ("KOMISYON", "KONSORSIYUM"): 3_000_000,
}


def cap(*args):
    return call("EIHR_CAP", *args)


def detail(*args, **kw):
    return call("EIHR_CAP_DETAIL", *args, **kw)


@pytest.mark.parametrize("support, beneficiary", sorted(CAPS))
def test_annual_cap_of_every_eligible_beneficiary(support, beneficiary):
    limit = CAPS[(support, beneficiary)]
    expense = 2 * limit + 2              # 50 % of it is the cap + 1 TL: the cap binds
    sales = 100 * expense                # the sales ratio does not bind
    assert cap(support, beneficiary, expense, sales, 2025) == D(limit)
    # below the cap: 50 % of 100,000 = 50,000
    assert cap(support, beneficiary, 100000, sales, 2025) == D("50000.00")


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
    # KOMISYON / SIRKET cap 750,000: 700,000 already paid → 50,000 left of a 100,000 support
    assert cap("KOMISYON", "SIRKET", 200000, None, 2025, 700000) == D("50000.00")
    assert cap("KOMISYON", "SIRKET", 200000, None, 2025, 750000) == D("0.00")
    assert cap("KOMISYON", "SIRKET", 200000, None, 2025, 900000) == D("0.00")     # never below 0
    d = {r[0]: r for r in detail("KOMISYON", "SIRKET", 200000, None, 2025, 700000)}
    assert d["Kalan sınır"][2] == D("50000")
    assert d["Destek (sınırlar öncesi)"][2] == D("100000")


@pytest.mark.parametrize("count, expected, warned", [
    (1, "200000.00", False),      # 200,000 × 1 < 50 % × 3,000,000
    (6, "1200000.00", False),     # 200,000 × 6
    (7, "1200000.00", True),      # at most 6 integrations: 7 counts as 6, with a warning
])
def test_integration_per_item_cap(count, expected, warned):
    assert cap("ENTEGRASYON", "SIRKET", 3000000, None, 2024, None, count) == D(expected)
    rows = detail("ENTEGRASYON", "SIRKET", 3000000, None, 2024, None, count)
    assert any(r[0] == "Uyarı" and "en çok 6" in r[1] for r in rows) is warned


@pytest.mark.parametrize("count, expected, warned", [
    (2, "10000000.00", False),     # 5,000,000 × 2
    (25, "125000000.00", False),   # 5,000,000 × 25
    (26, "125000000.00", True),    # at most 25 units
])
def test_warehouse_per_unit_cap(count, expected, warned):
    assert cap("DEPO", "SIRKET", 300000000, None, 2024, None, count) == D(expected)
    rows = detail("DEPO", "SIRKET", 300000000, None, 2024, None, count)
    assert any(r[0] == "Uyarı" and "en çok 25" in r[1] for r in rows) is warned


def test_warehouse_with_claimed():
    # 2 units: 10,000,000 − 4,000,000 paid = 6,000,000 left of a 15,000,000 support
    assert cap("DEPO", "B2B", 30000000, None, 2025, 4000000, 2) == D("6000000.00")


@pytest.mark.parametrize("support, beneficiary, allowed", [
    ("REKLAM", "B2B", "SIRKET, PERAKENDE, KONSORSIYUM"),
    ("REKLAM", "PAZARYERI", "SIRKET, PERAKENDE, KONSORSIYUM"),
    ("TANITIM", "SIRKET", "B2B, KONSORSIYUM, PERAKENDE, PAZARYERI"),
    ("SIPARIS", "B2B", "SIRKET, KONSORSIYUM, PERAKENDE, PAZARYERI"),
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
    (("REKLAM", "SIRKET", 1000, 1000, 2023), "year", "no_rule"),
    (("REKLAM", "SIRKET", 1000, 1000, 1999), "year", "out_of_range"),
    (("PR", "SIRKET", 1000, 1000, 2025), "support", "unknown_code"),
    (("REKLAM", "BANKA", 1000, 1000, 2025), "beneficiary", "unknown_code"),
])
def test_bad_input(args, arg, code):
    with raises_on(arg, code):
        cap(*args)


def test_revaluation_warning():
    warn = "yearly revaluation not in the rules"
    rows_2024 = detail("KOMISYON", "PERAKENDE", 1000, None, 2024)
    rows_2026 = detail("KOMISYON", "PERAKENDE", 1000, None, 2026)
    assert not any(warn in r[1] for r in rows_2024 if r[0] == "Uyarı")     # the Genelge's own year
    assert any(warn in r[1] for r in rows_2026 if r[0] == "Uyarı")
    # a revalued figure given as an override: used, no warning, and said in the detail
    ov = {"eexport.cap.komisyon.perakende": 7_000_000}
    assert cap("KOMISYON", "PERAKENDE", 20_000_000, None, 2026, None) == D("2500000.00")
    assert call("EIHR_CAP", "KOMISYON", "PERAKENDE", 20_000_000, None, 2026, overrides=ov) == D("7000000.00")
    rows = detail("KOMISYON", "PERAKENDE", 20_000_000, None, 2026, overrides=ov)
    assert not any(warn in r[1] for r in rows if r[0] == "Uyarı")
    assert any(r[0] == "Geçersiz kılınan parametre" for r in rows)


def test_tier_warning_for_company_caps():
    rows = detail("REKLAM", "SIRKET", 1000, 10000, 2024)
    assert any(r[0] == "Uyarı" and "kademe" in r[1] for r in rows)
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
    # 50 % of 0.01 = 0.005 → 0.01; of 100.01 → 50.005 → 50.01
    assert cap("TANITIM", "B2B", 0.01, None, 2025) == D("0.01")
    assert cap("TANITIM", "B2B", 100.01, None, 2025) == D("50.01")


def test_year_defaults_to_this_year(monkeypatch):
    monkeypatch.setenv("TRCALC_TODAY", "2025-06-30")
    assert cap("TANITIM", "B2B", 1000) == D("500.00")
    rows = {r[0]: r for r in detail("TANITIM", "B2B", 1000)}
    assert rows["Yıl"][2] == 2025


def test_window_end():
    assert call("EIHR_END", "2025-03-15") == dt.date(2028, 3, 14)          # + 3 years − 1 day
    assert call("EIHR_END", "2024-12-03", "REKLAM") == dt.date(2027, 12, 2)
    assert call("EIHR_END", "2028-02-29") == dt.date(2031, 2, 28)          # 29 Feb → 1 Mar − 1 day
    with raises_on("start_date", "no_rule"):
        call("EIHR_END", "2024-01-01")
    with raises_on("support", "unknown_code"):
        call("EIHR_END", "2025-01-01", "XYZ")


def test_validator_requires_a_cap_for_every_named_beneficiary(tmp_path):
    import yaml
    from calc.rules.store import RULES_DIR
    data = yaml.safe_load((RULES_DIR / "eexport.yaml").read_text(encoding="utf-8"))
    del data["eexport.cap.magaza.sirket"]
    broken = tmp_path / "eexport.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ok, lines = check(broken)
    assert not ok and any("eexport.cap.magaza.sirket" in line for line in lines)
