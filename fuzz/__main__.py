"""python -m fuzz — see fuzz/__init__.py."""
from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time

from .report import Findings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__)
    p.add_argument("--calls", type=int, default=200_000, help="random calls over the registry functions")
    p.add_argument("--cli", type=int, default=3_000, help="random trcalc command lines (in process)")
    p.add_argument("--http", type=int, default=10_000, help="random HTTP requests to a live server")
    p.add_argument("--seconds", type=float, default=900, help="time limit for the whole run")
    p.add_argument("--seed", type=int, default=None, help="replay a run (printed at the start)")
    ns = p.parse_args(argv)
    seed = ns.seed if ns.seed is not None else int.from_bytes(os.urandom(4), "big")
    print(f"fuzz seed {seed} (replay: python -m fuzz --seed {seed})", flush=True)
    logging.getLogger().setLevel(logging.CRITICAL)    # quiet: the 500s are reported with their tracebacks
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    os.environ.setdefault("TRCALC_TODAY", "2025-06-02")

    from .calls import fuzz_cli, fuzz_functions
    from .http import fuzz_http

    found = Findings()
    start = time.monotonic()
    deadline = start + ns.seconds
    # each phase gets its share of the time, so that the run always stops by itself
    phases = [("registry functions", fuzz_functions, ns.calls, 0.45), ("CLI", fuzz_cli, ns.cli, 0.1),
              ("HTTP requests", fuzz_http, ns.http, 0.45)]
    counts = []
    for i, (label, run, n, share) in enumerate(phases):
        t0 = time.monotonic()
        left = sum(s for _, _, _, s in phases[i:])
        phase_deadline = t0 + max(0.0, deadline - t0) * share / left
        done = run(n, random.Random(seed + i), phase_deadline, found)
        counts.append(done)
        print(f"{label}: {done:,} in {time.monotonic() - t0:.1f} s"
              f"{'' if done >= n else f' (time limit; {n:,} asked)'}", flush=True)
    print(found.summary())
    short = [label for (label, _, n, _), done in zip(phases, counts) if done < n]
    if found:
        print("FAIL: exceptions other than CalcError or 5xx responses above", file=sys.stderr)
        return 1
    if short:
        print(f"INCOMPLETE: the time limit stopped {', '.join(short)} early", file=sys.stderr)
        return 3
    print("OK: no exception other than CalcError, no 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
