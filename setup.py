"""Packaging: the repository's folders `calc`, `addin`, `lite`, `server`, `templates` install under the one
name `trcalc` (`trcalc.calc`, `trcalc.addin`, …), so a user's environment gets no generic top-level
packages.  The metadata is in pyproject.toml; this file only maps the folders and rewrites the imports
between them in the built copy (`from calc.registry import` → `from trcalc.calc.registry import`), so
the checkout keeps its short names and the wheel needs no import tricks at run time.

An editable install (`pip install -e .`, what `make install` does for development) keeps the folders
as top-level packages, as they are in the checkout.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

INNER = ("calc", "addin", "lite", "server", "templates")
EDITABLE = any(cmd in sys.argv for cmd in ("editable_wheel", "develop"))

_FROM = re.compile(rf"^(\s*)from ({'|'.join(INNER)})(\.|\s+import\b)", re.M)
_IMPORT = re.compile(rf"^(\s*)import ({'|'.join(INNER)})(\s*(?:#.*)?)$", re.M)
# the gunicorn application string
_APP = re.compile(r'"server:create_app\(\)"')


def rewrite(text: str) -> str:
    text = _FROM.sub(r"\1from trcalc.\2\3", text)
    text = _IMPORT.sub(r"\1import trcalc.\2\3", text)
    return _APP.sub('"trcalc.server:create_app()"', text)


class BuildPy(build_py):
    """Copies the modules, then points the imports between the folders at `trcalc.<folder>`."""

    def run(self):
        super().run()
        if EDITABLE:
            return
        for path in Path(self.build_lib, "trcalc").rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            new = rewrite(text)
            if new != text:
                path.write_text(new, encoding="utf-8")


DATA = {
    "calc.rules": ["*.yaml"],
    "server": ["static/*", "templates/*"],
    "templates": ["*.xlsx", "examples/*.xlsx", "office/*.xlsx"],
}

FOLDERS = [q for p in INNER for q in find_packages(include=[p, f"{p}.*"])]     # calc, calc.rules, templates.engine…

if EDITABLE:
    packages = ["trcalc", *FOLDERS]
    package_dir = {}
    package_data = DATA
else:
    packages = ["trcalc", *[f"trcalc.{q}" for q in FOLDERS]]
    package_dir = {"trcalc": "trcalc", **{f"trcalc.{q}": q.replace(".", "/") for q in FOLDERS}}
    package_data = {f"trcalc.{k}": v for k, v in DATA.items()}

setup(packages=packages, package_dir=package_dir, package_data=package_data, cmdclass={"build_py": BuildPy})
