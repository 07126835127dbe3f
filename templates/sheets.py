"""Building blocks for the template workbooks (openpyxl).

A template sheet is a title, a line of help, a header row and N data rows.
Each column is either an input (unlocked, coloured, with a drop-down list
where it takes a code) or a formula (locked, grey), written once as a
pattern with `{key}{r}` for the row's cell of a column — the column's one
definition: the workbook engine compiles the same text (there is no second,
hand-written evaluation).

Columns, not rows (issue 23.1): a computed column is ONE array formula for all
its rows — `{key}{r}` becomes the column's range `$E$5:$E$304` — so a
registry function is called once per column with whole columns (the
registry's column form) and no formula scans the table once per row.  The
inputs form the Excel table (ListObject); the computed columns stand beside it,
outside the table, because Excel allows no array formula (spilled or not)
inside a table.  See the README's "Columns, not rows" for the design.
Registry calls in patterns are written with `call()`, which takes the
arguments by name and orders them by the registry's own argument list.
Sheets are protected without a password, so an accountant cannot overwrite a
formula by accident but can unprotect on purpose.

Printing (issue 12.5): every sheet gets A4 page setup fitted to the page width,
landscape where the table is wide, the header rows repeated on every page, a
print area, and comments (the error messages) printed at the end.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trcalc.calc.registry import REGISTRY

from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo

from trcalc.workbook import KEYS_NAME, STAMP_NAME, SUMMARY_NAME
from trcalc.workbook.textsize import POINTS_PER_WIDTH, text_width, wrapped_height, wrapped_lines  # noqa: F401  (re-exported)

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMULA_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)

TL = '#,##0.00 "TL"'
EUR = '#,##0.00 "€"'
DATE = "dd.mm.yyyy"
RATE = "0.00%"
QTY = "#,##0.###"
TEXT = "@"
# A TRUE/FALSE column: LibreOffice keeps no boolean type inside an array formula's result and shows 1/0,
# so the column's format shows a nonzero number as DOĞRU and zero as YANLIŞ (Excel shows its booleans so)
BOOL = '"DOĞRU";"DOĞRU";"YANLIŞ"'

HEADER_ROW = 4
FIRST_ROW = 5


@dataclass(frozen=True)
class Col:
    key: str                       # how formula patterns name this column: {key}{r}
    header: str
    width: int = 14
    fmt: str | None = None
    formula: str | None = None     # pattern with {r} and {key}s; None = an input column
    choices: str | None = None     # name of a list on the Listeler sheet
    help: str = ""
    default: object = None         # an input column's pre-filled value (the accountant types over it)
    # the column written one formula per row (`Flavour.rows`), when its own pattern needs whole columns
    # (a TR_RUNNING_SUM order, a TR_MATCH / TR_SUMBY / TR_COUNTBY look-up): `{p}` is the row above; the
    # same quantity, by SUMIFS / COUNTIFS / MATCH per row
    per_row: str | None = None

    @property
    def is_input(self) -> bool:
        return self.formula is None


def number_or_zero(ref: str) -> str:
    """N(x) element by element: N takes one value and gives the first of a range (Excel's N function),
    so a column's array formula writes the number-or-zero this way."""
    return f"IF(ISNUMBER({ref}),{ref},0)"


def least(a: str, b: str) -> str:
    """MIN of two values element by element (MIN folds a whole column into one value)."""
    return f"IF({a}<{b},{a},{b})"


def greatest(a: str, b: str) -> str:
    """MAX of two values element by element."""
    return f"IF({a}>{b},{a},{b})"


def either(*tests: str) -> str:
    """OR element by element (OR folds a whole column into one value): TRUE counts 1 in a sum."""
    return "(" + "+".join(f"({t})" for t in tests) + ">0)"


def call(name: str, **args: str) -> str:
    """`NAME(a,b,,d)` with the arguments in the registry's own order (never a hand-copied order).

    Keyword names are the registry's argument names; omitted optional arguments are left
    empty (trailing ones dropped); an unknown or missing required name is a build error.
    """
    fn = REGISTRY[name]
    names = [a.name for a in fn.args]
    unknown = set(args) - set(names)
    if unknown:
        raise ValueError(f"{name} has no argument {sorted(unknown)}; it takes {names}")
    missing = [a.name for a in fn.args if not a.optional and a.name not in args]
    if missing:
        raise ValueError(f"{name} needs {missing}")
    parts = [args.get(n, "") for n in names]
    while parts and parts[-1] == "":
        parts.pop()
    return f"{name}({','.join(parts)})"


@dataclass(frozen=True)
class Flavour:
    """How a template spells registry functions: plain (`TR_TEV`, the xlwings add-in and the
    engine) or with a prefix (`TRCALC.TR_TEV`, an Office add-in's namespace); and whether computed
    columns are one array formula each (issue 23.1) or, `rows`, one formula per row (a host that
    cannot take a column: the LibreOffice extension), built from the same column definitions; and,
    `typed_rates`, for a host that cannot fetch TCMB rates (xlwings Lite, issue 23.3): a rate cell that
    would say TCMB starts empty, takes a number only, and says so (`LITE_RATE`)."""
    prefix: str = ""
    rows: bool = False
    typed_rates: bool = False

    def apply(self, formula: str) -> str:
        if not self.prefix:
            return formula
        return _REGISTRY_CALL.sub(lambda m: m[1] + self.prefix + m[2], formula)

    def per_row(self, col: Col) -> bool:
        """Whether computed column `col` is written one formula per row (else one array formula)."""
        return self.rows


PLAIN = Flavour()
ROWS = Flavour(rows=True)           # plain spelling, one formula per row
LITE = Flavour(typed_rates=True)    # plain spelling, rates typed (xlwings Lite cannot reach TCMB)
TCMB = "TCMB"                       # what a rate cell holds to ask for the TCMB rate of its date

# xlwings Lite's rate cells: what the help row, the cell's input message and its refusal say (Turkish, then
# English); a rate is a number above 0 (Excel's decimal validation; a Lite workbook has no TCMB to ask)
LITE_RATE = ("xlwings Lite TCMB'ye ulaşamaz: o günün TCMB kurunu sayı olarak yazın — xlwings Lite cannot "
             "reach TCMB: type that day's TCMB rate as a number")


def lite_help(help_text: str) -> str:
    """A rate column's help in a Lite workbook: type the rate (Turkish, as the help row is), then what the
    column's own help says beyond its TCMB part ("TCMB: …; boş: sonuç €" keeps "boş: sonuç €")."""
    rest = [part for part in help_text.split("; ") if TCMB not in part]
    return "; ".join(["xlwings Lite: kuru sayı olarak yazın (TCMB'ye ulaşılamaz)", *rest])


def typed_rate_validation(ref: str) -> DataValidation:
    """A rate cell of a Lite workbook: a number above 0, with the input message saying why."""
    dv = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, errorTitle="Kur: bir sayı / a number",
                        error=LITE_RATE, promptTitle="Kur / rate", prompt=LITE_RATE[:255])
    dv.add(ref)
    return dv
