"""`/incident-update open <title>`: open an incident at every vendor set up for it."""

from bot.domain.models import Source
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
    submission = opening_submission(
        opening, places, Source.INLINE, user_id, channel_id=channel_id, dedup_key=key
    )
    try:
        stored = await bounded(deps.publisher.submit(submission))
    except ChannelStillOpen as refused:
        return open_replies.still_open(refused.binding)
    return open_replies.opening(stored)
