"""Timing helpers: medians of repeated runs, and the result table."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Figure:
    what: str
    value: float
    unit: str
    target: float | None = None
    better: str = "lower"          # "lower" or "higher" is better
    note: str = ""

    @property
    def ratio(self) -> str:
        if not self.target:
            return ""
        r = self.value / self.target
        ok = r <= 1 if self.better == "lower" else r >= 1
        return f"{r:.2f} {'ok' if ok else 'MISSED'}"

    def row(self) -> str:
        target = "" if self.target is None else f"{'≤' if self.better == 'lower' else '≥'} {self.target:g} {self.unit}"
        shown = f"{self.value:,.0f}" if self.value >= 1000 else f"{self.value:.3g}"
        return f"| {self.what} | {shown} {self.unit} | {target} | {self.ratio} | {self.note} |"


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def table(figures: list[Figure]) -> str:
    head = "| measurement | median | target | ratio to target | note |\n|---|---|---|---|---|"
    return "\n".join([head, *(f.row() for f in figures)])
