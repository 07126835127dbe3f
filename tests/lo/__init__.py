"""LibreOffice headless as a third engine for the templates (issue 12).

How LibreOffice computes a trcalc cell, following its documentation:

- A Calc formula may call a Basic function of the user's Standard library by name
  (LibreOffice Help, "Basic functions in Calc": "a Basic function … can be called from a cell
  like any built-in function"); this module writes one Basic wrapper per registry function.
- The wrapper calls a Python script through the script provider (LibreOffice Help, "Calling
  Python Scripts from Basic": `…theMasterScriptProviderFactory.createScriptProvider("")`,
  `getScript("vnd.sun.star.script:file.py$function?language=Python&location=user")`,
  `invoke(args, Array(), Array())`); the script calls `calc` with the repository on its path.
- An .xlsx is recalculated on load when `/org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`
  is 0 ("always recalculate"; Tools ▸ Options ▸ Calc ▸ Formula ▸ Recalculation on file load).
- Everything lives in a throw-away user profile (`-env:UserInstallation=file:///…`), so the
  machine's own LibreOffice settings are never touched.
"""
from __future__ import annotations

import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

from trcalc.calc.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = '''\
import os
import site
import sys
sys.path[:0] = {paths!r}
for _p in {sites!r}:
    site.addsitedir(_p)        # runs the editable install's .pth: `trcalc.calc` is the checkout's calc/

_COUNT = os.environ.get("TRCALC_LO_CALLS")      # the benchmark's call counter: one line per call
_calls = open(_COUNT, "a") if _COUNT else None


def _error(message):
    return "#VALUE! " + message


def call(name, args):
    """One call from a cell: one value; a column (an argument given as a range or an array) gives one value
    per row, computed by the registry's column form in this one call."""
    from trcalc.calc.errors import CalcError
    from trcalc.calc.registry import call_many, get
    from trcalc.workbook.functions import to_result
    if _calls:
        _calls.write(name + "\\n")
        _calls.flush()
    fn = get(name)
    values = [list(a) if isinstance(a, tuple) else a for a in args]
    values = [[None if x == "" else x for x in a] if isinstance(a, list) else (None if a == "" else a)
              for a in values]
    while values and values[-1] is None:
        values.pop()
    try:
        if any(isinstance(a, list) for a in values):
            rows = call_many(fn.name, values, {{}})
            return tuple(_error(v.message) if isinstance(v, CalcError) else _cell(to_result(v)) for v in rows)
        out = to_result(fn.run(fn.read_args(values), {{}}))
    except CalcError as exc:
        return _error(exc.message)
    except Exception as exc:
        return _error(type(exc).__name__)
    return _cell(out)


def _cell(out):
    if hasattr(out, "code"):
        return _error(out.message)
    return out
'''


def _basic() -> str:
    lines = ["REM trcalc: one Basic wrapper per registry function (generated)", "",
             "Function trcalc_call(name As String, args As Variant) As Variant",
             "  Dim factory As Object, provider As Object, script As Object",
             '  factory = GetDefaultContext().getByName('
             '"/singletons/com.sun.star.script.provider.theMasterScriptProviderFactory")',
             '  provider = factory.createScriptProvider("")',
             '  script = provider.getScript("vnd.sun.star.script:trcalc_lo.py$call?language=Python&location=user")',
             "  trcalc_call = script.invoke(Array(name, args), Array(), Array())",
             "End Function", "",
             # LibreOffice Help, "Basic functions in Calc" / "Using Calc Functions in Macros": a range
             # reaches a Basic function as a two-dimensional array, and an array a function returns
             # fills the cells of an array (matrix) formula — a column is one such call
             "Function trcalc_arg(a As Variant) As Variant",
             "  If Not IsArray(a) Then",
             "    trcalc_arg = a",
             "    Exit Function",
             "  End If",
             "  Dim out() As Variant, r As Long, c As Long, i As Long",
             "  ReDim out((UBound(a, 1) - LBound(a, 1) + 1) * (UBound(a, 2) - LBound(a, 2) + 1) - 1)",
             "  For r = LBound(a, 1) To UBound(a, 1)",
             "    For c = LBound(a, 2) To UBound(a, 2)",
             "      out(i) = a(r, c)",
             "      i = i + 1",
             "    Next c",
             "  Next r",
             "  trcalc_arg = out",
             "End Function", "",
             "Function trcalc_result(v As Variant) As Variant",
             "  If Not IsArray(v) Then",
             "    trcalc_result = v",
             "    Exit Function",
             "  End If",
             "  Dim out() As Variant, i As Long",
             "  ReDim out(1 To UBound(v) - LBound(v) + 1, 1 To 1)",
             "  For i = LBound(v) To UBound(v)",
             "    out(i - LBound(v) + 1, 1) = v(i)",
             "  Next i",
             "  trcalc_result = out",
             "End Function", ""]
    for name, fn in REGISTRY.items():
        n = len(fn.args)
        params = ", ".join(f"Optional a{i}" for i in range(n))
        lines.append(f"Function {name}({params})")
        lines.append(f"  Dim args({max(n - 1, 0)}) As Variant")
        for i in range(n):
            lines.append(f'  If IsMissing(a{i}) Then : args({i}) = "" : Else : args({i}) = trcalc_arg(a{i}) : End If')
        lines.append(f'  {name} = trcalc_result(trcalc_call("{name}", args))')
        lines.append("End Function")
        lines.append("")
    body = "\n".join(lines).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
            'OfficeDocument 1.0//EN" "module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
            f'script:name="Module1" script:language="StarBasic" script:moduleType="normal">{body}</script:module>\n')


