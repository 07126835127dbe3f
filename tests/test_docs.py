"""The documentation (issue 21.5): the README is short, the docs/ pages build as an mkdocs site
with --strict (a broken link, a page left out of the nav or any warning fails), the generated pages
equal what the code writes, and the team server serves every page at /belgeler/.

mkdocs' contract followed: `mkdocs build --strict` turns warnings into errors; the `validation`
options of mkdocs.yml make links to missing pages or anchors and pages missing from `nav` warnings
(mkdocs 1.6 user guide, "Configuration → validation"). Pages are at directory URLs
(`use_directory_urls`, the default): `a/b.md` is `a/b/`, `a/index.md` is `a/`.
"""
import html.parser
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from trcalc import docpages
from trcalc.calc.docs import DOCS
from trcalc.calc.registry import REGISTRY
from trcalc.server import belgeler, create_app
from trcalc.server.config import Settings

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def _nav_pages(nav) -> list[str]:
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return out


def _markdown_files() -> set[str]:
    return {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}


def test_the_readme_says_what_trcalc_is_turkish_first_and_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert "make run" in text and "make test" in text
    assert text.index("dış ticaret vergilerini") < text.index("*English.*")       # Turkish, then English
    for target in {line.split("](")[1].split(")")[0] for line in text.splitlines() if "](docs/" in line}:
        assert (ROOT / target).is_file(), target


def test_every_docs_page_is_in_the_nav_once():
    pages = _nav_pages(MKDOCS["nav"])
    assert len(pages) == len(set(pages))
    assert set(pages) == _markdown_files()


def test_every_docs_folder_ships_in_the_wheel():
    """A docs/ folder is a package of pyproject.toml with its *.md as package data (what the wheel
    carries to the server's /belgeler/; tests/test_wheel.py reads the pages from the installed wheel)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for folder in {p.parent for p in DOCS.rglob("*.md")}:
        name = ".".join(("trcalc", "docs", *folder.relative_to(DOCS).parts))
        assert name in conf["packages"], f"pyproject.toml: add {name!r} to packages"
        assert "*.md" in conf["package-data"].get(name, []), f"pyproject.toml: add {name!r} = ['*.md'] to package-data"


def test_the_generated_pages_equal_what_the_code_writes():
    assert docpages.stale() == []
    text = (DOCS / "islevler.md").read_text(encoding="utf-8")
    for name in REGISTRY:
        assert f"`{name}(" in text, name


def test_a_stale_page_is_named_with_the_command_to_run(tmp_path):
    for rel in docpages.BLOCKS:
        (tmp_path / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / rel).write_text((DOCS / rel).read_text(encoding="utf-8"), encoding="utf-8")
    page = tmp_path / "docs" / "islevler.md"
    page.write_text(page.read_text(encoding="utf-8").replace("`TR_TEV(", "`TR_TEVX("), encoding="utf-8")
    (problem,) = docpages.stale(tmp_path / "docs")
    assert "islevler.md" in problem and "trcalc docs --write" in problem
    assert docpages.write(tmp_path / "docs") == [page] and docpages.stale(tmp_path / "docs") == []


def test_the_site_builds_with_strict(tmp_path):
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "WARNING" not in r.stderr, r.stderr[-3000:]
    assert (tmp_path / "site" / "islevler" / "index.html").is_file()
    assert (tmp_path / "site" / "sunucu" / "ayarlar" / "index.html").is_file()


def test_a_broken_link_fails_the_strict_build(tmp_path):
    """The check above can fail: the same build with one page linking a missing page does."""
    docs = tmp_path / "docs"
    for rel in _markdown_files():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text((DOCS / rel).read_text(encoding="utf-8"), encoding="utf-8")
    (docs / "kurulum.md").write_text((docs / "kurulum.md").read_text(encoding="utf-8")
                                      + "\n[yok](olmayan-sayfa.md)\n", encoding="utf-8")
    conf = tmp_path / "mkdocs.yml"
    conf.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(conf),
                        "--site-dir", str(tmp_path / "site")], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0 and "olmayan-sayfa.md" in r.stderr


def test_the_server_renders_with_the_extensions_mkdocs_uses():
    assert list(belgeler.EXTENSIONS) == MKDOCS["markdown_extensions"]


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")


def _walk(client) -> dict[str, str]:
    """Every /belgeler/ page reached by links from the start page: path → html."""
    seen, todo = {}, ["/belgeler/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        r = client.get(path)
        assert r.status_code == 200, path
        seen[path] = r.get_data(as_text=True)
        parser = _Links()
        parser.feed(seen[path])
        for href in parser.links:
            assert not href.split("#")[0].endswith(".md"), (path, href)       # every .md link rewritten
            if href.startswith("/belgeler/"):
                todo.append(href.split("#")[0])
    return seen


def test_the_server_serves_every_page_at_belgeler_reached_from_the_start_page():
    client = create_app(Settings(api_keys=frozenset({"k"}))).test_client()    # open without a key, like /docs
    pages = _walk(client)
    expected = {"/belgeler/" + belgeler.page_path(rel) for rel in _nav_pages(MKDOCS["nav"])}
    assert set(pages) == expected
    functions = pages["/belgeler/islevler/"]
    assert "<title>İşlevler / Functions — trcalc belgeler</title>" in functions
    assert "<table>" in functions and "<code>TR_TEV(ithal_degeri" in functions
    assert 'href="/belgeler/kurallar/kaynaklar/"' in pages["/belgeler/kurallar/"]


def test_belgeler_refuses_what_is_not_a_page():
    client = create_app(Settings()).test_client()
    assert client.get("/belgeler/olmayan/").status_code == 404
    assert client.get("/belgeler/../pyproject.toml").status_code == 404
    assert client.get("/belgeler/..%2Fmkdocs.yml").status_code == 404
    assert client.get("/belgeler/.nav/").status_code == 404
    assert client.get("/belgeler/a%00b/").status_code == 404                 # NUL: stat() raises ValueError
    assert client.get("/belgeler/" + "a" * 5000 + "/").status_code == 404    # ENAMETOOLONG
    r = client.get("/belgeler/kurulum")
    assert r.status_code == 301 and r.headers["Location"].endswith("/belgeler/kurulum/")


@pytest.mark.parametrize("rel", ["index.md", "sunucu/index.md", "sunucu/ayarlar.md", "excel/windows.md"])
def test_page_paths_follow_mkdocs_directory_urls(rel):
    assert belgeler.source_of(belgeler.page_path(rel)) == rel


# The pages an accountant reads open in Turkish; English follows (issue 21.5).
ACCOUNTANT_PAGES = ["index.md", "kurulum.md", "excel/windows.md", "excel/office.md", "excel/lite.md", "sablonlar.md",
                    "islevler.md", "kurlar.md", "web.md", "kurallar/index.md", "kurallar/kaynaklar.md",
                    "kurallar/bakim.md", "sunucu/index.md", "sunucu/ayarlar.md"]


@pytest.mark.parametrize("rel", ACCOUNTANT_PAGES)
def test_pages_an_accountant_reads_open_in_turkish(rel):
    text = (DOCS / rel).read_text(encoding="utf-8")
    body = [p for p in text.split("\n\n")[1:] if p.strip() and not p.startswith(("#", "|", "```", "*English"))]
    assert set("ğışçöüİ") & set(body[0]), f"{rel}: the first paragraph is not Turkish: {body[0][:200]!r}"
    assert "English" in text[text.index(body[0]):], f"{rel}: no English after the Turkish"