_REGISTRY_CALL = re.compile(r"(^|[^A-Za-z0-9_.\"])(" + "|".join(sorted(REGISTRY, key=len, reverse=True))
                            + r")(?=\()")


def flavour_of(wb) -> Flavour:
    return getattr(wb, "trcalc_flavour", PLAIN)


def last_row(rows: int) -> int:
    return FIRST_ROW + rows - 1


def title(ws, text: str, help_text: str) -> None:
    ws["A1"] = text
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = round(TITLE_FONT.sz * 1.3 + 3)     # a 14 pt title does not fit the 15 pt default row
    ws["A2"] = help_text
    ws["A2"].alignment = Alignment(wrap_text=False)


# Header fields (issue 25.5): what a filed page says about whose it is. Typed once on the Bilgiler sheet
# (common.info_sheet); every printed sheet shows them in a line under its title, and that line is one of
# the rows repeated at the top of every printed page (print titles).
INFO_SHEET = "Bilgiler"
INFO_FIELDS = (("Firma unvanı", "Firma"), ("Vergi kimlik no (VKN)", "VKN"),
               ("DİİB / beyanname no", "DİİB/beyanname no"), ("Dönem", "Dönem"), ("Hazırlayan", "Hazırlayan"))
INFO_SIZE = 9


def info_cell(i: int) -> str:
    return f"'{INFO_SHEET}'!$B${FIRST_ROW + i}"


