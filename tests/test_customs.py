"""Commercial import declarations: TR_IMPORT_TAXES, its breakdown, TR_DECLARATION_STAMP.

Every expected figure is a hand calculation written beside it, from the law:
GV and İGV on the customs value (Customs Law 4458 art. 24–27; İthalat Rejimi Kararı),
KKDF on credit-terms imports (Karar 88/12944 art. 3(d)), KDV on the art. 21 base
(customs value + every tax and share paid on import + other costs up to registration),
each assessed amount rounded once half-up to the kuruş.
"""
import datetime as dt
from decimal import Decimal as D

import pytest

import trcalc.addin.trcalc_udfs as udfs
from trcalc.calc import call, call_many
from trcalc.calc.errors import CalcError
from trcalc.calc.registry import REGISTRY
from trcalc.server import create_app
from trcalc.server.config import Settings
from tests.conftest import raises_on

MARCH_2025 = "2025-03-01"       # KDV 20 %, KKDF 6 %


def taxes(value, currency, fx, duty, igv=None, otv=None, ad=None, other=None, kdv=None, payment=None,
          date=MARCH_2025, overrides=None):
    return call("TR_IMPORT_TAXES", value, currency, fx, duty, igv, otv, ad, other, kdv, payment, date,
                overrides=overrides)


# --- every tax on one line --------------------------------------------------------------------

def test_every_tax_on_one_line():
    # 10,000 USD × 32.50 = 325,000.00 TRY customs value
    # GV 10 % = 32,500.00; İGV 5 % = 16,250.00; ÖTV 1,234.56 and anti-dumping 500.00 as declared;
    # KKDF (cash against goods, 6 %) = 19,500.00; other costs to registration 2,000.00
    # KDV base = 325,000 + 32,500 + 16,250 + 1,234.56 + 500 + 19,500 + 2,000 = 396,984.56
    # KDV 20 % = 79,396.912 → 79,396.91
    # total = 32,500 + 16,250 + 1,234.56 + 500 + 19,500 + 79,396.91 = 149,381.47
    assert taxes(10000, "USD", 32.5, "10%", "5%", 1234.56, 500, 2000, None, "MAL_MUKABILI") == D("149381.47")


def test_breakdown_shows_each_tax_its_base_rate_and_source():
    table = call("TR_IMPORT_TAXES_DETAIL", 10000, "USD", 32.5, "10%", "5%", 1234.56, 500, 2000, None,
                 "Mal mukabili", MARCH_2025)
    rows = {r[0]: r for r in table[1:]}
    assert rows["Gümrük değeri (TL)"][1] == "10.000,00 USD × 32,5000 TL"
    assert rows["Gümrük vergisi (GV)"][1:] == ["325.000,00 TL × %10", D("32500.00")]
    assert rows["İlave gümrük vergisi (İGV)"][1:] == ["325.000,00 TL × %5", D("16250.00")]
    assert rows["Özel tüketim vergisi (ÖTV)"][2] == D("1234.56")
    assert rows["Anti-damping / telafi edici vergi"][2] == D("500.00")
    assert rows["KKDF"][1:] == ["mal mukabili: 325.000,00 TL × %6", D("19500.00")]
    assert rows["KDV matrahı"][2] == D("396984.56")
    assert "KKDF" in rows["KDV matrahı"][1] and "ÖTV" in rows["KDV matrahı"][1]
    assert rows["KDV"][1:] == ["396.984,56 TL × %20", D("79396.91")]
    assert rows["Toplam ithalat vergileri"][2] == D("149381.47")
    # landed cost without the deductible KDV: 325,000 + 2,000 + 149,381.47 − 79,396.91
    assert rows["Maliyet (KDV hariç)"][2] == D("396984.56")
    assert "3065 sayılı KDV Kanunu md. 21" in rows["Dayanak: KDV"][1]
    assert "88/12944" in rows["Dayanak: KKDF"][1]
    # source rows name the rule in Turkish (issue 11.7), not by its parameter name
    kkdf = next(k for k in rows if k.startswith("Kaynak: KKDF kesinti oranı"))
    assert "2011/2304" in rows[kkdf][1]
    assert "Kaynak: KDV genel oranı" in rows


