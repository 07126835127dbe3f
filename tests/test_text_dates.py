"""TR_DATE: the templates' one reading of a typed date (issue 12.2).

Expected values are the calendar: "10.02.2025" is 10 February 2025 as Turkish users write it
(gün.ay.yıl), "2025-02-10" the same day in ISO 8601; 45698 is its Excel serial (days since
1899-12-30 for dates after Excel's phantom 1900-02-29: (2025-02-10 − 1899-12-30).days = 45,698).
"""
import datetime as dt

import openpyxl
import pytest

from calc import CalcError, call
from calc.registry import REGISTRY
from templates import build
from templates.engine import compute_file

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
