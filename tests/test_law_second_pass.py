"""Issue 26: the law, second pass — transitions, histories, the refund's ceiling, stamp duty in the
KDV base.  Each expected value is a hand calculation shown beside it, or the law's own example.
"""
from decimal import Decimal as D

import pytest

from trcalc.calc import CalcError, call


# --- 26.1 the United Kingdom in the Brexit transition (01.02–31.12.2020) ---------------------------

def test_uk_exports_in_2020_give_tev_as_eu_exports():
    # Cumhurbaşkanlığı Genelgesi (2020): in the transition the UK "AB üyesi olarak muamele görmeye devam
    # edecektir" under the TR–EU agreements, so A.TR was issued and TEV arises as for the EU:
    # 100,000 / 10,000 units = 10 a unit; 5,000 × 1 used × 10 = 50,000 × 10 % = 5,000 × 30 TL = 150,000.00
    args = (100000, 10000, 5000, 1, 0.10, 30, None)
    assert call("TR_TEV", *args, "GB", "ATR", "2020-06-01") == D("150000.00")
    assert call("TR_TEV", *args, "DE", "ATR", "2020-06-01") == D("150000.00")
    # before the withdrawal the UK was a member (eu.members)
    assert call("TR_TEV", *args, "GB", "ATR", "2019-06-01") == D("150000.00")
    # from 01.01.2021 the TR–UK FTA, no drawback ban: no TEV
    assert call("TR_TEV", *args, "GB", "EUR1", "2021-06-01") == D("0.00")
    rows = call("TR_TEV_DETAIL", *args, "GB", "ATR", "2020-06-01")
    assert any("Brexit geçiş dönemi" in str(r[1]) for r in rows if r[0] == "Anlaşma")


def test_uk_parcels_in_2020_take_the_eu_flat_rate():
    # Karar 2009/15481 art. 62 before 21.08.2024: 18 % for goods sent from the EU, 30 % otherwise.
    # 100 EUR from the UK: 2020 (transition, EU rate) 18.00; 2021 (third country) 30.00
    assert call("TR_DUTY", 100, 0, 0, "GB", None, "2020-06-01") == D("18.00")
    assert call("TR_DUTY", 100, 0, 0, "GB", None, "2021-06-01") == D("30.00")
    # the reading is its own rule, low confidence: overriding it gives the third-country rate
    assert call("TR_DUTY", 100, 0, 0, "GB", None, "2020-06-01",
                overrides={"import.flat.eu_rate_transition": False}) == D("30.00")


# --- 26.5 the declaration's stamp duty in the import KDV base -------------------------------------

def test_stamp_share_adds_up_to_the_duty():
    # 2026: 1,605.80 TL (CK 10783); three lines of equal value: 1,605.80 / 3 = 535.2666…
    # cumulative rounding: 535.27; 1,070.53 − 535.27 = 535.26; 1,605.80 − 1,070.53 = 535.27 → 1,605.80
    shares = [call("TR_STAMP_SHARE", 1, 3, before, "2026-03-01") for before in (0, 1, 2)]
    assert shares == [D("535.27"), D("535.26"), D("535.27")]
    assert sum(shares) == D("1605.80")
    # 01.10.2025: 1,350.00 TL; a line of 1,000 in 3,000 → 450.00
    assert call("TR_STAMP_SHARE", 1000, 3000, None, "2025-10-01") == D("450.00")
    with pytest.raises(CalcError):
        call("TR_STAMP_SHARE", 2000, 3000, 1500, "2025-10-01")


def test_stamp_share_enters_the_line_kdv_base():
    # the customs module's example (10,000 USD × 32.50, GV 10 %, İGV 5 %, KKDF 6 %) total 146,900.00;
    # with the whole 1,350.00 stamp duty on its only line: KDV base + 1,350 → KDV + 270.00;
    # total 146,900 + 1,350 + 270 = 148,520.00
    args = (10000, "USD", 32.5, "10%", "5%", None, None, None, None, "MAL_MUKABILI", "2025-10-01")
    assert call("TR_IMPORT_TAXES", *args) == D("146900.00")
    assert call("TR_IMPORT_TAXES", *args, 1350) == D("148520.00")
    assert call("TR_IMPORT_TAX_PART", "MATRAH", *args, 1350) == D("394600.00")
    assert call("TR_IMPORT_TAX_PART", "DAMGA", *args, 1350) == D("1350.00")
    rows = call("TR_IMPORT_TAXES_DETAIL", *args, 1350)
    assert "damga vergisi" in next(r for r in rows if r[0] == "KDV matrahı")[1]


