"""The store of TCMB bulletins, in the installation's database (calc.db).

    TRCALC_DATA_DIR        the folder (default: per user, see `data_dir`)
    <data dir>/fx.sqlite3  bulletins, their rates, and the dates that have none (SQLite, the default)
    TRCALC_DATABASE_URL    a PostgreSQL database in its place (a team server's instances share it)

The store is a cache of public bulletins: everything in it can be fetched again from TCMB
(`trcalc fx sync`), so losing it loses nothing but time.

A date is in one of three states: a stored bulletin, "no bulletin" (TCMB
answered 404 for a past date: a weekend or holiday, never asked again), or
unknown.  Every write is one transaction: a bulletin goes in with all its
rates or not at all, and a sync writes its whole range at the end or nothing,
so a malformed file, a network failure or a killed process leaves the store as
it was (SQLite and PostgreSQL transactions alike).  Rates are kept as the text TCMB published, read back as Decimal.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from .db import FILE_NAME, SYNC_WAIT_S, data_dir, default_path, wait_seconds  # noqa: F401  (the store's places, kept here by name)
from .tcmb import FIELDS, Bulletin, Quote

SCHEMA_VERSION = 1
NONE = "none"                 # the state of a date with no bulletin
LAST_SYNC = "fx_sync_last_success"     # meta key: the last sync that completed (JSON)

_KIND_COLUMNS = {k: k.lower() for k in FIELDS}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def describe_error(exc: BaseException) -> tuple[str, str]:
    """What went wrong with the store file, Turkish and English (after "the store …"), by SQLite's
    result code (sqlite3 gives it as `sqlite_errorname`, Python 3.11+): a lock held by another process,
    a full disk, a file that is not a store; only the last is cured by deleting the file."""
    exc = getattr(exc, "orig", None) or exc        # SQLAlchemy wraps the driver's error (calc.db)
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
    """The rate tables of the installation's database (calc.db): SQLite by default, PostgreSQL when
    TRCALC_DATABASE_URL names one. `Store(path)` is a store in that SQLite file."""

    def __init__(self, path: Path | str | None = None, url: str | None = None,
                 wait: float | None = None):
        from . import db
        self.wait = wait            # seconds to wait for a lock another process holds (SQLite)
        self.url, self.path = db.locate(path, url)

    def _wait(self) -> float:
        return self.wait if self.wait is not None else wait_seconds()

    # -- reading ---------------------------------------------------------------------------
    def states(self, first: dt.date, last: dt.date) -> dict[dt.date, str]:
        """{date: bulletin number or NONE} for the known dates in [first, last]."""
        from . import db
        with db.read(self.url, self._wait()) as conn:
            a, b = first.isoformat(), last.isoformat()
            q = text("SELECT date, number FROM bulletin WHERE date BETWEEN :a AND :b")
            out = {dt.date.fromisoformat(d): n for d, n in conn.execute(q, {"a": a, "b": b})}
            q = text("SELECT date FROM no_bulletin WHERE date BETWEEN :a AND :b")
            for (d,) in conn.execute(q, {"a": a, "b": b}):
                out.setdefault(dt.date.fromisoformat(d), NONE)
            return out

    def bulletin(self, on: dt.date) -> Bulletin | None:
        from . import db
        with db.read(self.url, self._wait()) as conn:
            day = {"d": on.isoformat()}
            row = conn.execute(text("SELECT number, source FROM bulletin WHERE date = :d"), day).fetchone()
            if row is None:
                return None
            quotes = {}
            for code, unit, name, *rates in conn.execute(text(
                    "SELECT code, unit, name, doviz_alis, doviz_satis, efektif_alis, efektif_satis "
                    "FROM rate WHERE date = :d"), day):
                quotes[code] = Quote(code, unit, name,
                                     {k: Decimal(v) if v is not None else None for k, v in zip(FIELDS, rates)})
            return Bulletin(on, row[0], quotes, row[1])

    def summary(self) -> dict:
        from . import db
        with db.read(self.url, self._wait()) as conn:
            n, first, last = conn.execute(text("SELECT count(*), min(date), max(date) FROM bulletin")).fetchone()
            (none,) = conn.execute(text("SELECT count(*) FROM no_bulletin")).fetchone()
            return {"path": str(self.path), "bulletins": n, "first": first, "last": last, "no_bulletin_dates": none,
                    "last_sync": (self.last_sync() or {}).get("at")}

    def last_sync(self) -> dict | None:
        """The last sync that completed: {"at": UTC time, "through": last date, "first": …, "fetched": n}."""
        from . import db
        with db.read(self.url, self._wait()) as conn:
            row = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": LAST_SYNC}).fetchone()
        return json.loads(row[0]) if row else None

    # -- writing ---------------------------------------------------------------------------
    def save(self, bulletins: Iterable[Bulletin] = (), missing: Iterable[dt.date] = (),
             synced: dict | None = None) -> None:
        """Store the bulletins and the dates without one (and, for a sync, its record), all in one
        transaction."""
        from . import db
        with db.write(self.url, self._wait()) as conn:
            for b in bulletins:
                self._insert(conn, b)
            rows = [{"d": d.isoformat(), "t": _now()} for d in missing]
            if rows:
                conn.execute(text("INSERT INTO no_bulletin VALUES (:d, :t) ON CONFLICT DO NOTHING"), rows)
            if synced is not None:
                row = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": LAST_SYNC}).fetchone()
                if row and json.loads(row[0]).get("through", "") > synced["through"]:
                    # a sync of an older range: the store stays complete through the later date
                    synced = {**synced, "through": json.loads(row[0])["through"]}
                conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": LAST_SYNC})
                conn.execute(text("INSERT INTO meta VALUES (:k, :v)"),
                             {"k": LAST_SYNC, "v": json.dumps({"at": _now(), **synced})})

    @staticmethod
    def _insert(conn, b: Bulletin) -> None:
        day = {"d": b.date.isoformat()}
        # A bulletin replaces an earlier copy of itself and any "no bulletin" mark for its date.
        conn.execute(text("DELETE FROM rate WHERE date = :d"), day)
        conn.execute(text("DELETE FROM bulletin WHERE date = :d"), day)
        conn.execute(text("DELETE FROM no_bulletin WHERE date = :d"), day)
        conn.execute(text("INSERT INTO bulletin VALUES (:d, :n, :s, :t)"),
                     {**day, "n": b.number, "s": b.source, "t": _now()})
        conn.execute(
            text("INSERT INTO rate VALUES (:d, :code, :unit, :name, :da, :ds, :ea, :es)"),
            [{**day, "code": q.code, "unit": q.unit, "name": q.name,
              **dict(zip(("da", "ds", "ea", "es"),
                         (str(q.rates[k]) if q.rates[k] is not None else None for k in FIELDS)))}
             for q in b.quotes.values()])
