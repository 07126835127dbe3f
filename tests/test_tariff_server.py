"""The team server's one tariff book (issue 27.2): `trcalc tariff import` writes into the installation's
database (calc.db; here SQLite — the real PostgreSQL of a deployment is tests/test_deploy.py), and the
server answers TR_GTIP_* and TR_IMPORT_TAXES with a GTİP from it — through its API, the xlwings add-in's
remote mode and the Office add-in — while the add-in's own machine has no book at all."""
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

import trcalc.addin.trcalc_udfs as udfs
from trcalc.addin import cells
from trcalc.calc import CalcError, call
from trcalc.calc.tariffstore import Book
from trcalc.server import create_app
from trcalc.server.config import Settings
from tests.test_addin_office import run as office_run
from tests.test_live import free_port, start, stop
from tests.test_tariff_use import LIST

pytestmark = pytest.mark.xdist_group("live")
ROOT = Path(__file__).resolve().parent.parent
KEY = "tariff-test-key"


def load(env: dict, file: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trcalc.cli", "tariff", "import", str(file)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env={**os.environ, **env})


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A server whose database holds the book, loaded by the command line on the server's side."""
    folder = tmp_path_factory.mktemp("team")
    (folder / "liste.csv").write_text(LIST, encoding="utf-8")
    env = {"TRCALC_DATABASE_URL": f"sqlite:///{folder / 'team.sqlite3'}", "TRCALC_DATA_DIR": str(folder / "data")}
    r = load(env, folder / "liste.csv")
    assert r.returncode == 0 and "6 önlem eklendi" in r.stdout, r.stderr
    proc, url = start([], env, free_port())          # an open server (no keys): its web pages need no sign-in
    yield {"url": url, "env": env, "folder": folder}
    stop(proc)


@pytest.fixture
def no_local_book(tmp_path, monkeypatch):
    """The add-in's machine: its own empty data folder, no database of the team's."""
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "client"))
    monkeypatch.delenv("TRCALC_DATABASE_URL", raising=False)
    cells._cache.clear()


def test_the_api_answers_from_the_book_the_command_line_loaded(team, monkeypatch):
    monkeypatch.setenv("TRCALC_DATABASE_URL", team["env"]["TRCALC_DATABASE_URL"])
    client = create_app(Settings(api_keys=frozenset({KEY}))).test_client()
    head = {"X-API-Key": KEY}
    r = client.post("/api/v1/call/TR_GTIP_RATE", json={"args": ["5208.11.10.00.00", "GV", "CN", "2025-03-01"]},
                    headers=head)
    assert r.status_code == 200 and r.get_json()["value"] == 0.05        # the line's own row, 5 %
    # the declaration line of tests/test_tariff_use.py from its GTİP: 224,900.00 (hand calculation there)
    args = [10000, "USD", 32.5, None, None, None, None, None, None, "MAL_MUKABILI", "2025-03-01", None, None,
            "5208.11.10.00.00", "CN", None, 2000]
    r = client.post("/api/v1/call/TR_IMPORT_TAXES", json={"args": args}, headers=head)
    assert r.get_json()["text"] == "224900.00"
    r = client.post("/api/v1/call/TR_GTIP_RATE", json={"args": ["8703.23.19.00.00", "GV", "CN"]}, headers=head)
    error = r.get_json()["error"]
    assert r.status_code == 400 and error["argument"] == "gtip" and "trcalc tariff import" in error["message"]