def header_line(ws, row: int, last_col: int, width_units: float) -> None:
    """Row `row`: "Firma: … · VKN: … · DİİB/beyanname no: … · Dönem: … · Hazırlayan: …", from the Bilgiler
    sheet, across the printed columns, tall enough for typical values (two lines)."""
    ws.cell(row, 1, "=" + '&" · "&'.join(f'"{short}: "&{info_cell(i)}' for i, (_, short) in enumerate(INFO_FIELDS)))
    ws.cell(row, 1).font = Font(size=INFO_SIZE, bold=True, color="1F4E78")
    ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    if last_col > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    sample = " · ".join(f"{short}: {'X' * 22}" for _, short in INFO_FIELDS)
    ws.row_dimensions[row].height = wrapped_height(sample, width_units, INFO_SIZE, bold=True)


def protect(ws) -> None:
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def unlock(cell) -> None:
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL


def letters(cols: list[Col]) -> dict[str, str]:
    return {c.key: get_column_letter(i) for i, c in enumerate(cols, start=1)}


_SAME_ROW = re.compile(r"\{([a-z0-9_]+)\}\{r\}")


def column_formula(pattern: str, names: dict[str, str], end: int, header: str) -> str:
    """A column's pattern as its one array formula over rows HEADER_ROW..end, anchored in the header cell:
    each `{key}{r}` (the row's cell of a column) becomes that column's range from the header row,
    `$E$4:$E$304`, and the header row's element is the column's header.  Anchored in the header, the
    formula survives every data row being deleted, and a row inserted anywhere below the header — also
    above the first data row — is inside every range (Excel moves a range's bounds, not its inside).

    >>> column_formula('IF({qty}{r}="","",{qty}{r}*2)', {"qty": "E"}, 304, "İki kat")
    'IF(ROW($A$4:$A$304)=ROW($A$4),"İki kat",IF($E$4:$E$304="","",$E$4:$E$304*2))'
    """
    text = _SAME_ROW.sub(lambda m: f"${{{m[1]}}}${HEADER_ROW}:${{{m[1]}}}${end}", pattern)
    label = header.replace('"', '""')
    return f'IF(ROW($A${HEADER_ROW}:$A${end})=ROW($A${HEADER_ROW}),"{label}",{text.format(**names)})'


def inputs_first(cols: list[Col]) -> int:
    """How many input columns lead the table (they form the Excel table; computed columns follow)."""
    n = next((i for i, c in enumerate(cols) if not c.is_input), len(cols))
    if any(c.is_input for c in cols[n:]):
        raise ValueError("input columns must come before the computed ones (the table holds the inputs)")
    return n


