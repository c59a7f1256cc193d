"""Published updates as edits and deletions left them (for Edit and Delete on a receipt)."""

from dataclasses import replace

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.models import DeliveryStatus, Update
from bot.domain.operations import Operation
from bot.domain.records import PublishedUpdate, StoredUpdate
from bot.store.codec import delivery_report
from bot.store.database import Queries
from bot.store.schema import deliveries
from bot.store.updates import load_update

_PUBLISH = Operation.PUBLISH.value
_ACCEPTED = DeliveryStatus.ACCEPTED.value
_change = deliveries.alias("change")
_published = deliveries.alias("published")


def _changes(operation: Operation) -> Select[tuple[int, str]]:
    """Edits or deletions (their update id and status) joined to the delivery they change."""
    changed = and_(
        _published.c.operation == _PUBLISH,
        _published.c.provider == _change.c.provider,
        _published.c.incident_id == _change.c.incident_id,
        _published.c.provider_update_id == _change.c.subject_id,
    )
    return (
        select(_change.c.update_id, _change.c.status)
        .join_from(_change, _published, changed)
        .where(_change.c.operation == operation.value)
    )


# Built once: building a statement costs more than running it on SQLite.
_NEWEST_FIRST = (_change.c.finished_at.desc(), _change.c.id.desc())
_LAST_EDIT_OF_DELIVERY = (
    _changes(Operation.EDIT)
    .where(_published.c.id == bindparam("delivery"), _change.c.status == _ACCEPTED)
    .order_by(*_NEWEST_FIRST)
    .limit(1)
)
_LAST_EDIT_OF_UPDATE = (
    _changes(Operation.EDIT)
    .where(_published.c.update_id == bindparam("update"), _change.c.status == _ACCEPTED)
    .order_by(*_NEWEST_FIRST)
    .limit(1)
)
_LAST_DELETION = (
    _changes(Operation.DELETE)
    .where(_published.c.id == bindparam("delivery"))
    .order_by(_change.c.id.desc())
    .limit(1)
)
_PUBLISH_DELIVERY = select(deliveries).where(
    deliveries.c.id == bindparam("delivery"), deliveries.c.operation == _PUBLISH
)


class PublishedQueries(Queries):
    """Reads a published delivery with its words as last edited and its latest deletion."""

    async def published(self, delivery_id: int) -> PublishedUpdate | None:
        """The delivery that published an update, or None when there is no such delivery."""
        async with self.connect() as conn:
            found = await conn.execute(_PUBLISH_DELIVERY, {"delivery": delivery_id})
            row = found.mappings().one_or_none()
            stored = None if row is None else await load_update(conn, row["update_id"])
            if row is None or stored is None:
                return None
            words = await _last_words(conn, _LAST_EDIT_OF_DELIVERY, {"delivery": delivery_id})
            deletion = (await conn.execute(_LAST_DELETION, {"delivery": delivery_id})).first()
        report = delivery_report(stored, row, self.clock())
        return PublishedUpdate(
            delivery=report,
            words=_edited(stored.submission.update, words),
            deletion=None if deletion is None else DeliveryStatus(deletion.status),
            deletion_update_id=None if deletion is None else deletion.update_id,
        )


async def as_last_edited(conn: AsyncConnection, stored: StoredUpdate) -> StoredUpdate:
    """The update with the state and text of its latest accepted edit at any target."""
    words = await _last_words(conn, _LAST_EDIT_OF_UPDATE, {"update": stored.id})
    if words is None:
        return stored
    edited = _edited(stored.submission.update, words)
    return replace(stored, submission=replace(stored.submission, update=edited))


async def _last_words(
    conn: AsyncConnection, query: Select[tuple[int, str]], params: dict[str, int]
) -> Update | None:
    """The words of the edit the query finds first, or None when it finds none."""
    found = (await conn.execute(query, params)).first()
    edit = None if found is None else await load_update(conn, found.update_id)
    return None if edit is None else edit.submission.update


def _edited(published: Update, edit: Update | None) -> Update:
    """The published update with an edit's state and text (its other fields kept)."""
    if edit is None:
        return published
    return replace(published, state=edit.state, content=edit.content)
