"""`trcalc rules diff A B`: what differs between two rule sets.

A and B are each `installed` (the rules shipped with this trcalc), `env` (the folder named by
TRCALC_RULES_DIR, the one a server runs when it is set), a released version kept with the rules
(`2026.11.25`: its snapshot, see `changelog`) or a folder of rules files. Every dated
entry is compared by parameter and start date: an entry only in B is `+`, only in A `-`, and one
whose value, end, unit, source or confidence differs is `~` with both sides. The exit status is 0
when the sets agree, 1 when they differ (as diff(1)).
"""
from __future__ import annotations

from pathlib import Path

from .store import RULES_DIR, Entry, RuleBook, load

FIELDS = ("value", "end", "unit", "source", "confidence")


class DiffError(ValueError):
    pass


def resolve(spec: str) -> Path:
    if spec == "installed":
        return RULES_DIR
    if spec == "env":
        from .. import settings
        chosen = settings.get("TRCALC_RULES_DIR")
        if not chosen:
            raise DiffError("TRCALC_RULES_DIR ayarlı değil — TRCALC_RULES_DIR is not set")
        return Path(chosen)
    path = Path(spec)
    if not path.is_dir():
        raise DiffError(f"kural klasörü bulunamadı: {spec} (installed, env ya da bir klasör) — "
                        f"no rules folder: {spec} (installed, env or a folder)")
    return path


def _show(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def _entry(e: Entry) -> str:
    end = f" to {e.end}" if e.end else ""
    return f"{_show(e.value)} {e.unit}{end} ({e.confidence}; {e.source})"


def diff(a: RuleBook, b: RuleBook) -> list[str]:
    lines = []
    for name in sorted(set(a.params) | set(b.params)):
        old = {e.start: e for e in a.params.get(name, [])}
        new = {e.start: e for e in b.params.get(name, [])}
        for start in sorted(set(old) | set(new)):
            x, y = old.get(start), new.get(start)
            if x is None:
                lines.append(f"+ {name} from {start}: {_entry(y)}")
            elif y is None:
                lines.append(f"- {name} from {start}: {_entry(x)}")
            else:
                changed = [f for f in FIELDS if getattr(x, f) != getattr(y, f)]
                if changed:
                    parts = "; ".join(f"{f}: {_show(getattr(x, f))} → {_show(getattr(y, f))}" for f in changed)
                    lines.append(f"~ {name} from {start}: {parts}")
    return lines


def rule_book(spec: str) -> RuleBook:
    """The rule set `spec` names: a released version's snapshot, or a folder (`resolve`)."""
    from . import history
    if history.snapshot_path(spec).is_file() and not Path(spec).is_dir():
        return history.shipped(spec)
    return load(resolve(spec))


def main(spec_a: str, spec_b: str) -> tuple[int, list[str]]:
    a, b = rule_book(spec_a), rule_book(spec_b)
    lines = diff(a, b)
    head = f"# {spec_a} {a.version} → {spec_b} {b.version}: {len(lines)} fark / differences"
    return (1 if lines else 0), [head, *lines]
