"""One settings module (issue 21.3): every `TRCALC_*` setting is declared once in
calc/settings.py — name, type, default, meaning in Turkish and English, the part that reads it —
all code reads it there, a bad value is one line naming the setting, and the docs' table is
generated from the declarations (`settings_markdown`)."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trcalc.calc import settings
from trcalc.calc.settings import SETTINGS, SettingError, get, settings_markdown

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"(?<![A-Za-z0-9_])TRCALC_[A-Z0-9_]*[A-Z0-9]")
# Names that look like settings and are not: Excel defined names the templates carry.
NOT_SETTINGS = {"TRCALC_OVERRIDES": "the overrides range (Parametreler sheet)",
                "TRCALC_ERRORS": "the error listing range (Hatalar sheet)",
                "TRCALC_STAMP": "where compute writes its stamp", "TRCALC_SUMMARY": "the headline figures",
                "TRCALC_KEYS": "the tables' key columns (print areas)",
                "TRCALC_RULES_VERSION": "a cell name a team may give its rules version (TR_RULES_VERSION)",
                "TRCALC_LAST_RULES": "the rules version the xlwings add-in last computed the workbook with"}
CODE = ("*.py", "*.js", "*.html", "*.sh", "Makefile", "*.toml", "*.cfg", "*.yml", "*.yaml")
SETTINGS_FILE = ROOT / "calc" / "settings.py"


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z", *patterns], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / n for n in out.decode().split("\0") if n and (ROOT / n).is_file()]


def _names_in_code() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in _tracked(*CODE):
        if path == SETTINGS_FILE or "node_modules" in path.parts:
            continue
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_setting_in_the_code_is_declared():
    undeclared = {n: sorted(w) for n, w in _names_in_code().items() if n not in SETTINGS and n not in NOT_SETTINGS}
    assert not undeclared, ("declare these in calc/settings.py (one `declare(...)` line each): "
                            + repr(undeclared))


def test_every_declared_setting_is_used_somewhere():
    unused = sorted(set(SETTINGS) - set(_names_in_code()))
    assert not unused, f"declared in calc/settings.py but read nowhere: {unused}"


def _environ_reads(path: Path):
    """`os.environ.get("TRCALC_…")`, `os.environ["TRCALC_…"]` (read), `os.getenv("TRCALC_…")`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            f = ast.unparse(node.func)
            if f in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
                key = node.args[0].value
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Constant):
            if ast.unparse(node.value) in ("os.environ", "environ"):
                key = node.slice.value
        if isinstance(key, str) and key.startswith("TRCALC_"):
            yield node.lineno, key


def test_only_the_settings_module_reads_trcalc_settings_from_the_environment():
    packages = ("calc", "server", "workbook", "templates", "addin", "lite", "trcalc", "bench", "fuzz")
    bad = [f"{p.relative_to(ROOT)}:{line}: {key}" for p in _tracked("*.py")
           if p.relative_to(ROOT).parts[0] in packages and p != SETTINGS_FILE
           for line, key in _environ_reads(p)]
    assert not bad, "read it with trcalc.calc.settings.get():\n" + "\n".join(bad)


def test_each_declaration_is_complete():
    for s in SETTINGS.values():
        assert s.kind in settings.KINDS and s.part in settings.PARTS, s.name
        assert s.tr.strip() and s.en.strip() and s.tr != s.en, s.name           # both languages, really


def test_the_documented_table_lists_every_setting_once():
    md = settings_markdown()
    rows = [line for line in md.splitlines() if line.startswith("| `TRCALC_")]
    assert sorted(r.split("`")[1] for r in rows) == sorted(SETTINGS)
    assert all(r.count("|") == 6 for r in rows)               # no stray pipe breaks a row
    first = SETTINGS["TRCALC_MAX_BATCH"]
    assert f"| `TRCALC_MAX_BATCH` | tam sayı / whole number | 10000 | {first.tr} | {first.en} |" in md