@pytest.mark.parametrize("part,expected", [
    ("DEGER", "325000"), ("GV", "32500.00"), ("IGV", "16250.00"), ("ÖTV", "1234.56"), ("DAMPING", "500.00"),
    ("KKDF", "19500.00"), ("MATRAH", "396984.56"), ("KDV", "79396.91"), ("TOPLAM", "149381.47"),
    ("MALIYET", "396984.56"),
])
def test_each_item_of_the_line_on_its_own(part, expected):
    # the figures of test_every_tax_on_one_line, one at a time (for a template's per-line columns)
    value = call("TR_IMPORT_TAX_PART", part, 10000, "USD", 32.5, "10%", "5%", 1234.56, 500, 2000, None,
                 "MAL_MUKABILI", MARCH_2025)
    assert value == D(expected)


def test_unknown_item():
    with raises_on("part", "unknown_code"):
        call("TR_IMPORT_TAX_PART", "STAMP", 1000, "TRY", None, 0)


# --- rounding -------------------------------------------------------------------------------------

def test_half_a_kurus_rounds_up_once_per_tax():
    # 100.05 TRY × 10 % = 10.005 → 10.01 (half-up; half-even would give 10.00)
    # KDV (100.05 + 10.01) × 20 % = 22.012 → 22.01; total 32.02
    assert taxes(100.05, "TRY", None, "10%") == D("32.02")
    # 0.25 TRY, no duty, KDV 10 %: 0.025 → 0.03
    assert taxes(0.25, "TRY", None, 0, kdv="10%") == D("0.03")


def test_the_customs_value_in_try_is_not_rounded_before_the_taxes():
    # 1 USD × 10.0051 = 10.0051 TRY; GV 50 % = 5.00255 → 5.00 (10.01 × 50 % would be 5.01)
    # KDV (10.0051 + 5.00) × 20 % = 3.00102 → 3.00; total 8.00
    assert taxes(1, "USD", "10.0051", "50%") == D("8.00")


def test_declared_amounts_are_kurus():
    # ÖTV 10.005 declared → 10.01; KDV (100 + 10.01) × 20 % = 22.002 → 22.00; total 32.01
    assert taxes(100, "TRY", None, 0, otv="10.005") == D("32.01")


# --- TRY lines --------------------------------------------------------------------------------------

@pytest.mark.parametrize("currency,fx", [("TRY", None), ("TL", None), ("try", 1), ("Türk lirası", "TCMB")])
def test_try_line_needs_no_rate(currency, fx):
    # 1,000 TRY, GV 10 % = 100.00; KDV (1,000 + 100) × 20 % = 220.00; total 320.00
    assert taxes(1000, currency, fx, "10%") == D("320.00")


def test_try_line_with_another_rate_is_refused():
    with raises_on("fx", "out_of_range"):
        taxes(1000, "TRY", 2, "10%")


# --- KKDF by payment method ---------------------------------------------------------------------

@pytest.mark.parametrize("payment", ["PESIN", "Peşin", "VESAIK", "Vesaik mukabili", "AKREDITIF", "L/C", None])
def test_no_kkdf_when_paid_by_registration(payment):
    # 1,000 TRY, no duty: KDV 1,000 × 20 % = 200.00; no KKDF
    assert taxes(1000, "TRY", None, 0, payment=payment) == D("200.00")


@pytest.mark.parametrize("payment", ["KABUL", "Kabul kredili", "D/A", "VADELI_AKREDITIF", "Vadeli akreditif",
                                     "MAL_MUKABILI", "Mal mukabili"])
def test_kkdf_on_credit_terms(payment):
    # KKDF 1,000 × 6 % = 60.00; KDV (1,000 + 60) × 20 % = 212.00; total 272.00
    assert taxes(1000, "TRY", None, 0, payment=payment) == D("272.00")


def test_no_payment_method_is_cash_with_a_warning():
    table = call("TR_IMPORT_TAXES_DETAIL", 1000, "TRY", None, 0)
    assert any(r[0] == "Uyarı" and "peşin sayıldı" in r[1] for r in table)


