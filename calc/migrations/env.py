"""Alembic's environment for trcalc's database (calc.db runs `upgrade head` on first use).

The connection comes from calc.db, already inside a transaction that holds the migration lock.
Imported outside Alembic (a module walk, a doctest run) it does nothing.
"""
from alembic import context

config = getattr(context, "config", None) if hasattr(context, "_proxy") else None
if config is not None:
    context.configure(connection=config.attributes["connection"], transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
