"""Opening an incident from Slack, typed (`/incident-update open <title>`) or from the form."""

from collections.abc import Sequence

from bot.domain.models import Source, Target
from bot.domain.open_at import opening_submission, title_problems
from bot.domain.operations import Opening
from bot.domain.records import ChannelStillOpen
from bot.slack import open_replies
from bot.slack.failures import bounded
from bot.slack.ports import SlackDeps


async def open_incident(
    deps: SlackDeps, title: str, user_id: str, channel_id: str, key: str
) -> str:
    """Store the opening (the caller may publish), or say why not; the caller's reply.

    A channel still bound to an unresolved incident is refused, naming it: the store checks
    in the transaction that would store the opening, so two openings at once store one.
    `key` is the request's dedup key: a replayed command is not stored twice, and is told so.
    """
    options = deps.options
    places = options.open_at
    if not places:
        return open_replies.nowhere(options.providers_on)
    problems = title_problems(title, (p.provider for p in places))
    if problems:
        return open_replies.bad_title(problems)
    opening = Opening(
        title=title,
        monitor_ids=options.phare_monitor_ids,
        notify_subscribers=options.notify_subscribers,
    )
    return await store_opening(
        deps, opening, places, source=Source.INLINE, user_id=user_id, channel_id=channel_id, key=key
    )


async def store_opening(
    deps: SlackDeps,
    opening: Opening,
    places: Sequence[Target],
    *,
    source: Source,
    user_id: str,
    channel_id: str,
    key: str,
) -> str:
    """Store an opening at these places unless the channel is still bound; the caller's reply.

    The binding read first answers most refusals without a write; the store's own check, in
    the transaction that stores the opening, settles two openings at the same instant."""
    refusal = await still_open(deps, channel_id, key)
    if refusal is not None:
        return refusal
    submission = opening_submission(
        opening, places, source, user_id, channel_id=channel_id, dedup_key=key
    )
    try:
        stored = await bounded(deps.publisher.submit(submission))
    except ChannelStillOpen as refused:
        return open_replies.still_open(refused.binding)
    return open_replies.opening(stored)


async def still_open(
    deps: SlackDeps, channel_id: str, key: str | None = None, seconds: float | None = None
) -> str | None:
    """The refusal naming the unresolved incident the channel is bound to; None when it may
    open one (asked before showing the form; storing checks again, atomically). A request
    already stored under `key` (a replay) is never refused."""
    binding = await bounded(deps.repo.get_binding(channel_id), seconds)
    if binding is None or not binding.unresolved:
        return None
    if key is not None and await bounded(deps.repo.stored_under(key), seconds):
        return None
    return open_replies.still_open(binding)
