"""The fixed entry points of SPEC §2: calc.call, calc.CalcError, calc.function_names, the CLI."""
import subprocess
import sys
from decimal import Decimal as D

import pytest

from trcalc import calc
from trcalc.calc.registry import KINDS, REGISTRY


def trcalc(*args):
    return subprocess.run([sys.executable, "-m", "trcalc.cli", *args], capture_output=True, text=True)


def test_calc_error_is_a_value_error():
    assert issubclass(calc.CalcError, ValueError)


def test_function_names_lists_the_catalogue():
    names = calc.function_names()
    assert names == sorted(names)
    for n in ("TR_CIF", "TR_DUTY", "TR_DUTY_DETAIL", "TR_RATE", "TR_RULES_VERSION"):
        assert n in names


def test_names_are_case_insensitive():
    assert calc.call("tr_cif", 1, 2, 3) == D("6")


def test_unknown_function():
    with pytest.raises(calc.CalcError) as info:
        calc.call("NO_SUCH", 1)
    assert info.value.code == "unknown_function"


def test_every_entry_is_documented():
    for fn in REGISTRY.values():
        assert fn.summary_tr and fn.summary_en, fn.name
        for a in fn.args:
            assert a.doc_tr and a.doc_en and a.kind in KINDS, (fn.name, a.name)
        optional_seen = False
        for a in fn.args:       # Excel: no required argument after an optional one
            assert not (optional_seen and not a.optional), (fn.name, a.name)
            optional_seen |= a.optional
    for name in REGISTRY:
        if name.endswith("_DETAIL"):
            assert REGISTRY[name].detail_of == name[:-7]


def test_cli_call_prints_the_value():
    r = trcalc("call", "TR_DUTY", "60", "10", "5", "DE", "20%", "2025-03-01")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "33.00"


def test_cli_empty_string_is_an_omitted_argument():
    r = trcalc("call", "TR_DUTY", "25", "0", "0", "DE", "", "2024-09-01")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "7.50"          # 25 × 30 %


def test_cli_bad_input_exits_2_with_the_message():
    r = trcalc("call", "TR_DUTY", "60", "10", "5", "DE", "20", "2025-03-01")
    assert r.returncode == 2
    assert "gv_orani" in r.stderr and "Traceback" not in r.stderr
    r = trcalc("call", "NOPE")
    assert r.returncode == 2 and "NOPE" in r.stderr


def test_cli_detail_prints_a_table():
    r = trcalc("call", "TR_DUTY_DETAIL", "60", "10", "5", "DE", "20%", "2025-03-01")
    assert r.returncode == 0
    # KDV (75 + 15) × 20 % = 18.00, shown as a person reads it (calc.present): 18,00
    assert "KDV\t" in r.stdout and "\t18,00\n" in r.stdout
