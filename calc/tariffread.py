"""Reading tariff tables in the layouts the Ministry and the Resmî Gazete publish them (issue 27).

`trcalc tariff import FILE [--layout …]` detects which layout a file has (or takes `--layout`) and
turns each row into dated measures (calc.tariff.Measure) for the book (calc.tariffstore). A file is
an .xlsx (its first sheet, as the Ministry's Excel annexes are read in Excel), a CSV (as Excel saves
it) or the Resmî Gazete's own HTML page (.htm/.html: every table of the page, and its text lines for
the titles and the column legend). Which published layout each reader follows, with the pages it was
read from and what could not be checked, is in docs/tarife.md.

Layouts:

- `trcalc` — the documented CSV/XLSX of docs/tarife.md (calc.tariffstore.read).
- `irk` — an annex table of the import regime decision (İthalat Rejimi Kararı, its I–V lists and the
  "İthalat Rejimi Kararına Ek Karar" tables of additional duty): a `G.T.İ.P.` column, optionally the
  goods name (`MADDE İSMİ` / `Eşyanın Tanımı`) and a `Dipnot` column, and one rate column per
  country group under a `GÜMRÜK VERGİSİ ORANI (%)` (or `İGV`/`İLAVE GÜMRÜK VERGİSİ`) header. A group
  is written as the decision abbreviates it (`AB, EFTA, F.ADA.`, `G.KORE`, `D.Ü.`, `E.A.G.Ü.` …) or
  as a number whose legend stands above the table (`1 : AB Üyesi Ülkeler, EFTA Üyesi Ülkeler, İsrail
  …`); a group may split into `MİN ($/Kg) | % | MAX ($/Kg)` columns (a specific minimum and maximum).
- `otv` — a list annexed to the ÖTV Law 4760 ((I)–(IV) sayılı liste, and its cetvels as the
  Presidential decisions republish them): `G.T.İ.P. NO | Mal İsmi` and `Vergi Oranı (%)`,
  `Vergi Tutarı (TL)` with `Birimi`, `Asgari Maktu Vergi Tutarı (TL)`, `Maktu Vergi Tutarı (TL)`.
- `tgtc` — the Türk Gümrük Tarife Cetveli (the nomenclature: `POZİSYON NUMARASI | EŞYANIN TANIMI |
  ÖLÇÜ BİRİMİ | KANUNİ VERGİ HADDİ`) is recognised and refused with the reason: its rate is the
  statutory ceiling of Law 474, not the rate the import regime decision applies.

An official table carries neither its decision nor its dates on each row: the import takes them
once (`--kaynak`, `--baslangic`, optionally `--bitis`) and every measure keeps them, with its line.
Every bad row is reported with its line (Turkish, then English) and nothing is returned; a row that
is a heading (a code with no rate) or a column of a group trcalc has no law data for (D-8, Ö.T.D.Ü.)
is not loaded and said so in the result, never silently.
"""
from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .coerce import fold
from .errors import CalcError
from .tariff import OTHERS, Measure, gtip, stored

LAYOUTS = {
    "trcalc": "belgelenmiş CSV/XLSX düzeni (docs/tarife.md) / the documented layout",
    "irk": "İthalat Rejimi Kararı eki tablo (ülke grubu sütunları) / an annex table of the import regime decision",
    "otv": "ÖTV Kanunu (4760) eki (I)–(IV) sayılı liste / a list annexed to the ÖTV Law",
    "tgtc": "Türk Gümrük Tarife Cetveli (yalnız tanınır, oran yüklenmez) / the customs tariff schedule (refused)",
}
MAX_REPORTED = 20
MAX_COLUMNS = 16384                    # Excel's widest row: a page's row is cut there

