"""Named API keys (stored hashed) and leases (the lock that lets one process per deployment sync).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""CREATE TABLE api_key (
        name TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL UNIQUE,      -- SHA-256 of the key (hex)
        cookie_secret TEXT NOT NULL UNIQUE, -- what its sign-in cookies are made with (an HMAC of the key)
        created_at TEXT NOT NULL,
        revoked_at TEXT)""")
    op.execute("""CREATE TABLE lease (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL)""")