# --- 26.2 micro export limits before 2020 ---------------------------------------------------------

def test_micro_export_300_kg_15000_eur_by_december_2018():
    # the Ministry's guide revised 04.12.2018: "brüt olarak 300 kilogramı ve bedeli 15.000 Avro'yu geçmeyen"
    assert call("TR_MICRO_EXPORT", 300, 15000, "2018-12-04") is True
    assert call("TR_MICRO_EXPORT", 300, 15000.01, "2018-12-04") is False
    assert call("TR_MICRO_EXPORT", 300, 15000, "2018-12-03") is False      # 150 kg / 7,500 € (low confidence)


# --- 26.3 parcels 2018–2024 ------------------------------------------------------------------------

def test_books_up_to_150_eur_exempt_from_11_04_2018():
    # Karar art. 45(1) as amended by BKK 2018/11510 (RG 11.04.2018): books ≤ 150 € exempt
    assert call("TR_DUTY", 100, 10, 0, "US", None, "2018-06-01", "KITAP") == D("0.00")
    assert call("TR_DUTY", 150, 10, 0, "US", None, "2019-06-01", "KITAP") == D("0.00")
    # 150.01 € → regular regime: duty 0 %; KDV (150.01 + 10) × 18 % = 28.8018 → 28.80
    assert call("TR_DUTY", 150.01, 10, 0, "US", "0%", "2019-06-01", "KITAP") == D("28.80")
    with pytest.raises(CalcError):
        call("TR_DUTY", 100, 10, 0, "US", None, "2018-04-10", "KITAP")       # before the amendment


def test_22_eur_parcel_exemption_until_29_05_2019():
    # art. 45(1) (BKK 2018/11510): "bedeli gönderi başına toplam 22 Avro'yu geçmeyen eşya" exempt (goods
    # value, not CIF)
    assert call("TR_DUTY", 22, 5, 0, "CN", None, "2019-05-29") == D("0.00")
    # 22.01 € → flat tax, other origins 30 % on the goods value: 22.01 × 30 % = 6.603 → 6.60
    assert call("TR_DUTY", 22.01, 5, 0, "CN", None, "2019-05-29") == D("6.60")
    # Decision 1111 (RG 15.05.2019 no. 30775, in force 30.05.2019) rewrote art. 45(1): "bedeli gönderi
    # başına toplam 150 Avro'yu geçmeyen kişisel kullanıma mahsus kitap veya benzeri basılı yayına
    # muafiyet tanınır" — books only (gumrukkulliyati.com consolidation): a 22 € parcel pays 22 × 30 % = 6.60
    assert call("TR_DUTY_REGIME", 22, 5, 0, "CN", None, "2019-05-29") == "EXEMPT"
    assert call("TR_DUTY_REGIME", 22, 5, 0, "CN", None, "2019-05-30") == "FLAT"
    assert call("TR_DUTY", 22, 5, 0, "CN", None, "2019-05-30") == D("6.60")
    assert call("TR_DUTY", 22, 5, 0, "CN", None, "2020-06-01") == D("6.60")
    # books keep their 150 € exemption across the rewrite
    assert call("TR_DUTY_REGIME", 150, 10, 0, "US", None, "2019-05-30", "KITAP") == "EXEMPT"


def test_books_up_to_1500_eur_at_0_percent_from_01_05_2022():
    # art. 62(2) (Decision 5303, RG 15.03.2022 no. 31779, in force 01.05.2022): books "kıymeti 1500 Avro'yu
    # geçmeyen" above the art. 45 limit pay "% 0 oranında tek ve maktu bir vergi"
    assert call("TR_DUTY", 1500, 10, 0, "US", None, "2022-05-01", "KITAP") == D("0.00")
    # the day before, only art. 45(1)'s 150 €: regular, 0 % duty; KDV (1,500 + 10) × 18 % = 271.80
    assert call("TR_DUTY", 1500, 10, 0, "US", "0%", "2022-04-30", "KITAP") == D("271.80")


