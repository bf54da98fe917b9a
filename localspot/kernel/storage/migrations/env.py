"""Alembic environment: migrations always run on a connection handed over by `localspot.kernel.storage.migrate`."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
