"""The packaged head read without Alembic agrees with Alembic, and a database at head is skipped."""

from pathlib import Path

from alembic.script import ScriptDirectory

from bot.store.database import make_engine
from bot.store.migrate import (
    _at_packaged_head,
    alembic_config,
    current_revision,
    migrate,
    packaged_head,
)


def test_packaged_head_is_alembics_head() -> None:
    """Reading the migration files' constants finds the head Alembic itself finds."""
    script = ScriptDirectory.from_config(alembic_config())
    assert packaged_head() == script.get_current_head()


async def test_only_a_database_at_head_is_recognised_as_such(tmp_path: Path) -> None:
    """A new database is not at head; after migrating it is, and migrating again keeps it there."""
    engine = make_engine(f"sqlite:///{tmp_path / 'head.db'}")
    try:
        assert not await _at_packaged_head(engine)
        await migrate(engine)
        assert await _at_packaged_head(engine)
        await migrate(engine)
        assert await current_revision(engine) == packaged_head()
    finally:
        await engine.dispose()
