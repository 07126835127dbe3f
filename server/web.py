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

import collections
import threading

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup, escape

from trcalc.calc import CalcError, stamp
from trcalc.calc.dates import istanbul_today
from trcalc.calc.errors import TrcalcError
from trcalc.calc.money import fmt, fmt_num
from trcalc.calc.present import breakdown_text
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book

from .webform import COUNTRY_KINDS, RATE_KINDS, choices, countries, read_form

bp = Blueprint("web", __name__)
TURKEY = dt.timezone(dt.timedelta(hours=3), "TRT")      # Türkiye: UTC+3 all year since 2016

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
# Each calculator's page title: the task it does, as an accountant names it (issue 25.4); the
# function's name stays beside it, for the colleague who types it in Excel.
TASKS = {
    "TR_DUTY": "Posta/kargo ithalat vergisi",
    "TR_POSTAL_STAMP": "Posta gönderisinin damga vergisi",
    "TR_DECLARATION_STAMP": "Gümrük beyannamesi damga vergisi",
    "TR_IMPORT_TAXES": "Ticari ithalat vergileri (beyanname)",
    "TR_CUSTOMS_FX": "Gümrük kuru (beyan tarihine göre)",
    "TR_FX": "TCMB döviz kuru",
    "TR_LATE_INTEREST": "Gecikme zammı",
    "TR_TEV": "Telafi edici vergi (TEV)",
    "TR_TEV_APPLIES": "TEV doğar mı?",
    "TR_TEV_PENALTY": "TEV para cezası",
    "TR_EXPORT_KDV_REFUND": "İhracatta KDV iadesi",
    "TR_MICRO_EXPORT": "Mikro ihracat sınırları",
    "EIHR_CAP": "E-ihracat desteği ve üst sınırı",
    "TR_GTIP_RATE": "GTİP'e göre vergi oranı",
    "TR_GTIP_RATES": "GTİP'in bütün vergileri",
    "TR_STAMP_SHARE": "Damga vergisinin kaleme düşen payı",
    "TR_DUE_DATE": "Son ödeme günü (tatile rastlarsa)",
    "TR_IS_WORKDAY": "İş günü mü?",
}
# The quick form (issue 25.6): on a page of more than FOLD_ABOVE fields, the required fields and these
# optional ones; the rest under "Diğer alanlar" (open as soon as one of them is filled). A currency and its
# rate go together (the parcel page's doviz and doviz_kuru, issue 25.6); code and origin: the tariff book
# (issue 27).
QUICK = {"duty_rate", "date", "fx", "currency", "currency_fx", "code", "origin"}
FOLD_ABOVE = 8
_URL = re.compile(r"https?://[^\s;,)]+")


# The web's own wording of an error (issue 25.2): a form speaks of fields, not of Excel's arguments.
REQUIRED = ("Bu alan zorunlu", "This field is required")
FX_FIELD = ("TCMB kuru şu anda alınamadı; kuru bu alana TL olarak elle yazabilirsiniz (örneğin 34,5678).",
            "The TCMB rate could not be fetched just now; you can type the rate in this field.")
FX_PAGE = ("TCMB kuru şu anda alınamadı; biraz sonra yeniden deneyin.",
           "The TCMB rate could not be fetched just now; try again a little later.")

# The last TCMB outages, with the administrator's details, for /durum (and the log).
OUTAGES: collections.deque = collections.deque(maxlen=20)
_OUTAGES_LOCK = threading.Lock()


class WebError(TrcalcError):
    """An error as a form shows it: Turkish, then English (the page sets the English apart)."""
    code = "form"


