"""LibreOffice headless as the third engine, and the templates' printouts (issue 12).

LibreOffice (Debian's libreoffice-calc-nogui with the Python script provider, installed by
tests/setup-libreoffice.sh) loads each example and edited copy, recalculates every formula —
trcalc functions through Basic wrappers that call the registry by the script provider (see
tests/lo/__init__.py for the documented mechanisms) — and every formula cell is compared with the
fast evaluator's value.  Then each example, and one after `trcalc compute` with an error row, is printed to
PDF and read back (tests/lo/printout.py): one A4 page per sheet, every text inside the margins and in full,
no lines drawn over each other.
"""
import datetime as dt
import re

import openpyxl
import pytest

from trcalc.templates import build, ithalat
from trcalc.workbook import compute_file
from trcalc.calc import stamp
from tests.test_stamp_cells import in_a_cell, stamp_cells
from trcalc.workbook import STAMP_NAME
from trcalc.calc.rules.store import book as rules_book
from trcalc.templates.sheets import ERROR_KEY, FIRST_ROW, INFO_SHEET, fill, letters
from trcalc.workbook import KEYS_NAME
from tests import lo
from tests.lo import printout

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("libreoffice")]
A4 = {(595, 842), (842, 595)}


def _profile(tmp_path_factory, name: str, **kw):
    if lo.soffice() is None:
        pytest.fail("LibreOffice is not installed: run tests/setup-libreoffice.sh (make test does)")
    seed = tmp_path_factory.mktemp(f"seed_{name}") / "seed.xlsx"
    build.save(build.example_ithalat(), seed)
    return lo.make_profile(tmp_path_factory.mktemp(f"lo_profile_{name}"), seed, **kw)


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    return _profile(tmp_path_factory, "system")


@pytest.fixture(scope="module")
def profile_tr(tmp_path_factory):
    """LibreOffice in the Turkish locale, where it reads "10.02.2025" typed as text as 10 February."""
    return _profile(tmp_path_factory, "tr", locale="tr-TR")


def _values(path, formulas_of):
    wb = openpyxl.load_workbook(path, data_only=True)
    return {k: wb[k[0]][k[1]].value for k in formulas_of}


def _same(a, b):
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-6 * max(1, abs(a))
    return a == b


def _export(ws, r, values):
    keys = [c.key for c in build.EXPORTS]
    for key, v in zip(("decl", "date", "product", "input", "qty", "destination", "certificate"), values):
        ws.cell(r, keys.index(key) + 1, v)


def _edited_dir(flavour=None):
    """Rows inserted and deleted; a day-first text date, a product code typed as a number in the norms
    and as text in the export, a wildcard input (the edits of test_fast_path's
    test_dir_text_dates_number_codes_and_wildcards)."""
    from tests.edits import delete_rows, insert_rows
    wb = build.dir_tev.example(**({"flavour": flavour} if flavour else {}))
    x, n = wb["İhracat"], wb["Normlar"]
    insert_rows(wb, "İhracat", 6, copy_formulas_from=5)
    _export(x, 6, ["EXM", dt.date(2025, 3, 24), "KUMAS", "IPLIK", 100, "DE", "ATR"])
    delete_rows(wb, "İhracat", 7)
    n["A7"], n["B7"], n["C7"] = 5205, "IPLIK", 2
    _export(x, 8, ["EXT", "24.03.2025", "KUMAS", "IPLIK", 100, "DE", "ATR"])
    _export(x, 9, ["EXN", dt.date(2025, 3, 24), "5205", "IPLIK", 100, "DE", "ATR"])
    _export(x, 10, ["EXW", dt.date(2025, 3, 24), "KUMAS", "IPL*", 100, "DE", "ATR"])
    wb["İthalat"]["B7"] = "12.02.2025"                  # an import's registration date typed as text
    k = wb["Kurlar"]
    k["A9"], k["B9"], k["C9"] = "USD", "05.05.2025", 33   # a rate dated as text: unused, counted on Özet
    return wb


