"""Stored updates already read: they never change once written, so reading one again is waste."""

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.records import StoredUpdate
from bot.store.updates import load_update

DEFAULT_SIZE = 512


class KnownUpdates:
    """The most recently read stored updates of one database, by id (oldest dropped first)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._by_id: dict[int, StoredUpdate] = {}

    async def load(self, conn: AsyncConnection, update_id: int) -> StoredUpdate | None:
        """The stored update with this id, read only the first time (None if there is none)."""
        stored = self._by_id.get(update_id)
        if stored is None:
            stored = await load_update(conn, update_id)
            if stored is not None:
                self._remember(stored)
        return stored

    def _remember(self, stored: StoredUpdate) -> None:
        """Keep an update as stored (not as one caller saw it: duplicate)."""
        if len(self._by_id) >= self._size:
            self._by_id.pop(next(iter(self._by_id)))
        self._by_id[stored.id] = replace(stored, duplicate=False)
