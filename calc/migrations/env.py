"""Alembic's environment for trcalc's database (calc.db runs `upgrade head` on first use).

The connection comes from calc.db, already inside a transaction that holds the migration lock.
"""
from alembic import context

context.configure(connection=context.config.attributes["connection"], transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