def _edited_ledger(flavour=None):
    """A row inserted between the two KOMISYON lines, its date typed as day-first text and earlier than
    the row above: every program must count it in the running cap (Harcamalar, Önceki ödemeler)."""
    from tests.edits import insert_rows
    wb = build.eihracat.example(**({"flavour": flavour} if flavour else {}))
    insert_rows(wb, "Harcamalar", 7, copy_formulas_from=6)
    for col, v in zip("ABCDEF", ["01.03.2025", "KOMISYON", "SIRKET", "Etsy", "E-000", 200000]):
        wb["Harcamalar"][f"{col}7"] = v
    return wb


CASES = {**{f"example {k}": v for k, v in build.EXAMPLES.items()},
         "edited dir_tev": _edited_dir, "edited eihracat_destek": _edited_ledger}


@pytest.mark.parametrize("case", list(CASES))
def test_libreoffice_computes_every_cell_as_the_fast_evaluator(case, profile, tmp_path):
    _every_cell_alike(CASES[case](), case, profile, tmp_path)


@pytest.mark.parametrize("case", ["edited dir_tev", "edited eihracat_destek"])
def test_text_dates_alike_in_the_turkish_locale(case, profile_tr, tmp_path):
    """The edited copies hold day-first text dates: in the Turkish locale, too, every cell is the fast
    evaluator's (each template reads its typed dates once, with TR_DATE, and uses only that column)."""
    _every_cell_alike(CASES[case](), case, profile_tr, tmp_path)