# The country-group columns as the decision's annex tables abbreviate or name them (folded: no case,
# accents, punctuation or spaces) → the origin ids of the book: an agreement of rules/tev_partners.yaml,
# a group of rules/tariff_groups.yaml, or `*` (other countries). Seen in: I sayılı liste tables of Karar
# 3202 (RG 25.11.2020) and of ithalatihracat.biz (AB, EFTA, F.ADA. | GÜR. | B-HER. | G.KORE | MLZY. |
# SİNG. | KOS. | VEN. | D-8 | D.Ü. | EAGÜ-ÖTDÜ | GYÜ | DÜ); II sayılı liste of 2016 (orgtr.org: AB,
# EFTA | G.KORE, B-HER., MLZY. | GTS ÜLKELERİ: E.A.G.Ü. Ö.T.D.Ü. G.Y.Ü. | D.Ü.); the numbered legends
# of II sayılı liste 2015 and of Karar 433 (RG 10.12.2018). The long names are the legends' wording.
# The short forms of the other agreements (ISR, MAK, FIL, TUN, MIS, ARN, KAR, SIRB, URD, LUB, MOR, MOL,
# ING, BAE, UKR) were not seen in a published table: accepted guesses (docs/tarife.md says so).
GROUP_NAMES = {
    "eu": ["AB", "ABUYESIULKELER", "AVRUPABIRLIGI"],
    "efta": ["EFTA", "EFTAUYESIULKELER"],
    "fo": ["FADA", "FAROE", "FAROEADALARI"],
    "il": ["ISR", "ISRAIL"],
    "mk": ["MAK", "MAKEDONYA", "KMAK", "KUZEYMAKEDONYA"],
    "ba": ["BHER", "BOSNAHERSEK"],
    "ps": ["FIL", "FILISTIN", "BATISERIAVEGAZZESERIDI"],
    "tn": ["TUN", "TUNUS"],
    "ma": ["FAS"],
    "eg": ["MIS", "MISIR"],
    "al": ["ARN", "ARNAVUTLUK"],
    "ge": ["GUR", "GURCISTAN"],
    "me": ["KAR", "KARADAG"],
    "rs": ["SIRB", "SIR", "SIRBISTAN"],
    "cl": ["SILI"],
    "jo": ["URD", "URDUN"],
    "lb": ["LUB", "LUBNAN"],
    "mu": ["MOR", "MORITYUS"],
    "kr": ["GKORE", "GUNEYKORE", "KORE"],
    "my": ["MLZY", "MALEZYA"],
    "md": ["MOL", "MOLDOVA"],
    "sg": ["SING", "SINGAPUR"],
    "xk": ["KOS", "KOSOVA"],
    "ve": ["VEN", "VENEZUELA"],
    "gb": ["ING", "BK", "BIRLESIKKRALLIK"],
    "ae": ["BAE", "BIRLESIKARAPEMIRLIKLERI"],
    "ua": ["UKR", "UKRAYNA"],
    OTHERS: ["DU", "DIGER", "DIGERULKELER"],
    "eagu": ["EAGU", "ENAZGELISMISULKELER"],
    "gyu": ["GYU", "GELISMEYOLUNDAKIULKELER"],
}
# A column for several groups at once (the decision's "GTS ülkeleri" covers both GSP groups).
COMPOSITE = {"GTS": ("gyu", "eagu"), "GTSULKELERI": ("gyu", "eagu"),
             "GENELLESTIRILMISTERCIHLERSISTEMINDENYARARLANACAKULKELERGRUBU": ("gyu", "eagu"),
             "GENELLESTIRILMISTERCIHLERSISTEMINDENYARARLANACAKULKELER": ("gyu", "eagu")}
# Groups the decision has a column for and trcalc has no law data for: their columns are not loaded.
UNMODELLED = {"D8": "D-8 Tercihli Ticaret Anlaşması (üyeleri trcalc'ın mevzuat verisinde yok)",
              "OTDU": "Özel Teşvik Düzenlemelerinden Yararlanan Ülkeler (üyeleri trcalc'ın mevzuat verisinde yok)",
              "OZELTESVIKDUZENLEMELERINDENYARARLANACAKULKELER":
                  "Özel Teşvik Düzenlemelerinden Yararlanan Ülkeler (üyeleri trcalc'ın mevzuat verisinde yok)"}
_BY_NAME = {name: gid for gid, names in GROUP_NAMES.items() for name in names}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_CODE_START = re.compile(r"^\s*\d")
_NOTE_MARK = re.compile(r"\(\s*(\d+|\*+)\s*\)|\*+")
_UNIT_IN = re.compile(r"\(\s*([$€£]|USD|EUR|TL|ABD\s*DOLARI|AVRO)\s*/\s*([^)]+)\)", re.I)
_CURRENCY = {"$": "USD", "USD": "USD", "ABDDOLARI": "USD", "€": "EUR", "EUR": "EUR", "AVRO": "EUR",
             "£": "GBP", "TL": "TL"}


def fold_label(text: str) -> str:
    return fold(text).upper()


@dataclass
class Options:
    """What an official table does not say on each row: its source and validity, and for an ÖTV list
    its number and (where the table has no unit column) the unit of its amounts."""
    source: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    layout: str | None = None
    otv_list: str | None = None        # I, II, III, IV
    unit: str = ""
    tax: str | None = None             # GV or IGV: the tax of an import regime table (else from its header)
    sheet: str | None = None           # an .xlsx's sheet (name or number from 1); default the first


@dataclass
class Reading:
    layout: str
    measures: list[Measure]
    skipped: list[str] = field(default_factory=list)       # rows and columns not loaded, and why


class _Bad(Exception):
    pass


def _fail(file: Path, bad: list[str], what_en: str = "bad rows") -> CalcError:
    more = f" … ve {len(bad) - MAX_REPORTED} satır daha" if len(bad) > MAX_REPORTED else ""
    return CalcError("invalid", f"{file.name}: {len(bad)} hatalı satır, hiçbiri yüklenmedi: "
                     + "; ".join(bad[:MAX_REPORTED]) + more,
                     f"{file.name}: {len(bad)} {what_en}, none loaded (the Turkish text names each line)", "dosya")


def _refuse(tr: str, en: str, arg: str = "dosya") -> CalcError:
    return CalcError("invalid", tr, en, arg)