def test_courier_limit_3000_eur_from_2026_01_03():
    # the amending Tebliğ of RG 03.01.2026 as the press quotes it: 1,500 € → 3,000 € for express courier
    assert call("TR_RATE", "import.courier.limit_eur", "2026-01-02") == D(1500)
    assert call("TR_RATE", "import.courier.limit_eur", "2026-01-03") == D(3000)


# --- 26.6 the export KDV refund's real ceiling ----------------------------------------------------

def test_refund_capped_by_goods_bought_with_ihrac_kaydi():
    # kdvuzmani.com's example 1 (period 2018/09, general rate 18 %): exports 1,000,000 TL of goods bought
    # with ihraç kaydı for 600,000 TL → ceiling (1,000,000 − 600,000) × 18 % = 72,000 TL (the page prints
    # 32,000, an arithmetic slip: 400,000 × 0.18 = 72,000)
    assert call("TR_EXPORT_KDV_REFUND", 200000, 1000000, "2018-09-30", None, 600000) == D("72000.00")
    # without ihraç kayıtlı purchases: 1,000,000 × 18 % = 180,000
    assert call("TR_EXPORT_KDV_REFUND", 200000, 1000000, "2018-09-30") == D("180000.00")


def test_refund_capped_by_the_kdv_carried_forward():
    # example 2 (period 2018/11): exports 4,000,000 TL → 720,000 TL, but only 500,000 TL carried forward
    # to the next period → refund 500,000 TL
    assert call("TR_EXPORT_KDV_REFUND", 900000, 4000000, "2018-11-30", 500000) == D("500000.00")
    rows = call("TR_EXPORT_KDV_REFUND_DETAIL", 900000, 4000000, "2018-11-30", 500000)
    assert any(r[0] == "Sonraki döneme devreden KDV" for r in rows)
    with pytest.raises(CalcError):
        call("TR_EXPORT_KDV_REFUND", 1, 100, "2025-01-01", None, 101)     # purchases above the exports


# --- 26.10 KKDF exemptions as data ----------------------------------------------------------------

def test_kkdf_exemptions_are_dated_rules():
    # the customs module's example paid cash against goods (KKDF 6 %): total 146,900.00. Under a listed
    # exemption KKDF is 0 and leaves the KDV base: KDV (325,000 + 32,500 + 16,250) × 20 % = 74,750;
    # total 32,500 + 16,250 + 74,750 = 123,500.00
    args = (10000, "USD", 32.5, "10%", "5%", None, None, None, None, "MAL_MUKABILI", "2025-03-01")
    assert call("TR_IMPORT_TAXES", *args) == D("146900.00")
    assert call("TR_IMPORT_TAXES", *args, None, "LISTE_2015_7511") == D("123500.00")   # BKK 2015/7511, 0 %
    assert call("TR_IMPORT_TAXES", *args, None, "DIIB") == D("123500.00")
    rows = call("TR_IMPORT_TAXES_DETAIL", *args, None, "DIIB")
    assert "dahilde işleme" in next(r for r in rows if r[0] == "KKDF")[1]
    # BKK 2015/7511 entered into force on 10.04.2015: before it the exemption is refused, not assumed
    before = (10000, "USD", 32.5, "10%", "5%", None, None, None, None, "MAL_MUKABILI", "2014-03-01")
    with pytest.raises(CalcError):
        call("TR_IMPORT_TAXES", *before, None, "LISTE_2015_7511")


# --- 26.4 declaration stamp duty before 2022 ------------------------------------------------------

def test_declaration_stamp_duty_2021():
    # DVK Genel Tebliği of RG 29.12.2020 (1. mükerrer) as quoted: "Gümrük idarelerine verilen
    # beyannameler 129,80 TL"; check against 2022: 129.80 × (1 + 36.2 %) = 176.79 → 176.70 (art. 14
    # drops fractions below 10 kuruş), the 2022 amount of Seri No 66
    assert call("TR_DECLARATION_STAMP", "2021-06-01") == D("129.80")
    assert call("TR_DECLARATION_STAMP", "2022-06-01") == D("176.70")
    with pytest.raises(CalcError):
        call("TR_DECLARATION_STAMP", "2020-06-01")      # 2019–2020: no source found, refused
