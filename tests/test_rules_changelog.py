"""The rules changelog is complete (issue 24.5): every difference `trcalc rules diff` finds between two
consecutive released rules versions is in the changelog, with what changed, from which date and the
source the rules cite. The released versions are kept as snapshots in calc/rules/history/ (the rules at
the commit that set each version: 2026.11.24 at aacca06, 2026.11.25 at e3eae56, 2026.12.06 as released)."""
import datetime as dt
import shutil

import pytest

from trcalc.calc.rules import changelog, diff, history
from trcalc.calc.rules.store import book
from trcalc.cli import main


def _key(line: str) -> tuple[str, dt.date]:
    # "+ name from 2024-08-21: …" / "~ name from 2024-08-21: …" (calc/rules/diff.py)
    _sign, name, _from, start = line.split(" ", 4)[:4]
    return name, dt.date.fromisoformat(start.rstrip(":"))


def test_the_changelog_is_complete_and_consistent():
    assert changelog.check() == []


def test_rules_diff_between_consecutive_versions_is_the_changelog():
    versions = [str(e["version"]) for e in changelog.entries()]
    current = book().meta.version
    assert versions[0] == current
    for newer, older in zip(versions, versions[1:]):
        code, lines = diff.main(older, "installed" if newer == current else newer)
        listed = changelog.differences(newer)
        assert sorted(_key(line) for line in lines[1:]) == sorted((d.parameter, d.start) for d in listed), newer
        assert f"{len(listed)} fark" in lines[0] and code == (1 if listed else 0)
        for d in listed:                       # what changed, from which date, with the source
            assert d.what and d.source and d.kind in "+-~", d


def test_the_2026_12_06_entry_lists_all_182_differences(capsys):
    assert main(["rules", "changelog", "2026.12.06"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("## 2026.12.06") and "182 fark" in out[0]
    listed = [line for line in out if line[:2] in ("+ ", "- ", "~ ")]
    assert len(listed) == 182
    assert all(" tarihinden: " in line and "; kaynak: " in line for line in listed)
    # one the reviewer did not single out: the KKDF exemptions list, new in 2026.12.06
    assert any(line.startswith("+ customs.kkdf.exemptions") for line in listed)


def test_a_version_released_without_its_snapshot_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "history"
    shutil.copytree(history.HISTORY_DIR, folder)
    (folder / "2026.11.25.json.gz").unlink()
    monkeypatch.setattr(history, "HISTORY_DIR", folder)
    problems = changelog.check()
    assert len(problems) == 1 and problems[0].startswith("2026.11.25:") and "trcalc rules snapshot" in problems[0]


def test_a_highlighted_change_that_is_no_difference_is_refused(monkeypatch):
    log = changelog.entries()
    log[0]["changes"] = [*log[0]["changes"], {"parameter": "kdv.general_rate", "from": dt.date(2023, 7, 10),
                                              "change": "x — x", "source": "x"}]
    monkeypatch.setattr(changelog, "entries", lambda: log)
    assert [p.split(":")[0] for p in changelog.check()] == [str(log[0]["version"])]


def test_a_snapshot_keeps_the_rules_as_released(tmp_path):
    path = changelog.write_snapshot(folder=tmp_path)
    assert path.name == f"{book().meta.version}.json.gz"
    assert path.read_bytes() == changelog.write_snapshot(folder=tmp_path).read_bytes()     # same rules, same bytes
    for v in changelog.shipped_versions():
        rb = changelog.shipped(v)
        assert rb.meta.version == v and rb.params


@pytest.mark.parametrize("argv", [["rules", "changelog", "1999.01.01"]])
def test_an_unknown_version_is_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "1999.01.01" in err and "—" in err and "Traceback" not in err
