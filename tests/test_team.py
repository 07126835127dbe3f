"""The team server's own parts (issue 24): named keys, the access log, trusted proxies, the Office
add-in per server, the database lease and the daily TCMB sync. The real nginx and PostgreSQL in
front of and behind production servers: tests/test_deploy.py."""
import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from trcalc.calc import CalcError, call, db
from trcalc.calc.fxstore import Store
from trcalc.calc.fxsync import published_through, run_due
from trcalc.server import create_app, keys
from trcalc.server.config import Settings

ROOT = Path(__file__).resolve().parent.parent
TRCALC = [sys.executable, "-m", "trcalc.cli"]


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A database of this test's own (never the suite's shared one: its keys would close every server)."""
    url = f"sqlite:///{tmp_path / 'team.sqlite3'}"
    monkeypatch.setenv("TRCALC_DATABASE_URL", url)
    return url


def cli(*args, env=None):
    return subprocess.run([*TRCALC, *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})})


def app(tmp_path, **kw):
    kw.setdefault("access_log", str(tmp_path / "access.log"))
    return create_app(Settings(**kw)).test_client()


def log_lines(tmp_path) -> list[str]:
    return (tmp_path / "access.log").read_text(encoding="utf-8").splitlines()


# --- named keys --------------------------------------------------------------------------------

def test_keys_add_prints_the_key_once_and_stores_only_its_hash(database, tmp_path):
    r = cli("keys", "add", "ali")
    assert r.returncode == 0, r.stderr
    key = r.stdout.strip()
    assert re.fullmatch(r"trc_[A-Za-z0-9_-]{43}", key)                # 32 random bytes, base64url
    raw = (tmp_path / "team.sqlite3").read_bytes()
    assert key.encode() not in raw and key[4:].encode() not in raw
    conn = sqlite3.connect(tmp_path / "team.sqlite3")
    (stored,) = conn.execute("SELECT key_hash FROM api_key WHERE name = 'ali'").fetchone()
    import hashlib
    assert stored == hashlib.sha256(key.encode()).hexdigest()
    listed = cli("keys", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("ali\t") and "active" in listed.stdout
    assert key not in listed.stdout
    again = cli("keys", "add", "ali")
    assert again.returncode == 2 and "ali" in again.stderr and key not in again.stdout
    bad = cli("keys", "add", "bad name")
    assert bad.returncode == 2 and "—" in bad.stderr


def test_a_revoked_key_is_refused_without_a_restart(database, tmp_path):
    ali, veli = keys.add("ali"), keys.add("veli")
    c = app(tmp_path, api_keys=frozenset({"from-env"}), database_url=database, keys_refresh_seconds=1)
    body = {"args": [100, 10, 5]}
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": ali}).status_code == 200
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": "from-env"}).status_code == 200
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": "trc_guess"}).status_code == 401
    assert cli("keys", "revoke", "ali").returncode == 0
    time.sleep(1.2)                                         # TRCALC_KEYS_REFRESH_SECONDS=1, no restart
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": ali}).status_code == 401
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": veli}).status_code == 200
    assert c.post("/api/v1/call/TR_CIF", json=body, headers={"X-API-Key": "from-env"}).status_code == 200
    assert cli("keys", "revoke", "ali").returncode == 2           # nothing active left under that name


def test_the_first_key_closes_the_server_and_revoking_the_last_never_opens_it(database, tmp_path):
    c = app(tmp_path, database_url=database, keys_refresh_seconds=1)
    body = {"args": [100, 10, 5]}
    assert c.post("/api/v1/call/TR_CIF", json=body).status_code == 200          # no keys anywhere: open
    keys.add("ali")
    time.sleep(1.2)
    assert c.post("/api/v1/call/TR_CIF", json=body).status_code == 401
    keys.revoke("ali")
    time.sleep(1.2)
    assert c.post("/api/v1/call/TR_CIF", json=body).status_code == 401
    assert c.get("/healthz").status_code == 200


def test_sign_in_with_a_named_key_and_its_cookie_dies_with_the_key(database, tmp_path):
    ali = keys.add("ali")
    c = app(tmp_path, database_url=database, keys_refresh_seconds=1)
    r = c.post("/giris", data={"key": ali, "next": "/"})
    assert r.status_code == 303
    cookie = c.get_cookie("trcalc_oturum")
    assert cookie is not None and ali not in cookie.value
    assert c.get("/hesap/TR_TEV").status_code == 200
    keys.revoke("ali")
    time.sleep(1.2)
    assert c.get("/hesap/TR_TEV").status_code == 303                # back to the sign-in page


# --- the access log ----------------------------------------------------------------------------

def test_the_access_log_names_the_key_and_never_writes_keys_or_amounts(database, tmp_path):
    ali = keys.add("ali")
    c = app(tmp_path, database_url=database)
    c.get("/hesap/TR_TEV?mal_bedeli=987654.32&navlun=1234.5", headers={"X-API-Key": ali})
    c.post("/api/v1/call/TR_CIF", json={"args": [555111, 10, 5]}, headers={"X-API-Key": ali})
    c.get("/yok/987654", headers={"X-API-Key": ali})
    c.get("/healthz")
    lines = log_lines(tmp_path)
    assert len(lines) == 4
    text = "\n".join(lines)
    for secret in (ali, "987654", "1234.5", "555111"):
        assert secret not in text
    from trcalc.calc.rules.store import book
    line = r"\S+Z 127\.0\.0\.1 {method} {path} {status} \d+\.\dms key={key} rules=" + re.escape(book().version)
    assert re.fullmatch(line.format(method="GET", path="/hesap/TR_TEV", status=200, key="ali"), lines[0])
    assert re.fullmatch(line.format(method="POST", path="/api/v1/call/TR_CIF", status=200, key="ali"), lines[1])
    assert re.fullmatch(line.format(method="GET", path="-", status=404, key="ali"), lines[2])
    assert re.fullmatch(line.format(method="GET", path="/healthz", status=200, key="-"), lines[3])


def test_the_access_log_is_on_by_default_on_stdout_and_can_be_turned_off(tmp_path, capsys):
    assert Settings.from_env().access_log == "-"
    create_app(Settings()).test_client().get("/healthz")
    assert "GET /healthz 200" in capsys.readouterr().out
    create_app(Settings(access_log="off")).test_client().get("/healthz")
    assert "GET /healthz" not in capsys.readouterr().out


# --- behind a proxy ----------------------------------------------------------------------------

def test_forwarded_headers_are_believed_only_from_trusted_proxies(tmp_path, monkeypatch):
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    direct = app(tmp_path)                                    # TRCALC_TRUSTED_PROXIES=0 (default)
    r = direct.get("/healthz", headers=forged)
    assert "Strict-Transport-Security" not in r.headers       # not over TLS, whatever the header says
    assert " 127.0.0.1 GET /healthz " in log_lines(tmp_path)[-1]
    proxied = app(tmp_path, trusted_proxies=1)
    r = proxied.get("/healthz", headers=forged)
    assert "Strict-Transport-Security" in r.headers          # the proxy says the client came over TLS
    assert " 203.0.113.9 GET /healthz " in log_lines(tmp_path)[-1]
    # one trusted proxy: of "client-forged, real-client" only the entry the proxy appended counts
    proxied.get("/healthz", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.10"})
    assert " 203.0.113.10 GET /healthz " in log_lines(tmp_path)[-1]


# --- the Office add-in per server ----------------------------------------------------------------

def _manifest_id(client, monkeypatch, public):
    monkeypatch.setenv("TRCALC_PUBLIC_URL", public)
    m = client.get("/office/manifest.xml").get_data(as_text=True)
    return re.search(r"<Id>(.*)</Id>", m).group(1), m


def test_each_server_gets_its_own_add_in_id_and_name(tmp_path, monkeypatch):
    c = app(tmp_path)
    prod, m_prod = _manifest_id(c, monkeypatch, "https://trcalc.example.com")
    test, m_test = _manifest_id(c, monkeypatch, "https://trcalc-test.example.com")
    assert prod != test
    assert uuid.UUID(prod).version == 5 and uuid.UUID(test).version == 5      # name-based (RFC 9562 §5.5)
    assert _manifest_id(c, monkeypatch, "https://trcalc.example.com/")[0] == prod   # stable: an update
    assert '<DisplayName DefaultValue="trcalc (trcalc.example.com)"/>' in m_prod
    assert '<DisplayName DefaultValue="trcalc (trcalc-test.example.com)"/>' in m_test
    urls = re.findall(r'(?:DefaultValue="|<AppDomain>)(https?://[^"<]+)', m_prod)
    assert urls and all(u == "https://trcalc.example.com" or u.startswith("https://trcalc.example.com/")
                        for u in urls)


# --- the lease and the daily sync ---------------------------------------------------------------

def test_a_lease_has_one_holder_until_it_expires_or_is_released(database):
    assert db.acquire("job", "a", 60)
    assert not db.acquire("job", "b", 60)
    assert db.acquire("job", "a", 60)                     # the holder renews
    db.release("job", "b")                               # not b's to release
    assert not db.acquire("job", "b", 60)
    db.release("job", "a")
    assert db.acquire("job", "b", 0.2)
    time.sleep(0.3)
    assert db.acquire("job", "c", 60)                    # b's expired


def test_processes_racing_for_a_lease_get_one_winner(database):
    script = ("import sys, time\nfrom trcalc.calc import db\ndb.engine()\n"
              "time.sleep(max(0, float(sys.argv[1]) - time.time()))\n"
              "print(db.acquire('race', sys.argv[2], 60))\n")
    db.engine()                                          # the schema exists before the race
    start = str(time.time() + 2.0)
    procs = [subprocess.Popen([sys.executable, "-c", script, start, f"p{i}"], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ)) for i in range(4)]
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert sorted(outs) == ["False", "False", "False", "True"]


def test_the_bulletin_of_a_day_is_due_after_the_set_time_in_turkiye():
    at = (15, 45)
    utc = dt.timezone.utc
    # Türkiye is UTC+3 all year (no summer time since 2016): 15:45 there is 12:45 UTC
    assert published_through(dt.datetime(2024, 7, 16, 12, 44, tzinfo=utc), at) == dt.date(2024, 7, 15)
    assert published_through(dt.datetime(2024, 7, 16, 12, 45, tzinfo=utc), at) == dt.date(2024, 7, 16)
    assert published_through(dt.datetime(2024, 1, 16, 12, 45, tzinfo=utc), at) == dt.date(2024, 1, 16)
    # 22:00 UTC is 01:00 of the 17th there: the 17th's bulletin is not out, the 16th's is
    assert published_through(dt.datetime(2024, 7, 16, 22, 0, tzinfo=utc), at) == dt.date(2024, 7, 16)


def test_the_daily_sync_catches_up_runs_once_and_is_shown(tcmb, database, monkeypatch, tmp_path):
    monkeypatch.setenv("TRCALC_TODAY", "2024-07-16")
    store = Store()
    report = run_due(store, "a", (0, 0), days=12, retry_seconds=3600)
    # 5–16 July: bulletins on 5, 8–12 and 16 (today.xml), none on 6, 7, 13, 14, 15
    assert report is not None and len(report.fetched) == 7 and len(report.missing) == 5
    assert report.first == dt.date(2024, 7, 5) and report.through == dt.date(2024, 7, 16)
    asked = len(tcmb.requests)
    assert run_due(store, "b", (0, 0), days=12, retry_seconds=3600) is None       # current: nothing to do
    assert len(tcmb.requests) == asked
    last = store.last_sync()
    assert last["through"] == "2024-07-16"
    body = app(tmp_path).get("/healthz").get_json()
    assert body["fx_sync"]["through"] == "2024-07-16" and body["fx_sync"]["last_success"] == last["at"]
    status = app(tmp_path).get("/admin/status").get_json()
    assert status["fx_sync"]["store"]["bulletins"] == 7 and status["fx_sync"]["last_attempt"]["ok"] is True


def test_a_failed_sync_is_recorded_and_retried_later(tcmb, database, monkeypatch):
    monkeypatch.setenv("TRCALC_TODAY", "2024-07-16")
    tcmb.answers["202407/10072024.xml"] = (500, b"<html>500</html>")
    from trcalc.calc.fxsync import SyncError
    with pytest.raises(SyncError):
        run_due(Store(), "a", (0, 0), days=12, retry_seconds=3600)
    assert Store().last_sync() is None
    asked = len(tcmb.requests)
    assert run_due(Store(), "a", (0, 0), days=12, retry_seconds=3600) is None      # not before the retry time
    assert len(tcmb.requests) == asked
    del tcmb.answers["202407/10072024.xml"]
    assert run_due(Store(), "a", (0, 0), days=12, retry_seconds=0).through == dt.date(2024, 7, 16)


def test_fx_sync_days(tcmb, database):
    r = cli("fx", "sync", "--days", "3", env={"TRCALC_TODAY": "2024-07-16"})
    assert r.returncode == 0, r.stderr
    # 14 July a Sunday, 15 July a holiday (no bulletins), 16 July today's (today.xml)
    assert "1 bülten eklendi, 2 gün bültensiz" in r.stdout
    assert cli("fx", "sync").returncode == 2                    # --from or --days


def test_a_request_waits_on_tcmb_no_longer_than_the_set_time(tcmb, monkeypatch):
    monkeypatch.setenv("TRCALC_TCMB_TIMEOUT", "1")                 # total seconds of one fetch (calc.tcmb)
    tcmb.delays["202407/10072024.xml"] = 6
    t0 = time.monotonic()
    with pytest.raises(CalcError) as info:
        call("TR_FX", "USD", "2024-07-10")
    assert info.value.code == "no_rate" and time.monotonic() - t0 < 4


# --- HTTPS without a proxy ---------------------------------------------------------------------

@pytest.mark.slow
def test_serve_with_a_certificate_speaks_https(tmp_path):
    import socket
    import ssl
    import urllib.request
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TRCALC_WORKERS": "1", "TRCALC_FX_AUTOSYNC": "0", "TRCALC_ACCESS_LOG": "off"}
    proc = subprocess.Popen([*TRCALC, "serve", "--production", "--port", str(port), "--certfile", str(cert),
                             "--keyfile", str(key)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ctx = ssl.create_default_context(cafile=str(cert))
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{port}/healthz", context=ctx, timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer over HTTPS")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- one rules version: diff and changelog --------------------------------------------------------

def _rules_copy(tmp_path) -> Path:
    import shutil
    from trcalc.calc.rules.store import RULES_DIR
    folder = tmp_path / "rules"
    folder.mkdir()
    for f in RULES_DIR.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    return folder


def test_rules_diff_lists_what_a_team_changed(tmp_path):
    folder = _rules_copy(tmp_path)
    kdv = folder / "kdv.yaml"
    text = kdv.read_text(encoding="utf-8")
    marker = "    - from: 2023-07-10\n      value: 0.20\n"
    assert marker in text
    kdv.write_text(text.replace(marker, "    - from: 2023-07-10\n      value: 0.21\n"), encoding="utf-8")
    same = cli("rules", "diff", "installed", "installed")
    assert same.returncode == 0 and "0 fark" in same.stdout
    r = cli("rules", "diff", "installed", "env", env={"TRCALC_RULES_DIR": str(folder)})
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("# installed ") and "1 fark" in lines[0]
    assert lines[1:] == ["~ kdv.general_rate from 2023-07-10: value: 0.2 → 0.21"]        # the number 0.20, as read
    missing = cli("rules", "diff", "installed", str(tmp_path / "yok"))
    assert missing.returncode == 2 and "—" in missing.stderr


def test_the_current_rules_version_ships_its_changelog():
    import yaml
    from trcalc.calc.rules.store import CHANGELOG_FILE, RULES_DIR, book
    log = yaml.safe_load((RULES_DIR / CHANGELOG_FILE).read_text(encoding="utf-8"))
    rb = book()
    assert log[0]["version"] == rb.meta.version              # the newest entry is the version in force
    assert len({e["version"] for e in log}) == len(log)
    # the version in force names dated entries of the installed rules with their sources; an older
    # version's entries are what that version shipped (a later version may move or re-source them, e.g.
    # import.tuzel.flat_limit from 2022-03-15 in 2026.11.25 → 2022-05-01 in 2026.12.07)
    for change in log[0]["changes"]:
        dated = {e.start: e for e in rb.params[change["parameter"]]}
        assert change["from"] in dated, change
        assert dated[change["from"]].source == change["source"], change         # the source the data cites
    for entry in log:
        for change in entry["changes"]:
            assert change["parameter"] and change["from"] and change["source"], change
            assert " — " in change["change"]                                    # Turkish, then English


def test_the_database_head_is_the_newest_migration():
    from trcalc.calc.migrations import versions
    folder = Path(versions.__file__).parent
    revisions = sorted(p.name.split("_")[0] for p in folder.glob("[0-9]*.py"))
    assert revisions[-1] == db.HEAD
