"""The xlwings UDF module, called directly (xlwings' decorators pass through off Windows)."""
import datetime as dt
import inspect

import pytest

import trcalc.addin.trcalc_udfs as udfs
from trcalc.addin import cells
from trcalc.calc import call
from trcalc.calc.registry import REGISTRY


def test_every_registry_function_is_a_udf_with_help():
    assert set(udfs.__all__) == set(REGISTRY)
    for name, fn in REGISTRY.items():
        udf = getattr(udfs, name)
        params = list(inspect.signature(udf).parameters)
        assert params == [a.excel for a in fn.args] + ["caller"], name
        assert udf.__doc__ and len(udf.__doc__) <= 255
        for a in fn.args:
            assert udf.arg_help[a.excel] and len(udf.arg_help[a.excel]) <= 255, (name, a.excel)
            assert a.doc_tr in udf.arg_help[a.excel]            # Turkish help in the wizard
        for a in fn.args:                                       # optional args default to None
            default = inspect.signature(udf).parameters[a.excel].default
            assert (default is None) if a.optional else (default is inspect.Parameter.empty)


def test_scalar_call_gives_excel_values():
    assert udfs.TR_TEV(100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0) == 150000.0     # seed 004
    assert udfs.TR_DUTY(60.0, 10.0, 5.0, "DE", 0.2, dt.datetime(2025, 3, 1)) == 33.0
    assert udfs.TR_TEV_APPLIES("GB", "EUR1", dt.datetime(2025, 3, 1)) is False
    assert udfs.EIHR_END(dt.datetime(2025, 3, 15)) == dt.datetime(2028, 3, 14)


def test_empty_cells_are_omitted_arguments():
    # xlwings gives None for an empty cell: duty_rate empty in the flat regime is fine
    assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None) == 7.5


def test_errors_are_error_values_with_their_message():
    out = udfs.TR_DUTY(60.0, 10.0, 5.0, "DE", 20.0, dt.datetime(2025, 3, 1))
    assert isinstance(out, cells.CellError) and out.message.startswith("gv_orani")
    assert "\n" not in out.message and "Traceback" not in out.message and " — " in out.message
    out = udfs.TR_TEV("abc", 1, 1, 1, 0.1, 30)
    assert out.message.startswith("ithal_degeri")


def test_errors_as_text_when_the_workbook_asks(monkeypatch):
    monkeypatch.setenv("TRCALC_ERRORS_AS_TEXT", "1")
    out = udfs.TR_TEV("abc", 1, 1, 1, 0.1, 30)
    assert isinstance(out, str) and out.startswith("#ithal_degeri") and " — " in out


def test_on_windows_an_error_is_a_com_error_variant(monkeypatch):
    """pywin32 converts `win32com.client.VARIANT(vt, value)` to a VARIANT of that type when Python
    returns it to COM (`PyCom_VariantFromPyObject`, com/win32com/src/oleargs.cpp, which first checks
    for this class); VT_ERROR = 10; Excel's #VALUE! is SCODE 0x800A07DF = -2146826273 (CVErr(xlErrValue),
    the value xlwings reads back for #VALUE!: xlwings/_xlwindows.py `cell_errors`)."""
    import sys
    import types

    class VARIANT:                       # pywin32's class: win32com/client/__init__.py
        def __init__(self, vt, value):
            self.varianttype = vt
            self._value = value
    client = types.ModuleType("win32com.client")
    client.VARIANT = VARIANT
    monkeypatch.setitem(sys.modules, "win32com", types.ModuleType("win32com"))
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    one = udfs.TR_TEV("abc", 1, 1, 1, 0.1, 30)
    assert (one.varianttype, one._value) == (10, -2146826273)
    col = udfs.TR_CIF([100.0, "x"], 0.0, 0.0)
    assert col[0] == [100.0] and (col[1][0].varianttype, col[1][0]._value) == (10, -2146826273)


def test_array_form_returns_a_column():
    goods = [60.0, 25.0, "x", 1490.0]
    out = udfs.TR_DUTY(goods, [10.0, 0.0, 0.0, 10.0], 5.0, "DE", 0.2, dt.datetime(2025, 3, 1))
    assert out[0] == [33.0]            # seed 003 parcel, regular
    assert out[1] == [(25 + 5) * 0.30]  # CIF 30 ≤ 30: flat 30 % = 9.00
    assert out[2][0].message.startswith("esya_bedeli")   # one bad row is an error; it hides no other
    # 1,505 > 30 → regular 20 %: duty 301.00; KDV (1,505 + 301) × 20 % = 361.20; 662.20
    assert out[3] == [662.2]


