"""The template fast path against the `formulas` engine: every cell, on awkward data.

The fast path computes an unedited template's tables with the Python twins of
its formulas; the `formulas` engine is the reference.  Both run on the same
files here — including rows that end in errors, blank rows, out-of-order dates,
expired windows and missing norms — and must agree on every cell.
"""
import datetime as dt

import openpyxl
import pytest

from trcalc.templates import build
from trcalc.templates.build import EXPORTS, IMPORTS, NORMS, PARCELS, _fill, _ledger_cols
from trcalc.workbook import WorkbookError, compute_file

pytestmark = pytest.mark.xdist_group("workbooks")
d = dt.date


def ithalat():
    wb = build.build_ithalat(24)
    base = {"freight": 10, "insurance": 5, "origin": "DE", "duty_rate": 0.2}
    _fill(wb["Gönderiler"], PARCELS, [{"fx": None, **row} if row else row for row in [   # Kur: € unless given
        {"date": d(2024, 1, 15), "goods": 60, **base},
        {"date": d(2024, 9, 1), "goods": "altmış", **base},                 # error row
        {},                                                                   # blank row
        {"date": d(2025, 3, 1), "goods": 60, **base, "fx": 34.567},
        {"date": d(2025, 1, 10), "goods": 25, "freight": 5, "origin": "CN"},
        {"date": d(2026, 3, 1), "goods": 1500, "origin": "CN", "category": "ILAC"},
        {"date": d(2026, 3, 1), "goods": 80, "origin": "AB DIŞI"},          # regular without a rate: error
        {"date": d(2024, 9, 1), "goods": 25, "origin": "DE", "category": "OTV4", "fx": 33.35},
        {"date": d(2025, 1, 10), "goods": 1490, "freight": 10, "origin": "DE", "category": "KITAP"},
        {"date": d(2025, 1, 10), "goods": 20, "freight": 2, "origin": "FR", "category": "TUZEL", "duty_rate": 0.1},
    ]])
    wb["Parametreler"]["A5"], wb["Parametreler"]["B5"] = "import.flat.rate_other", "55%"
    return wb


def dir_tev():
    wb = build.build_dir(30)
    _fill(wb["İthalat"], IMPORTS, [
        {"date": d(2025, 1, 2), "input": "IPLIK", "qty": 1000, "value": 10000, "currency": "USD", "duty_rate": 0.10},
        {"date": d(2025, 1, 1), "input": "iplik", "qty": 2000, "value": 30000, "currency": "EUR",
         "duty_rate": 0.12},                                                     # older, other case: used first
        {"date": d(2025, 1, 3), "input": "IPLIK", "qty": 500, "value": 6000, "currency": "TRY", "duty_rate": 0.1},
        {"input": "BOYA", "qty": 500, "value": 2500, "currency": "USD", "duty_rate": 0.065},
        {"input": "DUGME", "qty": 0, "value": 10, "currency": "USD", "duty_rate": 0.05},  # division by zero
    ])
    _fill(wb["Normlar"], NORMS, [
        {"product": "KUMAS", "input": "IPLIK", "consumption": 1},
        {"product": "KUMAS", "input": "BOYA", "consumption": 0.03, "waste": 0.1},
        {"product": "GOMLEK", "input": "IPLIK", "consumption": 0.49, "waste": 0.02},
        {"product": "GOMLEK", "input": "FERMUAR", "consumption": 1},              # never imported
    ])
    rows = []
    for i, (dest, cert) in enumerate([("DE", "ATR"), ("GB", "EUR1"), ("EG", "EUR1"), ("CH", "FATURA"),
                                      ("US", "EUR1"), ("EG", "ATR"), ("KR", "YOK"), ("FR", None)]):
        rows.append({"decl": f"EX{i}", "date": d(2025, 3 + i, 1), "product": "KUMAS", "input": "IPLIK",
                     "qty": 100 * (i + 1), "destination": dest, "certificate": cert})
    rows += [
        {"decl": "EX8", "date": d(2025, 10, 1), "product": "KUMAS", "input": "BOYA", "qty": 4000,
         "destination": "DE", "certificate": "ATR", "paid": d(2025, 12, 13), "voluntary": "DOĞRU"},
        {"decl": "EX9", "date": d(2025, 10, 1), "product": "GOMLEK", "input": "IPLIK", "qty": 2000,
         "destination": "EG", "certificate": "EUR1", "paid": d(2025, 12, 13), "voluntary": "YANLIŞ"},
        {},
        {"decl": "EX11", "date": d(2025, 4, 1), "product": "GOMLEK", "input": "FERMUAR", "qty": 10,
         "destination": "DE", "certificate": "ATR"},                  # no import: #N/A
        {"decl": "EX12", "date": d(2025, 4, 1), "product": "PANTOLON", "input": "IPLIK", "qty": 10,
         "destination": "DE", "certificate": "ATR"},                  # no norm
        {"decl": "EX13", "date": d(2025, 4, 1), "product": "KUMAS", "input": "IPLIK", "qty": 10,
         "destination": "Narnia", "certificate": "ATR"},              # unknown country
        {"decl": "EX14", "date": d(2023, 4, 1), "product": "KUMAS", "input": "IPLIK", "qty": 10,
         "destination": "DE", "certificate": "ATR", "paid": d(2023, 6, 1)},   # before the rules
    ]
    _fill(wb["İhracat"], EXPORTS, rows)
    dates = sorted({r["date"] for r in rows if r})
    _fill(wb["Kurlar"], build.dir_tev.RATES, [{"currency": c, "date": day, "rate": 30 + i / 10 + (c == "EUR")}
                                              for i, day in enumerate(dates) for c in ("USD", "EUR")
                                              if (c, day) != ("EUR", d(2025, 4, 1))])   # one rate missing
    return wb


