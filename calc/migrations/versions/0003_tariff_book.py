"""The tariff book (issue 27): the lists loaded and their measures, in the installation's one database.

Revision ID: 0003
Revises: 0002

Rates, amounts and bounds are kept as the text of the Decimal read from the list (exact on every
database); dates as ISO text like the rate store's. A measure is keyed by (code, tax, origin, start):
a later list adds a row with a later start, it never rewrites one (calc.tariffstore).
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tariff_list",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("loaded_at", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False))
    op.create_table(
        "tariff_measure",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("tax", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("start", sa.Text, nullable=False),
        sa.Column("end_", sa.Text),
        sa.Column("rate", sa.Text, nullable=False),
        sa.Column("specific", sa.Text),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("minimum", sa.Text),
        sa.Column("maximum", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("proof", sa.Text, nullable=False),
        sa.Column("list", sa.Integer, sa.ForeignKey("tariff_list.id"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("code", "tax", "origin", "start"))
