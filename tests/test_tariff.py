"""The tariff book (issue 27): lists loaded in the documented layout, looked up by GTİP, origin, date
and proof of origin.

The lists here are made up for the tests (the code 5208 — woven cotton fabrics — with round rates), so
every expected value is a hand calculation from the rows shown; which origin takes the customs-union
column and which proofs it knows is trcalc's law data (rules/tev_partners.yaml: the EU members by date,
A.TR for industrial goods).
"""
import datetime as dt
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from trcalc.calc import CalcError, call
from trcalc.calc.tariff import Measure
from trcalc.calc.tariffstore import COLUMNS, Book, read

HEAD = ";".join(COLUMNS)
LIST_2025 = f"""{HEAD}
5208;GV;*;8;;;;;;2025-01-01;;ithalat rejimi kararı Ek-I (örnek);
5208;GV;AB;0;;;;;;2025-01-01;;ithalat rejimi kararı Ek-I (örnek);A.TR
5208.11;IGV;*;20;;;;;;2025-01-01;;İGV eki (örnek);
5208.11.10.00.00;GV;*;5;;;;;;2025-01-01;;satır oranı (örnek);
5208.11.10.00.00;DAMPING;CN;0;0,5;kg;USD;;;2025-01-01;;anti-damping tebliği (örnek);
"""
LIST_2026 = f"""{HEAD}
5208;GV;*;6;;;;;;2026-01-01;;2026 kararı (örnek);
"""


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "data"))
    f = tmp_path / "liste_2025.csv"
    f.write_text(LIST_2025, encoding="utf-8")
    Book().load(f)
    return tmp_path


def test_the_general_column_the_line_before_its_heading(store):
    # 5208.21… is covered by the heading row only: 8 %; 5208.11.10.00.00 has its own line: 5 %
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "CN", "2025-03-01") == D("0.08")
    assert call("TR_GTIP_RATE", "5208.11.10.00.00", "GV", "CN", "2025-03-01") == D("0.05")
    assert call("TR_GTIP_RATE", "520811100000", "IGV", "CN", "2025-03-01") == D("0.20")   # the subheading's İGV


def test_a_preferential_rate_needs_the_proof_the_row_names(store):
    # Germany is in the customs union on the date; the row for the AB column asks for A.TR
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "DE", "2025-03-01", "ATR") == D("0")
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "DE", "2025-03-01") == D("0.08")        # no proof
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "DE", "2025-03-01", "EUR1") == D("0.08")  # not A.TR
    rows = {r[0]: r for r in call("TR_GTIP_RATE_DETAIL", "5208.21.00.00.00", "GV", "DE", "2025-03-01")}
    assert "tercihli oran için A.TR gerekir" in rows["GV — Gümrük vergisi"][1]
    # China is no partner: the AB row never applies
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "CN", "2025-03-01", "ATR") == D("0.08")


def test_a_new_list_adds_a_dated_version_and_keeps_history(store):
    f = store / "liste_2026.csv"
    f.write_text(LIST_2026, encoding="utf-8")
    assert Book().load(f) == {"added": 1, "unchanged": 0}
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "CN", "2025-12-31") == D("0.08")
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "CN", "2026-01-01") == D("0.06")
    assert Book().load(store / "liste_2025.csv") == {"added": 0, "unchanged": 5}        # loaded again: no change


def test_a_row_that_would_rewrite_history_is_refused_and_nothing_loads(store):
    f = store / "changed.csv"
    f.write_text(f"{HEAD}\n5208;GV;*;9;;;;;;2025-01-01;;başka kaynak;\n5209;GV;*;8;;;;;;2025-01-01;;yeni kod;\n",
                 encoding="utf-8")
    with pytest.raises(CalcError) as info:
        Book().load(f)
    assert "satır 2" in info.value.message_tr and "hiçbiri yüklenmedi" in info.value.message_tr
    assert Book().summary()["measures"] == 5                                   # 5209 was not half-loaded
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "CN", "2025-03-01") == D("0.08")


