"""The rules changelog, complete: every difference between consecutive shipped rules versions.

`_changelog.yaml` holds, per rules version, what a reviewer wrote: a summary and the changes worth
reading first (what changed, from which date, with the source). What makes the changelog complete is
computed, not typed: each version released is kept as a snapshot, `history/<version>.json.gz` (the
rule book as `bundle.dump` writes it, gzip), and a version's differences are `diff.diff` between the
snapshot of the version before it and its own rules (its snapshot, or the installed rules for the
version in force). Every difference is then shown with what changed, from which date and the source
the rules cite, so no change can be left out of the changelog by hand (issue 24.5).

A maintainer who bumps `version` in `_meta.yaml` keeps the version being replaced: `trcalc rules
snapshot` (run before editing, or on a checkout of it) writes the installed rules' snapshot; `check()`
(tests/test_team.py) refuses a changelog whose versions have no snapshot, and a highlighted change
that is not among the version's differences.

    >>> [(d.kind, str(d.start)) for d in differences("2026.12.06") if d.parameter == "customs.kkdf.credit_rate"]
    [('+', '2001-08-08'), ('+', '2011-10-13')]
"""
from __future__ import annotations

import datetime as dt
import gzip
from dataclasses import dataclass
from pathlib import Path

from . import bundle
from .book import Entry, RuleBook
from .diff import FIELDS, _show
from .history import HISTORY_DIR, shipped, shipped_versions, snapshot_path  # noqa: F401  (re-exported)
from .store import CHANGELOG_FILE, RULES_DIR, book

_FIELD_TR = {"value": "değer", "end": "bitiş", "unit": "birim", "source": "kaynak", "confidence": "güven"}


def write_snapshot(rb: RuleBook | None = None, folder: Path = HISTORY_DIR) -> Path:
    """Keep `rb` (default: the installed rules) as the snapshot of its version; same rules, same bytes."""
    rb = rb or book()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rb.meta.version}.json.gz"
    path.write_bytes(gzip.compress(bundle.dump(rb).encode("utf-8"), mtime=0))
    return path


def entries() -> list[dict]:
    """The reviewers' entries of `_changelog.yaml`, newest first."""
    import yaml
    return yaml.safe_load((RULES_DIR / CHANGELOG_FILE).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Difference:
    parameter: str
    start: dt.date
    kind: str               # "+" new entry, "-" entry removed, "~" entry changed
    what: str               # what changed, Turkish
    source: str             # the source the rules cite for it (the new side; the removed one's for "-")

    def line(self, descriptions: dict[str, str]) -> str:
        name = descriptions.get(self.parameter, "").split(" / ")[0]
        named = f"{self.parameter} ({name})" if name else self.parameter
        return f"{self.kind} {named} — {self.start:%d.%m.%Y} tarihinden: {self.what}; kaynak: {self.source}"


def _value(e: Entry) -> str:
    end = f", {e.end:%d.%m.%Y} tarihine kadar" if e.end else ""
    if isinstance(e.value, bool):
        shown = "evet" if e.value else "hayır"
    elif e.value == ():
        shown = "boş liste"
    else:
        shown = f"{_show(e.value)} {e.unit}"
    return shown + end


def compare(old: RuleBook, new: RuleBook) -> list[Difference]:
    """Every difference between two rule books, as `diff.diff` finds them, each with its source."""
    out = []
    for name in sorted(set(old.params) | set(new.params)):
        before = {e.start: e for e in old.params.get(name, [])}
        after = {e.start: e for e in new.params.get(name, [])}
        for start in sorted(set(before) | set(after)):
            x, y = before.get(start), after.get(start)
            if x is None:
                out.append(Difference(name, start, "+", f"yeni: {_value(y)}", y.source))
            elif y is None:
                out.append(Difference(name, start, "-", f"kaldırıldı (önceki: {_value(x)})", x.source))
            else:
                changed = [f for f in FIELDS if getattr(x, f) != getattr(y, f)]
                if changed:
                    what = "; ".join(f"{_FIELD_TR[f]} değişti" if f == "source" else
                                     f"{_FIELD_TR[f]}: {_show(getattr(x, f))} → {_show(getattr(y, f))}"
                                     for f in changed)
                    out.append(Difference(name, start, "~", what, y.source))
    return out


def _rules_of(version: str, current: str) -> RuleBook:
    return book() if version == current else shipped(version)


def differences(version: str) -> list[Difference]:
    """What `version` changed against the version before it in the changelog (all of it)."""
    versions = [str(e["version"]) for e in entries()]
    i = versions.index(version)
    if i == len(versions) - 1:
        return []                                  # the first rule set: nothing before it
    current = book().meta.version
    return compare(shipped(versions[i + 1]), _rules_of(version, current))


def check() -> list[str]:
    """Problems that make the changelog incomplete or wrong, as text (empty: complete)."""
    problems = []
    log = entries()
    current = book().meta.version
    versions = [str(e["version"]) for e in log]
    if not versions or versions[0] != current:
        problems.append(f"_changelog.yaml: en yeni kayıt yürürlükteki sürüm {current} değil — the newest entry "
                        f"is not the version in force ({current})")
    for v in versions[1:]:
        if not snapshot_path(v).is_file():
            problems.append(f"{v}: sürümün kaydı yok (rules/history/{v}.json.gz): sürümü "
                            "değiştirmeden önce `trcalc rules snapshot` çalıştırın — no snapshot of the released "
                            "version: run `trcalc rules snapshot` before bumping `version`")
    if problems:
        return problems
    for entry in log:
        found = {(d.parameter, d.start) for d in differences(str(entry["version"]))}
        for change in entry.get("changes") or []:
            if (change["parameter"], change["from"]) not in found:
                problems.append(f"{entry['version']}: {change['parameter']} {change['from']} kurallar arasında bir "
                                "fark değil — is not one of the version's differences")
    return problems


def text(version: str | None = None) -> list[str]:
    """The changelog as `trcalc rules changelog` prints it: each version (or one), its summary, the
    reviewer's highlights, then every difference."""
    log = entries()
    if version is not None:
        log = [e for e in log if str(e["version"]) == version]
        if not log:
            raise KeyError(version)
    descriptions = book().descriptions
    lines = []
    for entry in log:
        v = str(entry["version"])
        diffs = differences(v)
        lines.append(f"## {v} (gözden geçirme {entry['reviewed']:%d.%m.%Y}) — {len(diffs)} fark / differences")
        lines.append(" ".join(str(entry.get("summary", "")).split()))
        for change in entry.get("changes") or []:
            lines.append(f"* {change['parameter']} — {change['from']:%d.%m.%Y} tarihinden: {change['change']}; "
                         f"kaynak: {change['source']}")
        lines += [d.line(descriptions) for d in diffs]
        lines.append("")
    return lines
