"""The parts of docs/ that the code writes: `trcalc docs --write` (also `make docs`) and `--check`.

Each block sits between markers in its page (trcalc.calc.docs.begin/end) and is rendered from
its one definition: the function reference from the registry, the settings table from the
server's settings. tests/test_docs.py checks that the committed pages equal the generated ones.
"""
from __future__ import annotations

from pathlib import Path

from trcalc.calc.docs import DOCS, function_table, render


def settings_table() -> str:
    # The server's settings as server/config.py declares them (its table); the workbook budgets
    # are on the same page, written by hand, until one settings module declares every TRCALC_*.
    from trcalc.server import config
    doc = config.__doc__ or ""
    rows = [line for line in doc.splitlines() if line.startswith("|")]
    return "\n".join(rows)


# page (relative to docs/) → [(block name, what renders it)]
BLOCKS = {
    "islevler.md": [("functions", function_table)],
    "sunucu/ayarlar.md": [("settings", settings_table)],
}


def generated(docs: Path = DOCS) -> dict[Path, tuple[str, str]]:
    """page → (committed text, generated text)."""
    out = {}
    for rel, blocks in BLOCKS.items():
        path = docs / rel
        text = new = path.read_text(encoding="utf-8")
        for name, make in blocks:
            new = render(new, name, make())
        out[path] = (text, new)
    return out


def write(docs: Path = DOCS) -> list[Path]:
    changed = []
    for path, (text, new) in generated(docs).items():
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def stale(docs: Path = DOCS) -> list[str]:
    """The pages whose generated blocks differ from the code, each with what to run."""
    return [f"{path.relative_to(docs.parent)} is stale: run `trcalc docs --write` (or `make docs`)"
            for path, (text, new) in generated(docs).items() if new != text]