# The tariff book on the web (issue 27.4): a GTİP the server's book lacks, and a line with neither a duty
# rate nor a GTİP, in the words of a person at a form (the team lead loads the lists, not the user).
NOT_IN_BOOK = ("GTİP {code} bu sunucunun tarife kitabında yok. Bu kalemin oranlarını elle yazın ya da ekip "
               "yöneticinizden bu kodu içeren tarife listesini sunucuya yüklemesini isteyin (trcalc tariff import).",
               "GTİP {code} is not in this server's tariff book. Type the line's rates, or ask your team lead to "
               "load a tariff list with this code on the server (trcalc tariff import).")
RATE_OR_CODE = ("Bu alan zorunlu — ya da GTİP ve menşe girin: oranlar tarife kitabından gelir.",
                "This field is required — or give the GTİP and origin: the rates come from the tariff book.")


def worded(exc: CalcError) -> WebError:
    """A CalcError in a form's words: "Bu alan zorunlu"; no "bağımsız değişken" (Excel's word)."""
    if exc.code == "missing" and "bağımsız değişken" in exc.message_tr:     # the registry's generic "empty"
        return WebError(*REQUIRED)
    if exc.code == "missing" and exc.argument == "gv_orani" and "ya da GTİP" in exc.message_tr:   # TR_IMPORT_TAXES
        return WebError(*RATE_OR_CODE)
    if exc.code == "no_rule" and exc.argument == "gtip" and "tarife kitabında yok" in exc.message_tr:
        code = exc.message_tr.split()[1]
        return WebError(NOT_IN_BOOK[0].format(code=code), NOT_IN_BOOK[1].format(code=code))
    return WebError(exc.message_tr.replace("bağımsız değişken", "alan"),
                    exc.message_en.replace("argument", "field"))


def outage(fn, exc: CalcError) -> tuple[str | None, WebError]:
    """A TCMB outage: the administrator's details to the log and /durum; the person gets one sentence,
    on the rate field when the page has one (they can type the rate there)."""
    detail = exc.message
    current_app.logger.warning("TCMB kuru alınamadı / TCMB rate unavailable (%s): %s", fn.name, detail)
    with _OUTAGES_LOCK:
        OUTAGES.appendleft((dt.datetime.now(dt.timezone.utc), fn.name, detail))
    field = next((a.excel for a in fn.args if a.kind == "fx"), None)
    return field, WebError(*(FX_FIELD if field else FX_PAGE))


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


def link_text(url: str) -> str:
    """A URL as a link's text: its site and the start of its path, short enough to sit in a column
    (an unbroken 120-character address would make a phone page wider than the phone).

    >>> link_text("https://www.resmigazete.gov.tr/eskiler/2024/08/20240806-2.pdf")
    'resmigazete.gov.tr/eskiler/2024/…'
    """
    rest = url.split("://", 1)[-1].removeprefix("www.")
    return rest if len(rest) <= 32 else rest[:31].rstrip("/.-_") + "…"