def test_kkdf_out_of_the_kdv_base_by_override():
    # if KKDF were not in the base: KKDF 60.00; KDV 1,000 × 20 % = 200.00; total 260.00
    assert taxes(1000, "TRY", None, 0, payment="KABUL",
                 overrides={"customs.kkdf.in_kdv_base": False}) == D("260.00")


def test_unknown_payment_method():
    with raises_on("payment", "unknown_code"):
        taxes(1000, "TRY", None, 0, payment="KREDI KARTI")


# --- dates on each side of every rate change ------------------------------------------------

@pytest.mark.parametrize("date,expected", [
    # KKDF 3 % (Tebliğ 31, 2001): KKDF 30.00; KDV (1,000 + 30) × 18 % = 185.40; total 215.40
    ("2011-10-12", D("215.40")),
    # KKDF 6 % from 13.10.2011 (BKK 2011/2304): KKDF 60.00; KDV 1,060 × 18 % = 190.80; total 250.80
    ("2011-10-13", D("250.80")),
])
def test_kkdf_rate_change(date, expected):
    assert taxes(1000, "TRY", None, 0, kdv="18%", payment="MAL_MUKABILI", date=date) == expected


def test_kkdf_before_the_earliest_rule_is_refused():
    with raises_on("date", "no_rule"):
        taxes(1000, "TRY", None, 0, kdv="18%", payment="KABUL", date="2001-08-07")


@pytest.mark.parametrize("date,expected", [("2023-07-09", D("180.00")), ("2023-07-10", D("200.00"))])
def test_default_kdv_is_the_general_rate_in_force(date, expected):
    # 1,000 TRY, no duty: 18 % until 09.07.2023, 20 % from 10.07.2023 (Presidential Decision 7346)
    assert taxes(1000, "TRY", None, 0, date=date) == expected


@pytest.mark.parametrize("kdv,expected", [("10%", D("110.00")), ("1%", D("11.00")), (0, D("0.00"))])
def test_the_goods_own_kdv_rate(kdv, expected):
    # 1,000 TRY, GV 10 % = 100.00; KDV on 1,100.00 at the goods' rate
    assert taxes(1000, "TRY", None, "10%", kdv=kdv) - D("100.00") == expected


# Law 488 Table (1) IV-2/c, customs declarations: 2022 Seri No 66; 2023 (122.93 % revaluation);
# 2024 Seri No 68 (RG 30.12.2023); 2025 624.10 × 1.4393 = 898.27 → 898.20 (art. 14 drops fractions
# below 10 kuruş); Presidential Decision 10364: 1,350.00 from 01.10.2025; Decision 10783: + 18.95 %
# from 01.01.2026 → 1,605.825 → 1,605.80.
@pytest.mark.parametrize("date,expected", [
    ("2022-06-30", "176.70"),
    ("2022-12-31", "176.70"), ("2023-01-01", "393.90"),
    ("2023-12-31", "393.90"), ("2024-01-01", "624.10"),
    ("2024-12-31", "624.10"), ("2025-01-01", "898.20"),
    ("2025-09-30", "898.20"), ("2025-10-01", "1350.00"),
    ("2025-12-31", "1350.00"), ("2026-01-01", "1605.80"),
])
def test_declaration_stamp_by_date(date, expected):
    value = call("TR_DECLARATION_STAMP", date)
    assert value == D(expected) and str(value) == expected


def test_declaration_stamp_before_2021_is_refused():
    # issue 26.4: 2021's amount was found (129.80); 2019–2020 have no source and are refused
    with raises_on("date", "no_rule"):
        call("TR_DECLARATION_STAMP", "2020-12-31")


# Issue 25 (parcels): Law 488 Table (1) IV-2/a, per item on the post office's list declaration — 0.50
# YTL in 2005 (GGM letter 31.03.2005), 3.40 in 2024 (Seri No 68), 7.00 from 01.10.2025 (Decision 10364),
# 2026: 7.00 × 1.1895 = 8.3265 → 8.30 (Decision 10783, fractions below 10 kuruş dropped); no source for
# 2006–2023 or 01.01–30.09.2025, so those dates are refused.
@pytest.mark.parametrize("date,expected", [
    ("2005-06-01", "0.50"), ("2024-01-01", "3.40"), ("2024-12-31", "3.40"),
    ("2025-10-01", "7.00"), ("2025-12-31", "7.00"), ("2026-01-01", "8.30"),
])
def test_postal_item_stamp_by_date(date, expected):
    assert call("TR_RATE", "customs.stamp.postal_item", date) == D(expected)