def test_the_xlwings_add_in_in_remote_mode_uses_the_servers_book(team, no_local_book, monkeypatch):
    args = ("5208.21.00.00.00", "GV", "DE", "2025-03-01", "ATR")
    local = udfs.TR_GTIP_RATE(*args)
    assert isinstance(local, cells.CellError) and "tarife kitabında yok" in local.message    # no book here
    monkeypatch.setenv("TRCALC_SERVER_URL", team["url"])
    monkeypatch.delenv("TRCALC_API_KEY", raising=False)
    cells._cache.clear()
    assert udfs.TR_GTIP_RATE(*args) == 0.0                               # the customs-union column with A.TR
    assert udfs.TR_GTIP_RATE("5208.21.00.00.00", "GV", "DE", "2025-03-01") == 0.08     # no proof: general
    line = (10000, "USD", 32.5, None, None, None, None, None, None, "MAL_MUKABILI", "2025-03-01", None, None,
            "5208.11.10.00.00", "CN", None, 2000)
    assert udfs.TR_IMPORT_TAXES(*line) == 224900.0
    assert udfs.TR_IMPORT_TAXES_CHECK(*line[:3], 0.08, *line[4:]).startswith("GV: yazılan %8, tarife kitabında %5")


def test_the_office_add_in_uses_the_servers_book(team, tmp_path):
    out = office_run(team["url"], {"key": None, "invocations": [
        ["TR_GTIP_RATE", ["5208.11.10.00.00", "IGV", "CN", "2025-03-01", None]],
        ["TR_GTIP_RATE", ["0101.21.00.00.00", "GV", "CN", "2025-03-01", None]],
    ]}, tmp_path)
    assert out["results"][0] == {"value": [[0.2]]}                     # the subheading 5208.11's İGV, 20 %
    bad = out["results"][1]["error"]
    assert bad["code"] == "#VALUE!" and "tarife kitabında yok" in bad["message"]