def test_values_are_read_by_their_type(monkeypatch):
    monkeypatch.delenv("TRCALC_MAX_BATCH", raising=False)
    assert get("TRCALC_MAX_BATCH") == 10_000                          # the declared default
    monkeypatch.setenv("TRCALC_MAX_BATCH", " 50 ")
    assert get("TRCALC_MAX_BATCH") == 50
    monkeypatch.setenv("TRCALC_MAX_BATCH", "")
    assert get("TRCALC_MAX_BATCH") == 10_000                          # blank is unset
    monkeypatch.setenv("TRCALC_CORS_ORIGINS", "https://a.example, ,https://b.example")
    assert get("TRCALC_CORS_ORIGINS") == ("https://a.example", "https://b.example")
    for text, value in [("1", True), ("evet", True), ("TRUE", True), ("0", False), ("hayır", False), ("no", False)]:
        monkeypatch.setenv("TRCALC_FX_OFFLINE", text)
        assert get("TRCALC_FX_OFFLINE") is value, text
    monkeypatch.setenv("TRCALC_TODAY", "2025-03-01")
    import datetime as dt
    assert get("TRCALC_TODAY") == dt.date(2025, 3, 1)
    monkeypatch.setenv("TRCALC_TCMB_TIMEOUT", "0.3")
    assert get("TRCALC_TCMB_TIMEOUT") == 0.3


@pytest.mark.parametrize("name, text, tr", [
    ("TRCALC_WORKERS", "abc", "tam sayı olmalı"),
    ("TRCALC_MAX_BATCH", "-1", "eksi olamaz"),
    ("TRCALC_REQUEST_SECONDS", "1.5", "tam sayı olmalı"),
    ("TRCALC_TCMB_TIMEOUT", "-1", "eksi olmayan"),
    ("TRCALC_TCMB_TIMEOUT", "nan", "eksi olmayan"),
    ("TRCALC_FX_OFFLINE", "maybe", "evet/hayır"),
    ("TRCALC_TODAY", "01.03.2025", "YYYY-AA-GG"),
])
def test_a_bad_value_names_the_setting_turkish_then_english(monkeypatch, name, text, tr):
    monkeypatch.setenv(name, text)
    with pytest.raises(SettingError) as info:
        get(name)
    message = info.value.message
    assert message.startswith(f"{name}={text!r}: ") and tr in message.split(" — ")[0]
    assert message.split(" — ")[1].startswith(f"{name}={text!r}: ") and "\n" not in message


def _cli(args, env_extra):
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRCALC_")} | env_extra
    return subprocess.run([sys.executable, "-m", "trcalc.cli", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_trcalc_serve_with_a_bad_setting_is_one_line_not_a_traceback(tmp_path):
    r = _cli(["serve", "--production"], {"TRCALC_WORKERS": "abc", "TRCALC_DATA_DIR": str(tmp_path)})
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "trcalc: TRCALC_WORKERS='abc': tam sayı olmalı — TRCALC_WORKERS='abc': must be a whole number"]


def test_trcalc_compute_with_a_bad_budget_is_one_line(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active["A1"] = 1
    wb.save(tmp_path / "in.xlsx")
    r = _cli(["compute", str(tmp_path / "in.xlsx"), str(tmp_path / "out.xlsx")],
             {"TRCALC_MAX_CELLS": "çok", "TRCALC_DATA_DIR": str(tmp_path)})
    assert r.returncode == 2 and not (tmp_path / "out.xlsx").exists()
    assert r.stderr.strip().splitlines() == [
        "trcalc: TRCALC_MAX_CELLS='çok': tam sayı olmalı — TRCALC_MAX_CELLS='çok': must be a whole number"]


def test_the_settings_module_needs_only_the_standard_library():
    """It ships inside xlwings Lite with calc (tests/test_lite.py): nothing beyond the standard library."""
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    top = {(a.name if isinstance(n, ast.Import) else n.module or "").split(".")[0]
           for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and not getattr(n, "level", 0)
           for a in (n.names if isinstance(n, ast.Import) else [n])}
    assert top <= set(sys.stdlib_module_names) | {"__future__"}, top


def test_every_setting_the_docs_name_is_declared():
    """A page that tells an operator to set a `TRCALC_` variable names a setting that exists."""
    named = {}
    for path in _tracked("README.md", "docs/*.md", "docs/**/*.md"):
        for name in NAME.findall(path.read_text(encoding="utf-8")):
            named.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    unknown = {n: sorted(w) for n, w in named.items() if n not in SETTINGS and n not in NOT_SETTINGS}
    assert not unknown, unknown
