"""`trcalc libreoffice --out DIR`: the LibreOffice Calc extension (`trcalc.oxt`).

Everything comes from the registry (nothing here lists a function or an argument). The extension is
a zip (LibreOffice Developer's Guide, "Extensions": META-INF/manifest.xml lists the parts by media
type, description.xml identifies it) holding:

- `trcalc.rdb` — the type library: interface `org.trcalc.calc.XFunctions`, one method per
  function, every argument `any` (so each may be a value, a range or left out), the result one
  value, or rows of values for a `_DETAIL` table (`methods`). Written by `typelib`, byte for byte
  what the SDK's unoidl-write writes.
- `trcalc_functions.py` — the Python UNO component (`component.py`) for `com.sun.star.sheet.AddIn`.
- `Addins.xcu` — the configuration Calc reads for add-in functions
  (/org.openoffice.Office.CalcAddIns/AddInInfo): each function's display name (the same public
  name as in Excel), Turkish and English description, category, the compatibility name that maps
  `TR_DUTY(` in an .xlsx to the add-in, and each argument's name (Excel's Turkish argument name)
  and help.
- `pythonpath/` — trcalc's pure-Python calc package with the rules and country table as JSON, as
  the xlwings Lite build lays it out (the standard library is all it needs: LibreOffice's own
  Python on Windows has no pydantic, PyYAML or pycountry).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from trcalc.calc import REGISTRY
from trcalc.calc.registry import Function
from trcalc.lite.build import _zip as zip_files            # one deterministic zip writer
from trcalc.lite.build import package_files, version
from trcalc.templates.build import KINDS, ROWS
from trcalc.templates.common import save
from trcalc.templates.sheets import Flavour

from . import typelib

HERE = Path(__file__).resolve().parent
MODULE, INTERFACE = "org.trcalc.calc", "XFunctions"
IMPLEMENTATION = "org.trcalc.calc.Functions"
IDENTIFIER = "org.trcalc.calc"
COMPONENT = "trcalc_functions.py"
CATEGORY = "Add-In"                  # one of Calc's category names (XAddIn::getProgrammaticCategoryName)

# How an .xlsx spells an add-in function so that LibreOffice binds it on opening: the add-in's
# programmatic name, "<implementation>.<method>" upper-cased, which is what Calc itself writes when it
# saves such a formula as .xlsx. (LibreOffice 7.4 does not bind the plain `TR_DUTY(` of an .xlsx to the
# add-in through Addins.xcu's CompatibilityName: tests/test_libreoffice_ext.py shows both.) The
# workbook engine reads this spelling too (workbook/compile.py function_name).
CALC_PREFIX = f"{IMPLEMENTATION.upper()}."
_CALL = re.compile(re.escape(CALC_PREFIX) + r"\w+\(")
_CELL = re.compile(r"^(?:(?:'(?:[^']|'')+'|[\w.]+)!)?\$?[A-Za-z]{1,3}\$?\d+$")


def _split_args(text: str, start: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose "(" ends just before `start`, and the index of its ")"."""
    args, depth, i, begin = [], 0, start, start
    while i < len(text):
        ch = text[i]
        if ch in "\"'":                                   # a string or a quoted sheet name, "" / '' inside
            i = text.index(ch, i + 1)
            while text.startswith(ch * 2, i):
                i = text.index(ch, i + 2)
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[begin:i])
            begin = i + 1
        i += 1
    args.append(text[begin:i])
    return args, i


_LITERAL = re.compile(r'^\s*(?:"(?:[^"]|"")*"|[+-]?[\d.]+(?:[eE][+-]?\d+)?%?|TRUE|FALSE)\s*$', re.I)
NO_VALUE_TEXT = "#DEĞER!"


