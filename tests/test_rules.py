import datetime as dt
import shutil
import subprocess
import sys
from decimal import Decimal as D

import pytest

from trcalc.calc import call
from trcalc.calc.rules.check import check
from trcalc.calc.rules.store import RULES_DIR, book
from tests.conftest import raises_on


def test_lookup_by_date():
    rb = book()
    assert rb.lookup("kdv.general_rate", dt.date(2023, 7, 9)).value == D("0.18")
    assert rb.lookup("kdv.general_rate", dt.date(2023, 7, 10)).value == D("0.20")
    assert rb.lookup("import.flat.limit", dt.date(2024, 8, 20)).value == D("150")
    assert rb.lookup("import.flat.limit", dt.date(2024, 8, 21)).value == D("30")


def test_date_before_first_entry_is_an_error():
    with raises_on("date", "no_rule") as info:
        book().lookup("kdv.general_rate", dt.date(2007, 12, 31))   # 2007/13033 BKK: from 2008-01-01
    assert "01.01.2008" in str(info.value)


def test_every_entry_has_source_and_confidence():
    for name, entries in book().params.items():
        for e in entries:
            assert e.source and e.confidence in ("high", "medium-high", "medium", "low"), name


def test_tr_rate_and_version():
    assert call("TR_RATE", "kdv.general_rate", "2023-07-09") == D("0.18")
    assert call("TR_RATE", "import.flat.rate_other", "2024-08-21") == D("0.60")
    assert call("TR_RATE", "eu.members", "2019-06-01").endswith("GB")
    assert call("TR_RULES_VERSION").startswith(book().version)
    with raises_on("name", "unknown_code"):
        call("TR_RATE", "no.such.rate")


def test_shipped_rules_pass_the_check():
    ok, lines = check()
    assert ok, lines


def test_cli_rules_check_passes():
    r = subprocess.run([sys.executable, "-m", "trcalc.cli", "rules", "check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("OK")


BROKEN = {
    "missing source": ("kdv.yaml", """
kdv.general_rate:
  unit: rate
  description: KDV genel oranı
  values:
    - from: 2019-01-01
      value: 0.18
      confidence: high
""", ["kdv.yaml", "kdv.general_rate", "source"]),
    "duplicate dates": ("kdv.yaml", """
kdv.general_rate:
  unit: rate
  description: KDV genel oranı
  values:
    - {from: 2019-01-01, value: 0.18, source: x y z, confidence: high}
    - {from: 2019-01-01, value: 0.20, source: x y z, confidence: high}
""", ["kdv.yaml", "kdv.general_rate", "duplicate"]),
    "unordered dates": ("kdv.yaml", """
kdv.general_rate:
  unit: rate
  description: KDV genel oranı
  values:
    - {from: 2023-07-10, value: 0.20, source: x y z, confidence: high}
    - {from: 2019-01-01, value: 0.18, source: x y z, confidence: high}
""", ["kdv.yaml", "kdv.general_rate", "date order"]),
    "rate above one": ("kdv.yaml", """
kdv.general_rate:
  unit: rate
  description: KDV genel oranı
  values:
    - {from: 2019-01-01, value: 18, source: x y z, confidence: high}
""", ["kdv.yaml", "kdv.general_rate", "outside 0–1"]),
    "unknown unit": ("kdv.yaml", """
kdv.general_rate:
  unit: percent
  description: KDV genel oranı
  values:
    - {from: 2019-01-01, value: 0.18, source: x y z, confidence: high}
""", ["kdv.yaml", "kdv.general_rate", "unknown unit"]),
    "parameter missing": ("kdv.yaml", """
kdv.other_rate:
  unit: rate
  description: something else
  values:
    - {from: 2019-01-01, value: 0.18, source: x y z, confidence: high}
""", ["kdv.yaml", "kdv.general_rate", "missing"]),
    "unknown country": ("eu.yaml", """
eu.members:
  unit: countries
  description: AB üyeleri
  values:
    - {from: 2013-07-01, value: [DE, XX], source: x y z, confidence: high}
""", ["eu.yaml", "eu.members", "XX"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_copy_fails_naming_file_and_entry(case, tmp_path):
    name, text, expected = BROKEN[case]
    broken = tmp_path / name
    broken.write_text(text, encoding="utf-8")
    ok, lines = check(broken)
    assert not ok
    message = " ".join(lines)
    for part in expected:
        assert part in message, (part, message)
    # the command line says the same and fails
    r = subprocess.run([sys.executable, "-m", "trcalc.cli", "rules", "check", "--file", str(broken)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert expected[0] in r.stderr and expected[1] in r.stderr


def test_broken_directory_via_environment(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (copy / "imports.yaml").write_text((copy / "imports.yaml").read_text().replace(
        "      source: Posta ve Hızlı Kargo Tebliği (Seri No 4), RG 10.03.2013 sayı 28583, ve değişiklikleri\n", "", 1))
    ok, lines = check(directory=copy)
    assert not ok and "imports.yaml" in lines[0] and "import.courier.limit_eur" in lines[0]


def test_overrides_replace_a_parameter_and_are_reported():
    # 2024-09-01, 25 EUR from the EU: flat tax 30 % → 7.50; with the rate overridden to 25 % → 6.25
    assert call("TR_DUTY", 25, 0, 0, "DE", None, "2024-09-01") == D("7.50")
    assert call("TR_DUTY", 25, 0, 0, "DE", None, "2024-09-01", overrides={"import.flat.rate_eu": "25%"}) == D("6.25")
    table = call("TR_DUTY_DETAIL", 25, 0, 0, "DE", None, "2024-09-01", overrides={"import.flat.rate_eu": 0.25})
    assert any(r[0] == "Geçersiz kılınan parametre" and "import.flat.rate_eu" in r[1] for r in table)


def test_bad_overrides():
    with raises_on("overrides", "unknown_code"):
        call("TR_CIF", 1, overrides={"no.such": 1})
    with raises_on("overrides[import.flat.rate_eu]", "out_of_range"):
        call("TR_CIF", 1, overrides={"import.flat.rate_eu": 30})