def table_sheet(wb, name: str, heading: str, help_text: str, cols: list[Col], rows: int,
                table: str, lists: dict[str, str], refs: dict[str, str] | None = None):
    """A sheet holding one Excel table of `rows` data rows (its input columns) and, beside it, one array
    formula per computed column over the same rows; returns the sheet.

    Formula patterns name columns of this sheet by key ({goods}{r}) and other sheets' ranges through
    `refs` ({i_value}).
    """
    ws = wb.create_sheet(name)
    title(ws, heading, help_text)
    end = last_row(rows)
    names = {**letters(cols), **(refs or {})}
    flavour = flavour_of(wb)
    n_inputs = inputs_first(cols) if not flavour.rows else len(cols)
    helps: dict[int, str] = {}                # the help row as written (a Lite rate column says its own)
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        h = ws.cell(HEADER_ROW, i, col.header)
        h.fill, h.font = HEADER_FILL, HEADER_FONT
        h.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = width(col)
        typed = flavour.typed_rates and col.is_input and col.default == TCMB
        helps[i] = lite_help(col.help) if typed else col.help
        if helps[i]:
            c = ws.cell(3, i, helps[i])
            c.font = Font(italic=True, size=HELP_SIZE, color="595959")
            c.alignment = Alignment(wrap_text=True, vertical="bottom")
        for r in range(FIRST_ROW, end + 1):
            c = ws.cell(r, i)
            if col.fmt:
                c.number_format = col.fmt
            if col.is_input:
                unlock(c)
                if col.default is not None and not typed:
                    c.value = col.default
            else:
                c.fill = FORMULA_FILL
                if flavour.per_row(col):
                    pattern = col.per_row or col.formula
                    c.value = "=" + flavour.apply(pattern.format(r=r, p=r - 1, **names))
        if not col.is_input and not flavour.per_row(col):
            text = "=" + flavour.apply(column_formula(col.formula, names, end, col.header))
            ws.cell(HEADER_ROW, i).value = ArrayFormula(f"{letter}{HEADER_ROW}:{letter}{end}", text)
        if typed:
            ws.add_data_validation(typed_rate_validation(f"{letter}{FIRST_ROW}:{letter}{end}"))
        if col.choices:
            dv = DataValidation(type="list", formula1=lists[col.choices], allow_blank=True,
                                showErrorMessage=True, errorTitle="Geçersiz kod",
                                error="Listeden bir kod seçin / choose a code from the list")
            dv.add(f"{letter}{FIRST_ROW}:{letter}{end}")
            ws.add_data_validation(dv)
    # wrapped texts need rows tall enough for their lines: a cell's text is clipped at its row's height
    ws.row_dimensions[3].height = max([wrapped_height(helps[i], width(c), HELP_SIZE)
                                       for i, c in enumerate(cols, start=1) if helps[i]], default=None)
    ws.row_dimensions[HEADER_ROW].height = max(wrapped_height(c.header, width(c), 11, bold=True) for c in cols)
    ref = f"A{HEADER_ROW}:{get_column_letter(n_inputs)}{end}"
    t = Table(displayName=table, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(t)
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    protect(ws)
    # row 2: the header fields (the generic "fill the yellow columns" help is in Talimatlar)
    # (a table printed over several pages across repeats its key columns A:B on each: the line stays in them,
    # so every page shows it — a line merged across all columns would start on the first page only)
    total, keys = sum(width(c) for c in cols), width(cols[0]) + width(cols[1])
    if pages_across(total, keys) > 1:
        header_line(ws, 2, 2, keys)
    else:
        header_line(ws, 2, len(cols), total)
    print_setup(ws, sum(width(c) for c in cols), f"A1:{get_column_letter(len(cols))}{end}", repeat=f"2:{HEADER_ROW}",
                keys=("A:B", width(cols[0]) + width(cols[1])))
    key = cols[next((i for i, c in enumerate(cols) if c.is_input and c.default is None and c.key != "date"), 0)]
    add_keys(wb, f"'{name}'!${letters(cols)[key.key]}${FIRST_ROW}:${letters(cols)[key.key]}${end}")
    return ws


STAMP_ROWS = 5                     # the stamp's heading and its four rows


def add_keys(wb, ref: str) -> None:
    """Add a table's key column to TRCALC_KEYS (a union of ranges, one per table)."""
    from openpyxl.workbook.defined_name import DefinedName
    old = wb.defined_names.get(KEYS_NAME)
    text = f"{old.attr_text},{ref}" if old is not None else ref
    wb.defined_names[KEYS_NAME] = DefinedName(KEYS_NAME, attr_text=text)


def stamp_area(wb, ws, row: int, label_col: str = "A", value_col: str | None = None) -> int:
    """The stamp on a summary sheet (issue 25.5): its heading, then one row per part — the label
    (calc.stamp.PARTS) and a live TR_STAMP cell, which `trcalc compute` and the upload fill with their
    computation's stamp and an add-in's recalculation with its own. The block is named TRCALC_STAMP
    (heading at its top left, the values in its last column). Labels and values are not wrapped: each
    runs on over the empty cells to its right (the value column's own width need not hold a version or
    a list of bulletins). Returns the stamp's last row."""
    from openpyxl.utils import column_index_from_string
    from openpyxl.workbook.defined_name import DefinedName

    from trcalc.calc.stamp import HEADING, PARTS
    col = column_index_from_string(label_col)
    value = column_index_from_string(value_col) if value_col else col + 1
    end = row + STAMP_ROWS - 1
    wb.defined_names[STAMP_NAME] = DefinedName(
        STAMP_NAME, attr_text=f"'{ws.title}'!${label_col}${row}:${get_column_letter(value)}${end}")
    ws.cell(row, col, HEADING).font = Font(bold=True)
    flavour = flavour_of(wb)
    for i, (part, label) in enumerate(PARTS, start=1):
        ws.cell(row + i, col, label)
        ws.cell(row + i, value, flavour.apply(f'=TR_STAMP("{part}")'))
    return end


def summary_area(wb, ws, first: int, last: int) -> None:
    from openpyxl.workbook.defined_name import DefinedName
    wb.defined_names[SUMMARY_NAME] = DefinedName(SUMMARY_NAME, attr_text=f"'{ws.title}'!$A${first}:$B${last}")


HELP_SIZE = 8
def width(col: Col) -> float:
    """The column's printed width: its own, widened so no word of its header or help is broken mid-word
    (a program breaks a word that does not fit a line at any letter)."""
    words = [text_width(w, 11, bold=True) for w in col.header.split()]
    words += [text_width(w, HELP_SIZE) for w in col.help.split()]
    return round(max([col.width, *words]), 1)


# A landscape A4 page inside 0.4 in margins holds 784 pt, 112 width units at POINTS_PER_WIDTH. A table
# fitted into one page wide is scaled down; below MIN_SCALE its text is too small to read (the 35-column
# DİR export table would print at 3 pt), so such a table prints over as many pages across as keep it
# readable (6.6 pt for 11 pt text), its key columns repeated on each (§18.2.5 definedName _xlnm.Print_Titles).
LANDSCAPE_UNITS = 112
MIN_SCALE = 0.6


def pages_across(width: float, key_width: float = 0) -> int:
    """Pages across a table `width` wide needs to print at MIN_SCALE or more, `key_width` repeated on each.

    >>> pages_across(100), pages_across(438, 28)
    (1, 3)
    """
    n = 1
    while (width + (n - 1) * key_width) * MIN_SCALE > n * LANDSCAPE_UNITS:
        n += 1
    return n


def print_setup(ws, width: float, area: str | None, repeat: str | None = None,
                keys: tuple[str, float] | None = None) -> None:
    """A4, fitted to one page wide (as many tall as needed), landscape when wider than a portrait page,
    header rows repeated, comments (error messages) printed at the end. ECMA-376 Part 1, §18.3.1.63
    pageSetup (fitToWidth/fitToHeight, orientation, cellComments) and §18.3.1.65 pageSetUpPr fitToPage.
    `keys` — (columns "A:B", their width): a table too wide to read on one page prints over more pages
    across, these columns repeated on each."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > 95 else "portrait"
    across = pages_across(width, keys[1]) if keys else 1
    ws.page_setup.fitToWidth = across
    if across > 1:
        ws.print_title_cols = keys[0]
    ws.page_setup.fitToHeight = 0
    ws.page_setup.cellComments = "atEnd"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if area:                       # None: whatever the sheet holds once computed
        ws.print_area = area
    if repeat:
        ws.print_title_rows = repeat
    ws.oddFooter.center.text = "&A — &P / &N"


def ranges(sheet: str, cols: list[Col], rows: int, prefix: str, start: int = FIRST_ROW) -> dict[str, str]:
    """{prefix_key: 'Sheet'!$X$5:$X$N} for every column, for other sheets' formulas. `start=HEADER_ROW`:
    from the header row, as the computed columns' own ranges (a row inserted above the first data row
    is then inside them)."""
    end = last_row(rows)
    return {f"{prefix}_{k}": f"'{sheet}'!${v}${start}:${v}${end}" for k, v in letters(cols).items()}


def fill(ws, cols: list[Col], data: list[dict]) -> None:
    """Put example rows into a table's input columns, from the first data row down."""
    names = letters(cols)
    for r, row in enumerate(data, start=FIRST_ROW):
        for column, value in row.items():
            ws[f"{names[column]}{r}"] = value


