"""Issue 25.4: what a Turkish accountant reads is Turkish — case mapping, titles, labels, CLI help."""
from __future__ import annotations

import re
import subprocess
import sys

from trcalc.calc.countries import all_codes, name_tr
from trcalc.calc.present import upper_tr
from trcalc.calc.registry import REGISTRY
from trcalc.server.web import TASKS, pages
from trcalc.server.webform import countries


def test_country_names_are_upper_cased_the_turkish_way():
    shown = dict(countries())
    # hand-checked spellings: Turkish keeps the dot on i (İ) and writes ı as I
    assert shown["CN"] == "ÇİN — CN" and shown["GB"] == "BİRLEŞİK KRALLIK — GB" and shown["IQ"] == "IRAK — IQ"
    for code in all_codes():
        name = name_tr(code)
        upper = shown[code].rsplit(" — ", 1)[0]
        assert len(upper) == len(name)
        for a, b in zip(name, upper):          # every dotted i keeps its dot, every ı loses it
            if a == "i":
                assert b == "İ", (code, name)
            if a == "ı":
                assert b == "I", (code, name)
    assert upper_tr("işçi") == "İŞÇİ"


def test_every_calculator_has_a_task_title_in_turkish():
    for fn in pages():
        assert fn.name in TASKS, fn.name
        assert not re.search(r"[A-Z]{2,}_", TASKS[fn.name])


ENGLISH = re.compile(r"\b(currency|landed|cost|the|fx|rate|empty|argument)\b")


def test_no_english_inside_turkish_labels():
    for fn in REGISTRY.values():
        for text in (fn.summary_tr, *(a.doc_tr for a in fn.args)):
            assert not ENGLISH.search(text), (fn.name, text)


def test_cli_help_is_turkish_then_english():
    for args in ([], ["compute"], ["fx", "sync"], ["call"]):
        out = subprocess.run([sys.executable, "-m", "trcalc.cli", *args, "--help"], capture_output=True, text=True,
                             check=True).stdout
        assert out.startswith("kullanım / usage:"), out
        assert "seçenekler / options" in out and "bu yardımı gösterir / show this help" in out
    top = subprocess.run([sys.executable, "-m", "trcalc.cli", "--help"], capture_output=True, text=True).stdout
    assert "bir çalışma kitabını Excel olmadan hesaplar / compute a workbook without Excel" in " ".join(top.split())
    bad = subprocess.run([sys.executable, "-m", "trcalc.cli", "yok"], capture_output=True, text=True)
    assert bad.returncode == 2 and "komut satırı hatalı — command line error" in bad.stderr


def test_instructions_speak_to_accountants():
    """Talimatlar holds no command line and no developer advice (issue 25.5)."""
    from trcalc.templates.build import KINDS
    for kind, module in KINDS.items():
        wb = module.example()
        text = " ".join(str(c.value) for row in wb["Talimatlar"].iter_rows() for c in row if c.value)
        for developer in ("trcalc compute", "_DETAIL", "xlwings", "`"):
            assert developer not in text, (kind, developer)
