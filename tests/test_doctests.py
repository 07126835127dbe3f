"""The examples in the docstrings are run (python-stdnum's practice): a docstring that shows
`call(...)` and its answer stays true."""
import doctest
import importlib
import pkgutil

import pytest

from trcalc import calc

MODULES = sorted(m.name for m in pkgutil.walk_packages(calc.__path__, "trcalc.calc."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
