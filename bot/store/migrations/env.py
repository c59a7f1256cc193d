"""Alembic environment: migrations run on the connection handed over by bot.store.migrate."""

from alembic import context
from sqlalchemy import Connection

from bot.store.schema import metadata


def run_migrations(connection: Connection) -> None:
    """Apply migrations on the given connection, in its current transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError("run migrations with bot.store.migrate.migrate(engine)")
run_migrations(_connection)
