"""The tariff book: the lists a firm or a team lead loads, in the installation's one database (calc.db).

    TRCALC_DATABASE_URL unset   <data dir>/fx.sqlite3, tables tariff_list and tariff_measure (migration 0003)
    TRCALC_DATABASE_URL set     that database (a team server's PostgreSQL): one book for the whole team,
                                which the server's API answers the add-ins' TR_GTIP_* calls from

A tariff.sqlite3 kept by the trcalc before this one moves into that database on first use.

`trcalc tariff import FILE` reads a list in the documented layout (docs/tarife.md): a CSV (`;` or
`,` between fields, as Excel saves it) or an .xlsx whose first sheet has these column headers:

    gtip  vergi  mense  oran  maktu  birim  para_birimi  asgari  azami  baslangic  bitis  kaynak  belge

`gtip` 2–12 digits (a heading's rate covers its lines), `vergi` GV / IGV / OTV / KDV / DAMPING,
`mense` `*` (other countries), an agreement (AB, EFTA, or the id of rules/tev_partners.yaml) or a
country, `oran` in percent (8 = %8), `maktu` an amount per `birim` in `para_birimi`, `asgari` /
`azami` its bounds per unit, `baslangic` / `bitis` the validity, `kaynak` the decision, Resmî Gazete
date and number and annex, `belge` the proof a preferential rate needs. Every bad row is reported
with its line and nothing is loaded; a row already in the book with the same values is left as it
is, and one that would change a stored row (same code, tax, origin and start) is refused: a new list
adds dated versions, it never rewrites history.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .countries import country
from .dates import to_date
from .errors import CalcError
from .db import data_dir
from .tariff import OTHERS, TAXES, Measure, gtip

COLUMNS = ("gtip", "vergi", "mense", "oran", "maktu", "birim", "para_birimi", "asgari", "azami",
           "baslangic", "bitis", "kaynak", "belge")
REQUIRED = ("gtip", "vergi", "mense", "baslangic", "kaynak")
MAX_REPORTED = 20
_AGREEMENT_NAMES = {"AB": "eu", "EU": "eu", "AVRUPA BIRLIGI": "eu", "GUMRUK BIRLIGI": "eu",
                    "GYU": "gyu", "G.Y.U.": "gyu", "EAGU": "eagu", "E.A.G.U.": "eagu"}   # + rules/tariff_groups.yaml
_OTHERS = {"*", "DIGER", "DİĞER", "DIGER ULKELER", "DİĞER ÜLKELER", "OTHERS"}



def _number(text: str, what: str) -> Decimal:
    s = text.strip().replace(" ", "")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".")        # 1.234,5 (Turkish) → 1234.5
    else:
        s = s.replace(",", ".")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"{what} sayı değil ({text!r})") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{what} negatif olmayan bir sayı olmalı ({text!r})")
    return d


def _origin(text: str, agreements) -> str:
    t = text.strip()
    up = t.upper().replace("İ", "I").replace("Ğ", "G").replace("Ü", "U")
    if t.upper() in _OTHERS or up in _OTHERS:
        return OTHERS
    if up in _AGREEMENT_NAMES:
        return _AGREEMENT_NAMES[up]
    if t.lower() in agreements:
        return t.lower()
    try:
        return country(t, "mense")
    except CalcError:
        raise ValueError(f"menşe tanınmadı ({text!r}): *, AB, EFTA, bir anlaşma, GYU, EAGU ya da ülke kodu") from None


def _measure(row: dict, line: int, agreements) -> Measure:
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise ValueError(f"boş alan: {', '.join(missing)}")
    tax = row["vergi"].strip().upper().replace("İ", "I")
    if tax not in TAXES:
        raise ValueError(f"vergi {', '.join(TAXES)} olmalı ({row['vergi']!r})")
    oran, maktu = (row.get("oran") or "").strip(), (row.get("maktu") or "").strip()
    if not oran and not maktu:
        raise ValueError("oran ya da maktu gerekir")
    rate = _number(oran.lstrip("%").rstrip("%"), "oran") / 100 if oran else Decimal(0)
    if rate > 10:
        raise ValueError(f"oran yüzde olarak yazılır (8 = %8): {oran!r} çok büyük")
    specific = _number(maktu, "maktu") if maktu else None
    bounds = {k: _number(row[k], k) if (row.get(k) or "").strip() else None for k in ("asgari", "azami")}
    unit, currency = (row.get("birim") or "").strip(), (row.get("para_birimi") or "").strip().upper()
    if (specific is not None or bounds["asgari"] is not None or bounds["azami"] is not None) and not (unit and currency):
        raise ValueError("maktu, asgari ya da azami tutar için birim ve para_birimi gerekir")
    try:
        start = to_date(row["baslangic"].strip(), "baslangic")
        end = to_date(row["bitis"].strip(), "bitis") if (row.get("bitis") or "").strip() else None
        code = gtip(row["gtip"], "gtip", partial=True)
    except CalcError as exc:
        raise ValueError(exc.message_tr) from None
    if end is not None and end < start:
        raise ValueError("bitis baslangic'tan önce")
    proof = (row.get("belge") or "").strip()
    if proof:
        from .tev import CERTIFICATES
        try:
            proof = CERTIFICATES.read(proof, "belge")
        except CalcError as exc:
            raise ValueError(exc.message_tr) from None
    return Measure(code, tax, _origin(row["mense"], agreements), rate, specific, unit, currency,
                   bounds["asgari"], bounds["azami"], start, end, row["kaynak"].strip(), proof, line)


def _rows(path: Path) -> list[tuple[int, dict]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl
        ws = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = ws.iter_rows(values_only=True)
        head = [str(c or "").strip().lower() for c in next(rows, ())]
        out = []
        for n, values in enumerate(rows, start=2):
            cells = ["" if v is None else (v.date().isoformat() if isinstance(v, dt.datetime) else str(v))
                     for v in values]
            if any(c.strip() for c in cells):
                out.append((n, dict(zip(head, cells))))
        return _checked_head(head, out)
    text = path.read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    reader = csv.reader(io.StringIO(text), dialect)
    head = [h.strip().lower() for h in next(reader, [])]
    out = [(reader.line_num, dict(zip(head, r))) for r in reader if any(c.strip() for c in r)]
    return _checked_head(head, out)


def _checked_head(head, rows):
    unknown = [h for h in head if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in head]
    if unknown or missing:
        raise CalcError("invalid", f"başlık satırı: bilinmeyen sütun {unknown}, eksik sütun {missing}; sütunlar: "
                        f"{', '.join(COLUMNS)}",
                        f"header row: unknown columns {unknown}, missing {missing}; the columns are {', '.join(COLUMNS)}",
                        "dosya")
    return rows


def read(path: Path) -> list[Measure]:
    """Every row of a list as measures, or a CalcError naming each bad line (nothing half-read)."""
    from .tariffgroups import group_ids
    from .tev_partners import agreement_ids
    agreements = set(agreement_ids()) | set(group_ids())
    measures, bad = [], []
    for line, row in _rows(Path(path)):
        try:
            measures.append(_measure(row, line, agreements))
        except ValueError as exc:
            bad.append(f"satır {line}: {exc}")
    seen: dict[tuple, int] = {}
    for m in measures:
        key = (m.code, m.tax, m.origin, m.start)
        if key in seen:
            bad.append(f"satır {m.line}: satır {seen[key]} ile aynı GTİP, vergi, menşe ve başlangıç")
        seen.setdefault(key, m.line)
    if bad:
        more = f" … ve {len(bad) - MAX_REPORTED} satır daha" if len(bad) > MAX_REPORTED else ""
        raise CalcError("invalid", f"{Path(path).name}: {len(bad)} hatalı satır, hiçbiri yüklenmedi: "
                        + "; ".join(bad[:MAX_REPORTED]) + more,
                        f"{Path(path).name}: {len(bad)} bad rows, none loaded (see the Turkish text for each line)",
                        "dosya")
    return measures


def _text(d: Decimal | None) -> str | None:
    return None if d is None else str(d)


def _dec(s: str | None) -> Decimal | None:
    return None if s is None else Decimal(s)


_FIELDS = ("code", "tax", "origin", "start", "end_", "rate", "specific", "unit", "currency", "minimum", "maximum",
           "source", "proof", "list", "line")
_VALUES = ("rate", "specific", "unit", "currency", "minimum", "maximum", "end_", "source", "proof")
_CHUNK = 500                  # codes per IN (…) query: well under SQLite's and PostgreSQL's parameter limits
# How long a process trusts its cached look-ups before asking the database whether a list was loaded
# since (another worker of the team server, or `trcalc tariff import` on the server's database).
CHECK_SECONDS = 2.0


def _row(m: Measure, list_id: int) -> tuple:
    """A measure as the table's row, in _FIELDS order."""
    return (m.code, m.tax, m.origin, m.start.isoformat(), m.end.isoformat() if m.end else None, _text(m.rate),
            _text(m.specific), m.unit, m.currency, _text(m.minimum), _text(m.maximum), m.source, m.proof, list_id,
            m.line)


