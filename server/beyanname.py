"""A commercial import declaration with several lines on the web (issue 25.6): /beyanname.

The declaration's header (currency, rate — empty: TCMB's customs rate —, payment method, date) is typed
once; each line has its customs value and rates.  Every line is computed by the registry's own
TR_IMPORT_TAX_PART (one definition: the same figures as TR_IMPORT_TAXES and the ithalat_beyanname
template), the stamp duty once per declaration by TR_DECLARATION_STAMP, and the page shows each line,
the totals by tax and the amount payable.  Fields are read as on every calculator page
(`webform.read_form`: Turkish numbers, rates as percentages) and errors sit on their own field.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template, request

from trcalc.calc import CalcError, stamp
from trcalc.calc.customs import DECLARATION_CURRENCIES
from trcalc.calc.money import fmt
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book

from .webform import RATE_KINDS, choices, read_form

bp = Blueprint("beyanname", __name__)

FN = "TR_IMPORT_TAXES"
HEADER = ("currency", "fx", "payment", "date")
# a line's GTİP, origin, proof of origin and quantity fill its rates from the server's tariff book (issue 27.4)
LINE = ("value", "code", "origin", "certificate", "quantity", "duty_rate", "igv_rate", "otv", "antidumping",
        "other_costs", "kdv_rate")
# the columns of the result: (TR_IMPORT_TAX_PART's item, heading)
PARTS = (("DEGER", "Gümrük değeri (TL)"), ("GV", "GV"), ("IGV", "İGV"), ("OTV", "ÖTV"), ("DAMPING", "Damping"),
         ("KKDF", "KKDF"), ("KDV", "KDV"), ("TOPLAM", "Toplam vergi"))
MIN_LINES, MAX_LINES = 3, 40
TEXT_KINDS = {"gtip", "country", "certificate"}      # typed as text (no numeric keyboard on a phone)


def _args():
    fn = REGISTRY[FN]
    return fn, {a.name: a for a in fn.args}


def _lines_wanted(raw) -> int:
    filled = [int(k.rsplit("_", 1)[1]) for k, v in raw.items() if k.rsplit("_", 1)[-1].isdigit() and v.strip()]
    try:
        asked = int(raw.get("satir", "0") or 0)
    except ValueError:
        asked = 0
    return max(MIN_LINES, min(MAX_LINES, max([asked, *filled], default=0)))


@bp.get("/beyanname")
def page():
    from .web import TASKS, outage, worded
    fn, args = _args()
    raw = {k: v for k, v in request.args.items()}
    submitted = any(k in raw for k in ("doviz", "kur", "gumruk_degeri_1"))
    n = _lines_wanted(raw)
    header = [args[k] for k in HEADER]
    line_args = [args[k] for k in LINE]
    errors: dict[str, object] = {}
    general = None
    lines, totals, stamp_text, stamp_duty = [], None, None, None
    flags: list[tuple[int, str]] = []          # (line, the typed rates that differ from the tariff book)
    if submitted:
        with stamp.bulletins() as used:
            for i in range(1, n + 1):
                typed = {a.excel: raw.get(f"{a.excel}_{i}", "") for a in line_args}
                if not any(v.strip() for v in typed.values()):
                    continue
                values = {a.excel: raw.get(a.excel, "") for a in header} | typed
                form = read_form(fn, values)
                line_errors = {name: e for name, e in form.errors.items()}
                for name, e in line_errors.items():
                    key = name if name in {a.excel for a in header} else f"{name}_{i}"
                    errors.setdefault(key, worded(e))
                if line_errors:
                    continue
                try:
                    amounts = {part: REGISTRY["TR_IMPORT_TAX_PART"](part, *form.args) for part, _ in PARTS}
                    if typed.get("gtip", "").strip():
                        check = REGISTRY["TR_IMPORT_TAXES_CHECK"](*form.args)
                        if check:
                            flags.append((i, check))
                except CalcError as exc:
                    if exc.code == "no_rate":
                        name, message = outage(fn, exc)
                        if name:
                            errors.setdefault(name, message)
                        else:
                            general = message
                        break
                    key = exc.argument if exc.argument in {a.excel for a in header} else f"{exc.argument}_{i}"
                    errors.setdefault(key, worded(exc))
                    continue
                lines.append((i, amounts))
            if lines and not errors:
                totals = {part: sum((a[part] for _, a in lines), Decimal(0)) for part, _ in PARTS}
                try:
                    date = raw.get("tarih", "").strip() or None
                    stamp_duty = REGISTRY["TR_DECLARATION_STAMP"](date)
                except CalcError as exc:
                    errors.setdefault("tarih", worded(exc))
            elif not lines and not errors:
                errors["gumruk_degeri_1"] = worded(CalcError("missing", "zorunlu bağımsız değişken boş",
                                                             "required argument is empty", "gumruk_degeri"))
        stamp_text = stamp.line(stamp.now(), book().version, used)
    fields = [{"arg": a, "value": raw.get(a.excel, ""), "error": errors.get(a.excel),
               "choices": ([(c, c) for c in DECLARATION_CURRENCIES] if a.kind == "currency"
                           else choices(a.kind) if a.kind == "payment" else None),
               "rate": a.kind in RATE_KINDS} for a in header]
    rows = [[{"arg": a, "name": f"{a.excel}_{i}", "value": raw.get(f"{a.excel}_{i}", ""),
              "error": errors.get(f"{a.excel}_{i}"), "rate": a.kind in RATE_KINDS,
              "text": a.kind in TEXT_KINDS} for a in line_args]
            for i in range(1, n + 1)]
    labels = {a.excel: a.doc_tr for a in header}
    labels |= {f"{a.excel}_{i}": f"{i}. kalem — {a.doc_tr}" for i in range(1, n + 1) for a in line_args}
    payable = totals["TOPLAM"] + stamp_duty if totals is not None and stamp_duty is not None else None
    return render_template(
        "beyanname.html", fn=fn, task="Ticari ithalat beyannamesi (çok kalemli)", tasks=TASKS, fields=fields,
        rows=rows, n=n, errors=errors, labels=labels, general=general, parts=PARTS, flags=flags,
        lines=[(i, [fmt(a[p]) for p, _ in PARTS]) for i, a in lines],
        totals=[fmt(totals[p]) for p, _ in PARTS] if totals else None,
        stamp_duty=fmt(stamp_duty) if stamp_duty is not None else None,
        payable=fmt(payable) if payable is not None else None, stamp=stamp_text,
        version=book().version)
