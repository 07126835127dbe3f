import pytest

from calc import CalcError


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
