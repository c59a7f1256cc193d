"""`reaction_added` in a bound channel's incident thread → an update with the emoji's state."""

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Source, Submission, Update
from bot.domain.reactions import Reaction
from bot.domain.records import Binding
from bot.domain.states import State
from bot.domain.targets import with_notify_default
from bot.domain.validation import Field, lacking_state, validate
from bot.slack.failures import bounded, explain
from bot.slack.messages import SlackMessage, nothing_published, skipped_reason
from bot.slack.permissions import Permissions
from bot.slack.ports import SlackDeps
from bot.slack.reacted import NotPublished, generated_content, reacted_text, who_reacted
from bot.tasks import TrackedTasks

logger = logging.getLogger(__name__)

EVENT_TTL_SECONDS = 24 * 3600.0
# A received reaction is left to the process that answered Slack for this long, then taken
# over (held again for LEFTOVER_HOLD_SECONDS by the worker that takes it).
RECEIVED_HOLD_SECONDS = 15.0
LEFTOVER_HOLD_SECONDS = 60.0
LEFTOVER_POLL_SECONDS = 2.0
LEFTOVER_BATCH = 20
NOT_ALLOWED = "You are not allowed to publish incident updates."
STORE_DOWN = (
    "the bot's database is not answering. Remove the reaction and add it again once it is "
    "back: a reaction is never published twice."
)
ON_AN_APP_MESSAGE = (
    "Reactions on messages the bot or another app posted (receipts, reminders, updates) "
    "publish nothing. To publish with an emoji, react on the status card or on a person's "
    "message in its thread."
)