# --- cells of a file ---------------------------------------------------------------------------------

class _Html(html.parser.HTMLParser):
    """Table rows (colspan and rowspan expanded) and the text lines between tables, in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._pending: dict[int, tuple[str, int]] = {}      # column → (text, rows left) of a rowspan
        self._text: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._flush_text()
            self._depth += 1
            self._pending = {}
        elif tag == "tr" and self._depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._fill_pending()
            self._cell = []
            self._span = (_int(a.get("colspan")), _int(a.get("rowspan")))
        elif tag in ("br", "p", "div") and self._cell is None and not self._depth:
            self._flush_text()

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            cols, rows = self._span
            if len(self._row) + cols > MAX_COLUMNS:               # a hostile page: no row wider than a sheet's
                cols = max(0, MAX_COLUMNS - len(self._row))
            for _ in range(cols):
                if rows > 1:
                    self._pending[len(self._row)] = (text, rows - 1)
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._fill_pending()
            if any(c for c in self._row):
                self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._depth = max(0, self._depth - 1)
        elif tag in ("p", "div") and not self._depth:
            self._flush_text()

    def _fill_pending(self):
        """Carry the cells of a rowspan above into this row, where their column comes."""
        while self._row is not None and len(self._row) in self._pending:
            col = len(self._row)
            text, left = self._pending.pop(col)
            if left > 1:
                self._pending[col] = (text, left - 1)
            self._row.append(text)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth:
            self._text.append(data)

    def _flush_text(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.rows.append([text])
        self._text = []

    def close(self):
        super().close()
        self._flush_text()


def _int(v) -> int:
    try:
        return max(1, min(int(v), 100))
    except (TypeError, ValueError):
        return 1


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, float):
        return repr(v) if not v.is_integer() else str(int(v))
    return " ".join(str(v).split())


def cells(path: Path, sheet: str | None = None, notes: list | None = None) -> list[tuple[int, list[str]]]:
    """The file's rows as text cells, each with its line (the sheet's row, the CSV line, the page's
    table row counted from 1), empty rows left out. An .xlsx: its first sheet, or `sheet` (a name or
    a number from 1); the other sheets are named in `notes`, never read silently."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:                 # not a zip, not a workbook, a part missing…
            raise _refuse(f"{path.name} bir Excel çalışma kitabı olarak açılamadı ({type(exc).__name__})",
                          f"{path.name} cannot be opened as an Excel workbook ({type(exc).__name__})") from None
        try:
            names = wb.sheetnames
            if sheet is None:
                chosen = names[0]
            elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
                chosen = names[int(sheet) - 1]
            else:
                chosen = next((n for n in names if n.strip().casefold() == sheet.strip().casefold()), None)
                if chosen is None:
                    raise _refuse(f"--sayfa {sheet!r} yok; sayfalar: {', '.join(names)}",
                                  f"no sheet {sheet!r}; the sheets are {', '.join(names)}")
            if notes is not None and len(names) > 1:
                notes.append(f"dosyanın {len(names)} sayfasından yalnız '{chosen}' okundu (başka bir sayfa için "
                             f"--sayfa): {', '.join(n for n in names if n != chosen)} — yüklenmedi")
            ws = wb[chosen]
            out = [(n, [_cell_text(v) for v in values]) for n, values in enumerate(ws.iter_rows(values_only=True), 1)]
        finally:
            wb.close()
    elif suffix in (".htm", ".html"):
        raw = path.read_bytes()
        m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096])
        enc = m.group(1).decode() if m else "utf-8"
        try:
            text = raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            text = raw.decode("windows-1254", errors="replace")     # the Resmî Gazete's older pages
        parser = _Html()
        parser.feed(text)
        parser.close()
        out = list(enumerate(parser.rows, 1))
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("windows-1254")     # Excel's "CSV" on a Turkish Windows
            except UnicodeDecodeError:
                raise _refuse(f"{path.name} bir metin (CSV) dosyası değil: UTF-8 ya da windows-1254 olarak okunamadı",
                              f"{path.name} is not a text (CSV) file: neither UTF-8 nor windows-1254") from None
        if "\x00" in text:
            raise _refuse(f"{path.name} bir metin (CSV) dosyası değil", f"{path.name} is not a text (CSV) file")
        # Excel saves a Turkish CSV with `;` (the comma is the decimal mark); a tab or a comma otherwise
        sample = text[:65536]
        delimiter = ";" if ";" in sample else "\t" if "\t" in sample else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        out = []
        for row in reader:
            out.append((reader.line_num, [" ".join(c.split()) for c in row]))
    return [(n, r) for n, r in out if any(c for c in r)]


# --- layout detection --------------------------------------------------------------------------------

def _is_code_head(cell: str) -> bool:
    f = fold_label(cell)
    return f in ("GTIP", "GTIPNO", "GTP", "POZISYONNUMARASI", "POZISYONNO", "GTIPKODU")


