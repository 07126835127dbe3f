"""TCMB rates: TR_FX, TR_CUSTOMS_FX, fx = "TCMB", the bulletin parser.

Expected values are read off the bulletin files in tests/fixtures/tcmb (202407/08072024.xml is
TCMB's bulletin 2024/126 as published; its format: Tarih_Date/Currency/Unit/ForexBuying…).  The
stand-in server answers 404 on weekends and holidays as TCMB does (tests/tcmb_server.py).
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from trcalc.calc import CalcError, call
from trcalc.calc.tcmb import BulletinError, parse
from tests.conftest import raises_on
from tests.tcmb_server import real_bulletin


def test_parse_the_real_bulletin():
    b = parse(real_bulletin())
    assert b.date == dt.date(2024, 7, 8) and b.number == "2024/126"
    assert len(b.quotes) == 23                                  # 23 <Currency> elements
    jpy = b.quotes["JPY"]
    assert jpy.unit == 100 and jpy.rates["DOVIZ_SATIS"] == D("20.3626")
    assert b.quotes["CNY"].rates["EFEKTIF_ALIS"] is None            # <BanknoteBuying></BanknoteBuying>
    assert b.quotes["XDR"].rates == {"DOVIZ_ALIS": D("43.1731"), "DOVIZ_SATIS": None,
                                     "EFEKTIF_ALIS": None, "EFEKTIF_SATIS": None}


@pytest.mark.parametrize("content, why", [
    (real_bulletin()[:2000], "not well-formed"),
    (b"<!DOCTYPE html><html><body>Hata</body></html>", "root element"),
    (real_bulletin().replace(b'Tarih="08.07.2024"', b'Tarih="2024-07-08"'), "Tarih"),
    (real_bulletin().replace(b"<ForexBuying>32.6401", b"<ForexBuying>32,6401"), "not a number"),
    (real_bulletin().replace(b'CurrencyCode="EUR"', b'CurrencyCode="EUX"'), "lacks EUR"),
    (real_bulletin().replace(b"<Unit>100</Unit>", b"<Unit>0</Unit>"), "Unit"),
])
def test_parse_refuses_what_is_not_a_bulletin(content, why):
    with pytest.raises(BulletinError, match=why):
        parse(content)


def test_tr_fx_kinds_and_aliases(tcmb):
    # 08.07.2024, USD: ForexBuying 32.6401, ForexSelling 32.6989, BanknoteBuying 32.6172, BanknoteSelling 32.7479
    assert call("TR_FX", "USD", "08.07.2024") == D("32.6401")          # default: DOVIZ_ALIS
    assert call("TR_FX", "usd", "2024-07-08", "DOVIZ_SATIS") == D("32.6989")
    assert call("TR_FX", "USD", "2024-07-08", "ForexSelling") == D("32.6989")
    assert call("TR_FX", "USD", "2024-07-08", "efektif alış") == D("32.6172")
    assert call("TR_FX", "USD", "2024-07-08", "BanknoteSelling") == D("32.7479")
    assert call("TR_FX", "TL", "2024-07-08") == D(1)


def test_per_hundred_currencies_are_divided_by_their_unit(tcmb):
    # <Unit>100</Unit> <ForexSelling>20.3626</ForexSelling>: one yen = 20.3626 / 100 TL
    assert call("TR_FX", "JPY", "2024-07-08", "DOVIZ_SATIS") == D("0.203626")
    assert call("TR_FX", "IRR", "2024-07-08") == D("0.0000834")          # 0.00834 / 100
    table = call("TR_FX_DETAIL", "JPY", "2024-07-08", "DOVIZ_SATIS")
    rows = {r[0]: r for r in table}
    assert rows["Birim"][2] == 100 and rows["Bültendeki kur"][2] == D("20.3626")
    assert rows["Bülten no"][2] == "2024/126" and rows["Bülten tarihi"][2] == dt.date(2024, 7, 8)
    assert rows["Kur türü"][2] == "DOVIZ_SATIS"


def test_weekend_takes_the_last_bulletin_before_and_is_fetched_once(tcmb):
    # Saturday 13 and Sunday 14 July 2024: no bulletin; Friday 12 July is 2024/130 (USD buying 32.9012)
    assert call("TR_FX", "USD", "2024-07-14") == D("32.9012")
    rows = {r[0]: r for r in call("TR_FX_DETAIL", "USD", "2024-07-13")}
    assert rows["Bülten tarihi"][2] == dt.date(2024, 7, 12) and rows["Bülten no"][2] == "2024/130"
    assert tcmb.requests == ["202407/14072024.xml", "202407/13072024.xml", "202407/12072024.xml"]
    # A new process (fresh in-process cache) answers from the store: the weekend is remembered.
    from trcalc.calc import fx
    fx.set_source(fx.StoreSource())
    assert call("TR_FX", "USD", "2024-07-14") == D("32.9012")
    assert len(tcmb.requests) == 3


def test_holiday_takes_the_last_bulletin_before(tcmb):
    # Monday 15 July 2024 was a public holiday: the rate is Friday 12 July's (GBP buying 42.0993).
    assert call("TR_FX", "GBP", "2024-07-15") == D("42.0993")


def test_customs_rate_is_the_previous_days_forex_selling(tcmb):
    # Rule fx.customs.*: DOVIZ_SATIS of the last bulletin before the registration day.
    assert call("TR_CUSTOMS_FX", "EUR", "2024-07-09") == D("35.4241")    # Tue → Mon 08.07 (real 2024/126)
    assert call("TR_CUSTOMS_FX", "EUR", "2024-07-08") == D("35.2470")    # Mon → Fri 05.07 (2024/125)
    assert call("TR_CUSTOMS_FX", "USD", "2024-07-16") == D("32.9605")    # after the holiday → Fri 12.07
    table = call("TR_CUSTOMS_FX_DETAIL", "EUR", "2024-07-09")
    text = "\n".join(str(c) for r in table for c in r)
    assert "2024/126" in text and "Gümrük Kanunu md. 30" in text and "Kaynak: Gümrükte kullanılan TCMB kuru" in text   # the rule by its Turkish name


def test_fx_tcmb_in_tr_duty_is_the_customs_eur_rate(tcmb):
    typed = call("TR_DUTY", 60, 10, 5, "DE", 0.20, "2024-07-09", None, "35.4241")
    assert call("TR_DUTY", 60, 10, 5, "DE", 0.20, "2024-07-09", None, "TCMB") == typed
    assert call("TR_DUTY", 60, 10, 5, "DE", 0.20, "2024-07-09", None, "tcmb") == typed
    table = call("TR_DUTY_DETAIL", 60, 10, 5, "DE", 0.20, "2024-07-09", None, "TCMB")
    source = [r for r in table if r[0] == "Kur kaynağı"]
    assert source and "2024/126" in source[0][1] and source[0][2] == D("35.4241")


def test_fx_tcmb_in_tr_tev_uses_its_currency(tcmb):
    # Seed 004 with the rate from TCMB: 100000/10000 × 5000 × 1 × 10 % = 5000 USD of levy;
    # × 32.6989 (USD selling of 08.07.2024, for an export declaration registered on 09.07) = 163,494.50 TL.
    args = [100000, 10000, 5000, 1, "10%", "TCMB", None, None, None, "2024-07-09"]
    assert call("TR_TEV", *args, "USD") == D("163494.50")
    with raises_on("doviz", "missing"):
        call("TR_TEV", *args)


def test_array_form_resolves_each_row_on_its_own_date(tcmb):
    from trcalc.calc import call_many
    dates = ["2024-07-09", "2024-07-16"]
    out = call_many("TR_TEV", [100000, 10000, 5000, 1, "10%", "TCMB", None, None, None, dates, "USD"])
    assert out == [D("163494.50"), D("164802.50")]      # 5000 × 32.6989; 5000 × 32.9605 (12.07 selling)


def test_bad_codes_name_their_argument(tcmb):
    with raises_on("doviz", "unknown_code"):
        call("TR_FX", "XYZ", "2024-07-08")
    with raises_on("kur_turu", "unknown_code"):
        call("TR_FX", "CNY", "2024-07-08", "EFEKTIF_ALIS")              # CNY: no banknote rates
    with raises_on("kur_turu", "unknown_code"):
        call("TR_FX", "USD", "2024-07-08", "ORTA")
    with raises_on("doviz", "invalid"):
        call("TR_FX", "US DOLLARS", "2024-07-08")
    with raises_on("tarih", "no_rate"):
        call("TR_FX", "USD", "2024-07-21")                              # after TRCALC_TODAY


def test_no_network_and_no_stored_rate_is_a_clear_error(tcmb, monkeypatch):
    monkeypatch.setenv("TRCALC_TCMB_URL", "http://127.0.0.1:9/closed")
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-08")
    msg = str(info.value)
    assert "USD" in msg and "08.07.2024" in msg and "trcalc fx sync --from 2024-07-01 --to 2024-07-08" in msg
    monkeypatch.setenv("TRCALC_TCMB_URL", tcmb.url)
    monkeypatch.setenv("TRCALC_FX_OFFLINE", "1")
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-08")
    assert tcmb.requests == [] and "TRCALC_FX_OFFLINE" in str(info.value)


def test_a_timeout_is_bounded_and_an_error(tcmb, monkeypatch):
    monkeypatch.setenv("TRCALC_TCMB_TIMEOUT", "0.3")
    tcmb.delays["202407/08072024.xml"] = 3
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-08")
    assert "timed out" in str(info.value)


def test_warm_calls_need_neither_network_nor_file(tcmb):
    assert call("TR_FX", "EUR", "2024-07-08") == D("35.3604")
    tcmb.close()
    assert call("TR_FX", "EUR", "2024-07-08", "DOVIZ_SATIS") == D("35.4241")


def test_errors_are_not_remembered_as_rates(tcmb):
    # a 500 and then a good answer: the failure did not stick
    tcmb.answers["202407/08072024.xml"] = (500, b"<html>Internal error</html>")
    with pytest.raises(CalcError):
        call("TR_FX", "USD", "2024-07-08")
    del tcmb.answers["202407/08072024.xml"]
    from trcalc.calc import fx
    fx.set_source(fx.StoreSource())                 # the next process; no 60 s back-off
    assert call("TR_FX", "USD", "2024-07-08") == D("32.6401")


def test_today_is_read_from_today_xml(tcmb, monkeypatch):
    # TCMB sets today's rates at 15:30 and serves the latest bulletin as today.xml (the stand-in's:
    # 16.07.2024, 2024/131, USD buying 32.9665).
    monkeypatch.setenv("TRCALC_TODAY", "2024-07-16")
    assert call("TR_FX", "USD", "2024-07-16") == D("32.9665")
    assert tcmb.requests == ["today.xml"]


def test_before_1530_today_xml_is_yesterdays_and_today_stays_unknown(tcmb, monkeypatch):
    monkeypatch.setenv("TRCALC_TODAY", "2024-07-17")                 # no bulletin of the 17th yet
    rows = {r[0]: r for r in call("TR_FX_DETAIL", "USD", "2024-07-17")}
    assert rows["Bülten no"][2] == "2024/131" and rows["Bülten tarihi"][2] == dt.date(2024, 7, 16)
    assert tcmb.requests == ["today.xml"]
    from trcalc.calc.fxstore import Store
    assert dt.date(2024, 7, 17) not in Store().states(dt.date(2024, 7, 17), dt.date(2024, 7, 17))
