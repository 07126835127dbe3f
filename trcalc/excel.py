"""`trcalc excel`: writes (or with --check, checks) the xlwings settings trcalc needs, then prints what is
left to click in Excel.

xlwings reads its settings from the add-in's ribbon, a workbook's `xlwings.conf` sheet or the user's
config file `~/.xlwings/xlwings.conf` (xlwings docs, "Add-in & Settings": one `"KEY","value"` line per
setting; keys as the add-in's VBA reads them: INTERPRETER_WIN / INTERPRETER_MAC, PYTHONPATH,
UDF MODULES).  This command writes the user file, keeping every other line.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

UDF_MODULE = "trcalc.udfs"
_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


def config_path() -> Path:
    try:
        import xlwings
        return Path(xlwings.USER_CONFIG_FILE)
    except Exception:          # xlwings missing or its import failing: its documented default
        return Path.home() / ".xlwings" / "xlwings.conf"


def interpreter() -> str:
    exe = Path(sys.executable)
    windowless = exe.with_name("pythonw.exe")          # no console window behind Excel (Windows)
    return str(windowless if windowless.exists() else exe)


def wanted(server: str | None = None, api_key: str | None = None) -> dict[str, str]:
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    out = {key: interpreter(), "UDF MODULES": UDF_MODULE}
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "calc" / "registry.py").exists() and (checkout / "pyproject.toml").exists():
        out["PYTHONPATH"] = str(checkout)              # running from a checkout, not an installed wheel
    if server:
        out["TRCALC_SERVER_URL"] = server.rstrip("/")
    if api_key:
        out["TRCALC_API_KEY"] = api_key
    return out


def read(path: Path) -> list[tuple[str, str] | str]:
    """The file's lines: (key, value) for settings, the raw text for anything else."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _LINE.match(line)
        out.append((m.group(1), m.group(2)) if m else line)
    return out


def write(path: Path, settings: dict[str, str]) -> None:
    lines = read(path)
    todo = dict(settings)
    text = []
    for line in lines:
        if isinstance(line, tuple) and line[0].upper() in todo:
            key = line[0].upper()
            text.append(f'"{key}","{todo.pop(key)}"')
        else:
            text.append(line if isinstance(line, str) else f'"{line[0]}","{line[1]}"')
    text += [f'"{k}","{v}"' for k, v in todo.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def check(path: Path, settings: dict[str, str]) -> list[str]:
    have = {k.upper(): v for k, v in (x for x in read(path) if isinstance(x, tuple))}
    return [f"{k}: {have.get(k, '(yok / missing)')!s} ≠ {v}" for k, v in settings.items() if have.get(k) != v]


CLICKS = """\
Excel'de kalan adımlar / what is left to click in Excel:
  1. Komut isteminde / in a command prompt:  xlwings addin install
  2. Excel → Dosya → Seçenekler → Güven Merkezi → Güven Merkezi Ayarları → Makro Ayarları →
     "VBA proje nesne modeline erişime güven" işaretleyin (Import Functions bunu gerektirir).
     Excel → File → Options → Trust Center → Trust Center Settings → Macro Settings → tick
     "Trust access to the VBA project object model" (required by Import Functions).
  3. Şablonu açıp .xlsm olarak kaydedin; Alt+F11 → Tools → References → "xlwings" işaretleyin
     (ya da `xlwings quickstart proje` ile yapılmış bir kitap kullanın: başvuru hazırdır).
     Open the template, save it as .xlsm; Alt+F11 → Tools → References → tick "xlwings"
     (or use a workbook made with `xlwings quickstart project`, which has the reference).
  4. xlwings sekmesi → Import Functions / the xlwings tab → Import Functions.
  5. Deneyin / try:  =TR_TEV(100000;10000;5000;1;0,1;30)  → 150.000,00
"""


def main(ns) -> int:
    path = Path(ns.conf) if ns.conf else config_path()
    settings = wanted(ns.server, ns.api_key)
    if ns.check:
        problems = check(path, settings)
        for p in problems:
            print(p)
        print(f"{path}: " + ("tamam / ok" if not problems else "eksik ya da farklı / missing or different"))
        if not problems:
            print(CLICKS)
        return 1 if problems else 0
    write(path, settings)
    print(f"xlwings ayarları yazıldı / xlwings settings written: {path}")
    for k, v in settings.items():
        print(f'  "{k}","{"*" * 8 if k == "TRCALC_API_KEY" else v}"')
    if os.name != "nt" and sys.platform != "darwin":
        print("(Excel ve xlwings UDF'leri Windows'ta çalışır; bu dosyayı oradaki Python ile yazın — "
              "xlwings UDFs run on Windows: run this command there)")
    print()
    print(CLICKS)
    return 0
