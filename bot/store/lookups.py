"""Single deliveries looked up by id (for the buttons on a receipt)."""

from sqlalchemy import select

from bot.domain.records import DeliveryReport
from bot.store.codec import delivery_report
from bot.store.database import Queries
from bot.store.schema import deliveries
from bot.store.updates import load_update


class DeliveryLookup(Queries):
    """Reads one delivery with its update."""

    async def get_delivery(self, delivery_id: int) -> DeliveryReport | None:
        """The delivery with this id as it stands now, or None."""
        async with self.connect() as conn:
            found = await conn.execute(select(deliveries).where(deliveries.c.id == delivery_id))
            row = found.mappings().one_or_none()
            if row is None:
                return None
            stored = await load_update(conn, row["update_id"])
        if stored is None:
            return None
        return delivery_report(stored, row, self.clock())