def register_reactions(
    app: AsyncApp, deps: SlackDeps, *, background: TrackedTasks | None = None
) -> None:
    """Listen for `reaction_added`: keep the reaction, answer Slack, then handle it in
    `background` (a worker takes it over if this process dies first)."""
    permissions = deps.permissions
    handler = ReactionHandler(deps, permissions)
    tasks = background or TrackedTasks()

    async def on_reaction_added(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        reaction = _reaction(body, event, context, deps)
        if reaction is not None and context.client is not None:
            await handler.receive(reaction)
            name = f"reaction {reaction.event_id}"
            tasks.spawn(handler.handle(reaction, context.client), name=name)
        await ack()

    app.event("reaction_added")(on_reaction_added)


class LeftoverReactions:
    """The periodic job that handles reactions whose receiving process died first."""

    poll_seconds = LEFTOVER_POLL_SECONDS

    def __init__(self, deps: SlackDeps, client: AsyncWebClient) -> None:
        self._handler = ReactionHandler(deps, deps.permissions)
        self._inbox = deps.repo.reactions
        self._client = client

    async def run_due(self) -> int:
        """Handle every reaction left over now; how many there were."""
        left = await self._inbox.claim_left_over(LEFTOVER_BATCH, LEFTOVER_HOLD_SECONDS)
        for reaction in left:
            logger.info("handling reaction %s left over by a stopped process", reaction.event_id)
            await self._handler.handle(reaction, self._client)
        return len(left)


def _reaction(
    body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, deps: SlackDeps
) -> Reaction | None:
    """The reaction if it may publish: a mapped emoji on a message, added by no app."""
    item = event.get("item") or {}
    emoji = str(event.get("reaction", "")).split("::", 1)[0]
    user = str(event.get("user", ""))
    if item.get("type") != "message" or emoji not in deps.options.reactions or not user:
        return None
    if user == context.bot_user_id or event.get("bot_id") or event.get("app_id"):
        logger.info("a reaction added by an app publishes nothing (user %s)", user)
        return None
    event_id = str(body.get("event_id") or f"{item.get('channel')}:{event.get('event_ts')}")
    item_user = event.get("item_user")
    return Reaction(
        event_id,
        user,
        emoji,
        str(item.get("channel")),
        str(item.get("ts")),
        context.bot_user_id,
        item_user if isinstance(item_user, str) else None,
    )


class ReactionHandler:
    """Turns one reaction into a submission, or into a thread note saying why not."""

    def __init__(self, deps: SlackDeps, permissions: Permissions) -> None:
        self._deps = deps
        self._permissions = permissions

    async def receive(self, reaction: Reaction) -> None:
        """Keep the reaction before Slack is answered; if the store cannot, it is still handled
        here (and the person told if it fails), only not taken over should this process die."""
        try:
            await bounded(self._deps.repo.reactions.receive(reaction, RECEIVED_HOLD_SECONDS))
        except Exception as error:  # kept or not, it is handled now: Slack gets its answer
            why = type(error.__cause__ or error).__name__
            logger.warning("reaction %s not kept before answering: %s", reaction.event_id, why)

    async def handle(self, reaction: Reaction, client: AsyncWebClient) -> None:
        """Publish the reaction, or say why not (slow: runs after the ack); then forget it.

        The update is stored under the reaction's own dedup key (the same emoji on the same
        message), in the one transaction that stores it: handling the reaction again (Slack's
        retry, a worker taking over a dead process's reaction) adds nothing.
        """
        try:
            await self._handle(reaction, client)
        except Exception as error:
            reason = explain(error, f"reaction {reaction.event_id}", store_words=STORE_DOWN)
            await self._failed(reaction, client, reason)
        try:
            await self._deps.repo.reactions.handled(reaction.event_id)
        except Exception as error:
            logger.warning(
                "reaction %s handled, not yet forgotten: %s",
                reaction.event_id,
                type(error).__name__,
            )

    async def _handle(self, reaction: Reaction, client: AsyncWebClient) -> None:
        """Check the thread and that nothing is published yet, then publish."""
        repo = self._deps.repo
        binding = await repo.get_binding(reaction.channel)
        if binding is None or binding.card_ts is None or not binding.targets:
            return
        if await repo.stored_under(reaction.dedup_key):
            return  # published already: Slack delivers again, or the emoji was added again
        await self._publish(reaction, binding, binding.card_ts, client)

    async def _first_note(self, reaction: Reaction) -> bool:
        """Whether this event's note is not said yet (Slack may deliver an event several times)."""
        return await self._deps.repo.first_time(f"event:{reaction.event_id}", EVENT_TTL_SECONDS)

    async def _failed(self, reaction: Reaction, client: AsyncWebClient, reason: str) -> None:
        """Tell the person who reacted that nothing was published, and why."""
        text = f"Nothing was published for your :{reaction.emoji}: reaction: {reason}"
        try:
            await _tell_user(client, reaction, text)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            logger.warning("could not tell %s about a failed reaction: %s", reaction.user, code)

    async def _publish(
        self, reaction: Reaction, binding: Binding, card_ts: str, client: AsyncWebClient
    ) -> None:
        """Build the update from the reacted message; submit it to the targets that can take it."""
        state = self._deps.options.reactions[reaction.emoji]
        reactor = await who_reacted(client, reaction.user)
        if reactor.is_app:
            logger.info("a reaction by app user %s publishes nothing", reaction.user)
            return
        content = await self._content(reaction, card_ts, client)
        if content is NotPublished.FROM_AN_APP:
            await _tell_user(client, reaction, ON_AN_APP_MESSAGE)
            return
        if content is NotPublished.OUTSIDE_THREAD:
            return
        if not await self._permissions.allows(client, reaction.user):
            if await self._first_note(reaction):
                await _tell_user(client, reaction, NOT_ALLOWED)
            return
        text = content or generated_content(state, reactor)
        update = Update(state, text)
        skipped = tuple(lacking_state(update, binding.targets))
        targets = tuple(t for t in binding.targets if t not in skipped)
        update = with_notify_default(update, targets, self._deps.options.notify_subscribers)
        problems = [e.message for e in validate(update, targets) if e.field is not Field.STATE]
        if not targets or problems:
            reasons = [skipped_reason(t, state) for t in skipped] + problems
            if await self._first_note(reaction):
                await _reply(client, reaction.channel, card_ts, _refusal(state, reaction, reasons))
            return
        submission = Submission(
            update,
            targets,
            Source.REACTION,
            reaction.user,
            reaction.channel,
            card_ts,
            skipped,
            reaction.dedup_key,
        )
        await self._deps.publisher.submit(submission)

    async def _content(
        self, reaction: Reaction, card_ts: str, client: AsyncWebClient
    ) -> str | NotPublished:
        """The reacted message's text; "" on the card (generated); else why nothing."""
        if reaction.ts == card_ts:
            return ""
        if reaction.bot_user_id is not None and reaction.item_user == reaction.bot_user_id:
            return NotPublished.FROM_AN_APP
        return await reacted_text(client, reaction, card_ts)


def _refusal(state: State, reaction: Reaction, reasons: list[str]) -> SlackMessage:
    """The note for a reaction that publishes nothing."""
    return nothing_published(state, reaction.user, reasons)


async def _reply(
    client: AsyncWebClient, channel: str, thread_ts: str, message: SlackMessage
) -> None:
    """A reply in the incident thread."""
    await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.as_kwargs())


async def _tell_user(client: AsyncWebClient, reaction: Reaction, text: str) -> None:
    """A message only the person who reacted sees."""
    await client.chat_postEphemeral(channel=reaction.channel, user=reaction.user, text=text)
