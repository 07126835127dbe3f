"""The team server (issue 24): production calls behind the guide's nginx (HTTPS) against straight to
gunicorn, two instances behind nginx against one, and a year of TCMB bulletins synced from the
stand-in TCMB into PostgreSQL and into SQLite. The same real parts as tests/test_deploy.py (Debian's
nginx, a throw-away PostgreSQL cluster, a throw-away CA), all on this machine's cores — the load
generator (wrk), nginx and the servers share them, so the figures are what 2 cores give."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .measure import Figure

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "tcmb" / "202407" / "08072024.xml"


def _wrk(url: str, seconds: int, host: str | None = None) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write('wrk.method = "POST"\n'
                  'wrk.body = \'{"args": [100000, 10000, 5000, 1, 0.10, 30]}\'\n'
                  'wrk.headers["Content-Type"] = "application/json"\n'
                  + (f'wrk.headers["Host"] = "{host}"\n' if host else ""))
    try:
        out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", lua.name, url + "/api/v1/call/TR_TEV"],
                             capture_output=True, text=True).stdout
    finally:
        os.unlink(lua.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors[1]} failed requests:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def proxy_figures(seconds: int = 8) -> list[Figure]:
    from tests.test_deploy import PUBLIC, Instance, Nginx, free_port, make_ca
    from tests.tcmb_server import TcmbStandIn
    if not (shutil.which("wrk") and shutil.which("nginx") and shutil.which("openssl")):
        return [Figure("behind nginx", 0, "req/s", note="wrk/nginx/openssl missing: bench/setup.sh, tests/setup-deploy.sh")]
    folder = Path(tempfile.mkdtemp(prefix="trcalc-bench-team-"))
    tcmb = TcmbStandIn()
    instances, proxies = [], []
    try:
        (folder / "tls").mkdir()
        make_ca(folder / "tls")
        https_port = free_port()
        env = {**os.environ, "TRCALC_DATA_DIR": str(folder / "data"), "TRCALC_TRUSTED_PROXIES": "1",
               "TRCALC_PUBLIC_URL": f"https://{PUBLIC}:{https_port}", "TRCALC_TCMB_URL": tcmb.url,
               "TRCALC_FX_AUTOSYNC": "0"}
        env.pop("TRCALC_DATABASE_URL", None)
        # single calls: one instance with 2 workers, straight and behind nginx (HTTPS, keep-alive)
        a = Instance({**env, "TRCALC_WORKERS": "2"}, free_port(), folder)
        instances.append(a)
        proxy = Nginx(folder / "nginx1", folder / "tls", [a.port, free_port()], https_port)
        proxies.append(proxy)
        direct = _wrk(f"http://127.0.0.1:{a.port}", seconds)
        behind = _wrk(f"https://127.0.0.1:{https_port}", seconds, f"{PUBLIC}:{https_port}")
        a.stop()
        proxy.close()
        proxies.clear()
        # scale out: one instance (1 worker) against two (1 worker each), both behind nginx
        one = Instance({**env, "TRCALC_WORKERS": "1"}, free_port(), folder)
        instances.append(one)
        port2 = free_port()
        proxy = Nginx(folder / "nginx2", folder / "tls", [one.port, free_port()], port2)
        proxies.append(proxy)
        rps_one = _wrk(f"https://127.0.0.1:{port2}", seconds, f"{PUBLIC}:{port2}")
        proxy.close()
        proxies.clear()
        two = Instance({**env, "TRCALC_WORKERS": "1"}, free_port(), folder)
        instances.append(two)
        port3 = free_port()
        proxy = Nginx(folder / "nginx3", folder / "tls", [one.port, two.port], port3)
        proxies.append(proxy)
        rps_two = _wrk(f"https://127.0.0.1:{port3}", seconds, f"{PUBLIC}:{port3}")
    finally:
        for p in proxies:
            p.close()
        for i in instances:
            i.stop()
        tcmb.close()
        shutil.rmtree(folder, ignore_errors=True)
    cores = os.cpu_count()
    return [
        Figure("single calls behind nginx (HTTPS)", behind, "req/s", None, "higher",
               f"2 workers, wrk -t2 -c16 -d{seconds}s; nginx, wrk and the workers on the same {cores} cores",
               baseline=direct, baseline_what="straight to gunicorn, same run", ratio_target=0.9),
        Figure("two instances behind nginx", rps_two, "req/s", None, "higher",
               f"1 worker each; on {cores} cores the second instance competes with nginx and wrk for the same CPU",
               baseline=rps_one, baseline_what="one instance behind nginx, same run", ratio_target=1.7),
    ]


def _year_of_bulletins(root: Path, year: int) -> int:
    real = REAL.read_bytes()
    n = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5:
            folder = root / f"{day:%Y%m}"
            folder.mkdir(parents=True, exist_ok=True)
            text = real.replace(b'Tarih="08.07.2024" Date="07/08/2024"',
                                f'Tarih="{day:%d.%m.%Y}" Date="{day:%m/%d/%Y}"'.encode())
            (folder / f"{day:%d%m%Y}.xml").write_bytes(text)
            n += 1
        day += dt.timedelta(days=1)
    return n


def sync_figures(year: int = 2023) -> list[Figure]:
    from tests.tcmb_server import TcmbStandIn
    from tests.test_deploy import PG_BIN, Postgres
    from trcalc.calc.fxstore import Store
    from trcalc.calc.fxsync import sync
    out = []
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "tcmb"
        n = _year_of_bulletins(root, year)
        tcmb = TcmbStandIn(root)
        saved = {k: os.environ.get(k) for k in ("TRCALC_TCMB_URL", "TRCALC_TODAY")}
        os.environ.update({"TRCALC_TCMB_URL": tcmb.url, "TRCALC_TODAY": f"{year + 1}-01-31"})
        pg = Postgres() if PG_BIN else None
        try:
            targets = [("SQLite", f"sqlite:///{Path(d) / 'bench.sqlite3'}")]
            if pg:
                targets.append(("PostgreSQL", pg.url))
            for name, url in targets:
                store = Store(url=url)
                store.summary()                          # schema made before the clock starts
                t = time.perf_counter()
                report = sync(dt.date(year, 1, 1), dt.date(year, 12, 31), store)
                took = time.perf_counter() - t
                assert len(report.fetched) == n
                out.append(Figure(f"sync of one year of bulletins into {name}", took, "s", None, "lower",
                                  f"{n} bulletins and {365 - n} days without one from the stand-in TCMB "
                                  "(HTTP on 127.0.0.1), one transaction"))
        finally:
            tcmb.close()
            if pg:
                pg.close()
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return out


if __name__ == "__main__":          # python -m bench.team: these figures alone
    from .measure import table
    print(table(sync_figures() + proxy_figures()))
