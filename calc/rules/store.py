"""Loading the dated rules and looking a parameter up on a date.

The YAML files beside this module are read once (or the folder named by
TRCALC_RULES_DIR, so a team can run its own reviewed copy).  A look-up finds
the entry whose `from` is the latest on or before the date; a date before the
first entry, or after an entry's `to` with nothing after it, is an error —
never a guess.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CalcError

if TYPE_CHECKING:          # pydantic is imported only where the YAML is checked
    from .schema import Meta

RULES_DIR = Path(__file__).parent
META_FILE = "_meta.yaml"
CHANGELOG_FILE = "_changelog.yaml"     # what each version changed (not rules: not loaded, not in the digest)
# Written by `trcalc lite` beside this module in the Pyodide build, where the YAML files,
# PyYAML and pydantic are not shipped (see bundle.py).
BUNDLE_FILE = RULES_DIR / "_bundle.json"

# Every parameter name the code asks for, registered where it is used (see `param`);
# the validator checks each one is in the data.
REQUIRED: set[str] = set()


# Cross-parameter checks registered by topic modules: each returns problems as text.
CHECKS: list = []


def param(name: str) -> str:
    REQUIRED.add(name)
    return name


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    unit: str
    value: object
    start: dt.date
    end: dt.date | None
    source: str
    confidence: str
    note: str
    file: str


class RulesFileError(Exception):
    """A rules file that does not pass the checks; the message names file and entry."""


class RuleBook:
    def __init__(self, params: dict[str, list[Entry]], descriptions: dict[str, str],
                 meta: Meta, digest: str):
        self.params = params
        self.descriptions = descriptions
        self.meta = meta
        self.version = f"{meta.version}+{digest[:8]}"
        self._starts = {n: [e.start for e in es] for n, es in params.items()}
        self._cache: dict[tuple[str, dt.date], Entry] = {}

    def unit(self, name: str) -> str:
        return self._entries(name)[0].unit

    def _entries(self, name: str) -> list[Entry]:
        try:
            return self.params[name]
        except KeyError:
            raise CalcError("unknown_code", f"bilinmeyen kural parametresi ({name!r})",
                            f"unknown rule parameter ({name!r})", "name") from None

    def lookup(self, name: str, on: dt.date) -> Entry:
        key = (name, on)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        entries = self._entries(name)
        i = bisect.bisect_right(self._starts[name], on) - 1
        if i < 0 or (entries[i].end is not None and on > entries[i].end):
            first = entries[0].start
            raise CalcError(
                "no_rule",
                f"{on:%d.%m.%Y} tarihinde yürürlükte '{name}' kuralı yok (bilinen ilk tarih {first:%d.%m.%Y}); "
                "tarihi kontrol edin ya da değeri parametre olarak verin",
                f"no '{name}' rule in force on {on} (earliest known {first}); check the date "
                "or give the value as an override",
                "date")
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = entries[i]
        return entries[i]

    def in_force(self, on: dt.date) -> list[Entry]:
        out = []
        for name in sorted(self.params):
            try:
                out.append(self.lookup(name, on))
            except CalcError:
                pass
        return out


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


@functools.cache
def book() -> RuleBook:
    chosen = os.environ.get("TRCALC_RULES_DIR")
    if not chosen and BUNDLE_FILE.exists():
        from .bundle import load as load_bundle
        return load_bundle(BUNDLE_FILE.read_text(encoding="utf-8"))
    return load(chosen or RULES_DIR)


def missing_parameters(rb: RuleBook) -> list[str]:
    """Names the code asks for that the data lacks (including those cross-checks find)."""
    missing = set(REQUIRED - set(rb.params))
    for check in CHECKS:
        missing.update(check(rb))
    return sorted(missing)
