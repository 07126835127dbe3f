"""The floors the figures are compared with, measured in the same run."""
from __future__ import annotations

import io
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .measure import median_cpu

_CENT = Decimal("0.01")


def bare_duty(goods: float, freight: float, insurance: float, rate: float, kdv: float) -> Decimal:
    """A TR_DUTY's arithmetic and nothing else: CIF, duty and KDV in Decimal, half-up to the kuruş
    (the regular regime of the seed 60 + 10 + 5 at 20 %: 15.00 + 18.00 = 33.00)."""
    cif = Decimal(str(goods)) + Decimal(str(freight)) + Decimal(str(insurance))
    duty = (cif * Decimal(str(rate))).quantize(_CENT, ROUND_HALF_UP)
    vat = ((cif + duty) * Decimal(str(kdv))).quantize(_CENT, ROUND_HALF_UP)
    return duty + vat


def bare_duty_seconds(n: int) -> float:
    """Median CPU seconds for n bare TR_DUTY computations (measured as the figures set beside it are)."""
    assert bare_duty(60.0, 10.0, 5.0, 0.2, 0.2) == Decimal("33.00")
    return median_cpu(lambda: [bare_duty(60.0 + (i % 50), 10.0, 5.0, 0.2, 0.2) for i in range(n)], repeat=7)


def file_floor(path: Path) -> float:
    """Reading every part of an .xlsx and writing them into a new one: what any tool pays for the file."""
    def copy():
        out = io.BytesIO()
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
    return median_cpu(copy, repeat=3)
