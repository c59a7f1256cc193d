"""Finding at the provider what an unclear attempt may have done, so nothing is done twice."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.domain.models import RemoteUpdate, Update
from bot.domain.operations import Opening, RemoteIncident

Remote = TypeVar("Remote", RemoteUpdate, RemoteIncident)
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def same_text(a: str, b: str) -> bool:
    """Equal once line endings and runs of white space are ignored."""
    return a.split() == b.split()


def candidates(
    listed: Sequence[RemoteUpdate], update: Update, since: datetime, skew_seconds: float
) -> list[RemoteUpdate]:
    """Listed updates that could be ours: same state and text, created at/after our first try.

    `since` is when our first attempt started; a provider clock running behind by up to
    `skew_seconds` is allowed for. An update without a creation time is kept.
    """
    return [
        remote
        for remote in listed
        if remote.state is update.state
        and same_text(remote.content, update.content)
        and _since(remote.created_at, since, skew_seconds)
    ]


def opened_candidates(
    listed: Sequence[RemoteIncident], opening: Opening, since: datetime, skew_seconds: float
) -> list[RemoteIncident]:
    """Listed incidents that could be the one we opened: same title, opened at/after our
    first try (allowing for the provider's clock), earliest first."""
    return earliest_first(
        remote
        for remote in listed
        if same_text(remote.title, opening.title) and _since(remote.created_at, since, skew_seconds)
    )


def earliest_first(remotes: Iterable[Remote]) -> list[Remote]:
    """By creation time, earliest first; those without one last."""
    return sorted(remotes, key=lambda remote: remote.created_at or _FAR_FUTURE)


def _since(created_at: datetime | None, since: datetime, skew_seconds: float) -> bool:
    """Created at/after `since`, allowing the provider's clock to run behind; unknown kept."""
    return created_at is None or created_at >= since - timedelta(seconds=skew_seconds)


def edit_applied(listed: Sequence[RemoteUpdate], remote_id: str, update: Update) -> bool:
    """Whether the provider's update already reads as the edit would make it."""
    return any(
        remote.id == remote_id
        and remote.state is update.state
        and same_text(remote.content, update.content)
        for remote in listed
    )


def deletion_applied(listed: Sequence[RemoteUpdate], remote_id: str) -> bool:
    """Whether the provider no longer lists the update."""
    return all(remote.id != remote_id for remote in listed)
