"""Alembic environment: runs on the connection storage.db.Database.migrate() hands over."""

from alembic import context
from sqlalchemy import text

from storage.models import Base

# Any id will do; it only has to be the same in every Debrief process sharing a database.
MIGRATION_LOCK_ID = 0x0DEB21EF

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Processes starting together on one PostgreSQL migrate one at a time.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    context.run_migrations()