def eihracat():
    wb = build.build_eihracat(24)
    wb["Özet"]["E3"] = 2025
    rows = [
        {"date": d(2025, 1, 20), "support": "REKLAM", "beneficiary": "SIRKET", "market": "Amazon.de",
         "amount": 100000, "sales": 300000},
        {"date": d(2025, 2, 1), "support": "TANITIM", "beneficiary": "SIRKET", "market": "DE", "amount": 5000},
        {"date": d(2025, 2, 10), "support": "TANITIM", "beneficiary": "SIRKET", "market": "DE", "amount": 7000},
        {"date": d(2025, 3, 5), "support": "KOMISYON", "beneficiary": "SIRKET", "market": "Etsy",
         "amount": 1400000},
        {"date": d(2025, 2, 20), "support": "KOMISYON", "beneficiary": "SIRKET", "market": "Etsy",
         "amount": 200000},                                                       # out of date order
        {"date": d(2025, 6, 1), "support": "ENTEGRASYON", "beneficiary": "SIRKET", "market": "eBay",
         "amount": 3000000, "count": 7},
        {"date": d(2025, 7, 1), "support": "DEPO", "beneficiary": "SIRKET", "market": "DE",
         "amount": 12000000, "count": 2},
        {"date": d(2025, 8, 1), "support": "REKLAM", "beneficiary": "SIRKET", "market": "Amazon.de",
         "amount": 50000},                                                        # sales missing: error
        {"date": d(2025, 9, 1), "support": "REKLAM", "beneficiary": "SIRKET", "market": "Amazon.de",
         "amount": 10000, "sales": 100000},                                      # after an error row
        {"date": d(2028, 3, 1), "support": "REKLAM", "beneficiary": "SIRKET", "market": "Amazon.de",
         "amount": 10000, "sales": 100000},                                      # window expired
        {"date": d(2026, 1, 5), "support": "SIPARIS", "beneficiary": "PAZARYERI", "market": "FR",
         "amount": 80000, "sales": 500000},
    ]
    _fill(wb["Harcamalar"], _ledger_cols(24), rows)
    return wb


def values(path):
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (c.value, c.comment.text if c.comment else None)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row}


def same(a, b):
    if isinstance(a, float) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1, abs(a))
    return a == b


@pytest.mark.parametrize("make", [ithalat, dir_tev, eihracat], ids=lambda f: f.__name__)
def test_fast_path_equals_the_formulas_engine(make, tmp_path):
    src = tmp_path / "in.xlsx"
    build.save(make(), src)
    slow = compute_file(src, tmp_path / "slow.xlsx", "formulas")
    fast = compute_file(src, tmp_path / "fast.xlsx", "auto")
    assert (slow.engine, fast.engine) == ("formulas", "fast")
    assert fast.formulas == slow.formulas
    assert fast.errors == slow.errors
    assert slow.errors, "the data is meant to hold error rows"
    a, b = values(tmp_path / "slow.xlsx"), values(tmp_path / "fast.xlsx")
    diff = [(k, a[k], b.get(k)) for k in a if not (same(a[k][0], b.get(k, (None,))[0]) and a[k][1] == b[k][1])]
    assert not diff, diff[:10]