def _header_at(rows) -> int | None:
    for i, (_, r) in enumerate(rows):
        first = next((c for c in r if c), "")
        if _is_code_head(first):
            return i
    return None


def detect(rows, notes: list | None = None) -> str:
    """The layout of a file's rows, or a CalcError naming the layouts trcalc reads."""
    if rows:
        head = {c.strip().lower() for c in rows[0][1]}
        if {"gtip", "vergi", "mense"} <= head:
            return "trcalc"
    h = _header_at(rows)
    if h is not None:
        block = " ".join(fold_label(c) for _, r in rows[h:h + 3] for c in r)
        above = " ".join(fold_label(c) for _, r in rows[max(0, h - 3):h] for c in r)
        if "KANUNIVERGIHADDI" in block or "POZISYONNUMARASI" in block:
            return "tgtc"
        if "MALISMI" in block or "VERGITUTARI" in block or "MAKTUVERGI" in block:
            return "otv"
        if ("GUMRUKVERGISI" in block + above or "ILAVEGUMRUK" in block + above or "IGV" in block
                or "DU" in block.split()):
            return "irk"
        labels = {fold_label(c) for _, r in rows[h:h + 3] for c in r}
        if labels & (set(_BY_NAME) | set(COMPOSITE)):
            return "irk"
    other = f" ({notes[0]})" if notes else ""
    raise _refuse("düzen tanınmadı: ilk satır belgelenmiş başlıklar (gtip, vergi, mense …) değil, bir G.T.İ.P. "
                  "başlık satırı da bulunamadı; --layout ile " + ", ".join(LAYOUTS) + " düzenlerinden birini "
                  "seçin (docs/tarife.md)" + other,
                  "layout not recognised: neither the documented headers (gtip, vergi, mense …) nor a G.T.İ.P. "
                  "header row; choose one with --layout: " + ", ".join(LAYOUTS) + " (docs/tarife.md)")


# --- shared row helpers ------------------------------------------------------------------------------

_PLAIN = re.compile(r"^\d{1,4}(?:[.,]\d{1,6})?$")


def _value(text: str, what: str) -> tuple[Decimal | None, list[str]]:
    """A published figure: Turkish decimals, footnote marks `(1)`, `*` kept aside; blank or a dash:
    none."""
    if _PLAIN.match(text):                                  # the common cell: 3, 8,1, 43.2
        return Decimal(text.replace(",", ".")), []
    notes = [m.group(1) or m.group(0) for m in _NOTE_MARK.finditer(text)]
    t = _NOTE_MARK.sub("", text).replace("%", "").strip()
    if t in ("", "-", "–", "—"):
        return None, notes
    from .tariffstore import _number
    try:
        return _number(t, what), notes
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _code(text: str) -> str:
    try:
        return gtip(text, "gtip", partial=True)
    except CalcError as exc:
        raise _Bad(exc.message_tr) from None


def _options_needed(o: Options, layout: str):
    missing = [n for n, v in (("--kaynak", o.source.strip()), ("--baslangic", o.start)) if not v]
    if missing:
        raise _refuse(f"{LAYOUTS[layout].split(' / ')[0]}: satırlarda karar ve tarih yok; {' ve '.join(missing)} "
                      "verin (kaynak: karar, Resmî Gazete tarihi ve sayısı, ek; başlangıç: yürürlük tarihi)",
                      f"{layout}: an official table names neither its decision nor its dates on each row; give "
                      f"{' and '.join(missing)}", "dosya")


def _columns(rows, top: int, h: int) -> tuple[list[list[str]], int]:
    """The labels of every column of the header block from row `top` to the G.T.İ.P. row `h` and the
    rows under it up to the first code (top to bottom, a merged upper cell carried right over the
    columns below it), and the index of the first data row."""
    d = h + 1
    while d < len(rows) and not _is_data(next((c for c in rows[d][1] if c), "")):
        d += 1
    block = [r for _, r in rows[top:d]]
    width = max((len(r) for _, r in rows[top:min(len(rows), d + 50)]), default=0)
    block = [r + [""] * (width - len(r)) for r in block]
    for i, r in enumerate(block[:-1]):
        below = block[i + 1:]
        for j in range(1, width):
            if not r[j] and r[j - 1] and any(b[j] for b in below) and not _is_code_head(r[j - 1]):
                r[j] = r[j - 1]
    labels = []
    for j in range(width):
        parts = []
        for r in block:
            if r[j] and (not parts or parts[-1] != r[j]):
                parts.append(r[j])
        labels.append(parts)
    return labels, d


# --- the import regime decision's tables -------------------------------------------------------------

@dataclass
class _RateColumn:
    index: int
    tax: str
    origins: tuple[str, ...]
    specific: bool                      # a group named by itself (wins over a composite column)
    part: str                           # "rate", "min", "max"
    unit: str = ""
    currency: str = ""


_LEGEND = re.compile(r"^\s*(\d{1,2})\s*:\s*(\D.+)$")
_LETTERS = re.compile(r"[^\W\d_]")


