"""Findings, grouped by kind and message, each with the first call that caused it."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Finding:
    where: str
    message: str
    example: str
    detail: str
    count: int = 1


@dataclass
class Findings:
    items: dict[tuple[str, str], Finding] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)      # how deep the calls got: value / CalcError

    def add(self, where: str, message: str, example: str, detail: str) -> None:
        key = (where, re.sub(r"\d+", "N", message)[:160])
        if key in self.items:
            self.items[key].count += 1
        else:
            self.items[key] = Finding(where, message, example, detail)
            print(f"\n!! [{where}] {message[:300]}\n   example: {example[:600]}", flush=True)
            if detail:
                print("   " + detail[-3000:].replace("\n", "\n   "), flush=True)

    def __len__(self) -> int:
        return sum(f.count for f in self.items.values())

    def summary(self) -> str:
        lines = [f"outcomes: {', '.join(f'{k} {v:,}' for k, v in sorted(self.outcomes.items()))}",
                 f"{len(self.items)} distinct findings, {len(self)} in all"]
        for f in sorted(self.items.values(), key=lambda f: -f.count):
            lines.append(f"  {f.count:7d} × [{f.where}] {f.message[:200]}")
        return "\n".join(lines)
