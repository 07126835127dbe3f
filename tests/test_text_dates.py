"""TR_DATE: the templates' one reading of a typed date (issue 12.2).

Expected values are the calendar: "10.02.2025" is 10 February 2025 as Turkish users write it
(gün.ay.yıl), "2025-02-10" the same day in ISO 8601; 45698 is its Excel serial (days since
1899-12-30 for dates after Excel's phantom 1900-02-29: (2025-02-10 − 1899-12-30).days = 45,698).
"""
import datetime as dt

import openpyxl
import pytest

from trcalc.calc import CalcError, call
from trcalc.calc.registry import REGISTRY
from trcalc.templates import build
from trcalc.workbook import compute_file

FEB10 = dt.date(2025, 2, 10)


@pytest.mark.parametrize("typed", ["10.02.2025", " 10.02.2025 ", "2025-02-10", "10/02/2025", 45698, 45698.0,
                                   dt.datetime(2025, 2, 10, 15, 30), FEB10])
def test_day_first_and_iso_text_and_date_cells_read_as_the_date(typed):
    assert call("TR_DATE", typed) == FEB10


@pytest.mark.parametrize("typed", ["10 Şubat 2025", "02.30.2025", "31.02.2025", "abc", True, "1.2.25"])
def test_any_other_text_is_an_error_naming_the_argument_turkish_then_english(typed):
    with pytest.raises(CalcError) as err:
        call("TR_DATE", typed)
    message = str(err.value)
    assert message.startswith("tarih: tarih okunamadı") and "not a date" in message
    assert message.index("okunamadı") < message.index("not a date")


def test_registry_entry_documents_the_argument():
    fn = REGISTRY["TR_DATE"]
    assert [a.excel for a in fn.args] == ["tarih"] and fn.result == "date"
    assert fn.summary_tr and fn.summary_en and fn.args[0].doc_tr and fn.args[0].doc_en


def test_a_date_that_cannot_be_read_errors_its_row_with_the_message(tmp_path):
    """A ledger date typed as '31.02.2025' (no such day): the row's date column says why, the row is
    flagged in Hatalı satır, and the other rows are computed as before."""
    wb = build.example_eihracat()
    wb["Harcamalar"]["A6"] = "31.02.2025"
    src = tmp_path / "bad.xlsx"
    build.save(wb, src)
    report = compute_file(src, tmp_path / "out.xlsx")
    keys = [c.key for c in build.eihracat.LEDGER]
    from openpyxl.utils import get_column_letter
    day, flag = (get_column_letter(keys.index(k) + 1) for k in ("day", "hata"))
    messages = {c: m for s, c, m in report.errors if s == "Harcamalar"}
    assert "tarih okunamadı ('31.02.2025')" in messages[f"{day}6"]
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")["Harcamalar"]
    assert out[f"{flag}6"].value == 1 and out[f"{flag}5"].value == 0
    assert out["N5"].value == 30000                          # the first REKLAM row: 50 % × 60,000


# --- any workbook: text dates as LibreOffice reads them in the Turkish locale ----------------------

# (formula, expected) on A1 = "10.02.2025" (text), A2 = 2025-03-01 (a date), A3 = "2025-02-11" (text),
# B1:B3 = 1, 10, 100.  Expected values follow LibreOffice in the Turkish locale (tests/test_libreoffice.py
# computes the same sheet) and Excel's documentation: arithmetic and date functions read date text
# (10 Feb 2025 = serial 45698, 11 Feb = 45699); criteria ranges skip text cells ("SUMIFS function",
# support.microsoft.com: text values are ignored; "COUNTIFS function": a criteria range's text values are
# ignored), so only A2 (1 March, B2 = 10) is below 1 June; a text criterion matches the text itself; a
# text value is not a number (ISNUMBER) and compares greater than any number ("Calculation operators and
# precedence in Excel": numbers < text), so in SUMPRODUCT only A2 is below 1 June again.
FOREIGN = {
    "C1": ("=YEAR(A1)", 2025), "C2": ("=MONTH(A1)", 2), "C3": ("=A1+0", 45698), "C4": ("=A3+1", 45700),
    "C5": ('=SUMIFS(B1:B3,A1:A3,"<"&DATE(2025,6,1))', 10), "C6": ('=COUNTIFS(A1:A3,">0")', 1),
    "C7": ('=COUNTIF(A1:A3,"10.02.2025")', 1), "C8": ("=ISNUMBER(A1)", False),
    "C9": ("=SUMPRODUCT((A1:A3<DATE(2025,6,1))*B1:B3)", 10), "C10": ("=ISNA(MATCH(DATE(2025,2,10),A1:A3,0))", True),
    "C11": ("=A1-A2", 45698 - 45717), "C12": ("=TR_DATE(A1)", 45698),
    # a criterion written as date text, with A4 = 2025-02-10 (a date), B4 = 1000: the Turkish locale reads
    # it as the date — equal: that day's date cells and the text itself (A1 + A4 = 1 + 1000); a bound: date
    # cells only (A4 ≤ 10 Feb; A4 < 1 Mar); unequal: all but those two (A2 + A3 = 10 + 100); an ISO one
    # matches the ISO text in A3
    "C13": ('=SUMIFS(B1:B4,A1:A4,"10.02.2025")', 1001), "C14": ('=SUMIFS(B1:B4,A1:A4,"<=10.02.2025")', 1000),
    "C15": ('=SUMIFS(B1:B4,A1:A4,"<>10.02.2025")', 110), "C16": ('=SUMIFS(B1:B4,A1:A4,"<2025-03-01")', 1000),
    "C17": ('=COUNTIF(A1:A4,"2025-02-11")', 1),
}


def foreign_text_dates() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = "10.02.2025", dt.date(2025, 3, 1), "2025-02-11"
    ws["B1"], ws["B2"], ws["B3"] = 1, 10, 100
    ws["A4"], ws["B4"] = dt.date(2025, 2, 10), 1000
    for cell, (formula, _) in FOREIGN.items():
        ws[cell] = formula
    return wb


def test_any_workbook_reads_text_dates_in_arithmetic_and_skips_them_in_criteria(tmp_path):
    foreign_text_dates().save(tmp_path / "in.xlsx")
    report = compute_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", "fast")
    assert report.errors == []
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    got = {cell: out[cell].value for cell in FOREIGN}
    assert got == {cell: expected for cell, (_, expected) in FOREIGN.items()}


def test_the_formulas_engine_reads_one_cell_of_date_text_day_first(tmp_path):
    """A cell the `formulas` engine computes (engine="formulas", or a construct the fast evaluator lacks)
    gets one cell's date text as its date: by itself `formulas` reads MONTH("10.02.2025") as 10 (month
    first) and "10.02.2025"+0 as #VALUE!.  (Its criteria convert some text — "2025-02-11" counts against
    ">0" — unlike Excel and LibreOffice: criteria are the fast evaluator's.)"""
    foreign_text_dates().save(tmp_path / "in.xlsx")
    compute_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", "formulas")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    arithmetic = ("C1", "C2", "C3", "C4", "C11", "C12")
    assert {c: out[c].value for c in arithmetic} == {c: FOREIGN[c][1] for c in arithmetic}
