"""Large filled templates for the compute benchmark (seed 004's case, repeated with variations)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from templates import build
from templates.build import EXPORTS, IMPORTS, NORMS, _fill


def dir_tev(lines: int, path: Path, fx=None) -> Path:
    """`fx`: every export line's Kur (default: a typed rate per line; "TCMB" for the customs rate)."""
    wb = build.build_dir(lines)
    d = dt.date
    _fill(wb["İthalat"], IMPORTS, [
        {"decl": "IM1", "date": d(2025, 1, 15), "input": "IPLIK", "qty": 10000, "unit": "kg", "value": 100000,
         "currency": "USD", "fx": 30, "duty_rate": 0.10, "origin": "CN"},
        {"decl": "IM2", "date": d(2025, 1, 20), "input": "BOYA", "qty": 500, "unit": "kg", "value": 2500,
         "currency": "USD", "fx": 30, "duty_rate": 0.065, "origin": "IN"},
    ])
    _fill(wb["Normlar"], NORMS, [
        {"product": "KUMAS", "input": "IPLIK", "consumption": 1},
        {"product": "KUMAS", "input": "BOYA", "consumption": 0.03, "waste": 0.1},
    ])
    dests = [("DE", "ATR"), ("GB", "EUR1"), ("EG", "EUR1"), ("CH", "FATURA")]
    _fill(wb["İhracat"], EXPORTS, [
        {"decl": f"EX{i:06d}", "date": d(2025, 1 + i % 12, 1 + i % 28), "product": "KUMAS",
         "input": "IPLIK" if i % 2 else "BOYA", "qty": 5 + i % 50, "destination": dests[i % 4][0],
         "certificate": dests[i % 4][1], "fx": 30 + (i % 10) / 10 if fx is None else fx,
         **({"paid": d(2025, 12, 31), "voluntary": "YANLIŞ"} if i % 25 == 0 else {})}
        for i in range(lines)])
    build.save(wb, path)
    return path


def ithalat_beyanname(lines: int, path: Path) -> Path:
    """A declaration of `lines` lines: the example's four lines, repeated with varying values."""
    from templates import ithalat_beyanname as decl
    wb = decl.example(lines)
    _fill(wb[decl.SHEET], decl.LINE_COLS, [
        {**decl.EXAMPLE_LINES[i % len(decl.EXAMPLE_LINES)], "value": 1000 + 7 * i} for i in range(lines)])
    build.save(wb, path)
    return path
