"""The package's shape, as pyproject.toml declares it (issue 21).

- One namespace: every folder is `trcalc.<folder>` (setuptools `package-dir`), so a module imports
  `trcalc.calc…`, never a bare `calc`; a bare import would load a second copy of the module under
  another name (two registries, two rule books) and fails in the installed wheel.
- The import graph between the top-level packages has no cycle, and the workbook engine imports
  nothing from the template builders.
"""
import ast
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIR = PYPROJECT["tool"]["setuptools"]["package-dir"]
FOLDERS = {folder for name, folder in PACKAGE_DIR.items() if name != "trcalc"}      # calc, server, …


def _tracked_python() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z", "*.py"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / n for n in out.decode().split("\0") if n and (ROOT / n).exists()]


def _absolute_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _module_of(path: Path) -> str | None:
    """`calc/fx.py` → `trcalc.calc.fx` (by pyproject's package-dir), or None outside the package."""
    rel = path.relative_to(ROOT)
    for name, folder in PACKAGE_DIR.items():
        if rel.parts[0] == folder:
            parts = [*name.split("."), *rel.with_suffix("").parts[1:]]
            return ".".join(p for p in parts if p != "__init__")
    return None


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    own = _module_of(path) or ""
    base = own.split(".") if path.name == "__init__.py" else own.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _package_imports(path: Path):
    """Every trcalc module `path` imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("trcalc"):
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(path, node) if node.level else node.module or ""
            if target.startswith("trcalc"):
                yield target
                for alias in node.names:                              # `from trcalc import calc`
                    yield f"{target}.{alias.name}"


def test_package_dir_maps_every_folder_under_trcalc():
    assert PACKAGE_DIR["trcalc"] == "trcalc"
    for name, folder in PACKAGE_DIR.items():
        assert name == "trcalc" or name == f"trcalc.{folder}", name
        # a code folder is a regular package; docs/ (Markdown served at /belgeler/) is data only
        assert (ROOT / folder / "__init__.py").exists() or not any((ROOT / folder).rglob("*.py")), folder
    assert not (ROOT / "setup.py").exists()                                   # nothing rewrites imports


def test_no_module_imports_a_folder_by_its_bare_name():
    bad = [f"{p.relative_to(ROOT)}:{line}: import {name}"
           for p in _tracked_python() for line, name in _absolute_imports(p)
           if name.split(".")[0] in FOLDERS]
    assert not bad, "import trcalc.<folder>, not the bare folder name:\n" + "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    """Top-level package (calc, workbook, server, …) → the packages its modules import."""
    edges: dict[str, set[str]] = {}
    for path in _tracked_python():
        own = _module_of(path)
        if not own:
            continue
        src = own.split(".")[1] if own.count(".") else "trcalc"
        for target in _package_imports(path):
            parts = target.split(".")
            dst = parts[1] if len(parts) > 1 and parts[1] in {n.split(".")[-1] for n in PACKAGE_DIR} else "trcalc"
            if dst != src and dst != "trcalc":
                edges.setdefault(src, set()).add(dst)
    return edges


def test_the_workbook_engine_imports_no_template_builder():
    assert "templates" not in _graph().get("workbook", set())


def test_the_top_level_packages_import_each_other_without_a_cycle():
    edges = _graph()
    seen: dict[str, int] = {}

    def visit(node, stack):
        if seen.get(node) == 1:
            raise AssertionError("import cycle: " + " → ".join([*stack, node]))
        if seen.get(node) == 2:
            return
        seen[node] = 1
        for nxt in sorted(edges.get(node, ())):
            visit(nxt, [*stack, node])
        seen[node] = 2

    for node in sorted(edges):
        visit(node, [])
    assert "calc" not in {d for s, ds in edges.items() for d in ds if s == "calc"}
    assert not edges.get("calc"), f"calc (the domain) imports {edges.get('calc')}"
