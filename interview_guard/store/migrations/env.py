"""Alembic environment: run by store.db.migrate() with an open connection (never from an .ini file)."""

from alembic import context

from interview_guard.store.tables import Base

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things in place; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
