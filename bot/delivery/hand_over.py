"""The lines the serving process writes to the delivery process: what was stored for it.

A line carries the claims themselves (update, targets, delivery ids), so the delivery process
sends without reading the store first; one too long for an atomic pipe write carries only the
delivery ids, and the claims are read back from the store.
"""

import json
import select
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.delivery.reporting import StoredUpdate
from bot.domain.models import Target, Update
from bot.domain.states import ProviderName, State
from bot.store.queue import Claim

# Writes up to PIPE_BUF bytes are all-or-nothing: a line never mixes with another.
ATOMIC_WRITE = select.PIPE_BUF


@dataclass(frozen=True)
class HandOver:
    """Deliveries stored claimed by the delivery process: as claims, or as ids to read."""

    claims: tuple[Claim, ...] = ()
    ids: tuple[int, ...] = ()


def encode(stored: StoredUpdate) -> bytes:
    """The line for a stored update: its claims, or only their ids when that is too long."""
    update = stored.submission.update
    full = {
        "update": stored.id,
        "state": update.state.value,
        "content": update.content,
        "published_at": _iso(update.published_at),
        "at": _iso(stored.created_at),
        "deliveries": [
            [i, t.provider.value, t.incident_id]
            for i, t in zip(stored.handed_over, stored.submission.targets, strict=True)
        ],
    }
    line = _line(full)
    return line if len(line) <= ATOMIC_WRITE else _line({"ids": list(stored.handed_over)})


def decode(line: bytes) -> HandOver:
    """A line back as a HandOver (empty when it cannot be read)."""
    try:
        message = json.loads(line)
        if "ids" in message:
            return HandOver(ids=tuple(int(i) for i in message["ids"]))
        update = Update(
            State(message["state"]), message["content"], _datetime(message["published_at"])
        )
        at = _datetime(message["at"])
        assert at is not None
        claims = tuple(
            Claim(
                delivery_id=int(delivery_id),
                update_id=int(message["update"]),
                target=Target(ProviderName(provider), str(incident)),
                update=update,
                attempts=1,
                first_attempt_at=at,
                needs_reconcile=False,
            )
            for delivery_id, provider, incident in message["deliveries"]
        )
        return HandOver(claims=claims)
    except (ValueError, KeyError, TypeError, AssertionError):
        return HandOver()


class LineReader:
    """Turns the bytes read from the pipe into hand-overs, a complete line at a time."""

    def __init__(self) -> None:
        self._partial = b""

    def feed(self, chunk: bytes) -> list[HandOver]:
        """The hand-overs on the complete lines read so far (a cut line waits for its end)."""
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        return [decode(line) for line in lines if line.strip()]


def _line(message: dict[str, Any]) -> bytes:
    """One JSON line."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def _iso(moment: datetime | None) -> str | None:
    """A datetime as ISO 8601 text."""
    return None if moment is None else moment.isoformat()


def _datetime(text: Any) -> datetime | None:
    """ISO 8601 text back as a datetime."""
    return None if text is None else datetime.fromisoformat(str(text))
