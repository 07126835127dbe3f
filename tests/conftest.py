import atexit
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

from trcalc.calc import CalcError
from trcalc.calc import settings as trcalc_settings
from trcalc.calc.registry import EXCEL_NAMES

# The suite must never fail by chance (issue 10.10): property tests run with a
# fixed derandomized seed and no example database carried between runs, so a
# fresh clone and a developer's checkout see exactly the same examples.  Every
# example hypothesis ever found is kept as an explicit test (tests/test_regressions.py).
# `make fuzz` selects the "fuzz" profile: random, many more examples.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          max_examples=150, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", derandomize=False, database=None, deadline=None,
                          max_examples=trcalc_settings.get("TRCALC_FUZZ_EXAMPLES"), print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile(trcalc_settings.get("TRCALC_HYPOTHESIS_PROFILE"))

# No test reaches TCMB or touches the user's rate store (issue 14): rates come only from the
# stand-in server of tests/tcmb_server.py, which the tests that need it point TRCALC_TCMB_URL at.
os.environ["TRCALC_DATA_DIR"] = tempfile.mkdtemp(prefix="trcalc-test-data-")
atexit.register(shutil.rmtree, os.environ["TRCALC_DATA_DIR"], True)

from tests.tcmb_server import tcmb  # noqa: E402,F401  (the `tcmb` fixture)
os.environ["TRCALC_TCMB_URL"] = "http://127.0.0.1:9/no-tcmb-in-tests"


def raises_on(arg, code=None):
    """Context manager: a CalcError naming `arg` (and with `code`, when given).

    `arg` may be the argument's Python name: a function's error names it as users see it
    (`goods` → `esya_bedeli`, calc.registry.EXCEL_NAMES); a reader called directly names
    what it was given."""
    names = {arg, EXCEL_NAMES.get(arg, arg)}
    class _Check:
        def __enter__(self):
            self.ctx = pytest.raises(CalcError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            err = self.info.value
            assert err.argument in names, f"error names {err.argument!r}, expected {names}: {err}"
            assert err.argument in str(err)
            if code:
                assert err.code == code, f"code {err.code!r}, expected {code!r}: {err}"
            assert " — " in str(err), "Turkish, then English"
            return handled
    return _Check()


@pytest.fixture
def windows_xlwings(monkeypatch):
    """xlwings' real Windows decorators (`xlwings.udfs.xlfunc/xlarg`) with the COM modules stubbed,
    and the add-in module reloaded under them: yields (xlwings.udfs, addin.trcalc_udfs)."""
    import importlib
    import sys
    import types
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["win32com.client"].Dispatch = object
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    import xlwings
    udfs = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", udfs.xlfunc)
    monkeypatch.setattr(xlwings, "arg", udfs.xlarg)
    import trcalc.addin.trcalc_udfs as module
    module = importlib.reload(module)
    yield udfs, module
    monkeypatch.undo()
    sys.modules.pop("xlwings.udfs", None)
    importlib.reload(module)


@pytest.fixture(autouse=True)
def _fresh_addin_settings():
    """The xlwings add-in reads a workbook's settings once per recalculation burst: every test
    starts a burst of its own."""
    from trcalc.addin import cells
    cells._cache.clear()
    yield


@pytest.fixture(autouse=True)
def _one_computation_time(monkeypatch):
    """Every in-process computation of a test stamps the same instant (calc.stamp.now), so two
    computations compared cell by cell (the fast evaluator against `formulas`, …) cannot differ
    because a minute turned between them. Servers the tests start run in their own processes,
    on the real clock."""
    from trcalc.calc import stamp
    fixed = stamp.now().replace(second=0, microsecond=0)
    monkeypatch.setattr(stamp, "now", lambda: fixed)
    yield
