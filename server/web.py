"""The Turkish web calculator: a start page, one page per main function, a workbook upload.

Every function with a `_DETAIL` twin gets a page at /hesap/<NAME>, made from the registry:
one field per argument under its Turkish label (a drop-down with names beside codes where
the argument takes a code or a country), the result, how each value was read, the
breakdown (formatted by `calc.present`) and its legal basis in its own section.  Plain GET
forms, so the result's address is a link to share; a print stylesheet makes the page the
one A4 sheet an accountant files.  No inline script or style (the server's
Content-Security-Policy allows only this site's own files).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup, escape

from trcalc.calc import CalcError
from trcalc.calc.dates import istanbul_today
from trcalc.calc.money import fmt, fmt_num
from trcalc.calc.present import breakdown_text
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book

from .webform import COUNTRY_KINDS, choices, countries, read_form

bp = Blueprint("web", __name__)

TOPICS = {
    "imports": ("İthalat (posta ve hızlı kargo)",
                "Bireysel gönderilerde vergi: rejim, gümrük vergisi, KDV ve toplam maliyet."),
    "customs": ("Ticari ithalat (gümrük beyannamesi)",
                "Beyanname kalemi başına GV, İGV, ÖTV, KKDF, KDV ve damga vergisi."),
    "fx": ("Döviz kurları", "TCMB kurları ve gümrükte kullanılan kur."),
    "tev": ("Dahilde işleme: TEV", "Dahilde işleme rejiminde telafi edici vergi, gecikme zammı ve ceza."),
    "export": ("İhracat: mikro ihracat ve KDV iadesi", "Mikro ihracat sınırları ve ihracatta KDV iadesi."),
    "eexport": ("E-ihracat destekleri", "Destek tutarı, yıllık üst sınırlar ve 3 yıllık sürenin sonu."),
    "rules": ("Kurallar", "Kural parametreleri ve sürümü."),
}
_URL = re.compile(r"https?://[^\s;,)]+")


def pages() -> list:
    order = list(TOPICS)
    return [REGISTRY[n] for n in sorted(REGISTRY, key=lambda n: (
        order.index(REGISTRY[n].topic) if REGISTRY[n].topic in order else len(order), n))
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


def linked(text: str) -> Markup:
    """A source text with its URLs as links (everything else escaped)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [escape(text[last:m.start()]), Markup('<a href="{0}" rel="noopener">{0}</a>').format(m.group())]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def sections(rows: list[list[str]]) -> tuple[list, list, list]:
    """The breakdown's steps, its warnings and its legal basis (sources), apart."""
    steps, warnings, basis = [], [], []
    for label, formula, amount in rows[1:]:
        if label.startswith("Kaynak") or label == "Yasal dayanak":
            name = label.removeprefix("Kaynak: ")
            # the parameter's Turkish description, not its internal name
            described = book().descriptions.get(name, name).split(" / ")[0]
            basis.append((described, linked(formula), amount))
        elif label == "Uyarı":
            warnings.append(formula)
        elif label != "Kurallar sürümü":
            steps.append((label, formula, amount))
    return steps, warnings, basis


@bp.get("/")
def index():
    return render_template("index.html", pages=pages(), topics=TOPICS, version=book().version)


@bp.get("/hesap/<name>")
def page(name: str):
    fn = REGISTRY.get(name.upper())
    if fn is None or f"{fn.name}_DETAIL" not in REGISTRY:
        abort(404)
    # A bookmark with the older English field names (?goods=…) still fills the form.
    raw = {a.excel: request.args.get(a.excel, request.args.get(a.name, "")) for a in fn.args}
    form = read_form(fn, raw)
    result = steps = warnings = basis = general = None
    if form.filled and not form.errors:
        try:
            value, rows, unit = fn.evaluate(form.args)
            result = show(value, unit)
            steps, warnings, basis = sections(breakdown_text(rows))
        except CalcError as exc:
            if exc.argument in raw:
                form.errors[exc.argument] = exc
            else:
                general = exc
    labels = {a.excel: a.doc_tr for a in fn.args}
    fields = [{"arg": a, "value": raw[a.excel], "error": form.errors.get(a.excel),
               "choices": None if a.kind in COUNTRY_KINDS else choices(a.kind),
               "countries": a.kind in COUNTRY_KINDS, "kind": a.kind, "read": form.read[a.excel]}
              for a in fn.args]
    return render_template("calc.html", fn=fn, fields=fields, errors=form.errors, labels=labels,
                           general=general, result=result, steps=steps, warnings=warnings, basis=basis,
                           countries=countries(), today=istanbul_today().strftime("%d.%m.%Y"),
                           version=book().version, pages=pages(), topics=TOPICS)


@bp.get("/yukle")
def upload():
    return render_template("upload.html", version=book().version)


def not_found_page():
    return render_template("error.html", status=404, title="Sayfa bulunamadı",
                           message="Aradığınız sayfa yok. Hesaplayıcıların listesi başlangıç sayfasında.",
                           version=book().version), 404