def calc_arguments(formula: str) -> str:
    r"""Each argument of a trcalc call spelled the way Calc passes it to the extension as Excel would:

    - a single cell (`H5`, `Kurlar!$B$2`) as a one-cell range (`H5:H5`). Calc passes a single cell given
      to an add-in's `any` argument by its value, and an empty cell as the number 0
      (sc/source/core/tool/interpr4.cxx, ScInterpreter::ScExternal, SC_ADDINARG_VALUE_OR_ARRAY:
      GetCellValue), while Excel passes an empty cell as empty, which trcalc reads as an omitted argument
      (the templates leave optional columns such as the exchange rate blank). A range is passed as an array
      that keeps an empty cell empty; the extension reads a one-cell array as that cell.
    - any other argument but a constant (a range of a column, an expression) as IF(ISERROR(x);"#DEĞER!";x)
      (not IFERROR: see `no_iferror`).
      Calc calls no add-in function given an array holding an error value anywhere (the whole result is
      Err:504, tests/test_libreoffice_ext.py) — so one failing row of a column (a date that cannot be read)
      would make every row of every column computed from it an error. Wrapped, that row's element is the
      text "#DEĞER!", which no trcalc argument reads as a value: that row fails with its own message, the
      others compute. An empty cell of a range stays empty.

    >>> calc_arguments("IF(B5=\"\",\"\",ORG.TRCALC.CALC.FUNCTIONS.TR_DUTY(B5,N(C5),'Kur lar'!$H$5,\"a,b\",$D$4:$D$9,2))")
    'IF(B5="","",ORG.TRCALC.CALC.FUNCTIONS.TR_DUTY(B5:B5,IF(ISERROR(N(C5)),"#DEĞER!",N(C5)),\'Kur lar\'!$H$5:$H$5,"a,b",IF(ISERROR($D$4:$D$9),"#DEĞER!",$D$4:$D$9),2))'
    """
    out, i = [], 0
    while (m := _CALL.search(formula, i)) is not None:
        args, end = _split_args(formula, m.end())
        out.append(formula[i:m.end()])
        parts = []
        for a in args:
            cell = a.strip()
            if _CELL.match(cell):
                parts.append(f"{a}:{cell.split('!')[-1]}")
            elif not cell or _LITERAL.match(cell):
                parts.append(a)
            else:
                inner = calc_arguments(a)
                parts.append(f'IF(ISERROR({inner}),"{NO_VALUE_TEXT}",{inner})')
        out.append(",".join(parts))
        i = end
    out.append(formula[i:])
    return "".join(out)


_IFERROR = re.compile(r"(?<![\w.])IFERROR\(", re.I)


def no_iferror(formula: str) -> str:
    """Each IFERROR(x;y) written IF(ISERROR(x);y;x). Inside an IF of an array formula, LibreOffice 7.4
    computes IFERROR in time growing with the square of the rows (12,000 rows: 7.5 s against 0.2 s for the
    IF(ISERROR…) spelling, measured; both are jumps in its interpreter, only IFERROR's is slow there); the
    templates mask every computed column with IF(…="";"";…).

    >>> no_iferror('IF(A1="","",IFERROR(INDEX(B:B,IFERROR(C1,0)),""))')
    'IF(A1="","",IF(ISERROR(INDEX(B:B,IF(ISERROR(C1),0,C1))),"",INDEX(B:B,IF(ISERROR(C1),0,C1))))'
    """
    out, i = [], 0
    while (m := _IFERROR.search(formula, i)) is not None:
        args, end = _split_args(formula, m.end())
        out.append(formula[i:m.start()])
        if len(args) == 2:
            x, y = no_iferror(args[0]), no_iferror(args[1])
            out.append(f"IF(ISERROR({x}),{y},{x})")
        else:                                          # not IFERROR's two arguments: left as written
            out.append(formula[m.start():end + 1])
        i = end + 1
    out.append(formula[i:])
    return "".join(out)


@dataclass(frozen=True)
class CalcFlavour(Flavour):
    """The templates as Calc binds them to the extension: the add-in's name before each function, single
    cells passed as one-cell ranges and other arguments kept free of error values (`calc_arguments`),
    IFERROR spelled IF(ISERROR) (`no_iferror`), and each computed column one array formula as in the Excel
    templates (issue 23.1: the extension's column form, `columns`) — but a column calling a function with
    a text result (TR_DUTY_REGIME…) one formula per row, because such a function returns one value in Calc
    (see `columns`). `rows=True` writes every column per row (an older flavour)."""
    prefix: str = CALC_PREFIX
    rows: bool = False

    def apply(self, formula: str) -> str:
        return calc_arguments(no_iferror(super().apply(formula)))

    def per_row(self, col) -> bool:
        return self.rows or _one_value_call(col.formula)


