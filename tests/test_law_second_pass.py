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