def test_libreoffice_reads_a_text_date_only_outside_criteria(profile, profile_tr, tmp_path):
    """Why the templates read typed dates with TR_DATE: what LibreOffice does with a date typed as text.

    LibreOffice Help, "Detailed Calculation Settings" (help.libreoffice.org, shared/optionen/
    detailedcalculation): text in arithmetic is converted "only if unambiguous" — integers and ISO 8601
    dates — unless the locale reads it; and SUMIFS/COUNTIFS, like Excel's ("SUMIFS function",
    support.microsoft.com: text values in the ranges are ignored; "COUNTIFS": a criteria range's empty
    cells and text values are ignored), never count a text cell against a numeric bound.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = "10.02.2025", dt.date(2025, 3, 1), "2025-02-11"
    ws["B1"], ws["B2"], ws["B3"] = 1, 10, 100
    ws["C1"], ws["C2"], ws["C3"] = "=YEAR(A1)", "=A3+0", '=SUMIFS(B1:B3,A1:A3,"<"&DATE(2025,6,1))'
    ws["C4"] = "=TR_DATE(A1)"
    src = tmp_path / "probe.xlsx"
    wb.save(src)
    got = {}
    for name, prof in (("system", profile), ("tr", profile_tr)):
        out = openpyxl.load_workbook(lo.recalc(prof, src, tmp_path / name), data_only=True).active
        got[name] = [out[c].value for c in ("C1", "C2", "C3", "C4")]
    feb10 = dt.datetime(2025, 2, 10)
    # Turkish reads the day-first text for YEAR (the machine's locale may not: C.UTF-8 gives #VALUE!);
    # ISO text converts in both; SUMIFS counts only the real date cell (10) in both; TR_DATE reads
    # the day-first text in both (a date serial, shown as the number LibreOffice saves without a format)
    assert got["tr"][:3] == [2025, 45699, 10], got
    assert got["system"][1:3] == [45699, 10], got
    assert got["system"][3] == got["tr"][3] == (feb10 - dt.datetime(1899, 12, 30)).days, got


def test_any_workbook_text_dates_as_libreoffice_in_the_turkish_locale(profile_tr, tmp_path):
    """A non-template sheet with date text in arithmetic, criteria, ISNUMBER, MATCH and SUMPRODUCT
    (tests/test_text_dates.py, where each expected value is explained): LibreOffice in the Turkish
    locale computes every cell as the fast evaluator does, and as the hand values say."""
    from tests.test_text_dates import FOREIGN, foreign_text_dates
    wb = foreign_text_dates()
    _every_cell_alike(wb, "foreign", profile_tr, tmp_path, at_least=len(FOREIGN))
    src = tmp_path / "foreign.xlsx"
    theirs = openpyxl.load_workbook(lo.recalc(profile_tr, src, tmp_path / "lo2"), data_only=True).active
    assert {c: theirs[c].value for c in FOREIGN} == {c: v for c, (_, v) in FOREIGN.items()}


def computed_cells(src) -> list[tuple[str, str]]:
    """(sheet, cell) of every formula cell, and of every cell an array formula fills (issue 23.1)."""
    from openpyxl.utils import range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula
    out = []
    for ws in openpyxl.load_workbook(src).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                if isinstance(c.value, ArrayFormula):
                    c1, r1, c2, r2 = range_boundaries(c.value.ref)
                    out += [(ws.title, ws.cell(r, col).coordinate) for r in range(r1, r2 + 1)
                            for col in range(c1, c2 + 1)]
                else:
                    out.append((ws.title, c.coordinate))
    return out


def _every_cell_alike(wb, case, profile, tmp_path, at_least: int = 50):
    src = tmp_path / f"{case.replace(' ', '_')}.xlsx"
    build.save(wb, src)
    report = compute_file(src, tmp_path / "fast.xlsx")
    assert report.errors == [], report.summary()
    formulas_of = computed_cells(src)
    ours = _values(tmp_path / "fast.xlsx", formulas_of)
    theirs = _values(lo.recalc(profile, src, tmp_path / "lo"), formulas_of)
    # the stamp cells: LibreOffice's own recalculation through the extension (issue 25.5)
    stamped = stamp_cells(openpyxl.load_workbook(src)) if STAMP_NAME in openpyxl.load_workbook(src).defined_names else {}
    diff = [(k, ours[k], theirs[k]) for k in formulas_of
            if not (in_a_cell(stamped[k], theirs[k]) if k in stamped else _same(ours[k], theirs[k]))]
    assert not diff, diff[:10]
    assert len(formulas_of) >= at_least


def _error_row():
    """The import example after `trcalc compute`, one parcel with a negative value: its computed cells are
    #VALUE! (the message in a comment) and its flag column says 1."""
    wb = build.example_ithalat()
    fill(wb[ithalat.SHEET], ithalat.PARCELS, [{}] * 7 + [{"date": dt.date(2025, 3, 1), "goods": -5, "origin": "DE", "fx": None}])
    return wb


PRINTED = {**{f"example {k}": (v, False) for k, v in build.EXAMPLES.items()},
           "computed ithalat_vergi with an error row": (_error_row, True)}


