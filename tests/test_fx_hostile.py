"""Issue 22.7: TCMB's answers are checked, not trusted, and what trcalc asks of TCMB is bounded.

The stand-in of tests/tcmb_server.py plays a TCMB gone wrong: impossible figures, a currency twice,
a bulletin dated in the future, a server dripping its answer, redirects (to ftp:// too), and a
batch asking for 3,000 distinct dates. The bulletin format followed is the one of TCMB's files
(tests/fixtures/tcmb/README.md: `<ForexBuying>32.6401</ForexBuying>`, `Tarih="08.07.2024"`,
`Date="07/08/2024"`).
"""
import datetime as dt
import sqlite3
import time
from decimal import Decimal as D

import pytest

from tests.conftest import raises_on
from tests.tcmb_server import real_bulletin
from trcalc.calc import CalcError, call
from trcalc.calc.fxstore import Store, default_path

JULY8 = "202407/08072024.xml"


@pytest.mark.parametrize("change, why", [
    ((b"<ForexBuying>32.6401", b"<ForexBuying>1E-999999"), "not a number as TCMB writes a rate"),
    ((b"<ForexBuying>32.6401", b"<ForexBuying>0.0000000001"), "not a number as TCMB writes a rate"),
    ((b"<ForexBuying>32.6401", b"<ForexBuying>99999999.5"), "outside the plausible bounds"),
    ((b"<ForexSelling>32.6989", b"<ForexSelling>3.6989"), "above ForexSelling"),
    ((b"<Unit>100</Unit>", b"<Unit>1e3</Unit>"), "Unit"),
    ((b'Date="07/08/2024"', b'Date="07/09/2024"'), "Date attribute"),
])
def test_an_implausible_bulletin_is_refused_and_named(tcmb, change, why):
    tcmb.answers[JULY8] = (200, real_bulletin().replace(*change))
    with raises_on("tarih", "no_rate") as info:
        call("TR_IMPORT_TAXES" if False else "TR_FX", "USD", "2024-07-08")
    msg = str(info.value)
    assert why in msg and JULY8 in msg and "08.07.2024" in msg          # the rejected file is named
    assert Store().states(dt.date(2024, 7, 8), dt.date(2024, 7, 8)) == {}   # and not stored


def test_a_currency_listed_twice_is_refused(tcmb):
    text = real_bulletin()
    usd = text[text.index(b'<Currency CrossOrder="0"'):text.index(b"</Currency>") + len(b"</Currency>")]
    tcmb.answers[JULY8] = (200, text.replace(usd, usd + usd.replace(b"32.6401", b"3264.01")
                                             .replace(b"32.6989", b"3269.89")))
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-08")
    assert "USD is listed twice" in str(info.value)


def test_a_bulletin_dated_in_the_future_is_neither_stored_nor_served(tcmb):
    # today (TRCALC_TODAY) is 20.07.2024; today.xml claims to be the bulletin of 31.12.2024
    tcmb.answers["today.xml"] = (200, real_bulletin().replace(
        b'Tarih="08.07.2024" Date="07/08/2024"', b'Tarih="31.12.2024" Date="12/31/2024"'))
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-20")
    assert "in the future" in str(info.value) and "2024-12-31" in str(info.value)
    assert Store().states(dt.date(2024, 12, 31), dt.date(2024, 12, 31)) == {}


def test_a_dripping_tcmb_is_cut_at_the_total_deadline(tcmb, monkeypatch):
    # every byte arrives well within a per-read timeout (0.05 s < 1 s), the whole file (~20 kB) would
    # take ~17 minutes: the deadline is for the whole fetch
    monkeypatch.setenv("TRCALC_TCMB_TIMEOUT", "1")
    tcmb.drip[JULY8] = 0.05
    started = time.monotonic()
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-08")
    assert time.monotonic() - started < 3
    assert "timed out" in str(info.value) and "TRCALC_TCMB_TIMEOUT" in str(info.value)


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/202407/08072024.xml", "/202407/09072024.xml"])
def test_redirects_are_not_followed(tcmb, location):
    tcmb.answers[JULY8] = (302, b"")
    tcmb.headers[JULY8] = {"Location": location}
    with raises_on("tarih", "no_rate") as info:
        call("TR_FX", "USD", "2024-07-08")
    assert "redirect (not followed)" in str(info.value)
    assert tcmb.requests == [JULY8]                    # nothing else was asked for