CALC = CalcFlavour()


def _one_value_call(formula: str) -> bool:
    """Whether `formula` calls a registry function that returns one value in Calc (not in `columns`)."""
    rows = set(columns())
    return any(m[1] in REGISTRY and REGISTRY[m[1]].result != "table" and m[1] not in rows
               for m in re.finditer(r"(?<![\w.])([A-Z][A-Z0-9_]*)\(", formula))


_FORMULA = re.compile(rb"(<(?:\w+:)?f\b[^>]*>)([^<]*)(</(?:\w+:)?f>)")


def param_name(excel: str) -> str:
    """The argument's name in the type library: UNO IDL takes no underscore between lower-case
    letters (unoidl: "illegal identifier"), so `esya_bedeli` is `esyaBedeli` there; Calc shows the
    display name from Addins.xcu, the Excel name.

    >>> param_name("esya_bedeli"), param_name("tarih")
    ('esyaBedeli', 'tarih')
    """
    head, *rest = excel.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _excel(arg) -> str:
    return getattr(arg, "excel", None) or arg.name


def columns() -> list[str]:
    """The functions with the column form in Calc: every one whose result is a number, a date or TRUE/FALSE
    (and the functions of a whole column). Their results are declared as rows of values, so a range in
    gives a column out in one call (an array formula) and a single cell one row of one value.

    Not a function with a text result (nor TR_RATE, whose rule may be text): Calc 7.4 turns rows of values
    into a matrix whose text it does not put into the document's string pool
    (sc/source/core/tool/rangeseq.cxx, ScSequenceToMatrix::CreateMixedMatrix), and then `=A1="FLAT"` or
    COUNTIF(…;"FLAT") does not match the text a cell shows (tests/test_libreoffice_ext.py pins it) — so
    those return one value, and the Calc templates call them once per row (`CalcFlavour.per_row`)."""
    return sorted(n for n, fn in REGISTRY.items()
                  if fn.result not in ("table", "text", "any") or (fn.result == "any" and fn.column is not None))


def methods() -> list[tuple[str, list[str], str]]:
    """(name, parameter names, result type) of every registry function: rows of values for a `_DETAIL`
    table and for the column form (`columns`), one value for the others."""
    rows = set(columns())
    return [(name, [param_name(_excel(a)) for a in fn.args],
             typelib.TABLE if fn.result == "table" or name in rows else typelib.VALUE)
            for name, fn in sorted(REGISTRY.items())]


def _text(tr: str, en: str) -> str:
    return (f'<value xml:lang="tr">{escape(" ".join(tr.split()))}</value>'
            f'<value xml:lang="en">{escape(" ".join(en.split()))}</value>')


def _function_xcu(fn: Function) -> str:
    params = "".join(
        f'<node oor:name={quoteattr(param_name(_excel(a)))} oor:op="replace">'
        f'<prop oor:name="DisplayName">{_text(_excel(a), _excel(a))}</prop>'
        f'<prop oor:name="Description">{_text(a.doc_tr + (" (isteğe bağlı)" if a.optional else ""), a.doc_en + (" (optional)" if a.optional else ""))}</prop>'
        "</node>\n" for a in fn.args)
    return (f'<node oor:name={quoteattr(fn.name)} oor:op="replace">\n'
            f'<prop oor:name="DisplayName">{_text(fn.name, fn.name)}</prop>\n'
            f'<prop oor:name="Description">{_text(fn.summary_tr, fn.summary_en)}</prop>\n'
            f'<prop oor:name="Category"><value>{CATEGORY}</value></prop>\n'
            f'<prop oor:name="CompatibilityName"><value xml:lang="en-US">{fn.name}</value></prop>\n'
            f'<node oor:name="Parameters">\n{params}</node>\n</node>\n')


def addins_xcu() -> str:
    body = "".join(_function_xcu(REGISTRY[n]) for n in sorted(REGISTRY))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="CalcAddIns" oor:package="org.openoffice.Office">\n'
            f'<node oor:name="AddInInfo">\n<node oor:name="{IMPLEMENTATION}" oor:op="replace">\n'
            f'<node oor:name="AddInFunctions">\n{body}</node>\n</node>\n</node>\n</oor:component-data>\n')


