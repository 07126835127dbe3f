"""Parcel amounts in EUR, USD or TL (issue 25.6): TR_DUTY's `doviz` and `doviz_kuru`, after every older argument.

The parcel limits are in EUR (Karar art. 62: 30 € flat-tax route from 21.08.2024, 1,500 € for medicines,
150 € before; Posta ve Hızlı Kargo Tebliği: 1,500 € / 3,000 € courier limit): an amount in TL or USD is
converted with the customs rates — to TL at the currency's rate, then to EUR at `kur` (TL per EUR) — and
the converted value, unrounded, is compared with the limit. The taxes are then assessed in TL.
Every expected value below is worked out by hand beside it.
"""
from decimal import Decimal as D

from trcalc.calc import call
from tests.conftest import raises_on

# TR_DUTY(esya_bedeli, navlun, sigorta, mense, gv_orani, tarih, kategori, kur, kdv_orani, otv_tutari,
#         damping_tutari, diger_vergiler, doviz, doviz_kuru)
NO_KDV_ARGS = (None, None, None, None)


def duty(goods, origin, date, *, rate=None, category=None, fx=None, currency=None, currency_fx=None,
         freight=0, insurance=0):
    return call("TR_DUTY", goods, freight, insurance, origin, rate, date, category, fx, *NO_KDV_ARGS,
                currency, currency_fx)


def regime(goods, origin, date, *, category=None, fx=None, currency=None, currency_fx=None):
    return call("TR_DUTY_REGIME", goods, 0, 0, origin, None, date, category, fx, currency, currency_fx)


def test_tl_amounts_are_tested_against_the_30_eur_limit_at_the_rate():
    # 2025-03-01: 30 € flat-tax limit, 60 % for parcels not from the EU (CN), base includes transport.
    # 1,000 TL + 80 TL freight = 1,080 TL ÷ 36 TL/€ = 30.00 € ≤ 30 € → flat: 1,080 × 60 % = 648.00 TL
    assert regime(1080, "CN", "2025-03-01", fx=36, currency="TRY") == "FLAT"
    assert duty(1000, "CN", "2025-03-01", fx=36, currency="TL", freight=80) == D("648.00")
    # 1,080.36 TL ÷ 36 = 30.01 € > 30 € → regular regime, 20 % duty:
    # duty 1,080.36 × 20 % = 216.072 → 216.07; KDV (1,080.36 + 216.07) × 20 % = 259.286 → 259.29;
    # total 216.07 + 259.29 = 475.36 TL
    assert regime(D("1080.36"), "CN", "2025-03-01", fx=36, currency="TRY") == "REGULAR"
    assert duty(D("1080.36"), "CN", "2025-03-01", rate="20%", fx=36, currency="TRY") == D("475.36")


def test_usd_amounts_are_converted_through_tl_before_the_limit():
    # 30.85 USD × 35.00 TL/$ = 1,079.75 TL ÷ 36.00 TL/€ = 29.9931 € ≤ 30 € → flat, although 30.85 > 30;
    # sent from Germany (EU rate 30 %): 1,079.75 × 30 % = 323.925 → 323.93 TL (half-up, once)
    assert regime(D("30.85"), "DE", "2025-03-01", fx=36, currency="USD", currency_fx=35) == "FLAT"
    assert duty(D("30.85"), "DE", "2025-03-01", fx=36, currency="USD", currency_fx=35) == D("323.93")
    # 31 USD × 35 = 1,085 TL ÷ 36 = 30.1389 € > 30 € → regular; 10 % duty: duty 108.50, KDV (1,085 + 108.50)
    # × 20 % = 238.70, total 347.20 TL
    assert duty(31, "DE", "2025-03-01", rate="10%", fx=36, currency="USD", currency_fx=35) == D("347.20")


def test_the_medicines_1500_eur_limit_in_tl():
    # ILAC, 2025-03-01: flat up to 1,500 €. 54,000 TL ÷ 36 = 1,500.00 € → flat, 60 % (US): 32,400.00 TL;
    # 54,036 TL ÷ 36 = 1,501 € → regular
    assert duty(54000, "US", "2025-03-01", category="ILAC", fx=36, currency="TRY") == D("32400.00")
    assert regime(54036, "US", "2025-03-01", category="ILAC", fx=36, currency="TRY") == "REGULAR"


def test_the_3000_eur_courier_limit_warns_on_the_converted_value():
    # From 03.01.2026 the courier limit is 3,000 €: 108,000 TL ÷ 36 = 3,000 € (no warning),
    # 108,036 TL ÷ 36 = 3,001 € (a commercial import: the warning)
    def warned(goods):
        table = call("TR_DUTY_DETAIL", goods, 0, 0, "CN", "20%", "2026-01-10", None, 36, *NO_KDV_ARGS, "TRY")
        return any(r[0] == "Uyarı" and "3.000,00 €" in r[1] for r in table)
    assert not warned(108000) and warned(108036)


def test_the_breakdown_shows_the_conversion():
    table = call("TR_DUTY_DETAIL", D("30.85"), 0, 0, "DE", None, "2025-03-01", None, 36, *NO_KDV_ARGS, "USD", 35)
    rows = {r[0]: r for r in table}
    assert rows["Eşya bedeli"][1] == "30,85 USD"
    assert rows["Kur (TL/USD)"][2] == D(35) and rows["Kur (TL/€)"][2] == D(36)
    converted = rows["Sınır testi matrahı (€)"]
    assert converted[1] == "30,85 USD × 35,0000 ÷ 36,0000"
    assert converted[2].quantize(D("0.0001")) == D("29.9931")       # 1,079.75 ÷ 36
    assert rows["Sınır testi"][2] == "evet" and rows["Toplam vergi"][2] == D("323.93")