def test_a_book_kept_in_the_old_tariff_file_moves_into_the_database(tmp_path, monkeypatch):
    """trcalc before this one kept the book in <data dir>/tariff.sqlite3: on first use it moves into the
    database, with its list and its rows, and the old file is renamed (nothing loaded before is lost)."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("TRCALC_DATA_DIR", str(data))
    monkeypatch.delenv("TRCALC_DATABASE_URL", raising=False)
    old = sqlite3.connect(data / "tariff.sqlite3")
    old.executescript("""
        CREATE TABLE list (id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL,
                           rows INTEGER NOT NULL);
        CREATE TABLE measure (code TEXT NOT NULL, tax TEXT NOT NULL, origin TEXT NOT NULL, start TEXT NOT NULL,
            end_ TEXT, rate TEXT NOT NULL, specific TEXT, unit TEXT NOT NULL, currency TEXT NOT NULL, minimum TEXT,
            maximum TEXT, source TEXT NOT NULL, proof TEXT NOT NULL, list INTEGER NOT NULL REFERENCES list(id),
            line INTEGER NOT NULL, PRIMARY KEY (code, tax, origin, start));
        INSERT INTO list VALUES (7, 'eski.csv', 'abc', '2026-12-01T10:00:00+00:00', 1);
        INSERT INTO measure VALUES ('5208', 'GV', '*', '2025-01-01', NULL, '0.08', NULL, '', '', NULL, NULL,
                                    'eski liste (örnek)', '', 7, 2);
    """)
    old.commit()
    old.close()
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "CN", "2025-03-01") == D("0.08")
    assert not (data / "tariff.sqlite3").exists() and (data / "tariff.sqlite3.tasindi").exists()
    assert Book().summary() | {"path": ""} == {"path": "", "lists": 1, "measures": 1, "codes": 1}
    with pytest.raises(CalcError):                                   # the moved book is the only one
        call("TR_GTIP_RATE", "5209.21.00.00.00", "GV", "CN", "2025-03-01")


# --- the web pages (issue 27.4), in headless Chromium against the team server ----------------------

from tests.test_live import browser  # noqa: E402,F401  (a fixture)

# Two lines of one declaration (01.03.2025, USD at 32.50, cash against goods: KKDF 6 %), by hand:
#   line 1 from its GTİP: 224,900.00 (tests/test_tariff_use.py: GV 16,250, İGV 65,000, anti-dumping 32,500,
#          KKDF 19,500, KDV 91,650)
#   line 2, the same code, 1,000 USD, 100 kg, GV typed 8 % (the book says 5 %: flagged, the typed rate used):
#          32,500.00; GV 2,600.00; İGV 20 % 6,500.00; anti-dumping 0.5 × 100 = 50 USD × 32.50 = 1,625.00;
#          KKDF 1,950.00; KDV (32,500 + 2,600 + 6,500 + 1,625 + 1,950) × 20 % = 9,035.00 → 21,710.00
#   taxes 246,610.00 + the declaration's stamp duty 898.20 TL (2025 until 30.09, calc/rules/customs.yaml)
#   = 247,508.20 TL payable
def test_the_declaration_page_fills_rates_from_the_servers_book(team, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(team["url"] + "/beyanname")
    page.select_option("#doviz", "USD")
    page.select_option("#odeme_sekli", "MAL_MUKABILI")
    for name, value in (("kur", "32,50"), ("tarih", "01.03.2025"),
                        ("gumruk_degeri_1", "10.000"), ("gtip_1", "5208.11.10.00.00"), ("mense_1", "CN"),
                        ("miktar_1", "2000"),
                        ("gumruk_degeri_2", "1.000"), ("gtip_2", "5208.11.10.00.00"), ("mense_2", "CN"),
                        ("miktar_2", "100"), ("gv_orani_2", "8")):
        page.fill(f"#{name}", value)
    page.click("#hesapla")
    page.wait_for_selector("#sonuc")
    assert page.inner_text("#sonuc").strip() == "Ödenecek toplam: 247.508,20 TL"
    rows = page.evaluate("Array.from(document.querySelectorAll('#kalemler tr')).slice(1).map(tr => "
                         "Array.from(tr.cells).map(td => td.textContent.trim()))")
    assert rows[0] == ["1. kalem", "325.000,00", "16.250,00", "65.000,00", "0,00", "32.500,00", "19.500,00",
                       "91.650,00", "224.900,00"]
    assert rows[1] == ["2. kalem", "32.500,00", "2.600,00", "6.500,00", "0,00", "1.625,00", "1.950,00",
                       "9.035,00", "21.710,00"]
    flags = page.inner_text("#tarife-kontrolu")
    assert flags.startswith("2. kalem: GV: yazılan %8, tarife kitabında %5") and "1. kalem" not in flags
    # a code the server's book does not have: the message on that line's GTİP field, in Turkish first
    page.fill("#gtip_2", "8703.23.19.00.00")
    page.click("#hesapla")
    page.wait_for_selector("#hata")
    assert page.inner_text("#gtip_2-hata").startswith("GTİP 870323190000 bu sunucunun tarife kitabında yok. "
                                                      "Bu kalemin oranlarını elle yazın")
    assert page.input_value("#gumruk_degeri_2") == "1.000"                     # the form kept
    page.close()


def test_the_single_line_calculator_offers_the_gtip_field(team, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(team["url"] + "/hesap/TR_IMPORT_TAXES")
    assert page.is_visible("#gtip") and page.is_visible("#mense")           # in the quick form, not folded away
    page.goto(team["url"] + "/hesap/TR_IMPORT_TAXES?gumruk_degeri=10000&doviz=USD&kur=32,50&odeme_sekli=MAL_MUKABILI"
              "&tarih=01.03.2025&gtip=5208.11.10.00.00&mense=CN&miktar=2000")
    assert page.inner_text("#sonuc").strip() == "224.900,00 TL"               # tests/test_tariff_use.py, by hand
    page.goto(team["url"] + "/hesap/TR_IMPORT_TAXES?gumruk_degeri=10000&doviz=USD&kur=32,50&tarih=01.03.2025"
              "&gtip=0101.21.00.00.00&mense=CN")
    assert page.inner_text("#gtip-hata").startswith("GTİP 010121000000 bu sunucunun tarife kitabında yok.")
    page.close()