def test_array_form_accepts_2d_single_column_ranges_and_rows():
    col = [[100000.0], [100000.0]]
    assert udfs.TR_TEV(col, 10000.0, [[5000.0], [1000.0]], 1.0, 0.1, 30.0) == [[150000.0], [30000.0]]
    # a 1×N row in, a 1×N row out (issue 23.4)
    assert udfs.TR_TEV([[100000.0, 100000.0]], 10000.0, [[5000.0, 1000.0]], 1.0, 0.1, 30.0) == [[150000.0, 30000.0]]
    out = udfs.TR_TEV([[1.0, 2.0], [3.0, 4.0]], 1.0, 1.0, 1.0, 0.1, 30.0)
    assert isinstance(out, cells.CellError) and "single column or row" in out.message


def test_detail_over_a_range_is_refused():
    out = udfs.TR_TEV_DETAIL([100000.0, 50000.0], 10000.0, 5000.0, 1.0, 0.1, 30.0)
    assert isinstance(out, cells.CellError)
    assert "TR_TEV_DETAIL" in out.message and "use TR_TEV for a whole column" in out.message


def test_array_and_single_calls_agree():
    goods = [float(g) for g in range(1, 200, 7)]
    col = udfs.TR_DUTY(goods, 5.0, 0.0, "CN", 0.1, dt.datetime(2025, 3, 1))
    for g, (v,) in zip(goods, col):
        assert v == float(call("TR_DUTY", g, 5.0, 0.0, "CN", 0.1, "2025-03-01"))


def test_detail_spills_as_a_table():
    table = udfs.TR_TEV_DETAIL(100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0)
    assert table[0] == ["Adım", "Hesaplama", "Tutar"]
    rows = {r[0]: r for r in table}
    assert rows["TEV tutarı (TL)"][2] == 150000.0
    assert all(len(r) == 3 for r in table)


class _Range:
    def __init__(self, value):
        self.value = value


class _Name:
    def __init__(self, value):
        self.refers_to_range = _Range(value)


class _Book:
    def __init__(self, name, overrides):
        self.fullname = name
        self.names = {"TRCALC_OVERRIDES": _Name(overrides)} if overrides is not None else {}


class _Caller:
    def __init__(self, book):
        self.sheet = type("S", (), {"book": book})()


def test_workbook_overrides_from_the_named_range():
    book = _Caller(_Book("a.xlsm", [["Parametre", "Değer"], ["import.flat.rate_eu", 0.25], [None, None]]))
    plain = _Caller(_Book("b.xlsm", None))
    # 25 € EU on 2024-09-01: flat 30 % = 7.50; with the workbook's 25 %: 6.25
    assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None, None, None, None, None, None, None, plain) == 7.5
    assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None, None, None, None, None, None, None, book) == 6.25
    bad = _Caller(_Book("c.xlsm", [["no.such.parameter", 1]]))
    assert udfs.TR_CIF(1.0, None, None, bad).message.startswith("overrides")


def test_workbook_settings_are_read_once_per_recalculation(monkeypatch):
    """A burst of calls (one recalculation) reads TRCALC_OVERRIDES and the settings once; a call after
    a pause (the next recalculation) reads them again."""
    book = _Book("burst.xlsm", [["import.flat.rate_eu", 0.25]])
    before = dict(cells.reads)
    for _ in range(500):
        assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None, None, None, None,
                            None, None, None, _Caller(book)) == 6.25
    assert cells.reads["overrides"] - before["overrides"] == 1
    assert cells.reads["settings"] - before["settings"] == 1
    monkeypatch.setattr(cells.time, "monotonic", lambda: 1e9)       # long after: a new recalculation
    udfs.TR_CIF(1.0, None, None, _Caller(book))
    assert cells.reads["overrides"] - before["overrides"] == 2


def test_remote_mode_unreachable_server_is_an_error_not_a_fallback(monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", "http://127.0.0.1:9")     # nothing listens on the discard port
    monkeypatch.setattr(cells.remote, "TIMEOUT", 2)
    out = udfs.TR_TEV(100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0)
    assert isinstance(out, cells.CellError) and out.message.startswith("trcalc sunucusuna ulaşılamadı")
    assert "could not reach the trcalc server" in out.message


@pytest.mark.parametrize("value, expected", [
    (dt.date(2028, 3, 14), dt.datetime(2028, 3, 14)),
    (None, ""),
    (True, True),
])
def test_to_excel(value, expected):
    assert cells.to_excel(value) == expected