RECALC = ('<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
          'oor:op="fuse"><value>0</value></prop></item>\n')


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def run(profile: Path, args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                           *args], capture_output=True, text=True, timeout=timeout)


def locale_item(locale: str) -> str:
    """The locale setting (Tools ▸ Options ▸ Language Settings ▸ Languages ▸ Locale setting; configuration
    /org.openoffice.Setup/L10N/ooSetupSystemLocale): how LibreOffice reads "10.02.2025" typed as text."""
    return ('<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">'
            f'<value>{locale}</value></prop></item>\n')


def make_profile(profile: Path, seed: Path, locale: str = "") -> Path:
    """A fresh profile: started once (so LibreOffice writes its files), then given the wrappers (and the
    locale, when one is given: else the system's)."""
    out = profile / "first"
    run(profile, ["--convert-to", "csv", "--outdir", str(out), str(seed)])
    user = profile / "user"
    (user / "basic" / "Standard" / "Module1.xba").write_text(_basic(), encoding="utf-8")
    scripts = user / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    (scripts / "trcalc_lo.py").write_text(SCRIPT.format(paths=[str(ROOT)], sites=site.getsitepackages()),
                                          encoding="utf-8")
    reg = user / "registrymodifications.xcu"
    text = reg.read_text(encoding="utf-8")
    if "OOXMLRecalcMode" not in text:
        text = text.replace("</oor:items>", RECALC + "</oor:items>")
    if locale and "ooSetupSystemLocale" not in text:
        text = text.replace("</oor:items>", locale_item(locale) + "</oor:items>")
    reg.write_text(text, encoding="utf-8")
    return profile


def locale(profile: Path) -> str:
    """The profile's locale setting (how numbers, dates and booleans are displayed), e.g. 'tr-TR'; 'en-US'
    when none is set (the system's, as on the C.UTF-8 machines the tests run on)."""
    text = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    m = re.search(r'oor:name="ooSetupSystemLocale"[^>]*><value>([^<]*)<', text)
    return m[1] if m else "en-US"


def recalc(profile: Path, src: Path, outdir: Path) -> Path:
    """LibreOffice loads `src` (recalculating every formula) and saves it as .xlsx in `outdir`."""
    outdir.mkdir(parents=True, exist_ok=True)
    r = run(profile, ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(src)])
    out = outdir / (src.stem + ".xlsx")
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not convert {src}: {r.stdout} {r.stderr}")
    return out


def pdf(profile: Path, src: Path, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    run(profile, ["--convert-to", "pdf", "--outdir", str(outdir), str(src)])
    return outdir / (src.stem + ".pdf")


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page of a PDF (its /Type /Page objects' MediaBox)."""
    data = path.read_bytes()
    pages = []
    for m in re.finditer(rb"/Type\s*/Page(?![s\w])", data):
        window = data[max(0, m.start() - 600): m.end() + 600]
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", window)
        pages.append((float(box[3]), float(box[4])) if box else (0.0, 0.0))
    return pages


__all__ = ["locale", "make_profile", "pdf", "pdf_pages", "recalc", "soffice", "sys"]
