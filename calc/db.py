"""The one database of an installation: the TCMB rate store, the server's API keys and the sync lock.

    TRCALC_DATABASE_URL   a SQLAlchemy URL; unset: SQLite, <data dir>/fx.sqlite3 (nothing to install)
                          postgresql+psycopg://trcalc@db.example.com/trcalc   a team's PostgreSQL

Why SQLAlchemy Core + Alembic (both maintained, pure-Python wheels on PyPI; psycopg 3 is the
PostgreSQL driver): one set of SQL statements runs on SQLite and on PostgreSQL, and Alembic's
versioned migrations (calc/migrations/versions) bring an existing database, a rate store made by an
earlier trcalc included, to the current schema on first use — under a lock, so workers starting
together migrate once (PostgreSQL: an advisory lock; SQLite: the write lock of BEGIN IMMEDIATE).

SQLite transactions. The sqlite3 module's own transaction handling is switched off and SQLAlchemy
emits BEGIN itself (SQLAlchemy's documented recipe, "Serializable isolation / Savepoints /
Transactional DDL" in its SQLite dialect notes), so a write can start with BEGIN IMMEDIATE: a
writer takes the write lock before it reads, and two syncing processes never deadlock. Reads
begin DEFERRED and never wait for a writer (WAL is not used: the file may sit on a network share).
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from . import settings

MIGRATIONS = Path(__file__).with_name("migrations")
FILE_NAME = "fx.sqlite3"
_PG_MIGRATION_LOCK = 0x7472_6361   # "trca": pg_advisory_xact_lock key while migrating
HEAD = "0003"                      # the newest revision in migrations/versions (a test keeps them equal)

class ProcessLock:
    """A threading.Lock made on first use in each process. gunicorn loads the app in its master
    (preload) and a gevent worker monkey-patches `threading` only after the fork: a lock made at
    import time would be a real OS lock, and a greenlet waiting on it while another holds it across
    a database or network wait would block the whole worker — for ever. Made on first use, in the
    worker, it is gevent's."""

    def __init__(self):
        self._pid = None
        self._lock = None

    def _get(self):
        pid = os.getpid()
        if self._pid != pid:
            self._lock, self._pid = threading.Lock(), pid
        return self._lock

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._get().acquire(blocking, timeout)

    def release(self) -> None:
        self._get().release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


_engines: dict[str, sa.Engine] = {}
_ready: set[str] = set()
_lock = ProcessLock()

Error = sa.exc.SQLAlchemyError      # what a failing database raises (sqlite3 and psycopg errors wrapped)

# Where the local store lives (also the rate store's: calc.fxstore re-exports these), and how long a
# connection waits for a lock; here so that fxstore imports db and db never imports fxstore.
FILE_NAME = "fx.sqlite3"