@pytest.mark.parametrize("date", ["2004-12-31", "2006-01-01", "2023-12-31", "2025-01-01", "2025-09-30"])
def test_postal_item_stamp_without_a_source_is_refused(date):
    with raises_on("date", "no_rule"):
        call("TR_RATE", "customs.stamp.postal_item", date)


def test_declaration_stamp_breakdown_names_the_law():
    table = call("TR_DECLARATION_STAMP_DETAIL", "2025-10-01")
    assert table[1][2] == D("1350.00") and "488 sayılı" in table[1][1]
    assert any("10364" in r[1] for r in table if r[0].startswith("Kaynak"))


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fx", [None, "TCMB", "tcmb"])
def test_empty_or_tcmb_rate_is_the_customs_rate_of_the_date(tcmb, fx):
    # Customs rate for 09.07.2024 (rules fx.customs.*): EUR forex selling of bulletin 2024/126
    # (08.07.2024) = 35.4241 (tests/fixtures/tcmb/202407/08072024.xml, read in tests/test_fx.py).
    # 1,000 EUR × 35.4241 = 35,424.10; GV 10 % = 3,542.41; KDV (35,424.10 + 3,542.41) × 20 % = 7,793.302
    # → 7,793.30; total 11,335.71
    assert taxes(1000, "EUR", fx, "10%", date="2024-07-09") == D("11335.71")
    table = call("TR_IMPORT_TAXES_DETAIL", 1000, "EUR", fx, "10%", None, None, None, None, None, None,
                 "2024-07-09")
    source = [r for r in table if r[0] == "Kur kaynağı"]
    assert source and "2024/126" in source[0][1] and source[0][2] == D("35.4241")


def test_no_rate_offline_is_a_clear_error():
    # conftest points TRCALC_TCMB_URL at a closed port: no bulletin for this date, the message says
    # how to fetch one or to type the rate
    with pytest.raises(CalcError) as info:
        taxes(1000, "USD", None, "10%", date="2023-03-01")
    assert "TCMB" in str(info.value) and " — " in str(info.value)


@pytest.mark.parametrize("args,arg,code", [
    ((1000, "ABCD", 30, "10%"), "currency", "invalid"),
    ((1000, None, 30, "10%"), "currency", "missing"),
    ((-1, "USD", 30, "10%"), "value", "out_of_range"),
    ((1000, "USD", 0, "10%"), "fx", "out_of_range"),
    ((1000, "USD", 30, None), "duty_rate", "missing"),
    ((1000, "USD", 30, 10), "duty_rate", "out_of_range"),
    ((1000, "USD", 30, "10%", "5%", -3), "otv", "out_of_range"),
])
def test_bad_arguments_are_named(args, arg, code):
    with raises_on(arg, code):
        call("TR_IMPORT_TAXES", *args)


# --- the array form and every surface ---------------------------------------------------------

def test_array_form_one_value_per_line():
    out = call_many("TR_IMPORT_TAXES", [[1000, 100.05, "x"], "TRY", None, ["10%", "10%", "10%"]],
                    overrides=None)
    assert out[0] == D("320.00") and out[1] == D("32.02")
    assert isinstance(out[2], CalcError) and out[2].argument == "gumruk_degeri"     # value, as Excel names it


def test_registry_entries():
    for name in ("TR_IMPORT_TAXES", "TR_IMPORT_TAXES_DETAIL", "TR_DECLARATION_STAMP", "TR_DECLARATION_STAMP_DETAIL"):
        assert name in REGISTRY
    assert [a.name for a in REGISTRY["TR_IMPORT_TAXES"].args] == [
        "value", "currency", "fx", "duty_rate", "igv_rate", "otv", "antidumping", "other_costs", "kdv_rate",
        "payment", "date", "stamp", "kkdf_exemption",      # issue 26.5 and 26.10, after the date
        "code", "origin", "certificate", "quantity"]       # issue 27.3 (the tariff book), at the end


