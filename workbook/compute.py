"""Computing: every formula cell of a loaded book, under the workbook's overrides; `compute_file` /
`compute_bytes` are the entry points (see the package doc)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from . import output, reader
from .bridge import REGISTRY, CalcError, read_rule_overrides, rules_book, stamp
from .budgets import WorkbookError
from .files import check_file
from .grid import Book, OverBudget
from .load import OVERRIDES_NAME, load, raw_overrides
from .reader import RawBook
from .results import Report, collect, summary
from .values import Err
from .udf import OVERRIDES

ENGINES = ("auto", "fast", "formulas")


def known_function_names() -> set[str]:
    """Excel built-ins the engines implement, plus our registry."""
    import formulas

    from .functions import BUILTINS, LAZY
    names = set(formulas.get_functions())
    return ({n for n in names if not n.startswith("_")} | set(REGISTRY) | set(BUILTINS) | set(LAZY)
            | {n[len("_XLFN."):] for n in names if n.startswith("_XLFN.")})


def _run(book: Book, order) -> None:
    """Every formula cell, sheet by sheet, row by row (a cell computes what it needs first, with no
    deep recursion: `Book.compute`); a budget that runs out while computing refuses the workbook."""
    done = book.done
    try:
        for s, _ws, coords in order:
            i = s.index
            for r, c in sorted(coords):
                if (i, r, c) not in done:        # the cells of an array's range are done with its anchor
                    book.compute(s, r, c)
    except OverBudget as exc:
        raise exc.error from None


_STAMP_CELL = re.compile(r'^=\s*(?:[A-Z0-9_.]+\.)?TR_STAMP\(\s*"([^"]*)"\s*\)\s*$', re.IGNORECASE)


def _restamp(book: Book) -> None:
    """The stamp cells (TR_STAMP, the templates' summary sheets) computed again once every other cell
    is: a cell computed before the rates were read would not name their bulletins (issue 25.5). A plain
    =TR_STAMP("…") gets the registry's value now (an engine may have folded its constant argument at
    load); another formula using TR_STAMP is computed again."""
    fn = REGISTRY["TR_STAMP"]
    for s in book.sheets:
        for (r, c), cell in s.formulas.items():
            text = getattr(cell, "text", None) or ""
            if "TR_STAMP(" not in text.upper():
                continue
            m = _STAMP_CELL.match(text)
            if m:
                try:
                    book.done[(s.index, r, c)] = fn(m[1])
                except CalcError as exc:
                    book.done[(s.index, r, c)] = Err("#VALUE!", exc.message)
            else:
                book.done.pop((s.index, r, c), None)
                book.compute(s, r, c)


def compute(src: Path, engine: str = "auto") -> tuple[RawBook, Report, dict, dict]:
    """Compute `src`: (what was read, the report, values per sheet part, notes per sheet part).

    engine: "auto" or "fast" (the compiled evaluator, the `formulas` engine for cells it
    does not know) or "formulas" (every cell by the `formulas` engine, for comparison).
    """
    if engine not in ENGINES:
        raise WorkbookError(f"bilinmeyen motor ({engine})", f"unknown engine ({engine})")
    check_file(src)
    raw = reader.read(src)
    try:
        overrides = read_rule_overrides(raw_overrides(raw))
    except CalcError as exc:
        which = f"{exc.argument}: " if exc.argument else ""      # the parameter's name
        raise WorkbookError(f"Parametreler ({OVERRIDES_NAME}) okunamadı: {which}{exc.message_tr}",
                            f"cannot read the overrides ({OVERRIDES_NAME}): {which}{exc.message_en}") from None
    mode = "formulas" if engine == "formulas" else "fast"
    when, version = stamp.now(), rules_book().version
    with stamp.computation(when, version) as used:      # the TCMB bulletins the formulas read, for the stamp
        book, order, compiler = load(raw, overrides, mode)
        token = OVERRIDES.set(overrides)
        try:
            _run(book, order)
            _restamp(book)
        finally:
            OVERRIDES.reset(token)
    report, parts, notes = collect(book, order)
    report.stamp = stamp.rows(when, version, used)
    report.stamp_line = stamp.line(when, version, used)
    report.headline = summary(raw, parts)
    report.engine = mode
    report.fallback = compiler.fallbacks
    report.patterns = len(compiler.compiled)
    return raw, report, parts, notes


def compute_file(src: Path, dst: Path, engine: str = "auto", on_resave=None) -> Report:
    """Compute `src` into `dst` (never `src` itself). `on_resave(wb)` runs on the openpyxl workbook
    when the file has to be re-saved by openpyxl (see `write_openpyxl`)."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise WorkbookError("çıktı dosyası girdiyle aynı olamaz: girdi hiçbir zaman değiştirilmez",
                            "the output must not be the input: the input is never changed")
    raw, report, parts, notes = compute(src, engine)
    output.save(src, dst, raw, report, parts, notes, on_resave)
    return report


def compute_bytes(data: bytes, on_resave=None) -> tuple[bytes, Report]:
    """For the server: bytes in, bytes out, through temporary files."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.xlsx", Path(d) / "out.xlsx"
        src.write_bytes(data)
        report = compute_file(src, dst, on_resave=on_resave)
        return dst.read_bytes(), report
