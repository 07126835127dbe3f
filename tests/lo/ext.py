"""The LibreOffice Calc extension installed as a user installs it, and a headless LibreOffice driven
over UNO (tests/lo/uno_driver.py) — for tests/test_libreoffice_ext.py and `make bench`.

`unopkg add` installs into a throw-away user profile (LibreOffice Help, "Extension Manager"). unopkg
refuses a per-user install by root ("Cannot run unopkg as root without --shared or --bundled option"),
so as root both unopkg and LibreOffice run as the user `nobody`, in a folder it may read.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAM = Path("/usr/lib/libreoffice/program")
SYSTEM_PYTHON = "/usr/bin/python3"                 # the Python that has LibreOffice's `uno` (python3-uno)


def available() -> bool:
    return (PROGRAM / "soffice").exists() and Path(SYSTEM_PYTHON).exists()


def _as_user(cmd: list) -> list[str]:
    cmd = [str(c) for c in cmd]
    if os.geteuid() != 0:
        return cmd
    u = pwd.getpwnam("nobody")
    return ["setpriv", f"--reuid={u.pw_uid}", f"--regid={u.pw_gid}", "--clear-groups", *cmd]


class Session:
    def __init__(self, root: Path):
        self.root = root

    def run(self, cmd: list, timeout: int = 600) -> subprocess.CompletedProcess:
        env = {**os.environ, "HOME": str(self.root / "home")}
        env.pop("PYTHONPATH", None)
        return subprocess.run(_as_user(cmd), capture_output=True, text=True, timeout=timeout, env=env)

    def share(self, path: Path) -> Path:
        """A copy of `path` that LibreOffice's user may read."""
        dst = self.root / "files" / path.name
        shutil.copy(path, dst)
        os.chmod(dst, 0o644)
        return dst

    def unopkg(self, *args) -> subprocess.CompletedProcess:
        return self.run([PROGRAM / "unopkg", *args, f"-env:UserInstallation={(self.root / 'profile').as_uri()}"])

    def drive(self, commands: list, timeout: int = 900) -> list:
        spec = self.root / "files" / "commands.json"
        spec.write_text(json.dumps(commands), encoding="utf-8")
        os.chmod(spec, 0o644)
        done = self.run([SYSTEM_PYTHON, self.root / "uno_driver.py", (self.root / "profile").as_uri(), spec], timeout)
        if done.returncode != 0:
            raise RuntimeError(f"LibreOffice driver failed: {done.stderr[-3000:]}")
        return json.loads(done.stdout)


def ui_language(profile: Path, language: str) -> None:
    """The profile's user-interface language (Tools ▸ Options ▸ Language Settings ▸ Languages ▸ User
    interface: the configuration item /org.openoffice.Office.Linguistic/General/UILocale), as LibreOffice
    keeps it in the user profile's registrymodifications.xcu. It takes effect only with that language's
    pack installed (Debian's libreoffice-l10n-tr; tests/setup-libreoffice.sh)."""
    reg = profile / "user" / "registrymodifications.xcu"
    item = ('<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="UILocale" oor:op="fuse">'
            f"<value>{language}</value></prop></item>\n")
    if reg.exists():
        text = reg.read_text(encoding="utf-8").replace("</oor:items>", item + "</oor:items>")
    else:
        reg.parent.mkdir(parents=True, exist_ok=True)
        text = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
                'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
                f"{item}</oor:items>\n")
    reg.write_text(text, encoding="utf-8")
    if os.geteuid() == 0:
        u = pwd.getpwnam("nobody")
        os.chown(reg, u.pw_uid, u.pw_gid)


@contextmanager
def installed(out: Path | None = None, language: str | None = None):
    """`trcalc libreoffice --out` (the command a user runs), then `unopkg add` of its trcalc.oxt into a
    fresh profile (whose user interface is in `language`, when one is given). Yields (session, the folder
    `trcalc libreoffice` wrote, unopkg's listing)."""
    root = Path(tempfile.mkdtemp(prefix="trcalc-lo-ext-"))
    try:
        os.chmod(root, 0o755)
        owner = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
        for sub in ("home", "profile", "files"):
            (root / sub).mkdir()
            if owner:
                os.chown(root / sub, owner.pw_uid, owner.pw_gid)
        os.chmod(root / "files", 0o777)
        shutil.copy(HERE / "uno_driver.py", root / "uno_driver.py")
        os.chmod(root / "uno_driver.py", 0o644)
        ext = out or root / "ext"
        trcalc = Path(sys.executable).parent / "trcalc"
        done = subprocess.run([str(trcalc), "libreoffice", "--out", str(ext)], capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        session = Session(root)
        oxt = session.share(ext / "trcalc.oxt")
        added = session.unopkg("add", oxt)
        if added.returncode != 0:
            raise RuntimeError(added.stdout + added.stderr)
        if language:
            ui_language(root / "profile", language)
        yield session, ext, session.unopkg("list").stdout
    finally:
        shutil.rmtree(root, ignore_errors=True)
