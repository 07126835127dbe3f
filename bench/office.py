"""The add-ins' paths to the team server, end to end against a loopback gunicorn (`trcalc serve --production`):

- the Office add-in: `tests/office_harness.js` (Excel's custom-functions runtime as Microsoft documents it)
  runs the server's functions.js in Node — one invocation with a 10,000-row column, and 40,000 one-cell
  invocations from one recalculation burst (issue 23.2: 6.7 s before flush() batched in linear time);
- the desktop add-in in remote mode: the xlwings UDF given a 10,000-row column (one request per column),
  and one-cell calls (one request per cell); and the trcalc calls of one full recalculation of the
  10,000-line DİR (issue 23's "desktop remote mode for the 10,000-line DİR"): recorded as the workbook
  engine makes them (one per array formula: a column each), replayed through the xlwings UDFs.

Each figure's baseline is the same calls POSTed straight to /api/v1/batch in the same run (the server's
and HTTP's own cost), so the ratio is what the add-in adds.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from unittest import mock

from .measure import Figure, median_time

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(base: str, body: dict) -> dict:
    req = urllib.request.Request(base + "/api/v1/batch", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "X-API-Key": KEY})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def _harness(node: str, base: str, scenario: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(scenario, f)
    try:
        out = subprocess.run([node, str(ROOT / "tests" / "office_harness.js"), base, f.name],
                             capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(f.name)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout)


def _columns(rows: int):
    goods = [20.0 + (i % 400) * 3.5 for i in range(rows)]
    freight = [float(i % 9) for i in range(rows)]
    return goods, freight


def paths(rows: int = 10_000, cells: int = 40_000, repeat: int = 5) -> list[Figure]:
    node = shutil.which("node")
    port = _port()
    env = {**os.environ, "TRCALC_API_KEYS": KEY}
    server = subprocess.Popen([sys.executable, "-m", "trcalc.cli", "serve", "--production", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    out: list[Figure] = []
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        goods, freight = _columns(rows)
        column_call = {"function": "TR_DUTY", "args": [goods, freight, 0.0, "DE", 0.2, "2025-03-01"], "array": True}
        column_floor = median_time(lambda: _post(base, {"calls": [column_call]}), repeat)
        cell_goods, _ = _columns(cells)
        per_request = 10_000                       # the server's default TRCALC_MAX_BATCH
        # the floor: what functions.js sends for the burst (one column call per 10,000 cells) POSTed straight;
        # beside it, the same cells as one call each (what it sent before grouping), for the note
        cells_floor = median_time(lambda: [_post(base, {"calls": [{"function": "TR_DUTY", "array": True, "args": [
            cell_goods[i:i + per_request], 1.0, 0.0, "DE", 0.2, "2025-03-01"]}], "date_format": "serial"})
            for i in range(0, cells, per_request)], 3)
        cell_calls = [{"function": "TR_DUTY", "args": [g, 1.0, 0.0, "DE", 0.2, "2025-03-01"]} for g in cell_goods]
        one_by_one = median_time(lambda: [_post(base, {"calls": cell_calls[i:i + per_request], "date_format": "serial"})
                                          for i in range(0, cells, per_request)], 1)
        if node:
            col = _harness(node, base, {"key": KEY, "repeat": repeat + 1, "invocations": [
                ["TR_DUTY", [goods, freight, 0.0, "DE", 0.2, "2025-03-01"]]]})
            assert len(col["results"][0]["value"]) == rows
            t_col = statistics.median(col["timings"][1:]) / 1000            # the first round warms up
            one = _harness(node, base, {"key": KEY, "repeat": 4, "invocations": [
                ["TR_DUTY", [g, 1.0, 0.0, "DE", 0.2, "2025-03-01"]] for g in cell_goods]})
            assert len(one["results"]) == cells and all("value" in r for r in one["results"])
            t_cells = statistics.median(one["timings"][1:]) / 1000
            n_requests = len(one["requests"]) // 4
        else:
            t_col = t_cells = float("nan")
            n_requests = 0
        out.append(Figure(f"Office add-in, one {rows:,}-row column end to end (functions.js in the Node harness)",
                          t_col, "s", 2.0, baseline=column_floor,
                          baseline_what="the same column POSTed straight to /api/v1/batch"))
        out.append(Figure(f"Office add-in, {cells:,} one-cell formulas from one recalculation burst, end to end",
                          t_cells, "s", 1.5,
                          note=(f"{n_requests} requests per burst (the cells of one function go as column calls); "
                                f"the same cells as one call each, POSTed straight: {one_by_one:.2f} s")
                          if node else "Node is not installed",
                          baseline=cells_floor,
                          baseline_what=f"the burst's column calls ({per_request:,} rows each) POSTed straight"))
        out += _remote(base, rows, goods, freight, column_floor, repeat)
        out.append(_remote_dir(base, rows, repeat))
    finally:
        server.terminate()
        server.wait(20)
    return out


@contextlib.contextmanager
def _remote_mode(base: str):
    """The xlwings add-in pointed at `base` (TRCALC_SERVER_URL, TRCALC_API_KEY) for the block, its requests
    counted in the list it yields; the environment and the add-in's cache restored after."""
    from trcalc.addin import cells, remote
    sent: list = []
    real = remote._post

    def counting(url, body, key):
        sent.append(1)
        return real(url, body, key)
    with mock.patch.dict(os.environ, {"TRCALC_SERVER_URL": base, "TRCALC_API_KEY": KEY}), \
            mock.patch.object(remote, "_post", counting):
        try:
            yield sent
        finally:
            cells._cache.clear()


