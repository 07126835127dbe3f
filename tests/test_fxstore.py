"""The local rate store: `trcalc fx sync`, and bad data never corrupting it.

Each kind of bad answer named in issue 14 — malformed XML, an HTML error page with status
200, a bulletin without the currency, a network failure, a sync killed midway — is served
by the stand-in TCMB server (tests/tcmb_server.py) and must leave the store exactly as it was.
SQLite makes a transaction all-or-nothing, also when the process dies inside it
(https://www.sqlite.org/atomiccommit.html); the store writes each sync in one transaction.
"""
import datetime as dt
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from trcalc.calc import CalcError, call
from trcalc.calc.fxstore import Store, data_dir, default_path
from tests.tcmb_server import real_bulletin

ROOT = Path(__file__).resolve().parent.parent
TRCALC = [sys.executable, "-m", "trcalc.cli"]


def snapshot(path: Path) -> list:
    """Every row of every table: the store's whole logical content."""
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return [(t, sorted(conn.execute(f"SELECT * FROM {t}")))
                for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    finally:
        conn.close()


def run_cli(*args, env=None):
    return subprocess.run([*TRCALC, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_data_dir_default_is_per_user_and_overridable(monkeypatch, tmp_path):
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "x"))
    assert default_path() == tmp_path / "x" / "fx.sqlite3"
    monkeypatch.delenv("TRCALC_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):          # XDG Base Directory Specification: $XDG_DATA_HOME/<app>
        assert data_dir() == tmp_path / "xdg" / "trcalc"


def test_sync_stores_bulletins_and_remembers_days_without_one(tcmb):
    r = run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-16")
    assert r.returncode == 0, r.stderr
    assert "7 bülten eklendi, 5 gün bültensiz" in r.stdout        # 5, 8–12, 16 July; 6, 7, 13, 14, 15 July
    store = Store()
    states = store.states(dt.date(2024, 7, 5), dt.date(2024, 7, 16))
    assert states[dt.date(2024, 7, 8)] == "2024/126" and states[dt.date(2024, 7, 15)] == "none"
    # A second run asks for nothing; the rates now work with TCMB unreachable.
    n = len(tcmb.requests)
    assert run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-16").returncode == 0
    assert len(tcmb.requests) == n
    tcmb.close()
    assert call("TR_FX", "JPY", "2024-07-14", "DOVIZ_SATIS") == D("0.205255")   # 12.07: 20.5255 / 100


BAD_ANSWERS = {
    "malformed XML": (200, real_bulletin()[:3000]),
    "HTML error page with status 200": (200, b"<!DOCTYPE html><html><body>Sistem bakimda</body></html>"),
    "bulletin without the core currencies": (200, real_bulletin().replace(b'CurrencyCode="USD"', b'CurrencyCode="XXX"')),
    "another date's bulletin": (200, real_bulletin().replace(b'Tarih="08.07.2024"', b'Tarih="05.07.2024"')),
    "server error": (500, b"<html>500</html>"),
}


@pytest.mark.parametrize("what", BAD_ANSWERS)
def test_bad_answer_leaves_the_store_unchanged(tcmb, what):
    assert run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-05").returncode == 0
    before = snapshot(default_path())
    assert before and any(rows for t, rows in before if t == "bulletin")
    tcmb.answers["202407/08072024.xml"] = BAD_ANSWERS[what]
    # on demand …
    with pytest.raises(CalcError) as info:
        call("TR_FX", "USD", "2024-07-08")
    assert info.value.code == "no_rate" and "08.07.2024" in str(info.value)
    # … and by sync: the good days before and after the bad one are not written either.
    r = run_cli("fx", "sync", "--from", "2024-07-06", "--to", "2024-07-12")
    assert r.returncode == 2 and "08.07.2024" in r.stderr and "depo değişmedi" in r.stderr
    assert snapshot(default_path()) == before


def test_network_failure_leaves_the_store_unchanged(tcmb, monkeypatch):
    assert run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-05").returncode == 0
    before = snapshot(default_path())
    r = run_cli("fx", "sync", "--from", "2024-07-06", "--to", "2024-07-12",
                env={"TRCALC_TCMB_URL": "http://127.0.0.1:9/closed"})
    assert r.returncode == 2 and "depo değişmedi" in r.stderr and "store is unchanged" in r.stderr
    assert snapshot(default_path()) == before


def test_bulletin_without_the_asked_currency_is_not_stored(tcmb):
    no_gbp = real_bulletin().replace(b'CurrencyCode="GBP"', b'CurrencyCode="GBX"')
    assert run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-05").returncode == 0
    tcmb.answers["202407/08072024.xml"] = (200, no_gbp)
    before = snapshot(default_path())
    with pytest.raises(CalcError) as info:
        call("TR_FX", "GBP", "2024-07-08")
    assert info.value.argument == "doviz" and "GBP" in str(info.value)
    assert snapshot(default_path()) == before


def test_sync_killed_midway_leaves_the_store_unchanged(tcmb):
    """The process dies (os._exit, no clean-up) after writing half the bulletins inside the transaction."""
    assert run_cli("fx", "sync", "--from", "2024-07-05", "--to", "2024-07-05").returncode == 0
    before = snapshot(default_path())
    script = (
        "import os, sys\n"
        "from trcalc.calc import fxstore\n"
        "real, n = fxstore.Store._insert, [0]\n"
        "def dying(conn, b):\n"
        "    real(conn, b); n[0] += 1\n"
        "    if n[0] == 3: os._exit(9)\n"
        "fxstore.Store._insert = staticmethod(dying)\n"
        "from trcalc.cli import main\n"
        "sys.exit(main(['fx', 'sync', '--from', '2024-07-06', '--to', '2024-07-16']))\n")
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ), timeout=120,
                       capture_output=True, text=True)
    assert r.returncode == 9, r.stderr
    assert snapshot(default_path()) == before
    # and the store still works: the next sync completes
    assert run_cli("fx", "sync", "--from", "2024-07-06", "--to", "2024-07-16").returncode == 0
    assert call("TR_FX", "EUR", "2024-07-16") == D("35.7140")       # 16.07 (2024/131) ForexBuying


def test_sync_refuses_bad_dates(tcmb):
    r = run_cli("fx", "sync", "--from", "2024-07-10", "--to", "2024-07-05")
    assert r.returncode == 2 and "--from" in r.stderr
    r = run_cli("fx", "sync", "--from", "dün")
    assert r.returncode == 2 and "--from" in r.stderr


def test_sync_up_to_today_reads_today_xml_and_leaves_today_open(tcmb):
    env = {"TRCALC_TODAY": "2024-07-17"}            # 15.07 holiday, 16.07 bulletin, 17.07 not yet published
    r = run_cli("fx", "sync", "--from", "2024-07-15", "--to", "2024-07-17", env=env)
    assert r.returncode == 0, r.stderr
    assert "1 bülten eklendi, 1 gün bültensiz" in r.stdout
    assert tcmb.requests[-1] == "today.xml"
    states = Store().states(dt.date(2024, 7, 15), dt.date(2024, 7, 17))
    assert states == {dt.date(2024, 7, 15): "none", dt.date(2024, 7, 16): "2024/131"}


def test_a_damaged_store_file_is_a_clear_error_not_a_traceback(tcmb):
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a SQLite database" * 100)
    with pytest.raises(CalcError) as info:
        call("TR_FX", "USD", "2024-07-08")
    assert info.value.code == "no_rate" and str(path) in str(info.value)
    r = run_cli("fx", "sync", "--from", "2024-07-08", "--to", "2024-07-08")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "the store is unchanged" in r.stderr
