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


def test_errors_are_one_line_of_text_starting_with_hash():
    out = udfs.TR_DUTY(60.0, 10.0, 5.0, "DE", 20.0, dt.datetime(2025, 3, 1))
    assert isinstance(out, str) and out.startswith("#gv_orani")
    assert "\n" not in out and "Traceback" not in out and " — " in out
    out = udfs.TR_TEV("abc", 1, 1, 1, 0.1, 30)
    assert out.startswith("#ithal_degeri")


def test_array_form_returns_a_column():
    goods = [60.0, 25.0, "x", 1490.0]
    out = udfs.TR_DUTY(goods, [10.0, 0.0, 0.0, 10.0], 5.0, "DE", 0.2, dt.datetime(2025, 3, 1))
    assert out[0] == [33.0]            # seed 003 parcel, regular
    assert out[1] == [(25 + 5) * 0.30]  # CIF 30 ≤ 30: flat 30 % = 9.00
    assert out[2][0].startswith("#esya_bedeli")   # one bad row does not hide the others
    # 1,505 > 30 → regular 20 %: duty 301.00; KDV (1,505 + 301) × 20 % = 361.20; 662.20
    assert out[3] == [662.2]


def test_array_form_accepts_2d_single_column_ranges_and_rows():
    col = [[100000.0], [100000.0]]
    assert udfs.TR_TEV(col, 10000.0, [[5000.0], [1000.0]], 1.0, 0.1, 30.0) == [[150000.0], [30000.0]]
    assert udfs.TR_TEV([[100000.0, 100000.0]], 10000.0, [[5000.0, 1000.0]], 1.0, 0.1, 30.0) == [[150000.0], [30000.0]]
    out = udfs.TR_TEV([[1.0, 2.0], [3.0, 4.0]], 1.0, 1.0, 1.0, 0.1, 30.0)
    assert isinstance(out, str) and out.startswith("#")


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
    assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None, None, None, None, None, plain) == 7.5
    assert udfs.TR_DUTY(25.0, 0.0, 0.0, "DE", None, dt.datetime(2024, 9, 1), None, None, None, None, None, None, book) == 6.25
    bad = _Caller(_Book("c.xlsm", [["no.such.parameter", 1]]))
    assert udfs.TR_CIF(1.0, None, None, bad).startswith("#overrides")


def test_remote_mode_unreachable_server_is_an_error_not_a_fallback(monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", "http://127.0.0.1:9")     # nothing listens on the discard port
    monkeypatch.setattr(cells.remote, "TIMEOUT", 2)
    out = udfs.TR_TEV(100000.0, 10000.0, 5000.0, 1.0, 0.1, 30.0)
    assert isinstance(out, str) and out.startswith("#trcalc sunucusuna ulaşılamadı")
    assert "could not reach the trcalc server" in out


@pytest.mark.parametrize("value, expected", [
    (dt.date(2028, 3, 14), dt.datetime(2028, 3, 14)),
    (None, ""),
    (True, True),
])
def test_to_excel(value, expected):
    assert cells.to_excel(value) == expected
