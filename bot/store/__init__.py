"""Persistence: SQLAlchemy tables, migrations and the queries the bot needs."""
