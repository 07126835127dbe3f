"""One error family (issue 21.3): every error trcalc shows a person derives from
`calc.errors.TrcalcError`, which holds the Turkish text, the English text and what it names; the
"Turkish — English" join is written once (`TrcalcError.message`) and the CLI line, the HTTP body,
the cell text and the web form are rendered from that data."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from trcalc.addin.remote import CallError, RemoteError
from trcalc.calc.errors import CalcError, TrcalcError
from trcalc.calc.fxsync import SyncError
from trcalc.calc.rules.check import RulesCheckFailed
from trcalc.calc.settings import SettingError
from trcalc.cli import Failure
from trcalc.server.api import ApiError
from trcalc.server.budgets import Refused, TimeLimit
from trcalc.server.web import WebError
from trcalc.workbook import WorkbookError, WorkbookLimitError
from trcalc.workbook.formula import FormulaError

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("cls", [CalcError, WorkbookError, WorkbookLimitError, FormulaError, RemoteError,
                                 CallError, ApiError, Refused, TimeLimit, SyncError, Failure, SettingError,
                                 WebError, RulesCheckFailed])
def test_every_error_class_is_a_trcalc_error(cls):
    assert issubclass(cls, TrcalcError)


def test_the_message_is_turkish_then_english_joined_once():
    e = TrcalcError("dosya yok", "no file", "file")
    assert (e.message, str(e), e.argument, e.code, e.status) == ("dosya yok — no file", "dosya yok — no file",
                                                                 "file", "error", 400)
    assert e.as_dict() == {"code": "error", "message": "dosya yok — no file", "argument": "file"}
    # a CalcError names its argument in both halves (the accountant's line, unchanged since issue 1)
    c = CalcError("invalid", "sayı değil", "not a number", "goods")
    assert c.message == "goods: sayı değil — goods: not a number" and isinstance(c, ValueError)
    assert (c.status, CalcError("unknown_function", "yok", "none").status) == (400, 404)
    # a budget's refusal names its setting in both halves and as its argument
    r = Refused(413, "too_large", "çok büyük", "too large", "TRCALC_MAX_BATCH")
    assert r.message == "çok büyük (ayar TRCALC_MAX_BATCH) — too large (setting TRCALC_MAX_BATCH)"
    assert (r.status, r.code, r.argument) == (413, "too_large", "TRCALC_MAX_BATCH")
    w = WorkbookLimitError("rows", 100_001)
    assert (w.status, w.code, w.argument) == (413, "too_large", "TRCALC_MAX_ROWS")
    assert (WorkbookError("okunamadı", "unreadable").status, WorkbookError("a", "b").argument) == (400, "file")


def test_the_join_is_written_in_one_place():
    """`f"{tr} — {en}"` and its cousins appear only in calc/errors.py."""
    out = subprocess.run(["git", "ls-files", "-z", "*.py"], cwd=ROOT, capture_output=True, check=True).stdout
    join = re.compile(r"\{(tr|en|self\.message_tr|self\.message_en|message_tr|message_en)\}\s*—\s*\{")
    places = [f"{n}:{i}" for n in out.decode().split("\0") if n and n not in ("calc/errors.py", "tests/test_errors.py") and (ROOT / n).exists()
              for i, line in enumerate((ROOT / n).read_text(encoding="utf-8").splitlines(), 1) if join.search(line)]
    assert not places, places


def test_the_cli_prints_any_trcalc_error_as_one_line(capsys, tmp_path):
    from trcalc.cli import main
    same = tmp_path / "a.xlsx"
    from openpyxl import Workbook
    Workbook().save(same)
    assert main(["compute", str(same), str(same)]) == 2               # a WorkbookError from the engine
    err = capsys.readouterr().err
    assert err == ("trcalc: çıktı dosyası girdiyle aynı olamaz: girdi hiçbir zaman değiştirilmez — "
                   "the output must not be the input: the input is never changed\n")


def test_error_text_gives_a_failing_calls_message_and_nothing_for_a_good_one():
    """TR_ERROR_TEXT (issue 28.1): the message of the same call, for hosts that show only #VALUE!."""
    from trcalc.calc import call
    from trcalc.calc.errors import CalcError
    bad = ("abc", 10000, 5000, 1, 0.1, 30)
    try:
        call("TR_TEV", *bad)
    except CalcError as exc:
        expected = exc.message
    assert "ithal_degeri" in expected                                 # the argument named, as everywhere
    assert call("TR_ERROR_TEXT", "TR_TEV", *bad) == expected
    assert call("TR_ERROR_TEXT", "tr_tev", 100000, 10000, 5000, 1, 0.1, 30) == ""
    # a column: one message per row ("" for the good row); an unknown function is itself an error
    from trcalc.calc.registry import call_many
    assert call_many("TR_ERROR_TEXT", ["TR_CIF", [100, "x"], [1, 2]])[0] == ""
    assert "esya_bedeli" in call_many("TR_ERROR_TEXT", ["TR_CIF", [100, "x"], [1, 2]])[1]
    with pytest.raises(CalcError):
        call("TR_ERROR_TEXT", "TR_NOPE", 1)
