"""Timing helpers: medians of repeated runs, and the result table.

Every figure carries a baseline measured in the same run (issue 23: a figure alone says little on
a shared 2-core machine): the bare Decimal arithmetic of the calculation, a bare Flask app on the
same gunicorn configuration, the same HTTP request without the add-in, the file read+write floor…
The table shows the figure, its baseline, their ratio, and the target — "MISSED" where it is.
"""
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
    baseline: float | None = None  # the same run's floor, in the figure's unit
    baseline_what: str = ""
    ratio_target: float | None = None   # the target is on the ratio to the baseline (e.g. ≥ 0.9×), not the figure

    @property
    def ratio(self) -> str:
        """The figure ÷ its baseline (how many times the floor it costs)."""
        if not self.baseline or self.value != self.value:
            return ""
        return f"{self.value / self.baseline:,.2f}×"

    @property
    def met(self) -> str:
        if self.ratio_target is not None and self.baseline and self.value == self.value:
            r = self.value / self.baseline
            ok = r <= self.ratio_target if self.better == "lower" else r >= self.ratio_target
            return f"{'met' if ok else 'MISSED'} ({r / self.ratio_target:.2f} of target)"
        if not self.target or self.value != self.value:          # no target, or not measured (NaN)
            return "not measured" if self.target and self.value != self.value else ""
        ok = self.value <= self.target if self.better == "lower" else self.value >= self.target
        return f"{'met' if ok else 'MISSED'} ({self.value / self.target:.2f} of target)"

    def row(self) -> str:
        sign = "≤" if self.better == "lower" else "≥"
        target = ("" if self.target is None and self.ratio_target is None else
                  f"{sign} {self.ratio_target:g}× the baseline" if self.ratio_target is not None else
                  f"{sign} {self.target:g} {self.unit}")
        base = "" if self.baseline is None else f"{_shown(self.baseline)} {self.unit} — {self.baseline_what}"
        return (f"| {self.what} | {_shown(self.value)} {self.unit} | {base} | {self.ratio} | {target} | {self.met} "
                f"| {self.note} |")


def _shown(value: float) -> str:
    if value != value:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def median_time(fn, repeat: int = 5, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def median_cpu(fn, repeat: int = 5) -> float:
    """Median CPU seconds of this process running fn: the figure of a computation done in the process,
    which the other jobs on shared cores stretch in wall-clock time but hardly in CPU time (on a quiet
    machine the two agree for one-threaded work)."""
    return median_time(fn, repeat, time.process_time)


CPU_NOTE = "CPU time of the process (the cores are shared with other jobs)"


def table(figures: list[Figure]) -> str:
    head = ("| measurement | median | baseline (same run) | ratio to baseline | target | target met | note |\n"
            "|---|---|---|---|---|---|---|")
    return "\n".join([head, *(f.row() for f in figures)])