def linked(text: str) -> Markup:
    """A source text with its URLs as links (everything else escaped)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [escape(text[last:m.start()]),
                Markup('<a href="{0}" rel="noopener" title="{0}">{1}</a>').format(m.group(), link_text(m.group()))]
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
    return render_template("index.html", pages=pages(), topics=TOPICS, tasks=TASKS, version=book().version)


@bp.get("/hesap/<name>")
def page(name: str):
    fn = REGISTRY.get(name.upper())
    if fn is None or f"{fn.name}_DETAIL" not in REGISTRY:
        abort(404)
    # A bookmark with the older English field names (?goods=…) still fills the form.
    raw = {a.excel: request.args.get(a.excel, request.args.get(a.name, "")) for a in fn.args}
    # A page opens clean: fields are checked once the form was sent (any field in the address).
    submitted = any(a.excel in request.args or a.name in request.args for a in fn.args)
    form = read_form(fn, raw)
    errors = {name: worded(e) for name, e in form.errors.items()} if submitted else {}
    result = steps = warnings = basis = general = None
    stamp_text = None
    if submitted and not form.errors:
        try:
            with stamp.bulletins() as used:
                value, rows, unit = fn.evaluate(form.args)
            stamp_text = stamp.line(stamp.now(), book().version, used)
            result = show(value, unit)
            steps, warnings, basis = sections(breakdown_text(rows))
        except CalcError as exc:
            if exc.code == "no_rate":
                name, message = outage(fn, exc)
                if name:
                    errors[name] = message
                else:
                    general = message
            elif exc.argument in raw:
                errors[exc.argument] = worded(exc)
            else:
                general = worded(exc)
    labels = {a.excel: a.doc_tr for a in fn.args}
    fields = [{"arg": a, "value": raw[a.excel], "error": errors.get(a.excel),
               "choices": None if a.kind in COUNTRY_KINDS else choices(a.kind),
               "countries": a.kind in COUNTRY_KINDS, "kind": a.kind, "read": form.read[a.excel],
               "rate": a.kind in RATE_KINDS, "note": form.notes.get(a.excel) if submitted else None,
               "shown": submitted and raw[a.excel].strip() and a.excel not in errors,
               "quick": not a.optional or a.name in QUICK or len(fn.args) <= FOLD_ABOVE}
              for a in fn.args]
    return render_template("calc.html", fn=fn, task=TASKS.get(fn.name, fn.summary_tr), stamp=stamp_text, fields=fields, errors=errors, labels=labels,
                           general=general, result=result, steps=steps, warnings=warnings, basis=basis,
                           countries=countries(), today=istanbul_today().strftime("%d.%m.%Y"),
                           version=book().version, pages=pages(), topics=TOPICS)


@bp.get("/durum")
def status():
    """For the administrator: the rules version, the rate store and the last TCMB outages in full."""
    from trcalc.calc.fxstore import default_path
    with _OUTAGES_LOCK:
        outages = [(f"{t.astimezone(TURKEY):%d.%m.%Y %H:%M:%S}", name, detail) for t, name, detail in OUTAGES]
    return render_template("status.html", version=book().version, store=str(default_path()), outages=outages)


# The blank templates a web-only colleague downloads beside the upload (issue 25.6): Turkish titles.
BLANKS = {
    "ithalat_vergi": ("Posta/kargo gönderileri", "Gönderi listesi: rejim, vergiler, toplam maliyet, özet."),
    "ithalat_beyanname": ("Ticari ithalat beyannamesi", "Kalem kalem GV, İGV, ÖTV, KKDF, KDV; damga vergisi; toplamlar."),
    "dir_tev": ("Dahilde işleme (DİR): TEV", "İthalat, norm ve ihracat satırları: TEV, gecikme zammı, ceza."),
    "eihracat_destek": ("E-ihracat destekleri", "Harcama defteri: ödenecek destek, yıllık sınırlar, çeyrek toplamları."),
}


@bp.get("/yukle")
def upload():
    from trcalc.templates.build import KINDS
    blanks = [(kind, *BLANKS.get(kind, (kind, ""))) for kind in KINDS]
    return render_template("upload.html", version=book().version, blanks=blanks)


@bp.get("/sablon/<kind>.xlsx")
def blank(kind: str):
    """A blank template, as `trcalc templates` builds it (the package's file; built now when absent)."""
    import tempfile
    from pathlib import Path

    from flask import Response

    from trcalc.templates.build import KINDS, ROWS
    from trcalc.templates.common import save
    if kind not in KINDS:
        abort(404)
    path = Path(KINDS[kind].__file__).parent / f"{kind}.xlsx"
    if path.is_file():
        data = path.read_bytes()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / f"{kind}.xlsx"
            save(KINDS[kind].build(ROWS.get(kind, 200)), built)
            data = built.read_bytes()
    resp = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = f'attachment; filename="{kind}.xlsx"'
    return resp


def not_found_page():
    return render_template("error.html", status=404, title="Sayfa bulunamadı",
                           message="Aradığınız sayfa yok. Hesaplayıcıların listesi başlangıç sayfasında.",
                           version=book().version), 404
