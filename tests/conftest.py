import pytest

from calc import CalcError
from calc.registry import EXCEL_NAMES


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
