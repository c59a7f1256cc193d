"""Finding an update at the provider after an unclear attempt, so it is never sent twice."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.domain.models import RemoteUpdate, Update


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
    earliest = since - timedelta(seconds=skew_seconds)
    return [
        remote
        for remote in listed
        if remote.state is update.state
        and same_text(remote.content, update.content)
        and (remote.created_at is None or remote.created_at >= earliest)
    ]
