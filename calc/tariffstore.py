"""The tariff book on disk: the lists a firm or a team lead loads, in one SQLite file.

    <data dir>/tariff.sqlite3     (the data dir of calc.fxstore: TRCALC_DATA_DIR or the user's)

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
import sqlite3
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .countries import country
from .dates import to_date
from .errors import CalcError
from .fxstore import data_dir
from .tariff import OTHERS, TAXES, Measure, gtip

FILE_NAME = "tariff.sqlite3"
COLUMNS = ("gtip", "vergi", "mense", "oran", "maktu", "birim", "para_birimi", "asgari", "azami",
           "baslangic", "bitis", "kaynak", "belge")
REQUIRED = ("gtip", "vergi", "mense", "baslangic", "kaynak")
MAX_REPORTED = 20
_AGREEMENT_NAMES = {"AB": "eu", "EU": "eu", "AVRUPA BIRLIGI": "eu", "GUMRUK BIRLIGI": "eu",
                    "GYU": "gyu", "G.Y.U.": "gyu", "EAGU": "eagu", "E.A.G.U.": "eagu"}   # + rules/tariff_groups.yaml
_OTHERS = {"*", "DIGER", "DİĞER", "DIGER ULKELER", "DİĞER ÜLKELER", "OTHERS"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS list (
    id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL, rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS measure (
    code TEXT NOT NULL, tax TEXT NOT NULL, origin TEXT NOT NULL, start TEXT NOT NULL, end_ TEXT,
    rate TEXT NOT NULL, specific TEXT, unit TEXT NOT NULL, currency TEXT NOT NULL,
    minimum TEXT, maximum TEXT, source TEXT NOT NULL, proof TEXT NOT NULL,
    list INTEGER NOT NULL REFERENCES list(id), line INTEGER NOT NULL,
    PRIMARY KEY (code, tax, origin, start)
);
"""


def default_path() -> Path:
    return data_dir() / FILE_NAME


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


class Book:
    """The stored tariff book."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_path()
        self._cache: dict[str, list[Measure]] = {}
        self._stamp = None
        self._local = threading.local()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        con.executescript(_SCHEMA)
        return con

    def load(self, file: Path, measures: list[Measure] | None = None) -> dict:
        """Add a list's measures in one transaction: {"added": n, "unchanged": n}.

        `measures`: the rows as a reader of an official layout read them (calc.tariffread); by default
        the file is read in the documented layout. The rows go into a temporary table with one
        executemany, and the comparison with the stored book and the insert are two SQL statements
        (a 20,000-row schedule loads in about a second: bench/tariff.py)."""
        file = Path(file)
        if measures is None:
            measures = read(file)
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            cur = con.execute("INSERT INTO list (file, sha256, loaded_at, rows) VALUES (?, ?, ?, ?)",
                              (file.name, digest, dt.datetime.now(dt.timezone.utc).isoformat(), len(measures)))
            list_id = cur.lastrowid
            con.execute("DROP TABLE IF EXISTS temp.incoming")
            con.execute("CREATE TEMP TABLE incoming AS SELECT * FROM measure WHERE 0")
            con.executemany("INSERT INTO temp.incoming VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            [(m.code, m.tax, m.origin, m.start.isoformat(), m.end.isoformat() if m.end else None,
                              _text(m.rate), _text(m.specific), m.unit, m.currency, _text(m.minimum),
                              _text(m.maximum), m.source, m.proof, list_id, m.line) for m in measures])
            same_key = "m.code = i.code AND m.tax = i.tax AND m.origin = i.origin AND m.start = i.start"
            differs = ("m.rate IS NOT i.rate OR m.specific IS NOT i.specific OR m.unit IS NOT i.unit OR "
                       "m.currency IS NOT i.currency OR m.minimum IS NOT i.minimum OR m.maximum IS NOT i.maximum "
                       "OR m.end_ IS NOT i.end_ OR m.source IS NOT i.source OR m.proof IS NOT i.proof")
            conflicts = con.execute(
                f"SELECT i.line, i.code, i.tax, i.origin, i.start FROM temp.incoming i JOIN measure m ON {same_key} "
                f"WHERE {differs} ORDER BY i.line").fetchall()
            if conflicts:
                con.execute("ROLLBACK")
                shown = [f"satır {ln}: {c} {t} {o} {st} kitapta başka değerlerle var" for ln, c, t, o, st in conflicts]
                raise CalcError("invalid", f"{file.name}: {len(conflicts)} satır kayıtlı geçmişi değiştirir, hiçbiri "
                                "yüklenmedi (yeni oranı yeni bir başlangıç tarihiyle yazın): "
                                + "; ".join(shown[:MAX_REPORTED]),
                                f"{file.name}: {len(conflicts)} rows would change stored history, none loaded "
                                "(give a new rate a new start date)", "dosya")
            added = con.execute(f"INSERT INTO measure SELECT * FROM temp.incoming i WHERE NOT EXISTS "
                                f"(SELECT 1 FROM measure m WHERE {same_key})").rowcount
            con.execute("DROP TABLE temp.incoming")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()
        self._cache.clear()
        return {"added": added, "unchanged": len(measures) - added}

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection, kept open between look-ups (re-opened when the file changes)."""
        local = self._local
        if getattr(local, "stamp", None) != self._stamp or getattr(local, "con", None) is None:
            if getattr(local, "con", None) is not None:
                local.con.close()
            local.con = self._connect()
            local.stamp = self._stamp
        return local.con

    def measures(self, code: str) -> list[Measure]:
        """Every stored measure whose code covers `code` (its chapter, heading … and the line itself)."""
        stamp = self.path.stat().st_mtime_ns if self.path.exists() else None
        if stamp != self._stamp:
            self._cache.clear()
            self._stamp = stamp
        found = self._cache.get(code)
        if found is None:
            if stamp is None:
                found = []
            else:
                prefixes = [code[:n] for n in range(2, len(code) + 1, 2)]
                rows = self._reader().execute(
                    f"SELECT code, tax, origin, rate, specific, unit, currency, minimum, maximum, start, end_, "
                    f"source, proof, line FROM measure WHERE code IN ({','.join('?' * len(prefixes))})",
                    prefixes).fetchall()
                found = [
                    Measure(c, t, o, Decimal(r), _dec(s), u, cur, _dec(mn), _dec(mx), dt.date.fromisoformat(st),
                            dt.date.fromisoformat(e) if e else None, src, pr, ln)
                    for c, t, o, r, s, u, cur, mn, mx, st, e, src, pr, ln in rows]
            self._cache[code] = found
        return found

    def summary(self) -> dict:
        if not self.path.exists():
            return {"path": str(self.path), "lists": 0, "measures": 0, "codes": 0}
        con = self._connect()
        try:
            lists = con.execute("SELECT COUNT(*) FROM list").fetchone()[0]
            n, codes = con.execute("SELECT COUNT(*), COUNT(DISTINCT code) FROM measure").fetchone()
        finally:
            con.close()
        return {"path": str(self.path), "lists": lists, "measures": n, "codes": codes}


_BOOK: Book | None = None


def book() -> Book:
    """The process's book at the configured path (re-created when TRCALC_DATA_DIR changes)."""
    global _BOOK
    if _BOOK is None or _BOOK.path != default_path():
        _BOOK = Book()
    return _BOOK