def _legend(rows) -> dict[str, str]:
    """`1 : AB Üyesi Ülkeler, …` lines around the table: column number → the names it stands for."""
    out = {}
    for _, r in rows:
        m = _LEGEND.match(" ".join(c for c in r if c))
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def _header_top(rows, h: int) -> int:
    """The header may start above the G.T.İ.P. row: `GÜMRÜK VERGİSİ ORANI (%)` and a group number
    spanning sub-columns (`4` over 5, 6, 7) stand above it in the numbered tables."""
    top = h
    while top > 0 and h - top < 3:
        r = [c for c in rows[top - 1][1] if c]
        text = " ".join(r)
        if _LEGEND.match(text) or (len(r) == 1 and len(text) > 40) or _header_at([rows[top - 1]]) is not None:
            break
        folded = [fold_label(c) for c in r]
        if not all("VERGI" in f or "IGV" in f or (f.isdigit() and len(f) <= 2) or f in _BY_NAME or f in COMPOSITE
                   or f == ""
                   for f in folded):
            break
        top -= 1
    return top


def _origins_of(label: str, legend: dict[str, str], start: dt.date, problems: list, unmodelled: list) -> tuple:
    """The origin ids a group column's label stands for (several for `AB, EFTA, F.ADA.`)."""
    label = label.strip()
    if label in legend:
        label = legend[label]
    whole = fold_label(label)
    if whole in COMPOSITE:
        return COMPOSITE[whole]
    if whole in _BY_NAME:
        return (_BY_NAME[whole],)
    if whole in UNMODELLED:
        unmodelled.append(UNMODELLED[whole])
        return ()
    out = []
    tokens = []
    for token in re.split(r"[,;/]", label):
        whole_token = fold_label(token)
        if whole_token in _BY_NAME or whole_token in COMPOSITE or whole_token in UNMODELLED:
            tokens.append(token)
        else:
            tokens += re.split(r"\s+ve\s+", token)               # "İsrail ve Makedonya"
    for token in tokens:
        f = fold_label(token)
        if not f:
            continue
        if f in _BY_NAME:
            out.append(_BY_NAME[f])
        elif f in COMPOSITE:
            out.extend(COMPOSITE[f])
        elif f in UNMODELLED:
            unmodelled.append(UNMODELLED[f])
        elif "-" in token and all(fold_label(t) in _BY_NAME or fold_label(t) in UNMODELLED for t in token.split("-")):
            for t in token.split("-"):                       # EAGÜ-ÖTDÜ: one column for two groups
                ft = fold_label(t)
                if ft in _BY_NAME:
                    out.append(_BY_NAME[ft])
                else:
                    unmodelled.append(UNMODELLED[ft])
        else:
            agreement = _agreement_of_country(token, start)
            if agreement:
                out.append(agreement)
            else:
                problems.append(token.strip())
    return tuple(dict.fromkeys(out))


def _agreement_of_country(name: str, on: dt.date) -> str | None:
    """A legend's country name → the agreement of rules/tev_partners.yaml that has it as a party."""
    from .countries import country
    from .rules.store import book
    from .tev_partners import agreement_ids, parties_param
    try:
        iso = country(name.strip(), "mense")
    except CalcError:
        return None
    for a in agreement_ids():
        try:
            if iso in book().lookup(parties_param(a), on).value:
                return a
        except CalcError:
            continue
    return None