def test_an_edited_formula_is_computed_by_the_fast_evaluator(tmp_path):
    """The accountant edits a computed column's one formula (issue 23.1: the column is one array formula)."""
    from openpyxl.worksheet.formula import ArrayFormula
    wb = build.example_dir()
    tev, x = _x("tev"), wb["İhracat"]
    one, two = (f"${_x(k)}$4:${_x(k)}$24" for k in ("tev1", "tev2"))
    x[f"{tev}4"] = ArrayFormula(x[f"{tev}4"].value.ref, f'=IF(ROW($A$4:$A$24)=4,"TEV",(IF(ISNUMBER({one}),{one},0)'
                                f'+IF(ISNUMBER({two}),{two},0))*2)')                # the accountant's own formula
    src = tmp_path / "edited.xlsx"
    build.save(wb, src)
    report = compute_file(src, tmp_path / "out.xlsx")
    assert report.engine == "fast" and report.errors == [] and report.fallback == 0
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["İhracat"][f"{tev}5"].value == 300000


def test_a_formula_inside_a_computed_column_blocks_it(tmp_path):
    """A formula typed into a computed column's cell: Excel cannot spill over it (#SPILL!) and keeps it."""
    wb = build.example_dir()
    tev = _x("tev")
    wb["İhracat"][f"{tev}6"] = "=1+1"
    src = tmp_path / "edited.xlsx"
    build.save(wb, src)
    report = compute_file(src, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["İhracat"]
    assert ws[f"{tev}4"].value == "#SPILL!" and ws[f"{tev}6"].value == 2
    assert [(s, c) for s, c, _ in report.errors if s == "İhracat" and c == f"{tev}4"] == [("İhracat", f"{tev}4")]


def test_a_foreign_workbook_and_an_unknown_construct(tmp_path):
    """Any workbook computes; a function the fast evaluator lacks goes to `formulas` for that cell alone."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = "=1+1", '=LOWER(CHAR(64+A1)&"B")', "=A1*10"
    wb.save(tmp_path / "foreign.xlsx")
    report = compute_file(tmp_path / "foreign.xlsx", tmp_path / "o.xlsx")
    assert (report.engine, report.fallback, report.errors) == ("fast", 1, [])
    out = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert (out["A1"].value, out["A2"].value, out["A3"].value) == (2, "bb", 20)
    with pytest.raises(WorkbookError):
        compute_file(tmp_path / "foreign.xlsx", tmp_path / "o.xlsx", "no such engine")


# --- edited copies (issue 12.1): every cell, both engines --------------------------------------

def _both(wb, tmp_path):
    """Compute with the fast evaluator and with the formulas engine; every cell must agree."""
    src = tmp_path / "edited.xlsx"
    build.save(wb, src)
    fast = compute_file(src, tmp_path / "fast.xlsx", "fast")
    slow = compute_file(src, tmp_path / "slow.xlsx", "formulas")
    a, b = values(tmp_path / "fast.xlsx"), values(tmp_path / "slow.xlsx")
    diff = [(k, a[k], b.get(k)) for k in a if not (same(a[k][0], b.get(k, (None,))[0]) and a[k][1] == b[k][1])]
    assert not diff, diff[:10]
    assert fast.errors == slow.errors and fast.formulas == slow.formulas
    return openpyxl.load_workbook(tmp_path / "fast.xlsx"), fast


def _x(key: str, shift: int = 0) -> str:
    """The İhracat column letter of a key (shifted when columns were inserted before it)."""
    from openpyxl.utils import get_column_letter
    return get_column_letter([c.key for c in EXPORTS].index(key) + 1 + shift)


def _export(ws, r, values):
    for key, v in zip(("decl", "date", "product", "input", "qty", "destination", "certificate"), values):
        ws[f"{_x(key)}{r}"] = v


def test_dir_rows_inserted_deleted_extra_column_edited_formula(tmp_path):
    """Rows inserted inside the table (in the middle and before its last row) and deleted, a column inserted,
    a computed column's formula edited: every computed column is one array formula (issue 23.1), whose
    ranges Excel widens, narrows and moves with the edit (tests/edits.py)."""
    from openpyxl.worksheet.formula import ArrayFormula
    from tests.edits import delete_rows, insert_cols, insert_rows
    wb = build.example_dir()
    x = wb["İhracat"]
    insert_rows(wb, "İhracat", 6)                                         # in the middle
    _export(x, 6, ["EXM", d(2025, 3, 24), "KUMAS", "IPLIK", 100, "DE", "ATR"])
    insert_rows(wb, "İhracat", 25)                                        # before the table's last row
    _export(x, 25, ["EXEND", d(2025, 10, 1), "KUMAS", "IPLIK", 10, "DE", "ATR"])
    delete_rows(wb, "İhracat", 7)                                         # the UK line goes
    insert_cols(wb, "İhracat", 2)                                         # an extra column of notes
    x["B5"] = "not"
    tev = _x("tev", 1)
    f = x[f"{tev}4"].value
    x[f"{tev}4"] = ArrayFormula(f.ref, f.text.replace('="","",', '="","",1*', 1))   # an edited TEV column
    out, report = _both(wb, tmp_path)
    ws = out["İhracat"]
    assert report.fallback == 0 and report.errors == []
    assert ws[f"{tev}5"].value == 150000                                  # seed 004, still
    assert ws[f"{tev}6"].value == 3000                                    # 100 kg × 10 $ × 10 % × 30, same date
    assert ws["A7"].value == "25340100EX000003"                           # the row below moved up
    # FIFO without the UK line: 5,000 + 100 before it, so 1,000 kg all from IM000001 (6,500 kg): 30,000;
    # the end row (10 kg, the same date, below it) takes IM000001's next 10 kg: 10 × 10 × 10 % × 30 = 300
    assert ws[f"{tev}7"].value == 30000 and ws[f"{tev}24"].value == 300     # row 25 moved up with the delete
    assert out["Özet"]["B7"].value == 150000 + 3000 + 30000 + 300         # every row is inside the table
    imports = out["İthalat"]
    assert (imports["P5"].value, imports["Q5"].value) == (5000 + 100 + 1000 + 10, 390)  # DİİB closing view: all rows


def test_dir_text_dates_number_codes_and_wildcards(tmp_path):
    wb = build.example_dir()
    n, x = wb["Normlar"], wb["İhracat"]
    n["A7"], n["B7"], n["C7"] = 5205, "IPLIK", 2                          # a product code typed as a number
    _export(x, 8, ["EXT", "24.03.2025", "KUMAS", "IPLIK", 100, "DE", "ATR"])   # a day-first text date
    _export(x, 9, ["EXN", d(2025, 3, 24), "5205", "IPLIK", 100, "DE", "ATR"])  # the code as text
    _export(x, 10, ["EXW", d(2025, 3, 24), "KUMAS", "IPL*", 100, "DE", "ATR"])  # a wildcard input
    wb["İthalat"]["B7"] = "12.02.2025"                   # the third import's date typed as text
    k = wb["Kurlar"]
    k["A9"], k["B9"], k["C9"] = "USD", "05.05.2025", 33    # a rate dated as text, below the table
    out, _ = _both(wb, tmp_path)
    # Kurlar has no formulas, so a text-dated rate is used by no program: Özet counts it
    assert out["Özet"]["A12"].value.startswith("Kurlar: tarihi metin") and out["Özet"]["B12"].value == 1
    ws = out["İhracat"]
    rank = [c.key for c in IMPORTS].index("rank") + 1
    # 15.01 < 10.02 < 12.02: the text-dated import is still the third of IPLIK (FIFO), as a date would be
    assert [out["İthalat"].cell(r, rank).value for r in (5, 6, 7)] == [1, 2, 3]
    tev = _x("tev")
    assert ws[f"{tev}8"].value == 3000                    # 24.03.2025 read as 24 March: the USD rate of that day
    assert ws[f"{_x('consumption')}9"].value == 2 and ws[f"{tev}9"].value == 100 * 2 * 10 * 0.1 * 30
    assert ws[f"{_x('consumption')}10"].value == 1        # IPL* matches IPLIK, as COUNTIFS and SUMIFS do


def test_ledger_rows_inserted_in_the_middle_and_out_of_order(tmp_path):
    """Issue 12.3: the running cap and the summary agree whatever the row order."""
    from tests.edits import insert_rows
    wb = build.example_eihracat()
    h = wb["Harcamalar"]
    insert_rows(wb, "Harcamalar", 7, copy_formulas_from=6)                # between the two KOMISYON rows
    for col, v in zip("ABCDEFG", ["01.03.2025", "KOMISYON", "SIRKET", "Etsy", "E-000", 200000, None]):
        h[f"{col}7"] = v                                                  # a text date, earlier than row 6
    out, report = _both(wb, tmp_path)
    ws = out["Harcamalar"]
    assert report.errors == []
    # 01.03 comes first: 100,000; then 05.03: 2,800,000 capped to 2,860,670 − 100,000; then 15.05: nothing
    assert ws["E8"].value == "E-001" and ws["A7"].value == "01.03.2025"     # rows moved; input kept
    assert (ws["M7"].value, ws["M8"].value, ws["M9"].value) == (0, 100000, 2860670)      # claimed before
    assert (ws["N7"].value, ws["N8"].value, ws["N9"].value) == (100000, 2760670, 0)      # payable
    total = sum(ws[f"N{r}"].value for r in (7, 8, 9))
    komisyon = next(r for r in range(5, 12) if out["Özet"][f"A{r}"].value == "KOMISYON")
    assert out["Özet"][f"D{komisyon}"].value == total == 2860670
    assert all(ws[f"R{r}"].value in (None, "") for r in range(5, 13))     # no false "order" warnings