@pytest.mark.parametrize("case", list(PRINTED))
def test_each_example_prints_one_a4_page_per_sheet_every_text_in_full(case, profile_tr, tmp_path):
    """Each visible sheet prints as one A4 page (a table too wide would spill onto more pages); on every page
    (a) each text line lies inside the page's margins (the footer alone below the bottom margin), (b) every
    non-empty cell of the print area — titles, column help and headers, instruction lines, inputs and
    computed values as the cell's number format shows them — is printed in full, and (c) no glyphs are
    drawn over each other.

    How LibreOffice lays out and clips a cell's text, and so what the checks look for:
    - A number wider than its column is printed as `###` ("Error Codes in LibreOffice Calc", LibreOffice
      Help: "### — The cell is not wide enough to display the contents"), so the expected text of a
      value is the cell's number format applied to the computed value (tests/lo/printout.shown).
    Observed in these PDFs (LibreOffice's Help does not describe it; the test pins it down):
    - Text without "wrap text" runs on over empty neighbours and is cut at the edge of a filled one; text
      with it wraps at spaces within the column's width (a word longer than the width breaks between
      letters) and is cut at the row's height. LibreOffice writes only the glyphs it draws: a cut text is
      absent from the PDF, not hidden by a clip path, so comparing strings finds it where boxes cannot.
    - "Fit to width" (pageSetup fitToWidth=1, fitToHeight=0; ECMA-376 §18.3.1.63) scales the page until its
      columns need one page across; a single column wider than the page still counts as one page, so its
      wrapped text runs off the page unscaled (the instructions sheet's column is therefore narrower than
      the page; templates/common.INSTRUCTIONS_WIDTH).
    - Comments are not printed: LibreOffice does not take pageSetup cellComments="atEnd" from an .xlsx
      (the page style it makes has no "annotations" print flag), so an error cell prints #VALUE! and its
      row's flag; the message is printed on the Hatalar sheet, where `trcalc compute` lists every error
      cell (sheet, cell, message) — checked in full below like every other cell.
    - Without Calibri, LibreOffice lays the sheet out in DejaVu Sans (fc-match): wider glyphs than Excel's,
      so row heights and widths come from templates/sheets.wrapped_height and width, with room to spare.

    Printed in the Turkish locale (profile_tr), as an accountant's LibreOffice shows numbers: 28.615.135,00 TL,
    %20,00, DOĞRU. The computed case is what `trcalc compute` writes (values in place of formulas, an error row): the
    error cells print #VALUE! and the row's flag 1.
    """
    make, computed = PRINTED[case]
    src = tmp_path / "src.xlsx"
    build.save(make(), src)
    fast = tmp_path / "fast.xlsx"
    report = compute_file(src, fast)
    assert bool(report.errors) == computed, report.summary()
    printed = fast if computed else src            # an example is computed by LibreOffice as it prints
    pages = printout.pages(lo.pdf(profile_tr, printed, tmp_path / "pdf"))
    sheets = openpyxl.load_workbook(printed)
    values = openpyxl.load_workbook(fast, data_only=True)
    visible = [ws for ws in sheets.worksheets if ws.sheet_state == "visible"]
    assert all((round(p.width), round(p.height)) in A4 for p in pages), [(p.width, p.height) for p in pages]
    grouped = printout.by_sheet(pages)
    assert list(grouped) == [ws.title.replace(" ", "") for ws in visible], list(grouped)
    loc = printout.LOCALES[lo.locale(profile_tr)]
    checked = 0
    for ws in visible:
        own = grouped[ws.title.replace(" ", "")]
        # one page tall (the examples are short); as many across as the sheet asks for (sheets.pages_across:
        # a table too wide to read on one page prints over more, its key columns repeated on each)
        assert len(own) == (ws.page_setup.fitToWidth or 1), (ws.title, len(own))
        texts = printout.expected(ws, values[ws.title], loc)
        assert texts, ws.title
        if not computed:         # LibreOffice computes the stamp cells itself as it prints (issue 25.5)
            for (sheet, ref), part in stamp_cells(values).items():
                if sheet == ws.title and ref in texts:
                    if part == "ZAMAN":
                        del texts[ref]            # its own minute: the format is checked in test_stamp_cells
                    else:
                        texts[ref] = {"KURALLAR": rules_book().version, "TRCALC": stamp.version(),
                                      "BULTENLER": stamp.IN_A_CELL}[part]
        left = texts
        for page in own:                  # every text in full on some page of its sheet
            left = printout.missing(page, left)
        assert left == {}, (ws.title, left)
        for page in own:
            assert printout.outside(page, *printout.margins(ws)) == [], ws.title
            assert printout.overlapping(page) == [], ws.title
            # readable: no glyph under 4.5 pt (the 35-column export table fitted to one page printed at 3 pt)
            assert min(g.y1 - g.y0 for g in page.glyphs) >= 4.5, ws.title
        checked += len(texts)
    assert checked > 100
    if computed:
        ws = values[ithalat.SHEET]
        flag = letters(ithalat.PARCELS)
        row = [ws[f"{flag[k]}12"].value for k in ("taxes", "landed", ERROR_KEY)]
        assert row == ["#VALUE!", "#VALUE!", 1]                 # printed in full, as checked above
        listed = [r for r in values["Hatalar"].iter_rows(min_row=5, values_only=True)]
        assert (ithalat.SHEET, f"{flag['taxes']}12") in {r[:2] for r in listed}
        assert all("esya_bedeli" in r[2] for r in listed if r[0] == ithalat.SHEET), listed   # the message, printed


