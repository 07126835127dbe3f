"""The Turkish web calculator: one page per main function, made from the registry.

Every function with a `_DETAIL` twin gets a page at /hesap/<NAME>: a form with
one field per argument (a drop-down where the argument takes a code), the
result in Turkish number format and the step-by-step table.  Plain HTML
forms (GET, so a result can be bookmarked or sent to a colleague): no
JavaScript framework, nothing to install.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Blueprint, abort, render_template, request

from calc import CalcError
from calc.money import fmt, fmt_num
from calc.registry import KINDS, REGISTRY
from calc.rules.store import book

bp = Blueprint("web", __name__)

TOPICS = {"imports": "İthalat (posta ve hızlı kargo)", "customs": "İthalat (ticari beyanname)", "tev": "Dahilde işleme: TEV",
          "export": "İhracat: mikro ihracat ve KDV iadesi", "eexport": "E-ihracat destekleri",
          "fx": "Döviz kurları (TCMB)", "rules": "Kurallar"}


def pages() -> list:
    return [REGISTRY[n] for n in sorted(REGISTRY, key=lambda n: (list(TOPICS).index(REGISTRY[n].topic), n))
            if f"{n}_DETAIL" in REGISTRY]


def show(value, unit: str = "") -> str:
    if isinstance(value, bool):
        return "Evet (DOĞRU)" if value else "Hayır (YANLIŞ)"
    if isinstance(value, Decimal):
        # an assessed amount (kuruş) keeps its two decimals; other numbers show what they have
        text = fmt(value) if unit or value.as_tuple().exponent == -2 else fmt_num(value)
        return f"{text} {unit}".strip()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


@bp.get("/")
def index():
    return render_template("index.html", pages=pages(), topics=TOPICS, version=book().version)


@bp.get("/hesap/<name>")
def page(name: str):
    fn = REGISTRY.get(name.upper())
    if fn is None or f"{fn.name}_DETAIL" not in REGISTRY:
        abort(404)
    # A bookmark with the older English field names (?goods=…) still fills the form.
    values = {a.excel: request.args.get(a.excel, request.args.get(a.name, "")) for a in fn.args}
    result = error = table = None
    if request.args:
        try:
            value, rows, unit = fn.evaluate([values[a.excel] or None for a in fn.args])
            result = show(value, unit)
            table = [[show(c) for c in row] for row in rows[1:]]
        except CalcError as exc:
            error = exc
    fields = [{"arg": a, "value": values[a.excel], "choices": KINDS[a.kind].choices, "kind": a.kind}
              for a in fn.args]
    return render_template("calc.html", fn=fn, fields=fields, result=result, error=error, table=table,
                           version=book().version, pages=pages(), topics=TOPICS)
