"""The TCMB rate store (the schema of trcalc's first fx.sqlite3, so such a file is taken over as is).

Revision ID: 0001
"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATEMENTS = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS bulletin (
        date TEXT PRIMARY KEY,
        number TEXT NOT NULL,
        source TEXT NOT NULL,
        fetched_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rate (
        date TEXT NOT NULL REFERENCES bulletin(date) ON DELETE CASCADE,
        code TEXT NOT NULL,
        unit INTEGER NOT NULL CHECK (unit >= 1),
        name TEXT NOT NULL,
        doviz_alis TEXT, doviz_satis TEXT, efektif_alis TEXT, efektif_satis TEXT,
        PRIMARY KEY (date, code))""",
    "CREATE TABLE IF NOT EXISTS no_bulletin (date TEXT PRIMARY KEY, checked_at TEXT NOT NULL)",
    "INSERT INTO meta VALUES ('schema', '1') ON CONFLICT DO NOTHING",
]


def upgrade():
    for sql in STATEMENTS:
        op.execute(sql)
