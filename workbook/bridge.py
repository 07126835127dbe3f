"""The one door between the workbook engine and `trcalc.calc` (issue 21.2).

Everything the engine takes from the domain — the registry of TR_* functions, the date serials,
the error family, the overrides reader, the settings, the request's deadline — is imported here and nowhere else in `trcalc.workbook`
(tests/test_layout.py holds to it), so what the engine depends on is one short list.
"""
from __future__ import annotations

from trcalc.calc.context import overrides_from_rows, read_overrides as read_rule_overrides
from trcalc.calc.dates import from_serial, to_date, to_serial
from trcalc.calc import deadline, settings, stamp
from trcalc.calc.errors import CalcError, TrcalcError
from trcalc.calc.registry import REGISTRY, Function, call_many
from trcalc.calc.rules.store import book as rules_book

__all__ = ["REGISTRY", "CalcError", "Function", "TrcalcError", "deadline", "rules_book", "settings", "stamp", "call_many", "from_serial", "overrides_from_rows",
           "read_rule_overrides", "to_date", "to_serial"]