_VALUE_AT = tuple(_FIELDS.index(k) for k in _VALUES)


def _measure_of(r) -> Measure:
    """A stored row as a Measure. Built without the frozen dataclass's __init__ (a chapter is thousands of
    rows; the values were checked when the list was read): the same object, field for field."""
    m = object.__new__(Measure)
    m.__dict__.update(code=r.code, tax=r.tax, origin=r.origin, rate=Decimal(r.rate), specific=_dec(r.specific),
                      unit=r.unit, currency=r.currency, minimum=_dec(r.minimum), maximum=_dec(r.maximum),
                      start=dt.date.fromisoformat(r.start), end=dt.date.fromisoformat(r.end_) if r.end_ else None,
                      source=r.source, proof=r.proof, line=r.line)
    return m


# Per database URL: (the newest list id seen, when it was checked, {chapter: {code: measures}}). Shared by every
# Book of the process, so a list one Book loads is seen by the next look-up through any other.
_CACHE: dict[str, list] = {}


class Book:
    """The stored tariff book: the tables `tariff_list` and `tariff_measure` of the installation's one
    database (calc.db: SQLite by default, PostgreSQL when TRCALC_DATABASE_URL names one — a team
    server's instances and `trcalc tariff import` on the server then share one book). `Book(path)` is
    a book in that SQLite file; `Book(url=…)` one in that database."""

    def __init__(self, path: Path | str | None = None, url: str | None = None):
        from . import db
        self.url, self.path = db.locate(path, url)

    def load(self, file: Path, measures: list[Measure] | None = None) -> dict:
        """Add a list's measures in one transaction: {"added": n, "unchanged": n}. A row that would change
        a stored one (same code, tax, origin and start) refuses the whole list.

        `measures`: the rows as a reader of an official layout read them (calc.tariffread); by default
        the file is read in the documented layout."""
        from sqlalchemy import text

        from . import db
        file = Path(file)
        if measures is None:
            measures = read(file)
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        with db.write(self.url, db.SYNC_WAIT_S) as conn:
            _take_over_old_file(conn, self.url)
            stored = {}
            codes = sorted({m.code for m in measures})
            for i in range(0, len(codes), _CHUNK):
                part = codes[i:i + _CHUNK]
                q = text(f"SELECT {', '.join(_FIELDS)} FROM tariff_measure WHERE code IN "
                         f"({', '.join(f':c{j}' for j in range(len(part)))})")
                for r in conn.execute(q, {f"c{j}": c for j, c in enumerate(part)}):
                    stored[r[:4]] = tuple(r[i] for i in _VALUE_AT)
            list_id = conn.execute(
                text("INSERT INTO tariff_list (file, sha256, loaded_at, rows) VALUES (:f, :s, :t, :n) RETURNING id"),
                {"f": file.name, "s": digest, "t": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "n": len(measures)}).scalar_one()
            new, unchanged, conflicts = [], 0, []
            for m in measures:
                row = _row(m, list_id)
                old = stored.get(row[:4]) if stored else None
                if old is None:
                    new.append(row)
                elif old == tuple(row[i] for i in _VALUE_AT):
                    unchanged += 1
                else:
                    conflicts.append(f"satır {m.line}: {m.code} {m.tax} {m.origin} {row[3]} "
                                     "kitapta başka değerlerle var")
            if conflicts:        # raising inside the transaction rolls it back: nothing of the list stays
                raise CalcError("invalid", f"{file.name}: {len(conflicts)} satır kayıtlı geçmişi değiştirir, hiçbiri "
                                "yüklenmedi (yeni oranı yeni bir başlangıç tarihiyle yazın): "
                                + "; ".join(conflicts[:MAX_REPORTED]),
                                f"{file.name}: {len(conflicts)} rows would change stored history, none loaded "
                                "(give a new rate a new start date)", "dosya")
            if new:
                # one DBAPI executemany with the driver's own placeholders (sqlite3 `?`, psycopg `%s`): no
                # per-row parameter processing by SQLAlchemy (a 20,000-row annex is 140,000 rows)
                mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
                conn.exec_driver_sql(f"INSERT INTO tariff_measure ({', '.join(_FIELDS)}) VALUES "
                                     f"({', '.join([mark] * len(_FIELDS))})",
                                     new)
        _CACHE.pop(self.url, None)
        return {"added": len(new), "unchanged": unchanged}

    def _cache(self) -> dict:
        """This database's cached look-ups, emptied when a list was loaded since (checked every CHECK_SECONDS)."""
        from sqlalchemy import text

        from . import db
        now = time.monotonic()
        entry = _CACHE.get(self.url)
        if entry is None or now - entry[1] >= CHECK_SECONDS:
            _take_over_old_file(None, self.url)
            with db.read(self.url) as conn:
                newest = conn.execute(text("SELECT max(id) FROM tariff_list")).scalar()
            if entry is None or entry[0] != newest:
                entry = _CACHE[self.url] = [newest, now, {}]
            entry[1] = now
        return entry[2]

    def measures(self, code: str) -> list[Measure]:
        """Every stored measure whose code covers `code` (its chapter, heading … and the line itself).

        The book is read a chapter at a time (one query: every code of the chapter, its 2 first digits)
        and kept by code, so the next look-ups in the chapter are dictionary look-ups, on SQLite and on
        PostgreSQL alike."""
        cache = self._cache()
        chapter = cache.get(code[:2])
        if chapter is None:
            from sqlalchemy import text

            from . import db
            with db.read(self.url) as conn:
                rows = conn.execute(text(f"SELECT {', '.join(_FIELDS)} FROM tariff_measure "
                                         "WHERE code >= :lo AND code < :hi"),
                                    {"lo": code[:2], "hi": code[:2] + ":"}).fetchall()     # ':' follows '9'
            chapter = {}
            for r in rows:
                chapter.setdefault(r.code, []).append(_measure_of(r))
            cache[code[:2]] = chapter
        return [m for n in range(2, len(code) + 1, 2) for m in chapter.get(code[:n], ())]

    def summary(self) -> dict:
        from sqlalchemy import text

        from . import db
        _take_over_old_file(None, self.url)
        with db.read(self.url) as conn:
            lists = conn.execute(text("SELECT count(*) FROM tariff_list")).scalar()
            n, codes = conn.execute(text("SELECT count(*), count(DISTINCT code) FROM tariff_measure")).fetchone()
        return {"path": str(self.path), "lists": lists, "measures": n, "codes": codes}


