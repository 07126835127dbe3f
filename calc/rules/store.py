"""Reading the dated rules from YAML into a `book.RuleBook`, and the one book the process uses.

The YAML files beside this module are read once (or the folder named by
TRCALC_RULES_DIR, so a team can run its own reviewed copy).  In the xlwings Lite build the
JSON bundle stands in for them (`bundle`).  The model and the look-up by date are in `book`.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .. import settings
from . import bundle
from .book import CHECKS, REQUIRED, Entry, MetaInfo, RuleBook, RulesFileError, missing_parameters, param

RULES_DIR = Path(__file__).parent
META_FILE = "_meta.yaml"
CHANGELOG_FILE = "_changelog.yaml"     # what each version changed (not rules: not loaded, not in the digest)
# Written by `trcalc lite` beside this module in the Pyodide build, where the YAML files,
# PyYAML and pydantic are not shipped (see bundle.py).
BUNDLE_FILE = RULES_DIR / "_bundle.json"


@functools.cache
def _unique_key_loader():
    """Safe YAML that refuses a key given twice in one mapping (PyYAML silently keeps the last,
    so a parameter pasted twice into one file would quietly replace the first)."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"'{key}' is defined twice in this file",
                                                        key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node, deep)

    UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return UniqueKeyLoader


def _read_yaml(path: Path):
    import yaml     # only where the YAML is read and checked, not in the Pyodide runtime

    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesFileError(f"{path.name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                             f"{exc.start}); save the file as UTF-8") from None
    except OSError as exc:
        raise RulesFileError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    try:
        return yaml.load(text, Loader=_unique_key_loader())
    except yaml.YAMLError as exc:
        raise RulesFileError(f"{path.name}: not valid YAML: {exc}") from None


def _describe(exc) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def load_file(path: Path) -> tuple[dict[str, list[Entry]], dict[str, str]]:
    from pydantic import ValidationError

    from .schema import Parameter

    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RulesFileError(f"{path.name}: expected a mapping of parameter names")
    out: dict[str, list[Entry]] = {}
    descriptions: dict[str, str] = {}
    for name, body in data.items():
        try:
            p = Parameter.model_validate(body)
        except ValidationError as exc:
            raise RulesFileError(f"{path.name}: entry '{name}': {_describe(exc)}") from None
        out[name] = [Entry(name, p.unit, v.value, v.start, v.end, v.source, v.confidence,
                           v.note, path.name) for v in p.values]
        descriptions[name] = p.description
    return out, descriptions


def load(directory: Path | str = RULES_DIR, replace: Path | None = None) -> RuleBook:
    """Read every rules file in `directory`; `replace` stands in for the file of the same name."""
    from pydantic import ValidationError

    from .schema import Meta

    directory = Path(directory)
    files = sorted(p for p in directory.glob("*.yaml") if p.name not in (META_FILE, CHANGELOG_FILE))
    if replace is not None:
        files = [replace if p.name == replace.name else p for p in files]
        if replace not in files:
            files.append(replace)
    params: dict[str, list[Entry]] = {}
    descriptions: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
        entries_by_name, described = load_file(path)
        descriptions.update(described)
        for name, entries in entries_by_name.items():
            if name in params:
                raise RulesFileError(f"{path.name}: entry '{name}' is already defined in {params[name][0].file}")
            params[name] = entries
    meta_path = directory / META_FILE
    try:
        meta = Meta.model_validate(_read_yaml(meta_path))
    except ValidationError as exc:
        raise RulesFileError(f"{META_FILE}: {_describe(exc)}") from None
    digest.update(meta_path.read_bytes())
    return RuleBook(params, descriptions, meta, digest.hexdigest())


def rules_dir() -> Path:
    """TRCALC_RULES_DIR, else the rules beside this module."""
    return Path(settings.get("TRCALC_RULES_DIR") or RULES_DIR)


@functools.cache
def book() -> RuleBook:
    chosen = settings.get("TRCALC_RULES_DIR")
    if not chosen and BUNDLE_FILE.exists():
        return bundle.load(BUNDLE_FILE.read_text(encoding="utf-8"))
    return load(chosen or RULES_DIR)


__all__ = ["BUNDLE_FILE", "CHECKS", "META_FILE", "REQUIRED", "RULES_DIR", "Entry", "MetaInfo", "RuleBook",
           "RulesFileError", "book", "load", "load_file", "missing_parameters", "param", "rules_dir"]