# Typed dates (issue 12.2).  A date typed as text ("10.02.2025") is converted by Excel and LibreOffice
# for arithmetic only when their locale reads it (LibreOffice's default "Convert only if unambiguous"
# converts ISO dates alone), and SUMIFS/COUNTIFS never count a text cell against a numeric bound such
# as "<"&A5 ("SUMIFS function", support.microsoft.com: criteria ranges are compared with the criterion;
# tests/test_libreoffice.py shows LibreOffice doing the same).  So every table with a date column reads
# it once with TR_DATE into a column of its own, and every other formula — criteria ranges and bounds,
# sorting ranks, YEAR/MONTH, comparisons, registry calls — uses that column: every program, in any
# locale, then sees the same number; a date that cannot be read is an error naming it, in that cell.
DAY = "day"


def read_date(source: str = "date") -> Col:
    """The column `DAY`: the typed date `source` as TR_DATE reads it ("" on a row without a date)."""
    return Col(DAY, "Tarih (okunan)", 12, DATE,
               f'IF({{{source}}}{{r}}="","",' + call("TR_DATE", date=f"{{{source}}}{{r}}") + ")",
               help="TR_DATE: gün.ay.yıl ya da YYYY-AA-GG metni de tarih olarak okunur")


# Errors inside totals (issue 13.7).  A row that fails comes back from the xlwings add-in as text
# starting with "#" (xlwings cannot return error values), and SUM/SUMIFS skip text, so a total would
# look valid without that row; elsewhere (the Office add-in, LibreOffice, trcalc compute) it is an
# error value.  Every table with totals ends with a flag column, 1 on a row where a computed column
# holds either, and every total shows beside it how many rows are flagged.  The flag uses only
# ISERROR, LEFT, comparison and addition, each element by element over the columns (issue 23.1: one
# array formula; OR, MIN and COUNTIF would fold the whole column into one value) — what Excel,
# LibreOffice and the formulas engine compute alike (tests/test_error_counts.py runs all three).
ERROR_KEY = "hata"
ERROR_HEADER = "Hatalı satır"


