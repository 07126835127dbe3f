"""Templates with the TCMB rate: Kur cells default to TCMB, each row takes the rate of its own date.

Rates from the stand-in TCMB of tests/tcmb_server.py (bulletins of July 2024).  Both the template
fast path and the `formulas` engine compute the same workbook and must agree.
"""
import datetime as dt

import openpyxl
import pytest

from trcalc.calc import call
from trcalc.templates import build
from trcalc.templates.build import EXPORTS, IMPORTS, NORMS, PARCELS, _fill
from trcalc.workbook import compute_file
from trcalc.templates.sheets import FIRST_ROW, HEADER_ROW, letters

pytestmark = pytest.mark.xdist_group("workbooks")
d = dt.date


def column(path, sheet, cols, key, rows):
    ws = openpyxl.load_workbook(path)[sheet]
    letter = letters(cols)[key]
    return [ws[f"{letter}{FIRST_ROW + i}"].value for i in range(rows)]


def test_templates_kur_cells_say_tcmb():
    wb = build.build_dir(10)
    # DİR: a rate typed on the Kurlar sheet for the currency and date wins, else the customs rate (TCMB)
    (fx,) = column_values(wb["İhracat"], EXPORTS, "fx1", HEADER_ROW)[:1]       # the column's one formula
    # (issue 23.1: the typed rate is looked up once per column, TR_MATCH / TR_SUMBY over the Kurlar table)
    # whether one is typed is looked up once per column, in its own column (TR_MATCH over the Kurlar table)
    assert "TR_CUSTOMS_FX(IFERROR(IF($" in fx.text and "TR_SUMBY(INDEX('İthalat'!" in fx.text
    assert "'Kurlar'!$A$4:$A$" in fx.text and "'Kurlar'!$A:$A" not in fx.text
    (typed,) = column_values(wb["İhracat"], EXPORTS, "typed1", HEADER_ROW)[:1]
    assert "TR_MATCH(INDEX('İthalat'!" in typed.text and "'Kurlar'!$A$4:$A$" in typed.text
    assert column_values(build.build_ithalat(10)["Gönderiler"], PARCELS, "fx") == ["TCMB"] * 10


def column_values(ws, cols, key, first=FIRST_ROW):
    letter = letters(cols)[key]
    return [c.value for (c,) in ws[f"{letter}{first}:{letter}{ws.max_row}"]]


@pytest.mark.parametrize("engine", ["auto", "formulas"])
def test_dir_rows_take_the_customs_rate_of_their_own_dates(tcmb, tmp_path, engine):
    wb = build.build_dir(12)
    _fill(wb["İthalat"], IMPORTS, [
        {"decl": "IM1", "date": d(2024, 7, 1), "input": "IPLIK", "qty": 20000, "value": 200000,
         "currency": "USD", "duty_rate": 0.10},
        {"decl": "IM2", "date": d(2024, 7, 2), "input": "BOYA", "qty": 500, "value": 2500,
         "currency": "EUR", "duty_rate": 0.065},
    ])
    _fill(wb["Normlar"], NORMS, [{"product": "KUMAS", "input": "IPLIK", "consumption": 1},
                                 {"product": "KUMAS", "input": "BOYA", "consumption": 0.03}])
    _fill(wb["Kurlar"], build.dir_tev.RATES, [{"currency": "USD", "date": d(2024, 7, 10), "rate": 30}])
    _fill(wb["İhracat"], EXPORTS, [      # no rate on Kurlar for most dates: TCMB
        {"decl": "EX1", "date": d(2024, 7, 9), "product": "KUMAS", "input": "IPLIK", "qty": 5000,
         "destination": "DE", "certificate": "ATR"},
        {"decl": "EX2", "date": d(2024, 7, 16), "product": "KUMAS", "input": "IPLIK", "qty": 5000,
         "destination": "DE", "certificate": "ATR"},
        {"decl": "EX3", "date": d(2024, 7, 9), "product": "KUMAS", "input": "BOYA", "qty": 1000,
         "destination": "DE", "certificate": "ATR"},
        {"decl": "EX4", "date": d(2024, 7, 10), "product": "KUMAS", "input": "IPLIK", "qty": 5000,
         "destination": "DE", "certificate": "ATR"},                       # a rate typed on Kurlar wins
    ])
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    build.save(wb, src)
    report = compute_file(src, out, engine)
    assert report.errors == []
    tev = column(out, "İhracat", EXPORTS, "tev", 4)
    # 10 $/kg × 5,000 kg × 10 % = 5,000 $ × USD customs rate: 09.07 → 32.6989 (08.07), 16.07 → 32.9605 (12.07)
    # BOYA (imported in EUR): 1,000 × 0.03 = 30 kg × 5 €/kg = 150 € × 6.5 % = 9.75 € × 35.4241 = 345.384975
    # → 345.38; the row with a typed 30: 5,000 $ × 30 = 150,000.00
    assert tev == [pytest.approx(163494.50), pytest.approx(164802.50), pytest.approx(345.38), pytest.approx(150000)]


