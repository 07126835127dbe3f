"""The local store of TCMB bulletins: one SQLite file in the data directory.

    TRCALC_DATA_DIR        the folder (default: per user, see `data_dir`)
    <data dir>/fx.sqlite3  bulletins, their rates, and the dates that have none

A date is in one of three states: a stored bulletin, "no bulletin" (TCMB
answered 404 for a past date: a weekend or holiday, never asked again), or
unknown.  Every write is one transaction: a bulletin goes in with all its
rates or not at all, and a sync writes its whole range at the end or nothing,
so a malformed file, a network failure or a killed process leaves the store as
it was.  Rates are kept as the text TCMB published, read back as Decimal.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from .tcmb import FIELDS, Bulletin, Quote

SCHEMA_VERSION = 1
FILE_NAME = "fx.sqlite3"
NONE = "none"                 # the state of a date with no bulletin

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bulletin (
    date TEXT PRIMARY KEY,          -- ISO date of the bulletin (its Tarih attribute)
    number TEXT NOT NULL,           -- Bulten_No, e.g. 2024/126
    source TEXT NOT NULL,           -- the URL it was read from
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rate (
    date TEXT NOT NULL REFERENCES bulletin(date) ON DELETE CASCADE,
    code TEXT NOT NULL,
    unit INTEGER NOT NULL CHECK (unit >= 1),
    name TEXT NOT NULL,
    doviz_alis TEXT, doviz_satis TEXT, efektif_alis TEXT, efektif_satis TEXT,
    PRIMARY KEY (date, code)
);
CREATE TABLE IF NOT EXISTS no_bulletin (date TEXT PRIMARY KEY, checked_at TEXT NOT NULL);
"""
_KIND_COLUMNS = {k: k.lower() for k in FIELDS}


def data_dir() -> Path:
    """TRCALC_DATA_DIR, else the per-user data folder: %LOCALAPPDATA%\\trcalc on Windows,
    ~/Library/Application Support/trcalc on macOS, $XDG_DATA_HOME/trcalc (~/.local/share/trcalc)
    elsewhere (XDG Base Directory Specification)."""
    env = os.environ.get("TRCALC_DATA_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "trcalc"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "trcalc"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "trcalc"


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# How long a look-up waits for a store another process holds locked (TRCALC_FX_STORE_WAIT, seconds).
# SQLite waits inside C: in a gevent worker that wait stops every request of the worker, so it is
# short; a writer holds the lock only for its one transaction (a sync writes once, at the end).
# `trcalc fx sync` (a command, alone in its process) waits longer: SYNC_WAIT_S.
WAIT_S = 0.5
SYNC_WAIT_S = 10.0


def wait_seconds() -> float:
    try:
        return min(max(float(os.environ.get("TRCALC_FX_STORE_WAIT", WAIT_S)), 0.0), 60.0)
    except ValueError:
        return WAIT_S


def describe_error(exc: BaseException) -> tuple[str, str]:
    """What went wrong with the store file, Turkish and English (after "the store …"), by SQLite's
    result code (sqlite3 gives it as `sqlite_errorname`, Python 3.11+): a lock held by another process,
    a full disk, a file that is not a store; only the last is cured by deleting the file."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return ("başka bir süreç tarafından kilitli tutuluyor (ör. süren bir `trcalc fx sync`); biraz sonra "
                "yeniden deneyin", "is locked by another process (a `trcalc fx sync` under way?); try again shortly")
    if name.startswith("SQLITE_FULL") or "disk is full" in text or getattr(exc, "errno", None) == 28:
        return ("yazılamadı: disk dolu; yer açın, depo değişmedi",
                "could not be written: the disk is full; free some space (the store is unchanged)")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return (f"bozuk ya da bir kur deposu değil ({text}); dosyayı silip `trcalc fx sync` ile yeniden "
                "doldurabilirsiniz",
                f"is damaged or not a rate store ({text}); delete the file and fill it again with `trcalc fx sync`")
    return f"okunamadı/yazılamadı ({text})", f"cannot be read or written ({text})"


class Store:
    """One SQLite file; connections are opened per use so processes and threads can share it."""

    def __init__(self, path: Path | str | None = None, wait: float | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.wait = wait
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        wait = self.wait if self.wait is not None else wait_seconds()
        conn = sqlite3.connect(self.path, timeout=wait, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        if not self._ready:
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self._ready = True
        return conn

    # -- reading ---------------------------------------------------------------------------
    def states(self, first: dt.date, last: dt.date) -> dict[dt.date, str]:
        """{date: bulletin number or NONE} for the known dates in [first, last]."""
        conn = self._connect()
        try:
            a, b = first.isoformat(), last.isoformat()
            out = {dt.date.fromisoformat(d): n for d, n in
                   conn.execute("SELECT date, number FROM bulletin WHERE date BETWEEN ? AND ?", (a, b))}
            for (d,) in conn.execute("SELECT date FROM no_bulletin WHERE date BETWEEN ? AND ?", (a, b)):
                out.setdefault(dt.date.fromisoformat(d), NONE)
            return out
        finally:
            conn.close()

    def bulletin(self, on: dt.date) -> Bulletin | None:
        conn = self._connect()
        try:
            row = conn.execute("SELECT number, source FROM bulletin WHERE date = ?", (on.isoformat(),)).fetchone()
            if row is None:
                return None
            quotes = {}
            for code, unit, name, *rates in conn.execute(
                    "SELECT code, unit, name, doviz_alis, doviz_satis, efektif_alis, efektif_satis "
                    "FROM rate WHERE date = ?", (on.isoformat(),)):
                quotes[code] = Quote(code, unit, name,
                                     {k: Decimal(v) if v is not None else None for k, v in zip(FIELDS, rates)})
            return Bulletin(on, row[0], quotes, row[1])
        finally:
            conn.close()

    def summary(self) -> dict:
        conn = self._connect()
        try:
            n, first, last = conn.execute("SELECT count(*), min(date), max(date) FROM bulletin").fetchone()
            (none,) = conn.execute("SELECT count(*) FROM no_bulletin").fetchone()
            return {"path": str(self.path), "bulletins": n, "first": first, "last": last, "no_bulletin_dates": none}
        finally:
            conn.close()

    # -- writing ---------------------------------------------------------------------------
    def save(self, bulletins: Iterable[Bulletin] = (), missing: Iterable[dt.date] = ()) -> None:
        """Store the bulletins and the dates without one, all in one transaction."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for b in bulletins:
                    self._insert(conn, b)
                for d in missing:
                    conn.execute("INSERT OR IGNORE INTO no_bulletin VALUES (?, ?)", (d.isoformat(), _now()))
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (SQLITE_FULL does, sqlite.org/lang_transaction.html
                # "Response To Errors Within A Transaction"): a second ROLLBACK would replace the real
                # error with "cannot rollback - no transaction is active".
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    @staticmethod
    def _insert(conn: sqlite3.Connection, b: Bulletin) -> None:
        day = b.date.isoformat()
        # A bulletin replaces an earlier copy of itself and any "no bulletin" mark for its date.
        conn.execute("DELETE FROM bulletin WHERE date = ?", (day,))
        conn.execute("DELETE FROM no_bulletin WHERE date = ?", (day,))
        conn.execute("INSERT INTO bulletin VALUES (?, ?, ?, ?)", (day, b.number, b.source, _now()))
        conn.executemany(
            "INSERT INTO rate VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(day, q.code, q.unit, q.name, *(str(q.rates[k]) if q.rates[k] is not None else None for k in FIELDS))
             for q in b.quotes.values()])