def test_eur_given_or_omitted_is_the_old_behaviour():
    # seed 003: 60 + 10 + 5 € from DE, 20 % duty, 2025-03-01 → 33.00 € (calc/imports.py's example)
    assert call("TR_DUTY", 60, 10, 5, "DE", "20%", "2025-03-01") == D("33.00")
    assert call("TR_DUTY", 60, 10, 5, "DE", "20%", "2025-03-01", *(None,) * 6, "EUR") == D("33.00")
    assert call("TR_DUTY", 60, 10, 5, "DE", "20%", "2025-03-01", *(None,) * 6, "€") == D("33.00")


def test_eur_amounts_take_no_currency_rate():
    with raises_on("doviz_kuru", "invalid"):                       # EUR amounts take their rate in kur
        duty(60, "DE", "2025-03-01", fx=36, currency="EUR", currency_fx=36)


def test_bad_currency_input_names_its_field():
    with raises_on("doviz", "invalid"):
        duty(60, "DE", "2025-03-01", fx=36, currency="avrooo")
    with raises_on("doviz_kuru", "invalid"):
        duty(60, "DE", "2025-03-01", fx=36, currency="TRY", currency_fx=2)     # TL per TL is 1
    with raises_on("doviz_kuru", "out_of_range"):
        duty(60, "DE", "2025-03-01", fx=36, currency="USD", currency_fx=-3)


def test_tl_amounts_without_a_rate_use_the_customs_eur_rate(tcmb):
    # 09.07.2024: the customs rate is the EUR forex selling rate of 08.07 (bulletin 2024/126): 35.4241
    # (tests/test_fx.py). Limit 150 € on the goods alone before 27.12.2024; 30 % outside the EU.
    # 5,313.61 TL ÷ 35.4241 = 149.99985 € ≤ 150 → flat: 5,313.61 × 30 % = 1,594.083 → 1,594.08 TL
    # 5,313.62 TL ÷ 35.4241 = 150.00013 € > 150 → regular
    assert duty(D("5313.61"), "CN", "2024-07-09", currency="TRY") == D("1594.08")
    assert regime(D("5313.62"), "CN", "2024-07-09", currency="TRY") == "REGULAR"
    table = call("TR_DUTY_DETAIL", D("5313.61"), 0, 0, "CN", None, "2024-07-09", None, None, *NO_KDV_ARGS, "TRY")
    source = [r for r in table if r[0] == "Kur kaynağı"]
    assert source and "2024/126" in source[0][1] and source[0][2] == D("35.4241")


def test_usd_amounts_without_rates_use_both_customs_rates(tcmb):
    # USD forex selling of 08.07.2024 is 32.6989 (tests/test_fx.py, TR_TEV); EUR 35.4241.
    # 100 USD × 32.6989 = 3,269.89 TL ÷ 35.4241 = 92.31 € ≤ 150 → flat (US, 30 %): 3,269.89 × 30 % = 980.967
    # → 980.97 TL; freight is outside the base before 27.12.2024.
    assert duty(100, "US", "2024-07-09", currency="USD", currency_fx="TCMB", freight=10) == D("980.97")
    assert duty(100, "US", "2024-07-09", currency="USD", fx="TCMB", freight=10) == D("980.97")


# --- the parcel's stamp duty (issue 25.6; rule customs.stamp.postal_item, researched on branch law) --------

def test_the_post_office_list_declaration_pays_stamp_duty_per_item():
    # 488 sayılı Kanun (1) sayılı tablo IV-2/a, per item on the post office's list declaration:
    # 2026: 8.30 TL (7.00 × 1.1895 = 8.3265 → 8.30), × 3 items = 24.90 TL; from 01.10.2025: 7.00; 2024: 3.40
    assert call("TR_POSTAL_STAMP", 3, "2026-03-01") == D("24.90")
    assert call("TR_POSTAL_STAMP", None, "2025-10-15") == D("7.00")
    assert call("TR_POSTAL_STAMP", 1, "2024-06-01") == D("3.40")
    with raises_on("tarih"):                     # 01.01–30.09.2025: no source, the rule refuses the date
        call("TR_POSTAL_STAMP", 1, "2025-05-01")
    with raises_on("adet", "out_of_range"):
        call("TR_POSTAL_STAMP", 0, "2026-03-01")
    rows = {r[0]: r for r in call("TR_POSTAL_STAMP_DETAIL", 3, "2026-03-01")}
    assert "IV-2/a" in rows["Damga vergisi (gönderi maddesi başına)"][1] and rows["Damga vergisi"][1] == "8,30 TL × 3"
    assert "10783" in next(r[1] for r in rows.values() if r[0].startswith("Kaynak"))      # dated, sourced


def test_the_parcel_breakdown_says_what_a_parcel_pays_besides_the_taxes():
    rows = {r[0]: r for r in call("TR_DUTY_DETAIL", 60, 10, 5, "DE", "20%", "2026-03-01")}
    stamp = rows["Ayrıca, PTT ile gelirse: damga vergisi (TL)"]
    assert stamp[2] == D("8.30") and "IV-2/a" in stamp[1] and "hızlı kargo" in stamp[1]
    assert call("TR_DUTY", 60, 10, 5, "DE", "20%", "2026-03-01") == D("33.00")        # the taxes unchanged
    rows = {r[0] for r in call("TR_DUTY_DETAIL", 60, 10, 5, "DE", "20%", "2025-03-01")}
    assert not any(r.startswith("Ayrıca") for r in rows)          # no sourced amount on 01.03.2025: not shown