def test_bad_rows_are_reported_with_their_lines(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(f"{HEAD}\n"
                 "5208;GV;*;8;;;;;;2025-01-01;;kaynak;\n"
                 "52X8;GV;*;8;;;;;;2025-01-01;;kaynak;\n"          # line 3: not a code
                 "5208;KDVV;*;8;;;;;;2025-01-01;;kaynak;\n"        # line 4: no such tax
                 "5208;GV;*;;;;;;;2025-01-01;;kaynak;\n"           # line 5: neither a rate nor an amount
                 "5208;GV;ZZ;8;;;;;;2025-01-01;;kaynak;\n"         # line 6: no such origin
                 "5208;GV;*;8;;;;;;2025-01-01;;;\n",               # line 7: no source
                 encoding="utf-8")
    with pytest.raises(CalcError) as info:
        read(f)
    text = info.value.message_tr
    assert "5 hatalı satır" in text
    for line in (3, 4, 5, 6, 7):
        assert f"satır {line}:" in text
    assert "satır 2:" not in text


def test_a_code_not_in_the_book_names_what_to_load(store):
    with pytest.raises(CalcError) as info:
        call("TR_GTIP_RATE", "8703.23.19.00.00", "GV", "CN", "2025-03-01")
    assert "trcalc tariff import" in info.value.message_tr and info.value.argument == "gtip"
    with pytest.raises(CalcError):
        call("TR_GTIP_RATE", "5208.11", "GV", "CN")                            # 12 digits for a goods line


def test_kdv_is_the_general_rate_unless_the_book_has_one(store):
    # KDV Kanunu md. 28: the general rate where the list names no other — 20 % since 10.07.2023
    # (Cumhurbaşkanı Kararı 7346, RG 07.07.2023/32241), 18 % before
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "KDV", "CN", "2025-03-01") == D("0.20")
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "KDV", "CN", "2023-07-09") == D("0.18")


def test_every_tax_of_a_code(store):
    assert call("TR_GTIP_RATES", "5208.11.10.00.00", "CN", "2025-03-01") == "GV %5; IGV %20; DAMPING 0,5 USD/kg"
    rows = {r[0]: r for r in call("TR_GTIP_RATES_DETAIL", "5208.11.10.00.00", "CN", "2025-03-01")}
    assert "anti-damping tebliği (örnek)" in rows["DAMPING — Anti-damping / telafi edici vergi"][1]
    assert "menşe CN için ayrı önlem" in rows["DAMPING — Anti-damping / telafi edici vergi"][1]


def test_an_xlsx_list_reads_as_the_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "data"))
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in LIST_2025.strip().splitlines():
        ws.append([c if i != 9 or c == "baslangic" else dt.date.fromisoformat(c)
                   for i, c in enumerate(line.split(";"))])
    wb.save(tmp_path / "liste.xlsx")
    assert Book().load(tmp_path / "liste.xlsx") == {"added": 5, "unchanged": 0}
    assert call("TR_GTIP_RATE", "5208.21.00.00.00", "GV", "DE", "2025-03-01", "ATR") == D("0")


def test_a_specific_duty_with_its_bounds_by_hand():
    m = Measure("5208", "DAMPING", "CN", rate=D("0"), specific=D("2"), unit="kg", currency="TL",
                start=dt.date(2025, 1, 1))
    assert m.amount(D("1000"), D("100")) == D("200.00")                       # 100 kg × 2 TL
    bounded = Measure("5208", "GV", "*", rate=D("0.10"), unit="kg", currency="TL", minimum=D("1.5"),
                      start=dt.date(2025, 1, 1))
    # 10 % of 1,000 TL is 1 TL per kg on 100 kg, below the 1,50 TL/kg minimum: 150 TL
    assert bounded.amount(D("1000"), D("100")) == D("150.00")
    capped = Measure("5208", "GV", "*", rate=D("0.10"), unit="kg", currency="TL", maximum=D("0.5"),
                     start=dt.date(2025, 1, 1))
    assert capped.amount(D("1000"), D("100")) == D("50.00")                   # capped at 0,50 TL/kg


def test_the_command_line_loads_and_reports(tmp_path):
    f = tmp_path / "liste.csv"
    f.write_text(LIST_2025, encoding="utf-8")
    env = {"TRCALC_DATA_DIR": str(tmp_path / "data"), "PATH": str(Path(sys.executable).parent)}
    trcalc = str(Path(sys.executable).parent / "trcalc")
    done = subprocess.run([trcalc, "tariff", "import", str(f)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("5 önlem eklendi"), done.stderr
    done = subprocess.run([trcalc, "tariff", "import", str(tmp_path / "yok.csv")], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 2 and "dosya yok" in done.stderr