def _rate_columns(labels, legend, o: Options, file: Path) -> tuple[list[_RateColumn], int | None, int | None, list]:
    code_col = name_col = None
    columns, problems, unmodelled = [], [], []
    for j, parts in enumerate(labels):
        folded = [fold_label(p) for p in parts]
        if not parts:
            continue
        if any(_is_code_head(p) for p in parts):
            code_col = j if code_col is None else code_col
            continue
        if any(f in ("MADDEISMI", "ESYANINTANIMI", "MALISMI", "TANIM") for f in folded):
            name_col = j
            continue
        if any(f.startswith("DIPNOT") for f in folded):
            continue
        if any(f.startswith("GOZDENGECIRME") or f in ("KAYITNO", "SERINO") for f in folded):
            continue
        top = " ".join(folded)
        tax = o.tax or ("IGV" if ("ILAVE" in top or "IGV" in folded) else "GV")
        part, unit, currency = "rate", "", ""
        last = parts[-1]
        fl = folded[-1]
        if fl.startswith("MIN") or fl.startswith("ASGARI") or fl.startswith("MAX") or fl.startswith("AZAMI"):
            part = "min" if (fl.startswith("MIN") or fl.startswith("ASGARI")) else "max"
            m = _UNIT_IN.search(last)
            if not m:
                problems.append(f"{last} (birim ve para birimi yok, ör. MİN ($/Kg))")
                continue
            currency = _CURRENCY.get(fold_label(m.group(1)) or m.group(1), m.group(1).upper())
            if m.group(1) in _CURRENCY:
                currency = _CURRENCY[m.group(1)]
            unit = m.group(2).strip().lower()
        group_parts = [p for p, f in zip(parts, folded)
                       if not (f.startswith("MIN") or f.startswith("MAX") or f.startswith("ASGARI")
                               or f.startswith("AZAMI") or f in ("", "%")
                               or "VERGISIORANI" in f or f in ("IGV", "GUMRUKVERGISI", "ILAVEGUMRUKVERGISI"))]
        if not group_parts:
            problems.append(" / ".join(parts))
            continue
        # the lowest label that names a group is the column's group (GTS ÜLKELERİ above E.A.G.Ü.)
        origins = ()
        for label in reversed(group_parts):
            trial_problems: list = []
            trial_unmodelled: list = []
            origins = _origins_of(label, legend, o.start or dt.date.today(), trial_problems, trial_unmodelled)
            if origins or trial_unmodelled:
                unmodelled += [f"sütun {_col(j)} ({' / '.join(parts)}): {u}" for u in trial_unmodelled]
                if trial_problems:
                    problems += trial_problems
                break
        else:
            problems.append(" / ".join(parts))
            continue
        if not origins:
            continue
        specific = len(origins) == 1
        columns.append(_RateColumn(j, tax, origins, specific, part, unit, currency))
    if code_col is None:
        raise _refuse("G.T.İ.P. sütunu bulunamadı", "no G.T.İ.P. column")
    if problems:
        raise _refuse(f"{file.name}: sütun başlığı tanınmadı: {'; '.join(dict.fromkeys(problems))} — ülke grubu "
                      "kısaltmaları docs/tarife.md'de; bir numaralı sütunun açıklaması (ör. \"1 : AB Üyesi Ülkeler, "
                      "…\") tablonun üstünde olmalı",
                      f"{file.name}: column headers not recognised: {'; '.join(dict.fromkeys(problems))} "
                      "(the group abbreviations are listed in docs/tarife.md)", "dosya")
    if not columns:
        raise _refuse(f"{file.name}: oran sütunu bulunamadı", f"{file.name}: no rate column")
    return columns, code_col, name_col, unmodelled


