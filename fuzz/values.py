"""Hostile and ordinary cell values: what Excel, JSON, a CLI or a careless user may hand over."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import numpy as np

from trcalc.calc.registry import KINDS

NUMBERS = [
    0, 1, -1, 2, 13, 19, 45000, 2958465, 2958466, 10**15, 10**15 - 1, -10**15, 10**400, -(10**400),
    0.0, -0.0, 0.1, 0.5, 0.999999999, 1e-9, 1e-10, 5e-324, 2.2250738585072014e-308, 1e308, 1.7976931348623157e308,
    float("nan"), float("inf"), float("-inf"), 3.1e-184, 1e15, 999999999999999.9, 0.30000000000000004,
    Decimal("0"), Decimal("-0"), Decimal("-0.00"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
    Decimal("-Infinity"), Decimal("1e999999999"), Decimal("1e-999999999"), Decimal("0." + "9" * 40),
    Decimal("68554.75"), Decimal("0.005"), Decimal("12.345"), Decimal("1E+3"), Decimal("-5"),
]
TEXTS = [
    "", " ", "\t", "\n", "0", "-0", "-0.0", "+0", "1", "13", "13.0", "1.3", "1,3", "13,0", "-13", "0x10",
    "18%", "%18", "%4,5", "225%", "%-5", "%", "%%", "50 %", "1.234,56", "1,234.56", "1.500", "1,500", "1 234,5",
    "1e3", "1e999999999", "1E-999999", "-1e-999999", "0." + "9" * 60, "9" * 400, "1" + "0" * 4400,
    "NaN", "nan", "Infinity", "-inf", "∞", "١٢٣", "１２３", "½", "DOĞRU", "YANLIŞ", "TRUE", "false", "evet",
    "2025-03-01", "2025-02-30", "24.11.2026", "29.02.2023", "1899-12-31", "2200-01-01", "9999-12-31",
    "0000-00-00", "2025-13-01", "45000", "45000.5", "2958466", "2025-03-01T10:00:00", "2025-03-01 10:00",
    "DE", "de", "GB", "İngiltere", "Almanya", "AB", "AB DIŞI", "EU", "XX", "ZZZ", "TR", "KR", "CN", "US",
    "ATR", "A.TR", "EUR.1", "EUR-MED", "FATURA", "YOK", "REKLAM", "TANITIM", "SIPARIS", "DEPO", "ENTEGRASYON",
    "MAGAZA", "KOMISYON", "SIRKET", "Şirket", "PERAKENDE", "B2B", "PAZARYERI", "KONSORSIYUM", "GENEL", "OTV4",
    "KITAP", "ILAC", "NUMUNE", "TUZEL", "kdv.general_rate", "tev.penalty_fraction", "eexport.window_years",
    "interest.late_monthly_rate", "nope.param", "=1+1", "=cmd|' /C calc'!A0", "#N/A", "#DIV/0!", "NULL",
    "None", "null", "'; DROP TABLE x; --", "<script>alert(1)</script>", "../../etc/passwd", "\x00", "\udcff",
    "ı" * 300, "a" * 5000, "İ", "ß", "ﬁ", "𝟙𝟛", "\u202e13", "1\u00a0234,5",
]
DATES = [dt.date(1900, 1, 1), dt.date(2199, 12, 31), dt.date(1899, 12, 31), dt.date(2200, 1, 1), dt.date(1, 1, 1),
         dt.date(9999, 12, 31), dt.date(2024, 2, 29), dt.date(2025, 6, 1), dt.date(2026, 1, 3),
         dt.datetime(2025, 3, 1, 23, 59), dt.datetime(1, 1, 1)]
ODD = [None, True, False, [], [1], [[1, 2]], {}, {"a": 1}, (1, 2), set(), b"13", bytearray(b"1"), object(),
       np.float64(2.5), np.int64(3), np.float32(0.1), np.array(5.0), np.array([1, 2]), np.bool_(True),
       np.datetime64("2025-01-01"), np.float64("nan"), 1j, range(3)]


def _plausible(kind: str, rng: random.Random):
    """A value of the argument's own kind, so that the fuzzer also gets past the readers."""
    choices = KINDS[kind].choices
    if choices and rng.random() < 0.7:
        return rng.choice(choices)
    if kind in ("number", "money", "positive"):
        return rng.choice([rng.uniform(0, 10**rng.randint(0, 15)), round(rng.uniform(0, 1e6), 2),
                           rng.randint(1, 10**6), str(round(rng.uniform(0, 1e5), 2))])
    if kind in ("rate", "waste"):
        return rng.choice([round(rng.random(), rng.randint(0, 6)), f"{rng.randint(0, 100)}%", 0.999999999])
    if kind in ("date",):
        return rng.choice([dt.date(rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28)),
                           f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2000, 2030)}",
                           rng.randint(30000, 60000)])
    if kind == "year":
        return rng.choice([rng.randint(1990, 2110), f"{rng.randint(2000, 2030)}-06-01"])
    if kind == "count":
        return rng.choice([rng.randint(-2, 40), rng.random() * 10])
    if kind == "bool":
        return rng.choice([True, False, 0, 1, "DOĞRU", "YANLIŞ"])
    if kind in ("country", "origin"):
        return rng.choice(["DE", "FR", "CN", "US", "GB", "AB", "AB DIŞI", "İngiltere", "KR", "CH", "MA", "JO"])
    return rng.choice(TEXTS)


def value(kind: str, rng: random.Random):
    r = rng.random()
    if r < 0.45:
        return _plausible(kind, rng)
    if r < 0.65:
        return rng.choice(NUMBERS)
    if r < 0.85:
        return rng.choice(TEXTS)
    if r < 0.93:
        return rng.choice(DATES)
    return rng.choice(ODD)


def args_for(fn, rng: random.Random) -> list:
    n = len(fn.args)
    count = rng.choice([n, n, n, fn.required, rng.randint(0, n + 2)])
    kinds = [a.kind for a in fn.args] + ["text"] * 3
    return [value(kinds[i], rng) if rng.random() > 0.05 else None for i in range(count)]


def overrides(rng: random.Random, params: list[str]):
    if rng.random() < 0.8:
        return None
    if rng.random() < 0.05:
        return rng.choice(["foo", ["a"], 5, {"": 1}])
    return {rng.choice(params + ["nope", ""]): rng.choice(NUMBERS + TEXTS + ODD[:6])
            for _ in range(rng.randint(1, 3))}
