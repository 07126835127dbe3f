"""Excel-facing argument names: valid VBA identifiers, no VBA keyword, Turkish in ASCII, one per argument.

xlwings' "Import Functions" writes one VBA `Function` per UDF with the Python parameter names as VBA
parameters (`xlwings.udfs.generate_vba_wrapper`). A keyword there is a compile error that disables the
whole module: xlwings issue #563 (https://github.com/xlwings/xlwings/issues/563, a parameter called
`currency`: "currency is a reserved name in VBA and can therefore not be used").

Sources of the word lists below:
- Microsoft, "Keywords (Visual Basic for Applications)",
  https://learn.microsoft.com/en-us/office/vba/language/reference/keywords-visual-basic-for-applications
- Microsoft, "Data type summary" (Currency, Date… are type names, the cause of issue #563),
  https://learn.microsoft.com/en-us/office/vba/language/reference/user-interface-help/data-types-keyword-summary
- Microsoft, [MS-VBAL] VBA Language Specification §3.3.5.2 "Reserved Identifiers and IDENTIFIER"
  (statement keywords, operators, marker keywords) and §3.3.5 (an identifier: a Latin letter, then
  letters, digits or `_`, at most 255 characters).
"""
import io
import re
import types

import pytest

from trcalc.calc.registry import EXCEL_NAMES, REGISTRY

# "Keywords (Visual Basic for Applications)" — the whole table of the page.
VBA_KEYWORDS = """As Binary ByRef ByVal Date Else Empty Error False For Friend Get Input Is Len Let Lock Me Mid New
Next Nothing Null On Option Optional ParamArray Print Private Property PtrSafe Public Resume Seek Set Static
Step String Then Time To True WithEvents""".split()
# "Data type summary".
VBA_TYPES = """Boolean Byte Collection Currency Date Decimal Dictionary Double Integer Long LongLong LongPtr
Object Single String Variant Any""".split()
# [MS-VBAL] §3.3.5.2 reserved identifiers: statement, marker and operator keywords, reserved type
# identifiers and the functions the parser treats specially.
VBA_RESERVED = """Abs AddressOf Alias And Append Attribute Base Boolean ByRef Byte ByVal Call Case CBool CByte
CCur CDate CDbl CDec CDecl CInt Circle CLng CLngLng CLngPtr Close Compare Const CSng CStr CVar CVErr Database
Debug Declare DefBool DefByte DefCur DefDate DefDbl DefDec DefInt DefLng DefLngLng DefLngPtr DefObj DefSng
DefStr DefVar Dim Do DoEvents Each Else ElseIf Empty End EndIf Enum Eqv Erase Error Event Exit Explicit False
Fix For Friend Function Get Global GoSub GoTo If Imp Implements In Input InputB Int Is LBound Len LenB Let Lib
Like Line Lock Loop LSet Me Mid MidB Mod Module New Next Not Nothing Null On Open Option Optional Or Output
ParamArray Preserve Print Private Property PSet PtrSafe Public Put RaiseEvent Random Read ReDim Rem Resume
Return RSet Scale Seek Select Set Sgn Shared Spc Static Step Stop String Sub Tab Text Then To True Type TypeOf
UBound Unlock Until Variant Wend While Width With WithEvents Write Xor""".split()
# Names the generated VBA itself uses inside each function (see generate_vba_wrapper): a parameter
# with one of these names would shadow it.
VBA_BODY_NAMES = "Application ThisWorkbook ActiveWorkbook XLPy Err failed argsArray k caller".split()

FORBIDDEN = {w.lower() for w in VBA_KEYWORDS + VBA_TYPES + VBA_RESERVED + VBA_BODY_NAMES}
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,254}$")   # [MS-VBAL] §3.3.5, ASCII letters only


def _all_args():
    return [(fn, a) for fn in REGISTRY.values() for a in fn.args]


def test_the_word_lists_hold_what_broke_before():
    assert {"date", "currency", "string", "error"} <= FORBIDDEN


@pytest.mark.parametrize("fn_name", sorted(REGISTRY))
def test_every_argument_name_is_a_vba_identifier_and_no_keyword(fn_name):
    fn = REGISTRY[fn_name]
    seen = set()
    for a in fn.args:
        assert IDENTIFIER.match(a.excel), f"{fn_name}: {a.excel!r} is not a VBA identifier"
        assert a.excel.lower() not in FORBIDDEN, f"{fn_name}: {a.excel!r} is a VBA keyword"
        assert a.excel.lower() != fn_name.lower()          # a parameter named like its function
        assert a.excel.lower() not in seen, f"{fn_name}: {a.excel!r} twice (VBA ignores case)"
        seen.add(a.excel.lower())


def test_every_argument_has_a_turkish_name_defined_once():
    # Turkish in ASCII: a name taken from EXCEL_NAMES (or given as `excel=`), never the English word.
    for fn, a in _all_args():
        assert a.excel != a.name, (f"{fn.name}: argument {a.name!r} has no Turkish name — add it to "
                                   "calc.registry.EXCEL_NAMES")
        assert a.excel.isascii() and a.excel == a.excel.lower()
    # one name per argument: the same Python name shows the same Excel name in every function
    shown = {}
    for _fn, a in _all_args():
        assert shown.setdefault(a.name, a.excel) == a.excel, a.name
    assert len(set(EXCEL_NAMES.values())) == len(EXCEL_NAMES)   # two arguments never share a name


def test_the_examples_of_the_issue():
    tr_duty = [a.excel for a in REGISTRY["TR_DUTY"].args]
    assert tr_duty[:4] == ["esya_bedeli", "navlun", "sigorta", "mense"] and "tarih" in tr_duty


def test_the_vba_import_functions_writes_declares_no_keyword(windows_xlwings):
    udfs, module = windows_xlwings
    out = io.StringIO()
    udfs.generate_vba_wrapper("trcalc.udfs", module, out, types.SimpleNamespace(Name="dir_tev.xlsm"))
    declarations = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("Function ")]
    assert len(declarations) == len(REGISTRY)
    for line in declarations:
        m = re.fullmatch(r"Function (\w+)\((.*)\)", line)
        assert m, line
        assert m.group(1) in REGISTRY
        params = [p.split()[-1] for p in m.group(2).split(", ") if p]
        for p in params:
            assert IDENTIFIER.match(p) and p.lower() not in FORBIDDEN, f"{line}: {p}"
        expected = [("Optional " if a.optional else "") + a.excel for a in REGISTRY[m.group(1)].args]
        assert m.group(2) == ", ".join(expected)