def test_a_batch_of_3000_distinct_dates_sends_a_bounded_number_of_requests(tcmb, monkeypatch):
    from trcalc.server import create_app
    tcmb.every_day = True
    monkeypatch.setenv("TRCALC_TODAY", "2026-01-01")
    monkeypatch.setenv("TRCALC_TCMB_MAX_PER_REQUEST", "32")
    days = [dt.date(2014, 1, 1) + dt.timedelta(days=i) for i in range(3000)]
    calls = [{"function": "TR_FX", "args": ["USD", d.isoformat()]} for d in days]
    client = create_app().test_client()
    res = client.post("/api/v1/batch", json={"calls": calls}).get_json()["results"]
    assert len(tcmb.requests) <= 32
    answered = [r for r in res if "value" in r]
    refused = [r["error"] for r in res if "error" in r]
    assert answered and len(answered) + len(refused) == 3000
    assert all("TRCALC_TCMB_MAX_PER_REQUEST" in e["message"] and "trcalc fx sync" in e["message"] for e in refused)
    # the per-minute budget of the process holds across requests
    monkeypatch.setenv("TRCALC_TCMB_MAX_PER_MINUTE", str(len(tcmb.requests) + 5))
    client.post("/api/v1/batch", json={"calls": calls[1500:]})
    assert len(tcmb.requests) <= 32 + 5 + 1


def test_a_locked_store_is_a_short_wait_and_no_advice_to_delete(tcmb):
    assert call("TR_FX", "USD", "2024-07-08") == D("32.6401")          # the store exists
    from trcalc.calc import fx
    fx.set_source(fx.StoreSource())                                       # no in-process cache
    holder = sqlite3.connect(default_path(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")                                     # another process's lock
    try:
        started = time.monotonic()
        with raises_on("tarih", "no_rate") as info:
            call("TR_FX", "USD", "2024-07-08")
        assert time.monotonic() - started < 2                             # not 10 s
        msg = str(info.value)
        assert "locked by another process" in msg and "delete" not in msg and "silip" not in msg
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_full_disk_is_reported_as_such(tcmb, monkeypatch, capsys):
    # SQLite's SQLITE_FULL, made by a page limit the file cannot grow past (PRAGMA max_page_count,
    # sqlite.org/pragma.html#pragma_max_page_count: never below the file's size) — what a full disk gives
    from sqlalchemy import event

    from trcalc.calc import db
    from trcalc.cli import main
    Store().summary()                                      # the store's tables exist (calc.db migrates)

    def small(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA max_page_count = 1")    # no lower than the file: it cannot grow
    event.listen(db.engine(), "connect", small)            # every connection of the store's engine (NullPool)
    try:
        assert main(["fx", "sync", "--from", "2024-07-05", "--to", "2024-07-16"]) == 2   # six bulletins, ~15 kB
    finally:
        event.remove(db.engine(), "connect", small)
    err = capsys.readouterr().err
    assert "disk is full" in err and "disk dolu" in err and "cannot rollback" not in err
    assert "store is unchanged" in err and Store().summary()["bulletins"] == 0


def test_fx_sync_offline_fetches_nothing_and_exits_2(tcmb, monkeypatch):
    from tests.test_fxstore import run_cli
    monkeypatch.setenv("TRCALC_FX_OFFLINE", "1")
    r = run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-08")
    assert r.returncode == 2 and "TRCALC_FX_OFFLINE" in r.stderr and "Traceback" not in r.stderr
    assert tcmb.requests == []


def test_a_bad_rate_kind_override_is_400_not_500(tcmb):
    from trcalc.server import create_app
    r = create_app().test_client().post("/api/v1/call/TR_CUSTOMS_FX", json={
        "args": ["EUR", "2024-07-09"], "overrides": {"fx.customs.rate_kind": "XYZ"}})
    assert r.status_code == 400, r.get_json()
    assert "fx.customs.rate_kind" in r.get_json()["error"]["message"]


def test_calcerror_is_what_the_validation_raises(tcmb):
    tcmb.answers[JULY8] = (200, real_bulletin().replace(b"<ForexBuying>32.6401", b"<ForexBuying>NaN"))
    with pytest.raises(CalcError):
        call("TR_FX", "USD", "2024-07-08")