def _col(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _is_data(first: str) -> bool:
    """A row whose first cell is a code (4 digits or more): not a group number or a column number."""
    return bool(_CODE_START.match(first)) and len(re.sub(r"\D", "", first)) >= 4


def _heads(rows) -> list[int]:
    """Every G.T.İ.P. header row: a page (an "Ek Karar" amending several tables) may hold several tables,
    each with its own columns; a header repeated at a page break starts the same columns again."""
    heads, data_since = [], True
    for i, (_, r) in enumerate(rows):
        first = next((c for c in r if c), "")
        if _is_code_head(first):
            if data_since:                 # a rowspan carries G.T.İ.P. into the header's next rows: same table
                heads.append(i)
            data_since = False
        elif _is_data(first):
            data_since = True
    return heads


def read_irk(rows, file: Path, o: Options) -> Reading:
    _options_needed(o, "irk")
    heads = _heads(rows)
    if not heads:
        raise _refuse("G.T.İ.P. başlık satırı bulunamadı", "no G.T.İ.P. header row")
    legend = _legend(rows)
    measures, bad, skipped, seen = [], [], [], {}
    for k, h in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else len(rows)
        top = max(_header_top(rows, h), heads[k - 1] + 1 if k else 0)
        labels, d = _columns(rows[:end], top, h)
        columns, code_col, name_col, unmodelled = _rate_columns(labels, legend, o, file)
        note_col = next((j for j, parts in enumerate(labels)
                         if any(fold_label(p).startswith("DIPNOT") for p in parts)), None)
        skipped += [f"{u} — yüklenmedi" for u in dict.fromkeys(unmodelled) if f"{u} — yüklenmedi" not in skipped]
        for line, r in rows[d:end]:
            first = r[code_col] if code_col < len(r) else ""
            if not _CODE_START.match(first) or len(_LETTERS.findall(first)) >= 3:
                continue                        # a chapter title, a repeated header, a note or legend line
            try:
                code = _code(first)
                notes = [r[note_col]] if note_col is not None and note_col < len(r) and r[note_col] else []
                per_origin: dict[str, dict] = {}
                for c in columns:
                    value, marks = _value(r[c.index] if c.index < len(r) else "", "oran")
                    notes += marks
                    if value is None:
                        continue
                    if c.part == "rate" and value > 1000:
                        raise _Bad(f"oran yüzde olarak yazılır: {value} çok büyük")
                    for origin in c.origins:
                        slot = per_origin.setdefault((c.tax, origin), {"specific": False})
                        if slot.get(c.part) is not None and slot["specific"] and not c.specific:
                            continue                        # a group's own column wins over "GTS ülkeleri"
                        if slot.get(c.part) is not None and slot["specific"] == c.specific and slot[c.part] != value:
                            raise _Bad(f"{origin} için iki farklı değer ({slot[c.part]} ve {value})")
                        slot[c.part] = value
                        slot["specific"] = c.specific
                        if c.part != "rate":
                            slot["unit"], slot["currency"] = c.unit, c.currency
                if not per_origin:
                    skipped.append(f"satır {line}: {code} oran yok (başlık satırı) — yüklenmedi")
                    continue
                source = o.source.strip() + (f"; dipnot {', '.join(dict.fromkeys(notes))}" if notes else "")
                for (tax, origin), slot in per_origin.items():
                    if slot.get("rate") is None:
                        raise _Bad(f"{origin}: asgari/azami var, oran (%) yok")
                    m = stored(code, tax, origin, slot["rate"] / 100, None, slot.get("unit", ""), slot.get("currency", ""),
                               slot.get("min"), slot.get("max"), o.start, o.end, source, "", line)
                    key = (code, tax, origin)
                    if key in seen:
                        raise _Bad(f"satır {seen[key]} ile aynı GTİP, vergi ve menşe")
                    seen[key] = line
                    measures.append(m)
            except _Bad as exc:
                bad.append(f"satır {line}: {exc}")
    if bad:
        raise _fail(file, bad)
    return Reading("irk", measures, skipped)


# --- the ÖTV lists -----------------------------------------------------------------------------------

def _otv_list(rows, o: Options, lst: str, cetvel: str) -> tuple[str, str]:
    """The list number and cetvel of the table whose title rows are `rows` (from `--liste`, else the
    "(III) SAYILI LİSTE" / "(B) CETVELİ" lines above it; a table without them keeps the previous ones)."""
    if o.otv_list:
        lst = o.otv_list.strip().strip("()").upper()
        if lst not in _ROMAN:
            raise _refuse(f"--liste I, II, III ya da IV olmalı ({o.otv_list!r})",
                          f"--liste is I, II, III or IV ({o.otv_list!r})")
    for _, r in rows:
        text = " ".join(c for c in r if c)
        m = re.search(r"(?:^|[\s(])(IV|I{1,3})\s*\)?\s*SAYILI\s+L[İI]STE", text, re.I)
        if m and not o.otv_list:
            lst = m.group(1).upper()
        c = re.search(r"\(\s*([A-Z])\s*\)\s*CETVEL", text, re.I)
        if c:
            cetvel = c.group(1).upper()
    if not lst:
        raise _refuse("ÖTV listesinin numarası yok: tablonun üstünde \"(III) SAYILI LİSTE\" gibi bir başlık "
                      "bulunamadı; --liste I, II, III ya da IV verin",
                      "the ÖTV list's number is missing: no \"(III) SAYILI LİSTE\" title above the table; "
                      "give --liste I, II, III or IV")
    return lst, cetvel


def read_otv(rows, file: Path, o: Options) -> Reading:
    _options_needed(o, "otv")
    heads = _heads(rows)
    if not heads:
        raise _refuse("G.T.İ.P. NO başlık satırı bulunamadı", "no G.T.İ.P. NO header row")
    measures, bad, skipped, seen = [], [], [], {}
    lst = cetvel = ""
    for k, h in enumerate(heads):                  # a page may hold the (A) and the (B) cetvel, each its table
        start = heads[k - 1] + 1 if k else 0
        end = heads[k + 1] if k + 1 < len(heads) else len(rows)
        lst, cetvel = _otv_list(rows[start:h], o, lst, cetvel)
        labels, d = _columns(rows[:end], h, h)
        role: dict[str, int] = {}
        for j, parts in enumerate(labels):
            f = "".join(fold_label(p) for p in parts)
            for key, test in (("code", _is_code_head(parts[0]) if parts else False),
                              ("min", "ASGARIMAKTU" in f), ("specific", "MAKTU" in f and "ASGARI" not in f),
                              ("amount", "VERGITUTARI" in f and "MAKTU" not in f), ("rate", "VERGIORANI" in f),
                              ("unit", f in ("BIRIMI", "BIRIM", "OLCUBIRIMI")), ("name", "MALISMI" in f)):
                if test:
                    if key in role and key != "name":
                        raise _refuse(f"{file.name}: iki '{' / '.join(parts)}' sütunu var (ör. eski ve yeni tutar); "
                                      "yalnız yürürlükteki sütunu bırakın",
                                      f"{file.name}: two columns of the same kind ({' / '.join(parts)}); keep the one in "
                                      "force", "dosya")
                    role.setdefault(key, j)
                    break
        if "code" not in role or not ({"rate", "amount", "specific", "min"} & set(role)):
            raise _refuse(f"{file.name}: ÖTV listesinde G.T.İ.P. NO ve Vergi Oranı / Vergi Tutarı sütunları bulunamadı",
                          f"{file.name}: no G.T.İ.P. NO and rate/amount columns")
        amount_currency = "TL"
        for key in ("amount", "specific", "min"):
            if key in role:
                m = re.search(r"\((\w+)\)", " ".join(labels[role[key]]))
                if m:
                    amount_currency = {"YTL": "TL", "TRY": "TL"}.get(m.group(1).upper(), m.group(1).upper())
        title = f"ÖTV ({lst}) sayılı liste" + (f" ({cetvel}) cetveli" if cetvel else "")
        for line, r in rows[d:end]:
            def cell(k, r=r, role=role):
                return r[role[k]] if k in role and role[k] < len(r) else ""
            first = cell("code")
            if not _CODE_START.match(first):
                if any(_value_or_none(cell(k)) for k in ("rate", "amount", "specific", "min")):
                    skipped.append(f"satır {line}: GTİP'siz oran satırı ({first or cell('name')[:60]}) — bir GTİP'in alt "
                                   "ayrımı; yüklenmedi, gerekiyorsa belgelenmiş CSV ile yükleyin")
                continue
            try:
                code = _code(first)
                rate, _ = _value(cell("rate"), "Vergi Oranı")
                amount, _ = _value(cell("amount"), "Vergi Tutarı")
                specific, _ = _value(cell("specific"), "Maktu Vergi Tutarı")
                minimum, _ = _value(cell("min"), "Asgari Maktu Vergi Tutarı")
                if specific is not None and amount is not None:
                    raise _Bad("hem Vergi Tutarı hem Maktu Vergi Tutarı")
                specific = specific if specific is not None else amount
                if rate is None and specific is None and minimum is None:
                    skipped.append(f"satır {line}: {code} oran ya da tutar yok (başlık satırı) — yüklenmedi")
                    continue
                if rate is not None and rate > 1000:
                    raise _Bad(f"Vergi Oranı yüzde olarak yazılır: {rate} çok büyük")
                unit = (cell("unit") or o.unit).strip().lower()
                if (specific is not None or minimum is not None) and not unit:
                    raise _Bad("tutarın birimi yok: tabloda Birimi sütunu yok; --birim ile verin (Kanunun bu liste "
                               "için öngördüğü birim)")
                key = (code,)
                if key in seen:
                    raise _Bad(f"satır {seen[key]} ile aynı GTİP (matraha göre kademeli oranlar tek satırda okunmaz; "
                               "uygulanan kademeyi belgelenmiş CSV ile yükleyin)")
                seen[key] = line
                measures.append(Measure(code, "OTV", OTHERS, (rate or Decimal(0)) / 100, specific,
                                        unit if (specific is not None or minimum is not None) else "",
                                        amount_currency if (specific is not None or minimum is not None) else "",
                                        minimum, None, o.start, o.end, f"{title}; {o.source.strip()}", "", line))
            except _Bad as exc:
                bad.append(f"satır {line}: {exc}")
    if bad:
        raise _fail(file, bad)
    return Reading("otv", measures, skipped)


def _value_or_none(text: str):
    try:
        return _value(text, "x")[0]
    except _Bad:
        return None


# --- entry point -------------------------------------------------------------------------------------

def read(path: Path, options: Options | None = None) -> Reading:
    """A tariff file in any layout trcalc reads, as measures (or a CalcError naming every bad line)."""
    path = Path(path)
    o = options or Options()
    layout = o.layout
    if layout is not None and layout not in LAYOUTS:
        raise _refuse(f"--layout {layout!r} tanınmadı: {', '.join(LAYOUTS)}",
                      f"unknown --layout {layout!r}: {', '.join(LAYOUTS)}")
    if o.sheet not in (None, "1") and layout == "trcalc":
        raise _refuse("belgelenmiş liste ilk sayfadan okunur: --sayfa yalnız resmî tablolar için",
                      "the documented list is read from the first sheet: --sayfa is for official tables")
    if layout == "trcalc":
        from .tariffstore import read as read_documented
        return Reading("trcalc", read_documented(path))
    notes: list[str] = []
    rows = cells(path, o.sheet, notes)
    layout = layout or detect(rows, notes)
    if layout == "trcalc":
        if o.sheet not in (None, "1"):
            raise _refuse("belgelenmiş liste ilk sayfadan okunur: --sayfa yalnız resmî tablolar için",
                          "the documented list is read from the first sheet: --sayfa is for official tables")
        from .tariffstore import read as read_documented
        return Reading("trcalc", read_documented(path))
    if layout == "tgtc":
        raise _refuse("Türk Gümrük Tarife Cetveli: 4. sütunu 474 sayılı Kanunun kanuni vergi haddidir, uygulanan "
                      "oran değildir; uygulanan gümrük vergisi İthalat Rejimi Kararının eki listelerdedir — "
                      "onları (--layout irk) yükleyin",
                      "the Türk Gümrük Tarife Cetveli's rate column is the statutory ceiling of Law 474, not the rate "
                      "applied: load the import regime decision's annex lists (--layout irk)", "dosya")
    if layout == "otv":
        reading = read_otv(rows, path, o)
    else:
        if o.tax is not None and o.tax not in ("GV", "IGV"):
            raise _refuse(f"--vergi GV ya da IGV olmalı ({o.tax!r})", f"--vergi is GV or IGV ({o.tax!r})")
        reading = read_irk(rows, path, o)
    reading.skipped[:0] = notes
    return reading
