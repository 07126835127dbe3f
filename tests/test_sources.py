"""`trcalc rules check` and the sources an accountant reads (issue 11.7).

A high-confidence value must cite the primary text (RG date, law or decision and article,
an official URL); no source or note may cite the project's working papers.
"""
import shutil

import pytest

from trcalc.calc.rules.check import check
from trcalc.calc.rules.sources import PRIMARY
from trcalc.calc.rules.store import RULES_DIR, book


def test_shipped_rules_pass_and_cite_no_working_paper():
    ok, lines = check()
    assert ok, lines
    for entries in book().params.values():
        for e in entries:
            assert "seed" not in (e.source + e.note).lower() and "RULES.md" not in e.source + e.note


@pytest.mark.parametrize("source, primary", [
    ("7346 sayılı Cumhurbaşkanı Kararı, RG 07.07.2023 sayı 32241", True),
    ("4458 sayılı Gümrük Kanunu md. 234/3 (5911 sayılı Kanunla değişik)", True),
    ("Karar 88/12944 art. 3(d)", True),
    ("Türkiye–Ürdün STA (https://ticaret.gov.tr/dis-iliskiler/serbest-ticaret-anlasmalari)", True),
    ("TÜİK, Tüketici Fiyat Endeksi Aralık 2022 bülteni (03.01.2023)", True),
    ("Ministry FAQ", False),
    ("2024 press and tax alerts", False),
    ("Presidential Decision 7782", False),
])
def test_what_counts_as_a_primary_reference(source, primary):
    assert bool(PRIMARY.search(source)) is primary


def _copy(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def test_high_confidence_without_a_primary_reference_is_refused(tmp_path):
    copy = _copy(tmp_path)
    kdv = copy / "kdv.yaml"
    kdv.write_text(kdv.read_text().replace(
        "source: 7346 sayılı Cumhurbaşkanı Kararı, RG 07.07.2023 sayı 32241 (yürürlük 10.07.2023)",
        "source: Ministry FAQ"), encoding="utf-8")
    ok, lines = check(directory=copy)
    assert not ok
    assert any("kdv.yaml" in x and "kdv.general_rate" in x and "2023-07-10" in x and "primary reference" in x
               for x in lines)


def test_a_source_citing_the_working_papers_is_refused(tmp_path):
    copy = _copy(tmp_path)
    kdv = copy / "kdv.yaml"
    kdv.write_text(kdv.read_text().replace("    - from: 2023-07-10\n", "    - from: 2023-07-10\n      note: seed 003\n"),
                   encoding="utf-8")
    ok, lines = check(directory=copy)
    assert not ok and any("kdv.yaml" in x and "working paper" in x for x in lines)