# --- issue 25.5: what a computed workbook files ------------------------------------------------------------

INFO = {"Firma unvanı": "Örnek Dış Ticaret A.Ş.", "Vergi kimlik no (VKN)": "1234567890",
        "DİİB / beyanname no": "2025/D-123", "Dönem": "Mart 2025", "Hazırlayan": "A. Yılmaz"}


def _with_info(wb):
    ws = wb[INFO_SHEET]
    for r in range(FIRST_ROW, FIRST_ROW + len(INFO)):
        ws.cell(r, 2, INFO[ws.cell(r, 1).value])
    return wb


FILED = {**{f"example {k}": (lambda m=v: _with_info(m())) for k, v in build.EXAMPLES.items()},
         **{f"blank {k}": (lambda k=k: _with_info(build.KINDS[k].build(build.ROWS[k])))
            for k in ("ithalat_vergi", "dir_tev")}}


@pytest.mark.parametrize("case", list(FILED))
def test_computed_workbooks_print_header_fields_and_stamp_on_every_page(case, profile_tr, tmp_path):
    """`trcalc compute`'s output printed by LibreOffice (Turkish locale): every page carries the stamp line under its
    footer (rules version, computation time in Türkiye, TCMB bulletins, trcalc version), every filed page (all but
    the instructions and the Bilgiler form itself) the header fields typed on Bilgiler, and a table prints only
    its filled rows — a blank 200- or 300-row template prints each table on one page tall, as the examples do."""
    src, out = tmp_path / "src.xlsx", tmp_path / "out.xlsx"
    build.save(FILED[case](), src)
    before = stamp.now()
    report = compute_file(src, out)
    pages = printout.pages(lo.pdf(profile_tr, out, tmp_path / "pdf"))
    wb = openpyxl.load_workbook(out)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    grouped = printout.by_sheet(pages)
    assert list(grouped) == [ws.title.replace(" ", "") for ws in visible], list(grouped)
    for ws in visible:
        own = grouped[ws.title.replace(" ", "")]
        assert len(own) == (ws.page_setup.fitToWidth or 1), (ws.title, len(own))     # one page tall
        for page in own:
            found = printout.stamp(page)
            assert found, ws.title
            assert found["version"] == rules_book().version and found["trcalc"] == stamp.version()
            when = dt.datetime.strptime(found["when"], "%d.%m.%Y%H:%M").replace(tzinfo=stamp.TURKEY)
            assert before - dt.timedelta(minutes=1) <= when <= stamp.now() + dt.timedelta(minutes=1)
            assert found["bulletins"] == "kullanılmadı"          # no TCMB rate in these workbooks
            assert printout.outside(page, *printout.margins(ws)) == [], ws.title
            text = "".join(line.text for line in page.lines)
            if ws.title not in ("Talimatlar", INFO_SHEET, "Listeler"):
                for value in INFO.values():
                    assert value.replace(" ", "") in text, (ws.title, value)
    # the stamp rows on the summary sheet, as the report has them
    assert report.stamp[0][0] == "Kurallar sürümü" and len(report.stamp) == 4
    # no empty table rows in the print area: each table's area ends at its last filled key row
    for piece in wb.defined_names[KEYS_NAME].attr_text.split(","):
        sheet, cells = piece.rsplit("!", 1)
        ws = wb[sheet.strip("'")]
        col = cells.split(":")[0].replace("$", "").rstrip("0123456789")
        filled = [c.row for c in ws[col][FIRST_ROW - 1:] if c.value not in (None, "")]
        area_end = int(re.search(r"(\d+)$", ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0])[1])
        assert area_end == max(filled, default=FIRST_ROW - 1), (ws.title, area_end, filled[-3:])
