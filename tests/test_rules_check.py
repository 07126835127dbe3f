"""`trcalc rules check` catches bad rules data, and nothing starts on rules that fail it (issue 10.8)."""
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from trcalc.calc.rules.check import RulesCheckFailed, check, require_valid
from trcalc.calc.rules.store import RULES_DIR

ROOT = Path(__file__).resolve().parent.parent

GOOD_KDV = """\
kdv.general_rate:
  unit: rate
  description: KDV genel oranı / general KDV rate
  values:
    - from: 2023-07-10
      value: 0.20
      source: Presidential Decision 7346, RG 2023-07-07
      confidence: high
"""


@pytest.fixture
def rules(tmp_path):
    """A copy of the shipped rules folder, to break."""
    folder = tmp_path / "rules"
    folder.mkdir()
    for f in RULES_DIR.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    return folder


def _fails(folder, *needles, replacement=None):
    ok, lines = check(replacement, directory=folder)
    text = "\n".join(lines)
    assert not ok, text
    assert all(line.startswith("FAIL") for line in lines)
    for n in needles:
        assert n in text, text
    assert "Traceback" not in text
    return text


def test_the_shipped_rules_pass(rules):
    ok, lines = check(directory=rules)
    assert ok, lines


def test_overlapping_date_ranges(rules):
    (rules / "zz_extra.yaml").write_text(textwrap.dedent("""\
        test.overlap:
          unit: rate
          description: an overlapping parameter
          values:
            - from: 2024-01-01
              to: 2024-12-31
              value: 0.1
              source: Decision 1, RG 2024-01-01
              confidence: high
            - from: 2024-06-01
              value: 0.2
              source: Decision 2, RG 2024-06-01
              confidence: high
        """), encoding="utf-8")
    _fails(rules, "zz_extra.yaml", "test.overlap", "overlaps")


def test_a_parameter_defined_in_two_files(rules):
    # the issue: the second file's 18 % KDV silently won, TR_DUTY(60;10;5;DE;20%) gave 15.90 for 33.00
    (rules / "zz_extra.yaml").write_text(GOOD_KDV.replace("0.20", "0.18"), encoding="utf-8")
    _fails(rules, "kdv.general_rate", "already defined in kdv.yaml")


def test_a_parameter_defined_twice_in_one_file(rules):
    kdv = rules / "kdv.yaml"
    kdv.write_text(kdv.read_text(encoding="utf-8") + "\n" + GOOD_KDV.replace("0.20", "0.18"), encoding="utf-8")
    _fails(rules, "kdv.yaml", "'kdv.general_rate' is defined twice")


@pytest.mark.parametrize("source", ['""', '"   "', "' '"])
def test_a_blank_source(rules, tmp_path, source):
    bad = tmp_path / "kdv.yaml"
    bad.write_text(GOOD_KDV.replace("Presidential Decision 7346, RG 2023-07-07", source), encoding="utf-8")
    _fails(rules, "kdv.yaml", "source", replacement=bad)


def test_a_used_parameter_with_no_value_in_force_today(rules, tmp_path):
    bad = tmp_path / "kdv.yaml"
    bad.write_text(GOOD_KDV.replace("2023-07-10", "2199-01-01"), encoding="utf-8")
    _fails(rules, "kdv.general_rate", "no value in force today", replacement=bad)


def test_a_repealed_parameter_with_an_explicit_end_passes(rules, tmp_path):
    # a rule repealed by law ends on its `to:` date; calls after it say "no rule in force"
    ended = tmp_path / "kdv.yaml"
    ended.write_text(GOOD_KDV + "      to: 2024-01-01\n", encoding="utf-8")
    ok, lines = check(ended, directory=rules)
    assert ok, lines


@pytest.mark.parametrize("value", ['"18%"', "18%", '"%18"', "abc"])
def test_a_percentage_as_a_value_is_a_clear_error(rules, tmp_path, value):
    bad = tmp_path / "kdv.yaml"
    bad.write_text(GOOD_KDV.replace("value: 0.20", f"value: {value}"), encoding="utf-8")
    text = _fails(rules, "kdv.yaml", "kdv.general_rate", "is not a number", replacement=bad)
    if "%" in value:
        assert "0.18 for 18 %" in text


def test_a_latin1_file_is_a_clear_error(rules, tmp_path):
    bad = tmp_path / "kdv.yaml"
    bad.write_bytes(GOOD_KDV.replace("ı", "ö").encode("latin-1"))
    _fails(rules, "kdv.yaml", "not UTF-8", "save the file as UTF-8", replacement=bad)


def test_an_unreadable_meta_file(rules):
    (rules / "_meta.yaml").unlink()
    _fails(rules, "_meta.yaml", "cannot be read")


def test_the_server_refuses_to_start_on_rules_that_fail(rules, monkeypatch):
    from trcalc.server import create_app
    (rules / "zz_extra.yaml").write_text(GOOD_KDV, encoding="utf-8")
    monkeypatch.setenv("TRCALC_RULES_DIR", str(rules))
    with pytest.raises(RulesCheckFailed) as info:
        create_app()
    assert "already defined in kdv.yaml" in str(info.value)
    assert "trcalc rules check" in str(info.value)


def test_the_server_starts_on_good_rules_and_says_ok(rules, monkeypatch):
    from trcalc.server import create_app
    monkeypatch.setenv("TRCALC_RULES_DIR", str(rules))
    require_valid()
    resp = create_app().test_client().get("/healthz")
    assert resp.status_code == 200 and resp.get_json()["status"] == "ok"


def test_the_add_in_refuses_to_load_on_rules_that_fail(rules):
    (rules / "zz_extra.yaml").write_text(GOOD_KDV, encoding="utf-8")
    env = {**os.environ, "TRCALC_RULES_DIR": str(rules)}
    proc = subprocess.run([sys.executable, "-c", "import trcalc.addin.trcalc_udfs"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "RulesCheckFailed" in proc.stderr and "already defined in kdv.yaml" in proc.stderr
