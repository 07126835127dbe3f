"""`trcalc rules check`: the validator a rates maintainer runs after an edit.

It rejects a missing or blank source, a high-confidence value without a primary
reference or a source citing the working papers (`sources.py`), duplicate, unordered or overlapping
dates, a rate outside 0–1, an unknown unit or confidence, a value that does
not fit its unit ("18%" where a number belongs), a parameter defined twice (in
one file or across files), a file that is not UTF-8 or not YAML, a parameter
the code asks for that the data lacks, and one that has no value in force
today (unless its last value ends on an explicit `to:` date: a repealed rule).  Each message names the file and the entry.

The server and the add-in call `require_valid()` before they serve anything, so
they refuse to start on rules that fail the check, with the check's message.
"""
from __future__ import annotations

import functools
from pathlib import Path

from .sources import source_problems
from ..dates import istanbul_today
from ..errors import CalcError, TrcalcError
from .store import REQUIRED, RulesFileError, load, missing_parameters, rules_dir


def check(replacement: Path | None = None, directory: Path | None = None) -> tuple[bool, list[str]]:
    from trcalc import calc  # noqa: F401  (registers every parameter the code uses)

    directory = directory or rules_dir()
    try:
        rb = load(directory, replace=replacement)
    except RulesFileError as exc:
        return False, [f"FAIL {exc}"]
    except OSError as exc:
        return False, [f"FAIL {exc}"]
    where = replacement.name if replacement else str(directory)
    missing = missing_parameters(rb)
    if missing:
        return False, [f"FAIL {where}: parameter '{n}' is used by the code but missing from the data"
                       for n in missing]
    # A parameter the code uses needs a value in force today, unless its last value ends on an
    # explicit `to:` date (a repealed rule: a call after it is a clear "no rule" error).
    on = istanbul_today()     # the real date: TRCALC_TODAY pins calculations, not the data's freshness
    stale = []
    for name in sorted(REQUIRED):
        try:
            rb.lookup(name, on)
        except CalcError:
            first, last = rb.params[name][0], rb.params[name][-1]
            if last.end is None or last.end >= on:
                stale.append(f"FAIL {first.file}: parameter '{name}' is used by the code but has no value "
                             f"in force today ({on}); its first value starts on {first.start}")
    if stale:
        return False, stale
    unsourced = source_problems(rb)
    if unsourced:
        return False, unsourced
    n_values = sum(len(v) for v in rb.params.values())
    return True, [f"OK rules {rb.version}: {len(rb.params)} parameters, {n_values} dated values, "
                  f"reviewed {rb.meta.reviewed}"]


class RulesCheckFailed(TrcalcError, RuntimeError):
    """The rules fail `trcalc rules check`: a server or add-in must not start on them."""
    code = "rules"
    status = 500


def require_valid() -> None:
    """Refuse to go on when the rules fail the check; the message is the check's own.

    Checked once per rules folder and day in a process (an app factory may run often in tests).
    """
    _require(str(rules_dir()), istanbul_today())


@functools.lru_cache(maxsize=16)
def _require(directory: str, on) -> None:
    ok, lines = check(directory=Path(directory))
    if not ok:
        raise RulesCheckFailed("kurallar denetimden geçmedi; düzeltin ve `trcalc rules check` çalıştırın",
                               "the rules fail the check; fix them and run `trcalc rules check`:\n"
                               + "\n".join(lines))
