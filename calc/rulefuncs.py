"""Rules in the sheet: an accountant audits a rate with TR_RATE next to the result.

>>> from trcalc.calc import call
>>> call("TR_RATE", "kdv.general_rate", "2023-07-10")
Decimal('0.2')
"""
from __future__ import annotations

from . import stamp
from .coerce import CodeSet
from .registry import AS_OF, Arg, function, kind
from .rules.store import book


@function("TR_RATE", topic="rules", result="any",
          summary_tr="Bir kural parametresinin tarihteki değeri",
          summary_en="a rule parameter's value on a date",
          args=[Arg("name", "text", "Parametre adı (örn. kdv.general_rate)", "parameter name (e.g. kdv.general_rate)"),
                AS_OF])
def tr_rate(ctx, name, date):
    value = ctx.rule(name)
    return ", ".join(value) if isinstance(value, tuple) else value


# A rules version as a cell holds it: any text (a number or date typed there is read as its text).
kind("rules_version", lambda value, arg: str(value).strip(), "string")


@function("TR_RULES_VERSION", topic="rules", result="text",
          summary_tr="Kural verisinin sürümü ve son gözden geçirme tarihi; verilen sürümden farklıysa uyarı",
          summary_en="rules data version and the date it was last reviewed; a warning when it differs from the one given",
          args=[Arg("last_computed", "rules_version",
                    "Çalışma kitabının son hesaplandığı kural sürümü (boş: yalnız sürümü göster)",
                    "the rules version the workbook was last computed with (empty: just show the version)",
                    optional=True, excel="son_hesap")])
def tr_rules_version(ctx, last_computed=None):
    """The version that computes this cell: the installed rules in local mode, the server's in remote mode
    (the add-ins send the call there). Given the version the workbook was last computed with (a cell the
    team keeps, e.g. the name TRCALC_RULES_VERSION), a different one is a warning in the cell."""
    rb = book()
    shown = f"{rb.version} (gözden geçirme {rb.meta.reviewed:%d.%m.%Y})"
    given = (last_computed or "").strip().split(" (")[0]
    if given and given != rb.version:
        return (f"UYARI: kural sürümü {rb.version}, bu çalışma kitabı {given} ile hesaplanmıştı; sonuçlar "
                f"farklı olabilir — WARNING: rules {rb.version}, this workbook was last computed with {given}; "
                "results may differ")
    return shown


STAMP_PARTS = CodeSet("damga kalemi", what_en="stamp-item", codes={
    "KURALLAR": ["Kurallar sürümü", "Kural sürümü", "RULES"],
    "ZAMAN": ["Hesaplama zamanı", "Zaman", "TIME"],
    "BULTENLER": ["TCMB bültenleri", "Bültenler", "BULLETINS"],
    "TRCALC": ["trcalc sürümü", "VERSION"],
})
assert STAMP_PARTS.codes == tuple(code for code, _ in stamp.PARTS)        # one list of the stamp's rows
kind("stamp_part", STAMP_PARTS.read, "string", STAMP_PARTS.codes)


@function("TR_STAMP", topic="rules", result="text",
          summary_tr="Hesaplama damgası: kural sürümü, hesaplama zamanı (Türkiye), TCMB bültenleri ya da trcalc sürümü",
          summary_en="the computation stamp: rules version, time of computation (Türkiye), TCMB bulletins or trcalc "
                     "version",
          args=[Arg("stamp_part", "stamp_part", "Kalem: KURALLAR, ZAMAN, BULTENLER, TRCALC",
                    "item: KURALLAR (rules version), ZAMAN (time), BULTENLER (TCMB bulletins), TRCALC (version)",
                    excel="damga_kalemi")])
def tr_stamp(ctx, stamp_part):
    """The templates' stamp cells (issue 25.5): filled by `trcalc compute` and the upload with that
    computation's stamp, and by an add-in's recalculation (Excel, Office, Lite) with its own: the rules
    version computing (the server's in remote mode), now in Türkiye, the trcalc version; the bulletins
    are named in each row's breakdown there."""
    return stamp.live(stamp_part, ctx.version)


# The message of a failing call, as a value (issue 28.1). A failing cell is a #VALUE! error on every path, and
# LibreOffice Calc shows only the code of an add-in's error (its add-in contract, com.sun.star.sheet.AddIn,
# carries no message: an exception is Err:519); Excel's xlwings add-in, too, shows #VALUE! alone. This
# function runs the same call and gives its message, or "" when it succeeds, in a cell beside it.
kind("as_given", lambda value, arg: value, "any")
MESSAGE_VALUES = 14                     # the most arguments a registry function takes (TR_IMPORT_TAX_PART)


@function("TR_ERROR_TEXT", topic="rules", result="text",
          summary_tr="Bir trcalc çağrısının hata iletisi (başarılıysa boş): #DEĞER! veren hücrenin işlev adı ve "
                     "aynı bağımsız değişkenleriyle",
          summary_en="the error message of a trcalc call (empty when it succeeds): give the name and the same "
                     "arguments as the cell showing #VALUE!",
          args=[Arg("function", "text", "İşlevin adı (örn. TR_TEV)", "the function's name (e.g. TR_TEV)", excel="islev"),
                *[Arg(f"value{i}", "as_given", f"İşlevin {i}. bağımsız değişkeni", f"the function's argument {i}",
                      optional=True, excel=f"deger{i}") for i in range(1, MESSAGE_VALUES + 1)]])
def tr_error_text(ctx, function, *values):
    from .errors import CalcError
    from .registry import get
    fn = get(function)
    if fn.name == "TR_ERROR_TEXT":
        raise CalcError("invalid", "TR_ERROR_TEXT kendini çağıramaz", "TR_ERROR_TEXT cannot call itself", "islev")
    values = list(values)
    while values and values[-1] is None:
        values.pop()
    try:
        fn(*values, overrides=ctx.overrides)
    except CalcError as exc:
        return exc.message
    return ""