@pytest.mark.parametrize("engine", ["auto", "formulas"])
def test_ithalat_row_in_tl_by_the_tcmb_rate(tcmb, tmp_path, engine):
    wb = build.build_ithalat(10)
    _fill(wb["Gönderiler"], PARCELS, [
        {"date": d(2024, 7, 9), "goods": 60, "freight": 10, "insurance": 5, "origin": "DE", "duty_rate": 0.2},
        {"date": d(2024, 7, 9), "goods": 60, "freight": 10, "insurance": 5, "origin": "DE", "duty_rate": 0.2,
         "fx": None},                                                         # no rate: €
    ])
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    build.save(wb, src)
    assert compute_file(src, out, engine).errors == []
    taxes = column(out, "Gönderiler", PARCELS, "taxes", 2)
    landed = column(out, "Gönderiler", PARCELS, "landed", 2)
    typed = float(call("TR_DUTY", 60, 10, 5, "DE", 0.2, "2024-07-09", None, "35.4241"))  # EUR customs rate
    assert taxes[0] == pytest.approx(typed)
    assert landed[0] == pytest.approx(75 * 35.4241 + typed)                  # CIF 75 € in TL + taxes
    assert column(out, "Gönderiler", PARCELS, "currency", 2) == ["TL", "EUR"]


@pytest.mark.parametrize("engine", ["auto", "formulas"])
def test_dir_revised_pem_rows_by_their_gtip(tmp_path, engine):
    # issue 26.8: to Bosnia with EUR.1 from 01.01.2026 the revised PEM rules keep the no-drawback rule for
    # HS chapters 50–63 only (Ministry letter 27.03.2026): a shirt (62) bears TEV, a car part (87) none,
    # and a row without its GTİP keeps TEV (assumed). Rates typed on Kurlar: no TCMB look-up.
    wb = build.build_dir(12)
    _fill(wb["İthalat"], IMPORTS, [
        {"decl": "IM1", "date": d(2026, 1, 5), "input": "IPLIK", "qty": 30000, "value": 300000,
         "currency": "USD", "duty_rate": 0.10},
    ])
    _fill(wb["Normlar"], NORMS, [{"product": "GOMLEK", "input": "IPLIK", "consumption": 1},
                                 {"product": "PARCA", "input": "IPLIK", "consumption": 1}])
    _fill(wb["Kurlar"], build.dir_tev.RATES, [{"currency": "USD", "date": d(2026, 3, 2), "rate": 40}])
    _fill(wb["İhracat"], EXPORTS, [
        {"decl": "EX1", "date": d(2026, 3, 2), "product": "GOMLEK", "hs": "6205.20", "input": "IPLIK",
         "qty": 1000, "destination": "BA", "certificate": "EUR1"},
        {"decl": "EX2", "date": d(2026, 3, 2), "product": "PARCA", "hs": "8708", "input": "IPLIK",
         "qty": 1000, "destination": "BA", "certificate": "EUR1"},
        {"decl": "EX3", "date": d(2026, 3, 2), "product": "GOMLEK", "input": "IPLIK",
         "qty": 1000, "destination": "BA", "certificate": "EUR1"},
    ])
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    build.save(wb, src)
    report = compute_file(src, out, engine)
    assert report.errors == []
    # 1,000 kg × 10 $/kg × 10 % = 1,000 $ × 40 TL = 40,000.00 for the shirt; none for the car part
    assert column(out, "İhracat", EXPORTS, "tev", 3) == [pytest.approx(40000), 0, pytest.approx(40000)]
    assert column(out, "İhracat", EXPORTS, "applies", 3) == [True, False, True]
