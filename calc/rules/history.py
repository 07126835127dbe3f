"""The released rules versions, kept as snapshots: `history/<version>.json.gz` (the rule book as
`bundle.dump` writes it, gzip). Read by `diff` (a released version as one side) and `changelog`."""
from __future__ import annotations

import gzip
from pathlib import Path

from . import bundle
from .book import RuleBook
from .store import RULES_DIR

HISTORY_DIR = RULES_DIR / "history"


def snapshot_path(version: str) -> Path:
    return HISTORY_DIR / f"{version}.json.gz"


def shipped_versions() -> list[str]:
    """The versions kept as snapshots, oldest first."""
    return sorted(p.name.removesuffix(".json.gz") for p in HISTORY_DIR.glob("*.json.gz"))


def shipped(version: str) -> RuleBook:
    """The rules as `version` was released (its snapshot)."""
    path = snapshot_path(version)
    if not path.is_file():
        raise FileNotFoundError(f"{version} kural sürümünün kaydı yok ({path.name}) — no snapshot of rules "
                                f"version {version}")
    return bundle.load(gzip.decompress(path.read_bytes()).decode("utf-8"))
