"""The rules as one JSON document, for runtimes that have no YAML parser or pydantic.

The YAML files stay the one source of truth: they are read and validated by
`store.load` (with pydantic) into a `book.RuleBook`, and `dump` writes what was read as plain JSON.
`load` builds the same `RuleBook` from that JSON with the standard library alone — the form the
rules take inside xlwings Lite (Pyodide), where trcalc ships without its
compiled dependencies.  A bundle is built from checked rules only, so it is
not validated again here.

    >>> from trcalc.calc.rules import store
    >>> rb = load(dump(store.book()))
    >>> rb.version == store.book().version
    True
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from .book import Entry, MetaInfo, RuleBook

FORMAT = 1


def _enc(value):
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, tuple):
        return {"t": list(value)}
    return value            # bool or str


def _dec(value):
    if isinstance(value, dict):
        return Decimal(value["d"]) if "d" in value else tuple(value["t"])
    return value


def dump(rb) -> str:
    """The rule book `rb` as JSON text (deterministic: sorted, no timestamps)."""
    params = {
        name: {"description": rb.descriptions.get(name, ""),
               "values": [{"unit": e.unit, "value": _enc(e.value), "from": e.start.isoformat(),
                           "to": e.end.isoformat() if e.end else None, "source": e.source,
                           "confidence": e.confidence, "note": e.note, "file": e.file}
                          for e in entries]}
        for name, entries in sorted(rb.params.items())}
    doc = {"format": FORMAT, "version": rb.version,
           "meta": {"version": rb.meta.version, "reviewed": rb.meta.reviewed.isoformat(),
                    "description": getattr(rb.meta, "description", "")},
           "params": params}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0)


def load(text: str):
    """A RuleBook from `dump`'s JSON text."""
    doc = json.loads(text)
    if doc.get("format") != FORMAT:
        raise ValueError(f"rules bundle format {doc.get('format')!r}, expected {FORMAT}")
    params, descriptions = {}, {}
    for name, body in doc["params"].items():
        descriptions[name] = body["description"]
        params[name] = [Entry(name, v["unit"], _dec(v["value"]), dt.date.fromisoformat(v["from"]),
                              dt.date.fromisoformat(v["to"]) if v["to"] else None, v["source"],
                              v["confidence"], v["note"], v["file"]) for v in body["values"]]
    m = doc["meta"]
    meta = MetaInfo(m["version"], dt.date.fromisoformat(m["reviewed"]), m["description"])
    rb = RuleBook(params, descriptions, meta, "")
    rb.version = doc["version"]          # the digest of the YAML it was built from
    return rb