@pytest.fixture(scope="module")
def client():
    return create_app(Settings()).test_client()


def test_api_call(client):
    r = client.post("/api/v1/call/TR_IMPORT_TAXES",
                    json={"args": [10000, "USD", 32.5, "10%", "5%", 1234.56, 500, 2000, None, "MAL_MUKABILI",
                                   MARCH_2025]})
    assert r.status_code == 200 and r.json["text"] == "149381.47"
    r = client.post("/api/v1/call/TR_DECLARATION_STAMP", json={"args": [], "date": "2026-01-01"})
    assert r.json["text"] == "1605.80"
    r = client.post("/api/v1/call/TR_IMPORT_TAXES", json={"args": [1000, "TRY", 2, "10%"]})
    assert r.status_code == 400 and r.json["error"]["argument"] == "kur"           # fx, as Excel names it


def test_office_metadata_lists_the_functions(client):
    by_id = {f["id"]: f for f in client.get("/office/functions.json").json["functions"]}
    for name in ("TR_IMPORT_TAXES", "TR_IMPORT_TAXES_DETAIL", "TR_DECLARATION_STAMP"):
        assert [p["name"] for p in by_id[name]["parameters"]] == [a.excel for a in REGISTRY[name].args]


def test_web_page_computes_a_line(client):
    assert 'href="/hesap/TR_IMPORT_TAXES"' in client.get("/").text
    q = ("gumruk_degeri=10000&doviz=USD&kur=32,5&gv_orani=%2510&igv_orani=%255&otv_tutari=1234,56"
         "&damping_tutari=500&diger_giderler=2000&odeme_sekli=MAL_MUKABILI&tarih=01.03.2025")
    html = client.get(f"/hesap/TR_IMPORT_TAXES?{q}").text
    assert "149.381,47 TL" in html and "KDV matrahı" in html


def test_xlwings_udfs():
    when = dt.datetime(2025, 3, 1)
    assert udfs.TR_IMPORT_TAXES(10000.0, "USD", 32.5, 0.1, 0.05, 1234.56, 500.0, 2000.0, None, "MAL_MUKABILI",
                                when) == 149381.47
    assert udfs.TR_DECLARATION_STAMP(dt.datetime(2025, 10, 1)) == 1350.0
    # a column of lines in one call (the array form): 320.00 and 32.02 as above
    assert udfs.TR_IMPORT_TAXES([1000.0, 100.05], "TRY", None, 0.1) == [[320.0], [32.02]]


def test_no_optional_argument_before_a_required_one():
    # Every surface turns the registry into a signature: a Python one for xlwings, where a
    # parameter without a default after one with a default is a SyntaxError/ValueError
    # (https://docs.python.org/3/reference/compound_stmts.html#function-definitions), and the
    # Office.js metadata.  An empty-but-required position (fx) is marked empty_ok, not optional.
    for fn in REGISTRY.values():
        flags = [a.optional for a in fn.args]
        assert flags == sorted(flags), fn.name
    assert REGISTRY["TR_IMPORT_TAXES"].args[2].empty_ok


# --- the declaration template (templates/ithalat_beyanname.py) ------------------------------------

