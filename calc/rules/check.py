"""`trcalc rules check`: the validator a rates maintainer runs after an edit.

It rejects a missing source, a high-confidence value without a primary
reference or a source citing the working papers (`sources.py`), duplicate or unordered dates, a rate outside 0–1,
an unknown unit or confidence, a value that does not fit its unit, and a
parameter the code asks for that the data lacks.  Each message names the file
and the entry.
"""
from __future__ import annotations

import os
from pathlib import Path

from .sources import source_problems
from .store import RULES_DIR, RulesFileError, load, missing_parameters


def check(replacement: Path | None = None, directory: Path | None = None) -> tuple[bool, list[str]]:
    import calc  # noqa: F401  (registers every parameter the code uses)

    directory = directory or Path(os.environ.get("TRCALC_RULES_DIR") or RULES_DIR)
    try:
        rb = load(directory, replace=replacement)
    except RulesFileError as exc:
        return False, [f"FAIL {exc}"]
    except OSError as exc:
        return False, [f"FAIL {exc}"]
    missing = missing_parameters(rb)
    if missing:
        where = replacement.name if replacement else str(directory)
        return False, [f"FAIL {where}: parameter '{n}' is used by the code but missing from the data"
                       for n in missing]
    unsourced = source_problems(rb)
    if unsourced:
        return False, unsourced
    n_values = sum(len(v) for v in rb.params.values())
    return True, [f"OK rules {rb.version}: {len(rb.params)} parameters, {n_values} dated values, "
                  f"reviewed {rb.meta.reviewed}"]