def with_error_flag(cols: list[Col]) -> list[Col]:
    """`cols` and, last, the flag column: 1 when a computed column of the row is an error or "#…" text."""
    computed = [c.key for c in cols if not c.is_input]
    errors = "+".join(f"ISERROR({{{k}}}{{r}})" for k in computed)
    texts = "+".join(f'(LEFT({{{k}}}{{r}}&"",1)="#")' for k in computed)
    return [*cols, Col(ERROR_KEY, ERROR_HEADER, 8, "0", f"IF({errors}>0,1,IF({texts}>0,1,0))",
                       help="1: bu satırda hata var (toplamlara girmez)")]


def error_count(formula: str, refs: dict[str, str]) -> str | None:
    """The count of flagged rows behind a total (`=SUM({x_tev})` → `SUM('İhracat'!$X$5:$X$304)`), or None
    when the formula sums nothing from a table with a flag column."""
    if "SUM" not in formula.upper():
        return None
    prefixes = sorted({m[1] for m in re.finditer(r"\{([a-z]+)_[a-z_]+\}", formula)})
    keys = [f"{p}_{ERROR_KEY}" for p in prefixes if f"{p}_{ERROR_KEY}" in refs]
    return "+".join(f"SUM({refs[k]})" for k in keys) or None


def summary_rows(wb, ws, rows, refs) -> None:
    """Label | formula | rows in error (beside every total) rows of a summary sheet, printed portrait."""
    flavour = flavour_of(wb)
    counted = False
    for r, (label, formula, number_format) in enumerate(rows, start=FIRST_ROW):
        ws.cell(r, 1, label)
        c = ws.cell(r, 2, flavour.apply(formula.format(**refs)))
        c.number_format = number_format
        count = error_count(formula, refs)
        if count:
            ws.cell(r, 3, "=" + count).number_format = "0"
            counted = True
    if counted:
        h = ws.cell(HEADER_ROW, 3, ERROR_HEADER)
        h.fill, h.font = HEADER_FILL, HEADER_FONT
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 13
    protect(ws)
    last = FIRST_ROW + len(rows) - 1
    header_line(ws, 3, 3, 81)
    summary_area(wb, ws, FIRST_ROW, last)
    end = stamp_area(wb, ws, last + 2)
    print_setup(ws, 68, f"A1:C{end}", repeat=f"3:{HEADER_ROW}")


def columns(sheet: str, cols: list[Col], prefix: str) -> dict[str, str]:
    """{prefix_key: 'Sheet'!$X:$X} — whole columns, so rows added anywhere (also below the table) count."""
    return {f"{prefix}_{k}": f"'{sheet}'!${v}:${v}" for k, v in letters(cols).items()}