# The example: 15.10.2025 (KDV 20 %, KKDF 6 %, stamp 1,350.00), USD at a typed 41.80, cash against goods.
#  line 1: 12,000 × 41.80 = 501,600.00; GV, İGV 0; KKDF 30,096.00; other costs 1,500.00;
#          KDV base 533,196.00; KDV 20 % 106,639.20; total 136,735.20
#  line 2: 4,500 × 41.80 = 188,100.00; GV 8 % 15,048.00; İGV 30 % 56,430.00; KKDF 11,286.00; other 600.00;
#          base 271,464.00; KDV 10 % 27,146.40; total 109,910.40
#  line 3: 2,000 × 41.80 = 83,600.00; GV 2.2 % 1,839.20; İGV 20 % 16,720.00; ÖTV 8,360.00; KKDF 5,016.00;
#          base 115,535.20; KDV 20 % 23,107.04; total 55,042.24
#  line 4: 3,000 × 41.80 = 125,400.00; GV 3.7 % 4,639.80; anti-dumping 5,016.00; KKDF 7,524.00;
#          base 142,579.80; KDV 20 % 28,515.96; total 45,695.76
# Issue 26.5: the 1,350.00 stamp duty is spread by customs value (total 898,700.00) with cumulative
# rounding and enters each line's KDV base:
#  line 1: 1,350 × 501,600 / 898,700 = 753.488… → 753.49
#  line 2: 1,350 × 689,700 / 898,700 = 1,036.046… → 1,036.05; − 753.49 = 282.56
#  line 3: 1,350 × 773,300 / 898,700 = 1,161.627… → 1,161.63; − 1,036.05 = 125.58
#  line 4: 1,350.00 − 1,161.63 = 188.37                                  (shares add up to 1,350.00)
#  line 1: base 533,196.00 + 753.49 = 533,949.49; KDV 20 % 106,789.898 → 106,789.90;
#          total 30,096 + 753.49 + 106,789.90 = 137,639.39
#  line 2: base 271,746.56; KDV 10 % 27,174.656 → 27,174.66; total 15,048 + 56,430 + 11,286 + 282.56 +
#          27,174.66 = 110,221.22
#  line 3: base 115,660.78; KDV 20 % 23,132.156 → 23,132.16; total 1,839.20 + 16,720 + 8,360 + 5,016 +
#          125.58 + 23,132.16 = 55,192.94
#  line 4: base 142,768.17; KDV 20 % 28,553.634 → 28,553.63; total 4,639.80 + 5,016 + 7,524 + 188.37 +
#          28,553.63 = 45,921.80
EXAMPLE_TOTALS = {
    12: 898700.00,          # customs value: 501,600 + 188,100 + 83,600 + 125,400
    13: 21527.00,           # GV: 15,048 + 1,839.20 + 4,639.80
    14: 73150.00,           # İGV: 56,430 + 16,720
    15: 8360.00, 16: 5016.00,
    17: 53922.00,           # KKDF: 30,096 + 11,286 + 5,016 + 7,524
    18: 185650.35,          # KDV: 106,789.90 + 27,174.66 + 23,132.16 + 28,553.63
    19: 348975.35,          # taxes: the four totals, stamp-duty shares included
    20: 1350.00,            # stamp duty from 01.10.2025 (spread over the lines)
    21: 348975.35,          # payable = the lines' totals (before issue 26.5: 348,733.60; + the KDV on the
                            # shares 150.70 + 28.26 + 25.12 + 37.67 = 241.75)
    22: 1064125.00,         # landed: the four KDV bases (each line's landed cost, stamp share included)
}


@pytest.fixture(scope="module")
def declaration(tmp_path_factory):
    from trcalc.templates import ithalat_beyanname
    from trcalc.templates.common import save
    d = tmp_path_factory.mktemp("declaration")
    save(ithalat_beyanname.example(), d / "example.xlsx")
    save(ithalat_beyanname.build(200), d / "template.xlsx")
    return d


@pytest.mark.parametrize("engine", ["fast", "formulas"])
def test_declaration_example_computes_in_every_engine(declaration, engine):
    import openpyxl

    from trcalc.workbook import compute_file
    report = compute_file(declaration / "example.xlsx", declaration / f"out_{engine}.xlsx", engine)
    assert report.errors == []
    wb = openpyxl.load_workbook(declaration / f"out_{engine}.xlsx")
    head = wb["Beyanname"]
    assert head["B9"].value == pytest.approx(41.8)
    for row, expected in EXAMPLE_TOTALS.items():
        assert head[f"B{row}"].value == pytest.approx(expected, abs=0.005), (row, head[f"A{row}"].value)
    lines = wb["Kalemler"]
    assert [lines.cell(5, c).value for c in range(13, 20)] == pytest.approx(
        [501600.00, 0, 0, 30096.00, 533949.49, 106789.90, 137639.39], abs=0.005)
    # landed cost of line 1: its KDV base with its stamp share, 533,949.49; the shares (column U)
    assert lines["T5"].value == pytest.approx(533949.49, abs=0.005)
    assert [lines[f"U{r}"].value for r in range(5, 9)] == pytest.approx([753.49, 282.56, 125.58, 188.37], abs=0.005)
    # line 2 types no rate: its GTİP (written with dots) and origin CN find the Chinese row of the Tarife
    # sheet (its 3rd position, the header first), GV 8 %, İGV 30 %, KDV 10 % — the rates line 2 had typed
    # before issue 27, so its figures above are unchanged; nothing is asked of the tariff book
    assert [lines.cell(6, c).value for c in range(22, 28)] == [3, 0.08, 0.3, 0.1, "", ""]


