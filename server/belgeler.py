"""The documentation at /belgeler/: the docs/ pages, rendered as mkdocs renders them.

The wheel ships the Markdown (package `trcalc.docs`) and this module renders it with
Python-Markdown — the library mkdocs itself uses — with the extensions mkdocs.yml lists, so
a colleague without the checkout reads the same pages from the installed server (the
decision and its alternatives: docs/tasarim.md). URLs follow mkdocs' directory URLs:
`kurulum.md` is /belgeler/kurulum/, `sunucu/index.md` is /belgeler/sunucu/; a link to another
page's .md file becomes that page's URL, as mkdocs rewrites it.
"""
from __future__ import annotations

import posixpath
from functools import lru_cache
from xml.etree import ElementTree

import markdown
from flask import Blueprint, abort, redirect, render_template, request, url_for
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from trcalc.calc.docs import DOCS
from trcalc.calc.rules.store import book

bp = Blueprint("belgeler", __name__)

# The same list as mkdocs.yml's markdown_extensions (tests/test_docs.py compares them).
EXTENSIONS = ("toc", "tables", "fenced_code")


def page_path(source: str) -> str:
    """docs-relative Markdown file → the path under /belgeler/ (mkdocs' use_directory_urls)."""
    stem = source[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def source_of(path: str) -> str | None:
    """The path under /belgeler/ → its docs-relative Markdown file, or None."""
    parts = [p for p in path.strip("/").split("/") if p]
    if any(p in (".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return None
    stem = "/".join(parts)
    for candidate in ((f"{stem}/index.md" if stem else "index.md"), f"{stem}.md"):
        try:
            if (DOCS / candidate).is_file():
                return candidate
        except (OSError, ValueError):      # a NUL byte, a name too long: no such page (404, never a 500)
            return None
    return None


class _Links(Treeprocessor):
    """Rewrite relative links to .md files as their /belgeler/ URLs (what mkdocs does for its site)."""

    def __init__(self, md, source: str):
        super().__init__(md)
        self.source = source

    def run(self, root: ElementTree.Element) -> None:
        for a in root.iter("a"):
            href = a.get("href", "")
            target, _, fragment = href.partition("#")
            if not target.endswith(".md") or "://" in target or target.startswith("/"):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.source), target))
            url = url_for("belgeler.page", path=page_path(resolved))
            a.set("href", url + (f"#{fragment}" if fragment else ""))


class _LinkExtension(Extension):
    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_Links(md, self.source), "trcalc_links", 1)


@lru_cache(maxsize=128)
def _render(source: str, root: str) -> tuple[str, str]:
    text = (DOCS / source).read_text(encoding="utf-8")
    body = markdown.Markdown(extensions=[*EXTENSIONS, _LinkExtension(source)]).convert(text)
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "trcalc")
    return title, body


@bp.get("/belgeler/", defaults={"path": ""})
@bp.get("/belgeler/<path:path>")
def page(path: str):
    source = source_of(path)
    if source is None:
        abort(404)
    if path and not path.endswith("/"):
        return redirect(url_for("belgeler.page", path=path + "/"), code=301)
    title, body = _render(source, request.script_root)
    return render_template("belgeler.html", title=title, body=body, version=book().version,
                           home=url_for("belgeler.page", path=""))
