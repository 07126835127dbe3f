"""`trcalc lite --out DIR`: what xlwings Lite needs to run trcalc inside Excel.

Writes, from the registry (nothing here lists a function or an argument):

- `main.py` — paste it into xlwings Lite's editor.  It registers every registry
  function with xlwings Lite's `@func` / `@arg` (lite.xlwings.org, "Custom
  Functions": the Excel name is the upper-cased Python name, the docstring is the
  description, `@arg(name, doc=…)` the argument help, a parameter with a default
  is optional) and carries trcalc itself: the pure-Python calc package, the rules
  as JSON and the country table, zipped and base64-encoded at its end, unpacked
  into Pyodide's file system on first import.  Needs nothing in requirements.txt.
- `requirements.txt` — empty but for a comment: trcalc needs no package there.
- `wheel/` — the same code as a pure-Python wheel, for a team that hosts it
  (the team server serves it at /lite/, with CORS): `wheel/requirements.txt`
  names its URL, `wheel/main.py` registers the functions without carrying code
  (lite.xlwings.org, "Dependencies": own packages are installed from a wheel URL).
- `KURULUM.md` — the two steps, Turkish then English.

The YAML rules stay the one source: they are validated (pydantic) when this
runs, then written as JSON, which Pyodide reads with the standard library.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

from trcalc.calc import REGISTRY, countries
from trcalc.calc.registry import Function
from trcalc.calc.rules import bundle, store

import trcalc
from trcalc import calc

PACKAGE = Path(trcalc.__file__).resolve().parent      # trcalc/ (its __init__ only)
CALC = Path(calc.__file__).resolve().parent           # calc/ in the checkout, trcalc/calc/ when installed
LITE = Path(__file__).resolve().parent
DIST = "trcalc_lite"
_EPOCH = (2020, 1, 1, 0, 0, 0)           # fixed zip timestamps: the same input, the same bytes
_HELP_LIMIT = 255                         # Excel's limit for function and argument help


def version() -> str:
    try:
        from importlib.metadata import version as v
        return v("trcalc")
    except Exception:
        return "0.0.0"


def excel_name(arg) -> str:
    """The argument's name in Excel (the registry's Excel-facing name where it has one)."""
    return getattr(arg, "excel", None) or arg.name


def package_files() -> dict[str, bytes]:
    """Path in the archive → content, laid out as installed (`trcalc/calc/…`, the same names the
    checkout and the wheel import): calc's Python modules, the JSON rules, the runtime."""
    files: dict[str, bytes] = {"trcalc/__init__.py": (PACKAGE / "__init__.py").read_bytes()}
    for path in sorted(CALC.rglob("*.py")):
        files[f"trcalc/calc/{path.relative_to(CALC).as_posix()}"] = path.read_bytes()
    files["trcalc/calc/rules/_bundle.json"] = bundle.dump(store.book()).encode()
    files["trcalc/calc/_countries.json"] = countries.dump().encode()
    for name in ("__init__.py", "runtime.py"):
        files[f"trcalc/lite/{name}"] = (LITE / name).read_bytes()
    # the version the computation stamp names (calc.stamp.version) where no package metadata is installed
    files["trcalc/_version.py"] = f'VERSION = "{version()}"\n'.encode()
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip of `files` with fixed times and modes: the same input, the same bytes (also the LibreOffice
    extension's, libreoffice/build.py)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def wheel_name() -> str:
    return f"{DIST}-{version()}-py3-none-any.whl"


def wheel() -> bytes:
    """A pure-Python wheel (PEP 427) of `package_files`, with its RECORD."""
    files = dict(package_files())
    info = f"{DIST}-{version()}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {DIST}\nVersion: {version()}\n"
                                 "Summary: trcalc calculations for xlwings Lite (Pyodide)\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: trcalc lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    records = []
    for name, data in sorted(files.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        records.append(f"{name},sha256={digest},{len(data)}")
    records.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(records) + "\n").encode()
    return _zip(files)


def _py_str(text: str) -> str:
    return repr(" ".join(str(text).split())[:_HELP_LIMIT])


def function_source(fn: Function) -> str:
    """One xlwings Lite function: decorators, signature with Excel names, call into trcalc."""
    names = [excel_name(a) for a in fn.args]
    seen_optional = False
    params = []
    for a, n in zip(fn.args, names):
        assert n.isidentifier(), n
        seen_optional = seen_optional or a.optional
        assert a.optional or not seen_optional, f"{fn.name}: required {n} after an optional argument"
        params.append(f"{n}=None" if a.optional else n)
    # volatile: recalculated on every recalculation (a result that follows today, the rules
    # version); ndim=2: a 1×N row arrives as a row, so the result keeps its orientation.
    lines = ["@func(volatile=True)" if fn.volatile else "@func"]
    lines += [f"@arg({n!r}, ndim=2, doc={_py_str(f'{a.doc_tr} / {a.doc_en}')})" for a, n in zip(fn.args, names)]
    lines.append(f"def {fn.name}({', '.join(params)}):")
    lines.append(f"    {_py_str(f'{fn.summary_tr} / {fn.summary_en}')}")
    lines.append(f"    return _run({fn.name!r}{''.join(', ' + n for n in names)})")
    return "\n".join(lines)


_HEADER = '''\
"""trcalc — Türk dış ticaret vergisi formülleri, xlwings Lite için.
trcalc — Turkish trade-tax formulas, for xlwings Lite.

`trcalc lite` ile üretildi (trcalc {version}, kurallar {rules}); elle değiştirmeyin.
Generated by `trcalc lite` (trcalc {version}, rules {rules}); do not edit.
Bu dosyayı xlwings Lite düzenleyicisindeki main.py'nin yerine yapıştırın; işlevler
=TR_DUTY(…), =TR_TEV(…) … olarak hemen kullanılır. Ayrıntı: KURULUM.md.
Paste this file over main.py in the xlwings Lite editor; the functions are then
available as =TR_DUTY(…), =TR_TEV(…) …  See KURULUM.md.
"""
import importlib

from xlwings import arg, func
'''

_RUN = '''

def _run(name, *args):
    """The first call imports trcalc's runtime (unpacked at the end of this file) and
    rebinds `_run` to it, so later calls go straight there."""
    global _run
    _run = importlib.import_module("trcalc.lite.runtime").run
    return _run(name, *args)
'''

_LOADER = '''

def _unpack():
    """Unpack the trcalc code carried below into Pyodide's file system (once)."""
    import base64, hashlib, io, os, sys, tempfile, zipfile
    raw = base64.b64decode("".join(_CODE))
    target = os.path.join(tempfile.gettempdir(), "trcalc-lite-" + hashlib.sha256(raw).hexdigest()[:16])
    if not os.path.isdir(target):
        zipfile.ZipFile(io.BytesIO(raw)).extractall(target)
    if target not in sys.path:
        sys.path.insert(0, target)


_unpack()
'''


def main_source(embed: bool = True) -> str:
    rb = store.book()
    parts = [_HEADER.format(version=version(), rules=rb.version)]
    if embed:
        code = base64.b64encode(_zip(package_files())).decode()
        chunks = ",\n".join(f'    "{code[i:i + 76]}"' for i in range(0, len(code), 76))
        # The code is appended last so the functions stay readable at the top of the file;
        # _unpack runs at the end of the module, before the first call.
        body = "\n\n\n".join(function_source(REGISTRY[n]) for n in sorted(REGISTRY))
        parts.append(_RUN + f"\n\n{body}\n")
        parts.append(f"\n\n# trcalc's code (calc package, rules, countries), zip + base64.\n_CODE = [\n{chunks},\n]\n")
        parts.append(_LOADER)
    else:
        body = "\n\n\n".join(function_source(REGISTRY[n]) for n in sorted(REGISTRY))
        parts.append(f"_run = importlib.import_module(\"trcalc.lite.runtime\").run\n\n\n{body}\n")
    return "".join(parts)


# The xlwings versions trcalc is tested with inside Pyodide (tests/lite/setup.sh downloads their
# py3-none-any wheels, the ones Lite installs): the oldest a workbook may still be on (Lite's
# default for new workbooks once, kept by each workbook) and the newest; KURULUM pins the newest.
XLWINGS_TESTED = ("0.33.20", "0.37.8")
XLWINGS_PIN = XLWINGS_TESTED[-1]

KURULUM = f"""\
# trcalc — xlwings Lite kurulumu

1. Excel'de **Giriş → Eklentiler**'den *xlwings Lite*'ı ekleyin (ücretsiz; Microsoft 365 ya da
   Office 2021 ve sonrası, Windows, macOS ya da Excel Web). trcalc şablonunu (ya da boş bir
   kitabı) açın, xlwings Lite düzenleyicisini açın.
2. Bu klasördeki `main.py`'nin tamamını düzenleyicideki `main.py`'nin yerine yapıştırın.
3. xlwings Lite'ın `requirements.txt`'indeki xlwings satırını **`xlwings=={XLWINGS_PIN}`** yapın
   (bu klasördeki `requirements.txt` o satırdır) ve kitabı kaydedin. trcalc xlwings
   {XLWINGS_TESTED[0]} – {XLWINGS_TESTED[-1]} ile sınanmıştır; başka bir paket gerekmez. Kod kitabın
   içinde saklanır: kitabı alan herkes xlwings Lite ile aynı işlevleri kullanır.
4. Denetim: bir hücreye `=TR_TEV(100000;10000;5000;1;0,1;30)` yazın: `150.000,00` görmelisiniz.

**Kurlar (TCMB):** xlwings Lite tarayıcının içinde çalışır ve TCMB'ye ulaşamaz. Bu klasörün
`sablonlar/` klasöründeki şablonları kullanın: onlarda kur hücreleri (`Kur` sütunu, beyannamenin
`Kur` alanı) boş gelir ve yalnız sayı alır; o günün TCMB gümrük kurunu **sayı olarak** yazın (ör.
`38,1234`; DİR şablonunda Kurlar sayfasına). Diğer şablonlarda `Kur` hücresinde `TCMB` yazan, ya da
kuru yazılmamış her satır, kur yazılana kadar hata verir; iletisi hangi döviz ve tarihin kurunun
gerektiğini söyler. `TR_FX` ve `TR_CUSTOMS_FX` Lite'ta kur getiremez.

**Hatalar:** hatalı bir hücre gerçek bir Excel hatasıdır (`#DEĞER!`), bu yüzden o sütunun
`TOPLA`'sı da hata verir. Tek hücrelik bir çağrıda iletiyi hatanın bayrağında görürsünüz; bir
sütunun hatalı satırının iletisi için o satırın değerleriyle tek hücrelik çağrı ya da `_DETAIL`
işlevini kullanın. `_DETAIL` işlevlerine aralık verilmez (satır satır tablo tek hücreye sığmaz).

**Yeniden hesap:** tarihi boş bırakılan (bugünün kurallarıyla hesaplanan) işlevler ve
`TR_RULES_VERSION()` her yeniden hesaplamada yenilenir (volatile).

Sınırlar: `TRCALC_OVERRIDES` aralığı okunmaz (xlwings Lite işlevleri başka hücreleri okuyamaz);
bir parametreyi değiştirmek için trcalc'ın masaüstü eklentisini ya da ekip sunucusunu kullanın.

Ekip sunucunuz varsa: `wheel/requirements.txt`'teki adresi (sunucunun `/lite/` yolu) xlwings
Lite'ın `requirements.txt`'ine, `wheel/main.py`'yi `main.py`'ye koyun; kod sunucudan yüklenir.

# trcalc — installing in xlwings Lite

1. In Excel, **Home → Add-ins**: add *xlwings Lite* (free; Microsoft 365 or Office 2021 and
   later, on Windows, macOS or the web). Open the trcalc template (or any workbook) and open
   the xlwings Lite editor.
2. Paste all of this folder's `main.py` over the editor's `main.py`.
3. Set the xlwings line of xlwings Lite's `requirements.txt` to **`xlwings=={XLWINGS_PIN}`** (this
   folder's `requirements.txt` is that line) and save the workbook. trcalc is tested with xlwings
   {XLWINGS_TESTED[0]} to {XLWINGS_TESTED[-1]}; nothing else is needed.
4. Check: `=TR_TEV(100000,10000,5000,1,10%,30)` shows 150,000.00.

**Exchange rates (TCMB):** xlwings Lite runs inside the browser and cannot reach TCMB. Use the
templates in this folder's `sablonlar/`: their rate cells (the `Kur` column, the declaration's
`Kur` field) start empty and take a number only; type that day's TCMB customs rate **as a number**
(on the DİR template, on its Kurlar sheet). In the other templates every row whose `Kur` cell says
`TCMB`, or whose rate is not typed, is an error until a rate is typed, its message naming the
currency and date. `TR_FX` and `TR_CUSTOMS_FX` cannot fetch rates in Lite.

**Errors:** a failing cell is a real Excel error (`#VALUE!`), so SUM over its column is an error
too. A single-cell call shows its message on the error flag; for a failing row of a column,
call the function on that row's values in one cell, or its `_DETAIL`. `_DETAIL` functions refuse
a range (a table per row cannot fit in a cell).

**Recalculation:** functions whose date is left empty (today's rules) and `TR_RULES_VERSION()`
are volatile: recalculated on every recalculation.

Limits: the `TRCALC_OVERRIDES` range is not read (xlwings Lite functions cannot read other
cells). With a team server: put the URL in `wheel/requirements.txt` (the server's `/lite/`
path) into xlwings Lite's `requirements.txt` and `wheel/main.py` into `main.py`.
"""


def write(out: Path, server_url: str = "http://127.0.0.1:8000") -> list[Path]:
    """Write everything into `out`; returns the files written."""
    out = Path(out)
    (out / "wheel").mkdir(parents=True, exist_ok=True)
    written = {
        out / "main.py": main_source(embed=True),
        out / "requirements.txt": (f"# main.py carries trcalc's code; xlwings Lite only needs its xlwings pinned:\n"
                                   f"xlwings=={XLWINGS_PIN}\n"),
        out / "KURULUM.md": KURULUM,
        out / "wheel" / "main.py": main_source(embed=False),
        out / "wheel" / "requirements.txt": f"xlwings=={XLWINGS_PIN}\n{server_url.rstrip('/')}/lite/{wheel_name()}\n",
    }
    for path, text in written.items():
        path.write_text(text, encoding="utf-8")
    whl = out / "wheel" / wheel_name()
    whl.write_bytes(wheel())
    return [*written, whl, *templates(out / TEMPLATES)]


TEMPLATES = "sablonlar"          # the Lite templates' folder beside main.py


def templates(out: Path) -> list[Path]:
    """The templates in their xlwings Lite flavour (issue 23.3), built from the same definitions as the
    others (templates/build.py): rate cells start empty and take a number, since Lite cannot reach TCMB."""
    from trcalc.templates.build import KINDS, ROWS
    from trcalc.templates.common import save
    from trcalc.templates.sheets import LITE
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, m in KINDS.items():
        path = out / f"{kind}.xlsx"
        save(m.build(ROWS.get(kind, 200), LITE), path)
        paths.append(path)
    return paths