def test_declaration_template_computes_empty(declaration):
    from trcalc.workbook import compute_file
    report = compute_file(declaration / "template.xlsx", declaration / "out_template.xlsx", "fast")
    assert report.errors == []


def test_declaration_template_conventions(declaration):
    import openpyxl
    wb = openpyxl.load_workbook(declaration / "template.xlsx")
    assert wb.sheetnames[:4] == ["Talimatlar", "Bilgiler", "Beyanname", "Listeler"] and "Kalemler" in wb.sheetnames
    head, lines = wb["Beyanname"], wb["Kalemler"]
    assert head["B7"].value == "TCMB"                                   # the rate of the date by default
    assert all(not head[f"B{r}"].protection.locked for r in (5, 6, 7, 8))
    assert head["B20"].value.startswith("=TR_DECLARATION_STAMP(") and head["B20"].protection.locked
    lists = {str(dv.sqref): dv.formula1 for ws in (head, lines) for dv in ws.data_validations.dataValidation}
    listeler = wb["Listeler"]
    codes = {listeler.cell(1, c).value: [listeler.cell(r, c).value for r in range(2, 30) if listeler.cell(r, c).value]
             for c in range(1, listeler.max_column + 1)}
    assert codes["odeme"] == ["PESIN", "VESAIK", "AKREDITIF", "KABUL", "VADELI_AKREDITIF", "MAL_MUKABILI"]
    assert "USD" in codes["doviz"] and "TRY" in codes["doviz"]
    assert "B6" in lists and "B8" in lists
    kkdf = lines["P4"].value                  # the KKDF column: one array formula from its header (issue 23.1)
    assert (kkdf.ref, kkdf.text.split(",", 2)[2]) == (
        "P4:P204", 'IF($C$4:$C$204="","",TR_IMPORT_TAX_PART("KKDF",$C$4:$C$204,Beyanname!$B$6,Beyanname!$B$9,'
                   + kkdf.text.split("Beyanname!$B$9,", 1)[1])
    assert lines["P5"].protection.locked and not lines["C5"].protection.locked
    assert head.page_setup.fitToWidth == 1 and lines.page_setup.orientation == "landscape"
    text = " ".join(str(c.value) for c in wb["Talimatlar"]["A"] if c.value)
    assert "13.10.2011: %6" in text and "01.10.2025: 1.350,00 TL" in text    # from the rules, never typed


@pytest.mark.parametrize("engine", ["fast", "formulas"])
def test_declaration_with_the_tcmb_rate_of_the_date(tcmb, tmp_path, engine):
    import datetime as _dt

    import openpyxl

    from trcalc.templates import ithalat_beyanname
    from trcalc.templates.common import save
    from trcalc.workbook import compute_file
    wb = ithalat_beyanname.example()
    head = wb["Beyanname"]
    head["B5"], head["B6"], head["B7"] = _dt.date(2024, 7, 9), "EUR", "TCMB"
    save(wb, tmp_path / "in.xlsx")
    assert compute_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", engine).errors == []
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    # customs rate for 09.07.2024: EUR forex selling of bulletin 2024/126 = 35.4241 (see tests/test_fx.py)
    assert out["Beyanname"]["B9"].value == pytest.approx(35.4241)
    assert out["Kalemler"]["M5"].value == pytest.approx(12000 * 35.4241, abs=0.005)     # 425,089.20
    assert out["Beyanname"]["B20"].value == pytest.approx(624.10)                          # 2024 stamp duty