# -- the tariff.sqlite3 of trcalc before the book moved into calc.db ---------------------------------

OLD_FILE = "tariff.sqlite3"


def _take_over_old_file(conn, url: str) -> None:
    """A book kept by the previous trcalc in <data dir>/tariff.sqlite3 moves, once, into the default
    database (its lists and measures, ids and lines as they were), and the file is renamed
    tariff.sqlite3.tasindi — nothing loaded before is lost. Only for the default database of this
    data folder; with conn None it opens its own write transaction."""
    from . import db
    old = data_dir() / OLD_FILE
    if url != db.default_url() or not old.is_file():
        return
    if conn is None:
        with db.write(url, db.SYNC_WAIT_S) as c:
            return _take_over_old_file(c, url)
    import sqlite3

    from sqlalchemy import text
    if not old.is_file():                       # another process moved it while we waited for the lock
        return
    src = sqlite3.connect(f"file:{old}?mode=ro", uri=True)
    try:
        lists = src.execute("SELECT id, file, sha256, loaded_at, rows FROM list ORDER BY id").fetchall()
        rows = src.execute("SELECT code, tax, origin, start, end_, rate, specific, unit, currency, minimum, maximum, "
                           "source, proof, list, line FROM measure").fetchall()
    except sqlite3.DatabaseError:
        lists, rows = [], []                    # not a book (or an empty one): nothing to move
    finally:
        src.close()
    ids = {}
    for lid, f, sha, at, n in lists:
        ids[lid] = conn.execute(text("INSERT INTO tariff_list (file, sha256, loaded_at, rows) VALUES "
                                     "(:f, :s, :t, :n) RETURNING id"), {"f": f, "s": sha, "t": at, "n": n}).scalar_one()
    if rows:
        conn.execute(text(f"INSERT INTO tariff_measure ({', '.join(_FIELDS)}) VALUES "
                          f"({', '.join(':' + k for k in _FIELDS)}) ON CONFLICT DO NOTHING"),
                     [dict(zip(_FIELDS, r[:13] + (ids[r[13]], r[14]))) for r in rows])
    old.rename(old.with_name(OLD_FILE + ".tasindi"))


_BOOKS: dict[tuple, Book] = {}


def book() -> Book:
    """The book of the configured database (TRCALC_DATABASE_URL, else the data dir's SQLite file).

    The settings are read on every call (a test or a team may change them while a process runs); the
    Book for them is kept, as working out the default database's path costs a third of a warm look-up
    (bench/tariff.py). A Book holds no state of its own: its look-ups are in the module's _CACHE."""
    from . import settings
    key = (settings.raw("TRCALC_DATABASE_URL"), settings.raw("TRCALC_DATA_DIR"), os.environ.get("XDG_DATA_HOME"),
           os.environ.get("HOME"), os.environ.get("LOCALAPPDATA"))
    found = _BOOKS.get(key)
    if found is None:
        if len(_BOOKS) > 64:
            _BOOKS.clear()
        found = _BOOKS[key] = Book()
    return found