def _remote(base: str, rows: int, goods, freight, column_floor: float, repeat: int) -> list[Figure]:
    """The xlwings add-in in remote mode (TRCALC_SERVER_URL): its UDF called as xlwings calls it."""
    import trcalc.addin.trcalc_udfs as udfs
    from trcalc.addin import cells
    with _remote_mode(base) as sent:
        when = dt.datetime(2025, 3, 1)
        cells._cache.clear()
        col = udfs.TR_DUTY(goods, freight, 0.0, "DE", 0.2, when)
        assert len(col) == rows and not isinstance(col, cells.CellError), col
        sent.clear()
        t_col = median_time(lambda: udfs.TR_DUTY(goods, freight, 0.0, "DE", 0.2, when), repeat)
        per_column = len(sent) / repeat
        n = 2_000
        sent.clear()
        t_cells = median_time(lambda: [udfs.TR_DUTY(g, f, 0.0, "DE", 0.2, when) for g, f in zip(goods[:n], freight)],
                              3) / n
        per_cell = len(sent) / (3 * n)
        one = {"function": "TR_DUTY", "args": [60.0, 10.0, 0.0, "DE", 0.2, "2025-03-01"]}
        cell_floor = median_time(lambda: [_post(base, {"calls": [one]}) for _ in range(200)], 3) / 200
    return [
        Figure(f"desktop add-in, remote mode, one {rows:,}-row column (one UDF call)", t_col, "s", 2.0,
               note=f"{per_column:g} request(s) per column", baseline=column_floor,
               baseline_what="the same column POSTed straight to /api/v1/batch"),
        Figure("desktop add-in, remote mode, one one-cell call", t_cells * 1e3, "ms",
               note=f"{per_cell:g} request(s) per cell: give a column, not a cell per row",
               baseline=cell_floor * 1e3, baseline_what="one call POSTed straight to /api/v1/batch"),
    ]


def _dir_calls(lines: int) -> list[tuple[str, list]]:
    """The registry calls of one full recalculation of the `lines`-line DİR (the bench's edited workbook),
    as the workbook engine makes them: (function, arguments), a computed column's arguments as lists."""
    from trcalc.workbook import arrays, compute, functions
    from trcalc.workbook import compile as compiled

    from .workbooks import dir_tev
    calls: list[tuple[str, list]] = []
    real_many, real_one = arrays.call_many, functions.registry_call

    def many(name, args, overrides):
        calls.append((name, [list(a) if isinstance(a, list) else a for a in args]))
        return real_many(name, args, overrides)

    def one(book, fn, values):
        if all(v is None or isinstance(v, (int, float, str)) for v in values):
            calls.append((fn.name, list(values)))
        return real_one(book, fn, values)
    with tempfile.TemporaryDirectory() as d:
        src = dir_tev(lines, Path(d) / "dir.xlsx")
        arrays.call_many, functions.registry_call, compiled.registry_call = many, one, one
        try:
            compute(src)
        finally:
            arrays.call_many, functions.registry_call, compiled.registry_call = real_many, real_one, real_one
    return calls


def _remote_dir(base: str, lines: int, repeat: int) -> Figure:
    """Issue 23: the desktop add-in in remote mode recalculating the whole 10,000-line DİR — every trcalc
    call of that recalculation through the xlwings UDFs to the server; baseline: the same calls in process."""
    import trcalc.addin.trcalc_udfs as udfs
    from trcalc.addin import cells
    from trcalc.calc.registry import call_many
    calls = _dir_calls(lines)
    columns = [(n, a) for n, a in calls if any(isinstance(x, list) for x in a)]
    in_process = median_time(lambda: [call_many(n, a, {}) for n, a in columns], repeat)
    # rows a trcalc call refuses (e.g. the blank rows below a table, which the template's IF hides): the
    # remote path must refuse exactly these, no more
    expected = sum(isinstance(v, Exception) for n, a in columns for v in call_many(n, a, {}))
    with _remote_mode(base) as sent:
        cells._cache.clear()
        replay = [(getattr(udfs, n), a) for n, a in calls]
        failed = 0                               # warm (the first request also reads the server's version)
        for f, a in replay:
            out = f(*a)
            for v in out if isinstance(out, list) else [out]:
                failed += any(isinstance(x, cells.CellError) for x in (v if isinstance(v, list) else [v]))
        sent.clear()
        t = median_time(lambda: [f(*a) for f, a in replay], repeat)
        per_run = len(sent) / repeat
    return Figure(f"desktop add-in, remote mode, the {lines:,}-line DİR's trcalc calls of one full recalculation",
                  t, "s", 2.0,
                  note=(f"{len(calls)} UDF calls ({len(columns)} of them columns), {per_run:g} requests, {failed} error "
                        f"cells ({expected} in process: the blank rows the template's IF hides); the calls as "
                        "the workbook engine makes them, replayed through the xlwings UDFs (before issue 23.1: ~31,000 "
                        "one-cell calls, ~42 s)"),
                  baseline=in_process, baseline_what="the same column calls computed in process (call_many)")
