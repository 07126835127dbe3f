"""Large filled DİR workbooks for the compute benchmark (seed 004's case, repeated with variations),
edited as an accountant would: a row inserted in the middle with its formulas copied."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from trcalc.templates import build
from trcalc.templates.build import EXPORTS, IMPORTS, NORMS, _fill
from trcalc.templates.dir_tev import RATES


def dir_tev(lines: int, path: Path, edited: bool = True, fx=None, flavour=None) -> Path:
    """`fx`: None — a typed rate per currency and date on Kurlar; "TCMB" — no typed rates (the customs
    rate of each export date); a number — that rate everywhere. `flavour`: how the template spells its
    formulas (None: the Excel templates; the LibreOffice extension's `CALC`)."""
    wb = build.build_dir(lines, flavour) if flavour is not None else build.build_dir(lines)
    d = dt.date
    _fill(wb["İthalat"], IMPORTS, [
        {"decl": f"IM{i}", "date": d(2025, 1, 1 + i), "input": "IPLIK" if i % 2 else "BOYA",
         "qty": 10000 * lines // 10, "unit": "kg", "value": 100000 * lines // 10 + i,
         "currency": "USD" if i % 3 else "EUR", "duty_rate": 0.10 if i % 2 else 0.065, "origin": "CN"}
        for i in range(10)])
    _fill(wb["Normlar"], NORMS, [
        {"product": "KUMAS", "input": "IPLIK", "consumption": 1},
        {"product": "KUMAS", "input": "BOYA", "consumption": 0.03, "waste": 0.1},
    ])
    if fx != "TCMB":
        _rows_for(wb, "Kurlar", 12 * 28 * 2)
        _fill(wb["Kurlar"], RATES, [{"currency": c, "date": d(2025, m, day),
                                     "rate": fx if fx is not None else 30 + m / 10 + (c == "EUR")}
                                    for m in range(1, 13) for day in range(1, 29) for c in ("USD", "EUR")])
    dests = [("DE", "ATR"), ("GB", "EUR1"), ("EG", "EUR1"), ("CH", "FATURA")]
    _fill(wb["İhracat"], EXPORTS, [
        {"decl": f"EX{i:06d}", "date": d(2025, 1 + i % 12, 1 + i % 28), "product": "KUMAS",
         "input": "IPLIK" if i % 2 else "BOYA", "qty": 5 + i % 50, "destination": dests[i % 4][0],
         "certificate": dests[i % 4][1],
         **({"paid": d(2025, 12, 31), "voluntary": "YANLIŞ"} if i % 25 == 0 else {})}
        for i in range(lines)])
    if edited:
        from tests.edits import insert_rows
        middle = 5 + lines // 2
        insert_rows(wb, "İhracat", middle, copy_formulas_from=middle - 1)
        for key, v in zip(("decl", "date", "product", "input", "qty", "destination", "certificate"),
                          ("EXNEW", "15.06.2025", "KUMAS", "IPLIK", 7, "DE", "ATR")):
            col = [c.key for c in EXPORTS].index(key) + 1
            wb["İhracat"].cell(middle, col, v)
    build.save(wb, path)
    return path


def _rows_for(wb, sheet: str, n: int) -> None:
    """Make the table on `sheet` hold n rows, inserting rows inside it with their formulas copied — as
    the template tells the accountant to (each row's read date comes from its own formula)."""
    from trcalc.templates.sheets import FIRST_ROW
    from tests.edits import insert_rows
    ws = wb[sheet]
    rows = [r for (r, c), cell in ws._cells.items() if cell.data_type == "f"]
    have = max(rows) - FIRST_ROW + 1 if rows else n          # no formulas: values may go anywhere below
    if n > have:
        insert_rows(wb, sheet, FIRST_ROW + 1, n - have, copy_formulas_from=FIRST_ROW)


def ithalat_beyanname(lines: int, path: Path) -> Path:
    """A declaration of `lines` lines: the example's four lines, repeated with varying values."""
    from trcalc.templates import ithalat_beyanname as decl
    wb = decl.example(lines)
    _fill(wb[decl.SHEET], decl.LINE_COLS, [
        {**decl.EXAMPLE_LINES[i % len(decl.EXAMPLE_LINES)], "value": 1000 + 7 * i} for i in range(lines)])
    build.save(wb, path)
    return path
