import atexit
import os
import shutil
import tempfile

import pytest

from calc import CalcError

# No test reaches TCMB or touches the user's rate store (issue 14): rates come only from the
# stand-in server of tests/tcmb_server.py, which the tests that need it point TRCALC_TCMB_URL at.
os.environ["TRCALC_DATA_DIR"] = tempfile.mkdtemp(prefix="trcalc-test-data-")
atexit.register(shutil.rmtree, os.environ["TRCALC_DATA_DIR"], True)

from tests.tcmb_server import tcmb  # noqa: E402,F401  (the `tcmb` fixture)
os.environ["TRCALC_TCMB_URL"] = "http://127.0.0.1:9/no-tcmb-in-tests"


def raises_on(arg, code=None):
    """Context manager: a CalcError naming `arg` (and with `code`, when given)."""
    class _Check:
        def __enter__(self):
            self.ctx = pytest.raises(CalcError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            err = self.info.value
            assert err.argument == arg, f"error names {err.argument!r}, expected {arg!r}: {err}"
            assert arg in str(err)
            if code:
                assert err.code == code, f"code {err.code!r}, expected {code!r}: {err}"
            assert " — " in str(err), "Turkish, then English"
            return handled
    return _Check()