def description_xml() -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<description xmlns="http://openoffice.org/extensions/description/2006" '
            'xmlns:d="http://openoffice.org/extensions/description/2006" '
            'xmlns:lo="http://libreoffice.org/extensions/description/2011" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            f'  <identifier value="{IDENTIFIER}"/>\n'
            f'  <version value="{version()}"/>\n'
            '  <dependencies>\n'
            '    <lo:LibreOffice-minimal-version value="7.0" d:name="LibreOffice 7.0"/>\n'
            '  </dependencies>\n'
            '  <display-name>\n'
            '    <name lang="tr">trcalc — Türk dış ticaret vergisi formülleri</name>\n'
            '    <name lang="en">trcalc — Turkish trade-tax formulas</name>\n'
            '  </display-name>\n'
            '</description>\n')


MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">\n'
            ' <manifest:file-entry manifest:full-path="trcalc.rdb" '
            'manifest:media-type="application/vnd.sun.star.uno-typelibrary;type=RDB"/>\n'
            f' <manifest:file-entry manifest:full-path="{COMPONENT}" '
            'manifest:media-type="application/vnd.sun.star.uno-component;type=Python"/>\n'
            ' <manifest:file-entry manifest:full-path="Addins.xcu" '
            'manifest:media-type="application/vnd.sun.star.configuration-data"/>\n'
            '</manifest:manifest>\n')


def component_source() -> str:
    text = (HERE / "component.py").read_text(encoding="utf-8")
    names = "(" + "".join(f"{n!r}, " for n in sorted(REGISTRY)) + ")"
    out, n = re.subn(r"^NAMES = \(\)", f"NAMES = {names}", text, flags=re.M)
    out, m = re.subn(r"^COLUMNS = \(\)", "COLUMNS = (" + "".join(f"{c!r}, " for c in columns()) + ")", out,
                     flags=re.M)
    assert n == 1 and m == 1
    return out


def files() -> dict[str, bytes]:
    parts = {
        "META-INF/manifest.xml": MANIFEST.encode(),
        "description.xml": description_xml().encode(),
        "Addins.xcu": addins_xcu().encode(),
        "trcalc.rdb": typelib.typelib(MODULE, INTERFACE, methods()),
        COMPONENT: component_source().encode(),
    }
    for name, data in package_files().items():
        if name.startswith("trcalc/lite/"):
            continue
        parts[f"pythonpath/{name}"] = data
    return parts


def oxt() -> bytes:
    """The extension: a zip with fixed times (the same registry, the same bytes), as the Lite wheel."""
    return zip_files(files())


def kurulum() -> str:
    """The install notes: the docs page docs/libreoffice.md (shipped in the wheel as trcalc.docs)."""
    from trcalc.calc.docs import DOCS
    return (DOCS / "libreoffice.md").read_text(encoding="utf-8")


def _unxml(text: str) -> str:
    return text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _xml(text: str) -> str:
    return escape(text)


def calc_flavour(data: bytes) -> bytes:
    """An .xlsx (bytes) with every registry function spelled for Calc (`CALC_PREFIX`); every other part
    is copied as it is. For a workbook made for Excel (the plain templates, a colleague's file)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                part = _FORMULA.sub(lambda m: m[1] + _xml(CALC.apply(_unxml(m[2].decode("utf-8")))).encode("utf-8") + m[3],
                                    part)
            z.writestr(info, part)
    return buf.getvalue()


def write(out: Path) -> list[Path]:
    """trcalc.oxt, the install notes, and every template in the Calc spelling (`sablonlar/`)."""
    out = Path(out)
    (out / "sablonlar").mkdir(parents=True, exist_ok=True)
    (out / "trcalc.oxt").write_bytes(oxt())
    (out / "KURULUM.md").write_text(kurulum(), encoding="utf-8")
    paths = [out / "trcalc.oxt", out / "KURULUM.md"]
    for kind, m in KINDS.items():
        path = out / "sablonlar" / f"{kind}.xlsx"
        save(m.build(ROWS.get(kind, 200), CALC), path)
        paths.append(path)
    return paths
