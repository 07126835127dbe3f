"""`make bench` / `python -m bench [--quick] [--only SUITE …] [--list] [--write]`: the figures, each with a
baseline measured in the same run (the ratio), and against their targets.

--only runs the named suites (a suite's key, or a word of it: `--only compute`, `--only single batch`);
--list names them; --quick uses fewer rows and shorter load tests.  Each suite prints how long it took
and the run ends with the total (the whole run takes about 20–25 minutes on 2 quiet cores, most of it
LibreOffice, the team server and the soak; `--quick` about a third of that).
--write records the table in bench/RESULTS.md with the date and the machine (the whole run only).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import tempfile
import time
from pathlib import Path

from . import columns, fx, libreoffice, lite, office, soak, suites, tariff, team
from .measure import table


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def steps(quick: bool) -> list[tuple[str, str, object]]:
    """(key, what, run) for every suite, in the order of a whole run."""
    return [
        ("single", "single calls", lambda: suites.single_calls(5000 if quick else 20000)),
        ("array", "array path", lambda: suites.array_path(20_000 if quick else 100_000)),
        ("batch", "batch", suites.batch_in_process),
        ("office", "add-ins to the server (Office.js, remote mode)",
         lambda: office.paths(10_000, 10_000 if quick else 40_000, 3 if quick else 5)),
        ("load", "production load", lambda: suites.production_load(3 if quick else 10)),
        ("soak", "soak: hostile uploads", lambda: soak.soak(8 if quick else 20)),
        ("lite", "xlwings Lite (Pyodide)", lambda: lite.pyodide(1 if quick else 3)),
        ("compute", "compute", lambda: suites.compute((1_000,) if quick else (1_000, 10_000), 50 if quick else 100)),
        ("fx", "TCMB rates", lambda: fx.fx_figures(5000 if quick else 20000, 2_000 if quick else 10_000)),
        ("tariff", "tariff book", lambda: tariff.figures(5_000 if quick else 20_000)),
        ("columns", "column formulas in the hosts", lambda: columns.figures(1_000 if quick else 10_000)),
        ("libreoffice", "LibreOffice extension", lambda: libreoffice.figures(1_000 if quick else 10_000)),
        ("team", "team server: nginx, instances", lambda: team.proxy_figures(4 if quick else 8)),
        ("sync", "team server: TCMB sync", team.sync_figures),
    ]


def chosen(all_steps: list, only: list[str] | None) -> list:
    """The suites `only` names (a key, or a word of a suite's description); every suite without it."""
    if not only:
        return all_steps
    picked = [s for s in all_steps if any(w == s[0] or w.lower() in s[1].lower().split() for w in only)]
    unknown = [w for w in only if not any(w == s[0] or w.lower() in s[1].lower().split() for s in all_steps)]
    if unknown:
        raise SystemExit(f"unknown suite {unknown}; the suites: {', '.join(s[0] for s in all_steps)}")
    return picked


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--quick", action="store_true", help="fewer rows and a shorter load test")
    ap.add_argument("--only", nargs="+", metavar="SUITE", help="run these suites only (see --list)")
    ap.add_argument("--list", action="store_true", help="name the suites and stop")
    ap.add_argument("--write", action="store_true", help="record the table in bench/RESULTS.md")
    ns = ap.parse_args()
    all_steps = steps(ns.quick)
    if ns.list:
        for key, what, _ in all_steps:
            print(f"{key:12} {what}")
        return
    if ns.write and (ns.only or ns.quick):
        raise SystemExit("--write records a whole run: leave out --only and --quick")
    # a data folder of the run's own (rate store, keys): the figures never read nor migrate the user's store
    # (nor one another checkout migrated to a newer schema)
    data = tempfile.TemporaryDirectory(prefix="trcalc-bench-")
    os.environ.setdefault("TRCALC_DATA_DIR", data.name)
    figures = []
    start = time.perf_counter()
    for _key, name, step in chosen(all_steps, ns.only):
        print(f"… {name}", flush=True)
        t = time.perf_counter()
        figures += step()
        print(f"  ({time.perf_counter() - t:.0f} s)", flush=True)
    total = time.perf_counter() - start
    text = table(figures)
    print()
    print(text)
    print(f"\nthe run took {total / 60:.1f} min")
    if ns.write:
        path = Path(__file__).with_name("RESULTS.md")
        path.write_text(
            "# Benchmark results\n\n"
            f"Recorded {dt.date.today()} on {machine()} with `python -m bench --write` ({total / 60:.0f} min).\n"
            "Medians of repeated runs. Each figure has a baseline measured in the same run and its ratio to it;\n"
            "\"target met\" compares the figure with its target (MISSED where it is not met).\n\n"
            f"{text}\n\n{NOTES}", encoding="utf-8")
        print(f"\nwritten to {path}")


NOTES = """\
Notes:
- Baselines (issue 23): every figure is shown beside a floor measured in the same run — the bare Decimal
  arithmetic of a TR_DUTY, a bare Flask app on the same gunicorn configuration and wrk run, the same
  request POSTed straight to the server without the add-in, reading and rewriting the file's parts,
  Pyodide's own start and xlwings' own call — so a figure taken while other jobs share the 2 cores can
  still be read: the ratio moves much less than the absolute time. "target met" says MISSED plainly.
  What runs inside one process (calc.call, the array form, the in-process batch, `trcalc compute`, the
  TCMB figures) is measured in CPU seconds of that process, its baseline too: other jobs on shared
  cores stretch wall-clock time, hardly CPU time (on a quiet machine the two agree for one-threaded
  work). What crosses processes (HTTP, wrk, Node, LibreOffice) is wall-clock time.
- The add-ins' paths (issue 23.2): functions.js batches a recalculation in linear time and sends the
  one-cell formulas of a burst as column calls (40,000 cells: 4 requests; 6.7 s before, with a concat
  per item); the desktop add-in in remote mode sends one request per column (a cell per row costs a
  request each: the templates give columns). Through the real xlwings in Pyodide, one Lite call costs
  xlwings' own call path first (the note of that row).
- One engine computes every workbook, edited or not: each distinct formula pattern is compiled
  once into a Python closure (registry calls and Excel built-ins, lookups indexed once); a cell
  it does not know goes to the `formulas` engine alone (about 35 ms per DİR line when every cell
  does, the 100-line figure above). Edited workbooks are compared cell by cell with `formulas`
  and LibreOffice (`tests/test_fast_path.py`, `tests/test_libreoffice.py`).
- What made `trcalc compute` fast enough for 10,000 DİR lines (15.8 s and 507 MiB before): the
  file is read straight from its XML (no openpyxl object per cell) and written as a copy of the
  input with values in the formula cells; a subtree written several times in one formula (the
  FIFO `MATCH`) is computed once per cell; one-cell references are read without a range object.
  Every date now passes through its `TR_DATE` column (issue 12.2), one more registry call per row.
  "Peak memory" is VmHWM of the computing process (before, ru_maxrss also counted the benchmark's
  own memory at fork, which is why the declaration showed the 10,000-line figure).
- Load figures: gunicorn runs gevent workers, so slow clients cannot starve it (issue 10.5). At
  first that cost about a tenth of the throughput (back to back on 2026-11-25, 2 workers: sync
  4,343 req/s and p99 7.2 ms, gevent 3,680–3,930 req/s and p99 7.5–7.7 ms). Two per-request costs
  were removed: the memory ceiling is checked with getrusage's peak (a system call) instead of
  reading /proc, and the worker yields after a request only when keep-alive is on (it is off).
  gevent then gave 4,150–4,240 req/s and p99 5.8–6.2 ms, the sync figures of before (4,214 req/s,
  6.7 ms). Tried and left: gevent's own WSGI server (`gevent_pywsgi`, 7,700 req/s only by keeping
  connections alive, p99 86 ms) and keep-alive in the gevent worker (p99 21–180 ms).
- TCMB rates (`python -m bench.fx`): a temporary store holds a bulletin for every weekday of
  2025 (no network); figures are CPU time, as the 2 shared cores make wall-clock swing. A warm
  TR_FX is a dictionary hit (resolved bulletins of past dates are cached in the process); a
  `TCMB` Kur column adds the resolution of each row's customs rate (one rules look-up and that
  cache) to `trcalc compute`.
- Tariff book (issue 27, `python -m bench --only tariff`): the schedules are generated in the published
  layouts trcalc reads (an import regime annex table with seven origins a row, and the documented
  CSV), 20,000 distinct codes; an import is read + load into a fresh book, against reading the file
  alone. The look-up target is met by a look-up of a code the process has seen (the book keeps what
  it read); the first look-ups of a new process, which read the book from its database, are shown
  beside it without a target.
- Column formulas (issue 23.1, `python -m bench.columns`): every computed column of a template is one
  array formula, so a full recalculation calls each registry function once per column, whatever the
  rows. Calls are counted over the file's formulas (per path: each path calls a registry function once
  per evaluation of a formula, an array formula's ranges going in whole) and instrumented in the
  workbook engine and in LibreOffice's Basic→Python bridge; the baseline is the per-row templates of the
  commit before (built from git) through the same bridge. LibreOffice's time is set against its own
  floor: the same workbook with values in place of formulas, loaded and saved.
- LibreOffice extension (issues 28 and 23.1, `python -m bench.libreoffice`): the 10,000-line DİR as a Calc
  user gets it (`trcalc libreoffice --out`, each computed column one array formula through the extension's
  column form; the norm, rate and import look-ups TR_MATCH / TR_SUMBY / TR_COUNTBY, one call per column)
  recalculated by a headless LibreOffice (calculateAll), with the trcalc calls the extension counted, against
  the same workbook with its trcalc formulas replaced by their values (Calc's own formulas kept); and one
  call's cost in 2,000 one-cell formulas against the same call in-process.
- Team server (`python -m bench.team`, issue 24): the guide's nginx (HTTPS, a throw-away CA) in
  front of `trcalc serve --production`, and a year of bulletins from the stand-in TCMB into SQLite
  and a throw-away PostgreSQL; nginx, wrk and the servers share the 2 cores.
- What made the single and array calls fast: rules look-ups cached per (parameter, date),
  one rules context per date in the array form, code folding cached, warning and breakdown
  text built only when a `_DETAIL` asks for it, no pydantic inside the calculation.
"""

if __name__ == "__main__":
    main()