def data_dir() -> Path:
    """TRCALC_DATA_DIR, else the per-user data folder: %LOCALAPPDATA%\\trcalc on Windows,
    ~/Library/Application Support/trcalc on macOS, $XDG_DATA_HOME/trcalc (~/.local/share/trcalc)
    elsewhere (XDG Base Directory Specification)."""
    env = settings.raw("TRCALC_DATA_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "trcalc"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "trcalc"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "trcalc"


def default_path() -> Path:
    return data_dir() / FILE_NAME


# How long a look-up waits for a store another process holds locked (TRCALC_FX_STORE_WAIT, seconds).
# SQLite waits inside C: in a gevent worker that wait stops every request of the worker, so it is
# short; a writer holds the lock only for its one transaction (a sync writes once, at the end).
# `trcalc fx sync` (a command, alone in its process) waits longer: SYNC_WAIT_S.
SYNC_WAIT_S = 10.0


def wait_seconds() -> float:
    return min(settings.get("TRCALC_FX_STORE_WAIT"), 60.0)




def default_url() -> str:
    return "sqlite:///" + str(default_path())


def url() -> str:
    return settings.get("TRCALC_DATABASE_URL") or default_url()


def locate(path=None, given_url: str | None = None) -> tuple[str, object]:
    """(the database URL, what to show for it) of a store opened as `Store(path)` (that SQLite file),
    `Store(url=…)` (that database) or `Store()` (TRCALC_DATABASE_URL, else the default SQLite file):
    the SQLite file's Path, or the URL with any password hidden."""
    if path is not None:
        return "sqlite:///" + str(Path(path)), Path(path)
    u = given_url or url()
    return u, (Path(u[len("sqlite:///"):]) if u.startswith("sqlite:///") else shown(u))


def shown(u: str) -> str:
    """The URL with any password hidden, for status output and messages."""
    try:
        return sa.make_url(u).render_as_string(hide_password=True)
    except Exception:
        return "(geçersiz / invalid URL)"


def _after_fork() -> None:
    # a forked worker (gunicorn preloads the app) must not share its parent's sockets
    for e in _engines.values():
        e.dispose(close=False)
    _engines.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def engine(u: str | None = None) -> sa.Engine:
    u = u or url()
    e = _engines.get(u)
    if e is not None and u in _ready:
        return e
    with _lock:
        e = _engines.get(u)
        if e is None:
            e = _engines[u] = _make(u)
        if u not in _ready:
            _migrate(e)
            _ready.add(u)
    return e


def _make(u: str) -> sa.Engine:
    parsed = sa.make_url(u)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        e = sa.create_engine(parsed, connect_args={"timeout": 30}, poolclass=sa.pool.NullPool)

        @event.listens_for(e, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None          # SQLAlchemy emits BEGIN (below)
            dbapi_conn.execute("PRAGMA foreign_keys = ON")
            dbapi_conn.execute("PRAGMA busy_timeout = 30000")

        @event.listens_for(e, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")
        return e
    # PostgreSQL (or another server database): a small pool per worker process, checked before use
    # so a restarted database server costs one reconnect, not an error.
    return sa.create_engine(parsed, pool_size=2, max_overflow=4, pool_pre_ping=True, pool_recycle=1800,
                            connect_args={"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {})


def is_sqlite(e: sa.Engine) -> bool:
    return e.dialect.name == "sqlite"


def _current(e: sa.Engine) -> str | None:
    """The database's Alembic revision, read without loading Alembic (None: none yet)."""
    try:
        with e.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.OperationalError:
        return None
    except sa.exc.ProgrammingError:          # PostgreSQL: no such table
        return None


def _migrate(e: sa.Engine) -> None:
    if _current(e) == HEAD:                  # the common case, each process's first use: no Alembic to load
        return
    from alembic import command
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with e.connect() as conn:
        if is_sqlite(e):
            conn.execution_options(immediate=True)
        with conn.begin():
            if e.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def _sqlite_wait(conn, e: sa.Engine, wait: float | None) -> None:
    """How long this connection waits for a lock another process holds. SQLite waits inside C, which
    in a gevent worker stops every request of the worker: the default is short (TRCALC_FX_STORE_WAIT,
    0.5 s; calc.fxstore), a command such as `trcalc fx sync` passes a longer one. Set on the driver's
    connection directly, outside SQLAlchemy's transaction."""
    if is_sqlite(e):
        if wait is None:
            wait = wait_seconds()
        conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")


@contextmanager
def read(u: str | None = None, wait: float | None = None):
    e = engine(u)
    with e.connect() as conn:
        _sqlite_wait(conn, e, wait)
        yield conn


@contextmanager
def write(u: str | None = None, wait: float | None = None):
    """One transaction that takes the write lock first (SQLite: BEGIN IMMEDIATE); all or nothing."""
    e = engine(u)
    with e.connect() as conn:
        _sqlite_wait(conn, e, wait)
        if is_sqlite(e):
            conn.execution_options(immediate=True)
        with conn.begin():
            yield conn


# -- leases: "one process of the whole deployment does this now" -----------------------------------

def acquire(name: str, holder: str, seconds: float, u: str | None = None) -> bool:
    """Take the lease `name` for `seconds` unless another holder has it and it has not expired.

    Both statements are atomic on both databases: PostgreSQL's INSERT … ON CONFLICT DO NOTHING waits
    for a competing insert and then does nothing, and its UPDATE re-checks the WHERE clause on the row
    a concurrent UPDATE committed (READ COMMITTED); SQLite runs the transaction under its write lock."""
    now = time.time()
    with write(u, 2.0) as conn:
        n = conn.execute(sa.text("INSERT INTO lease VALUES (:n, :h, :e) ON CONFLICT DO NOTHING"),
                         {"n": name, "h": holder, "e": now + seconds}).rowcount
        if n == 0:
            n = conn.execute(sa.text("UPDATE lease SET holder = :h, expires_at = :e "
                                     "WHERE name = :n AND (expires_at < :now OR holder = :h)"),
                             {"n": name, "h": holder, "e": now + seconds, "now": now}).rowcount
    return n > 0


def release(name: str, holder: str, u: str | None = None) -> None:
    with write(u, 2.0) as conn:
        conn.execute(sa.text("DELETE FROM lease WHERE name = :n AND holder = :h"), {"n": name, "h": holder})


def get_meta(key: str, u: str | None = None) -> str | None:
    with read(u) as conn:
        row = conn.execute(sa.text("SELECT value FROM meta WHERE key = :k"), {"k": key}).fetchone()
    return row[0] if row else None


def set_meta(key: str, value: str, u: str | None = None) -> None:
    with write(u, 2.0) as conn:
        conn.execute(sa.text("DELETE FROM meta WHERE key = :k"), {"k": key})
        conn.execute(sa.text("INSERT INTO meta VALUES (:k, :v)"), {"k": key, "v": value})
