"""TCMB rates: TR_FX from a warm store, and what `TCMB` Kur cells add to `trcalc compute`.

No network: a temporary store is filled with one bulletin per weekday from December 2024 to the end of 2025, each the
real bulletin 2024/126 (tests/fixtures/tcmb) re-dated, and TRCALC_FX_OFFLINE=1.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .baselines import bare_duty
from .measure import Figure

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "tcmb" / "202407" / "08072024.xml"
YEAR = 2025


def fill_store(data_dir: Path) -> None:
    from trcalc.calc.fxstore import Store
    from trcalc.calc.tcmb import parse
    real = REAL.read_bytes()
    bulletins, missing = [], []
    day = dt.date(YEAR - 1, 12, 1)          # January's declarations use December's last bulletin
    while day.year <= YEAR:
        if day.weekday() < 5:
            text = real.replace(b'Tarih="08.07.2024" Date="07/08/2024"', f'Tarih="{day:%d.%m.%Y}"'.encode())
            bulletins.append(parse(text, "bench"))
        else:
            missing.append(day)
        day += dt.timedelta(days=1)
    Store(data_dir / "fx.sqlite3").save(bulletins, missing)


def fx_figures(n: int = 20000, lines: int = 10_000) -> list[Figure]:
    from trcalc.calc import call, fx
    with tempfile.TemporaryDirectory() as d:
        env = {"TRCALC_DATA_DIR": d, "TRCALC_FX_OFFLINE": "1", "TRCALC_TODAY": f"{YEAR + 1}-01-31"}
        fill_store(Path(d))
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        old = fx.set_source(fx.StoreSource())
        try:
            call("TR_FX", "USD", "2025-03-15")
            warm = cpu_median(lambda: [call("TR_FX", "USD", "2025-03-15") for _ in range(n)], 7) / n

            def cold():
                for _ in range(200):
                    fx.set_source(fx.StoreSource())
                    call("TR_FX", "USD", "2025-03-15")
            cold_per = cpu_median(cold, 3) / 200
        finally:
            fx.set_source(old)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        (typed, typed_errors), (tcmb, tcmb_errors) = (_compute(lines, rate, env, Path(d)) for rate in (None, "TCMB"))
    bare = cpu_median(lambda: [bare_duty(60.0, 10.0, 5.0, 0.2, 0.2) for _ in range(n)], 7) / n
    return [
        Figure("calc.call TR_FX, warm store (cached in the process)", warm * 1e6, "µs", 30, note=CPU,
               baseline=bare * 1e6, baseline_what="bare Decimal arithmetic of a TR_DUTY"),
        Figure("calc.call TR_FX, from the SQLite store (new process cache)", cold_per * 1e6, "µs",
               note="a Saturday: the store is read for the day and the Friday before; " + CPU,
               baseline=warm * 1e6, baseline_what="the warm call"),
        Figure(f"trcalc compute dir_tev, {lines:,} export lines, Kur = TCMB", tcmb, "s", typed + 0.5,
               note=f"target: typed rates + 0.5 s; error cells {tcmb_errors} and {typed_errors}; " + CPU,
               baseline=typed, baseline_what="the same workbook with typed rates"),
    ]


CPU = "CPU time of the computing process (the 2 cores are shared with other jobs)"


def cpu_median(fn, repeat: int) -> float:
    """Median CPU seconds of `fn` in this process: wall-clock swings with the machine's other load."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return sorted(times)[len(times) // 2]


def _compute(lines: int, rate, env: dict, d: Path) -> float:
    from .workbooks import dir_tev
    src = dir_tev(lines, d / f"dir_{rate}.xlsx", fx=rate)
    code = ("import sys, time; from pathlib import Path; from trcalc.workbook import compute_file;"
            "t = time.process_time(); r = compute_file(Path(sys.argv[1]), Path(sys.argv[2]));"
            "print(time.process_time() - t, len(r.errors))")
    res = subprocess.run([sys.executable, "-c", code, str(src), str(d / "out.xlsx")], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, **env})
    secs, errors = res.stdout.split()
    return float(secs), int(errors)


if __name__ == "__main__":
    from .measure import table
    print(table(fx_figures()))
