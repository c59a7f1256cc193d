"""Reactions over loopback: signed Events API requests into the Bolt app, the fake Slack behind."""

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.exc import DataError, OperationalError

from bot.domain.models import Source, Submission, Target
from bot.domain.reactions import Reaction
from bot.domain.records import StoredUpdate
from bot.domain.states import DEFAULT_REACTIONS, ProviderName, State
from bot.slack.app import build_bolt_app, build_web_client
from bot.slack.failures import NOTHING_STORED
from bot.slack.ports import SlackDeps, SlackOptions
from bot.slack.reactions import LeftoverReactions, register_reactions
from bot.store.repo import Repo, open_repo
from bot.store.schema import received_reactions
from bot.tasks import TrackedTasks
from bot.web import build_web_app
from tests.fakes.slack import FakeSlack, Workspace
from tests.slack import signing
from tests.slack.store_support import StorePublisher

SECRET = "reaction-signing-secret-0123456789"
CHANNEL = signing.CHANNEL_ID
USER = signing.USER_ID
BOT_USER = "U0BOT00001"
CARD_TS = "1700000000.000100"
REPLY_TS = "1700000050.000200"
OUTSIDE_TS = "1700000060.000300"
BOT_REPLY_TS = "1700000070.000400"
REMINDER_TS = "1700000080.000500"
APP_TS = "1700000090.000600"
BOT_ID = "B0BOT00001"
APP_USER = "U0CIBOT001"
WORKFLOW_USER = "U0WORKFL01"
PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d")


class FlakyPublisher(StorePublisher):
    """The store as the engine uses it, failing the next submission when told to."""

    def __init__(self, repo: Repo) -> None:
        super().__init__(repo)
        self.fail_next: Exception | None = None

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Raise the error set in `fail_next` once (nothing stored), else store."""
        error, self.fail_next = self.fail_next, None
        if error is not None:
            raise error
        return await super().submit(submission)


@dataclass
class Bot:
    """The served bot, its fake Slack, its store and the background work of its listeners."""

    slack: FakeSlack
    repo: Repo
    publisher: FlakyPublisher
    background: TrackedTasks
    session: aiohttp.ClientSession
    url: str
    deps: SlackDeps
    client: AsyncWebClient

    async def deliver(self, event: dict[str, Any], **kwargs: Any) -> None:
        """Deliver one signed event; Slack must get its 200 at once."""
        request = signing.event_callback(SECRET, event, **kwargs)
        async with self.session.post(
            f"{self.url}/slack/events", data=request.body, headers=request.headers
        ) as answer:
            assert answer.status == 200, await answer.text()

    async def react(self, emoji: str, ts: str = REPLY_TS, **kwargs: Any) -> None:
        """Deliver a reaction and wait until the bot has finished with it."""
        user = kwargs.pop("user_id", USER)
        event = signing.reaction_added_event(reaction=emoji, ts=ts, user_id=user)
        await self.deliver(event, **kwargs)
        await self.background.finish()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """Slack with the thread seeded: the card, a reply in its thread, a message outside it."""
    workspace = Workspace(bot_user_id=BOT_USER, team_id=signing.TEAM_ID)
    with FakeSlack(workspace=workspace) as slack:
        slack.seed_message(CHANNEL, CARD_TS, "Incident status: investigating", BOT_USER)
        text = "Cache &amp; DB back &lt;!channel&gt; fine"
        slack.seed_message(CHANNEL, REPLY_TS, text, "U0RESP0001", thread_ts=CARD_TS)
        slack.seed_message(CHANNEL, OUTSIDE_TS, "lunch?", "U0RESP0001")
        receipt = "Phare accepted the update (update id 7)."
        slack.seed_message(
            CHANNEL, BOT_REPLY_TS, receipt, BOT_USER, thread_ts=CARD_TS, bot_id=BOT_ID
        )
        reminder = "No update for 30 minutes: post one?"
        slack.seed_message(
            CHANNEL, REMINDER_TS, reminder, BOT_USER, thread_ts=CARD_TS, bot_id=BOT_ID
        )
        other = "Deploy finished"
        slack.seed_message(
            CHANNEL,
            APP_TS,
            other,
            "",
            thread_ts=CARD_TS,
            bot_id="B0CI000001",
            subtype="bot_message",
        )
        slack.seed_user(USER, "ada", real_name="Ada Lovelace", display_name="Ada")
        slack.seed_user(APP_USER, "ci-bot", is_bot=True)
        slack.seed_user(WORKFLOW_USER, "workflow", is_app_user=True)
        yield slack


async def serve(
    slack: FakeSlack, database_url: str, targets: list[Target], **changes: Any
) -> AsyncIterator[Bot]:
    """The whole web app on 127.0.0.1 with a channel bound to `targets` and its card recorded."""
    repo = await open_repo(database_url)
    if targets:
        await repo.bind(CHANNEL, targets)
    await repo.claim_card(CHANNEL, CARD_TS)
    publisher = FlakyPublisher(repo)
    options = SlackOptions(
        reactions=DEFAULT_REACTIONS,
        allowed_users=changes.get("allowed_users", frozenset()),
        allowed_groups=frozenset(),
        reminder_minutes=30.0,
        providers_on=frozenset(ProviderName),
    )
    deps = SlackDeps(publisher=publisher, repo=repo, options=options)
    background = TrackedTasks()
    client = build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)
    register = functools.partial(register_reactions, background=background)
    bolt = build_bolt_app(client=client, deps=deps, register_extra=[register])

    async def healthy() -> bool:
        return True

    app = build_web_app(bolt_app=bolt, signing_secret=SECRET, healthy=healthy)
    try:
        async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as session:
            url = str(server.make_url("")).rstrip("/")
            yield Bot(slack, repo, publisher, background, session, url, deps, client)
    finally:
        await background.finish()
        await repo.close()


@pytest.fixture
async def bot(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[Bot]:
    """The bot in a channel bound to a Phare and a Checkly incident."""
    async for running in serve(fake_slack, database_url, [PHARE, CHECKLY]):
        yield running


async def test_reaction_on_a_thread_reply_publishes_its_text(bot: Bot) -> None:
    await bot.react("hourglass_flowing_sand")
    (submission,) = bot.publisher.submissions
    assert submission.update.state is State.MONITORING
    assert submission.update.content == "Cache & DB back <!channel> fine"
    assert set(submission.targets) == {PHARE, CHECKLY}
    assert submission.source is Source.REACTION
    assert submission.author == USER
    assert (submission.channel_id, submission.thread_ts) == (CHANNEL, CARD_TS)
    assert submission.dedup_key == f"reaction:{CHANNEL}:{REPLY_TS}:hourglass_flowing_sand"
    (lookup,) = bot.slack.calls("conversations.replies")
    assert (lookup.params["ts"], lookup.params["limit"]) == (REPLY_TS, "1")


async def test_slack_is_answered_before_the_slow_lookup(bot: Bot) -> None:
    await bot.react("tada")  # the first request also fetches auth.test: warm it up
    bot.slack.latency = 1.0
    started = time.monotonic()
    await bot.deliver(signing.reaction_added_event(reaction="eyes", ts=REPLY_TS))
    answered_in = time.monotonic() - started
    await bot.background.finish()
    assert answered_in < 0.9
    assert len(bot.publisher.submissions) == 1


async def kept(repo: Repo) -> list[str]:
    """The event ids of the reactions received and not yet handled."""
    async with repo.engine.connect() as conn:
        return list((await conn.execute(select(received_reactions.c.event_id))).scalars())


async def test_a_reaction_is_kept_before_slack_is_answered_until_it_is_handled(bot: Bot) -> None:
    await bot.react("tada")  # the first request also fetches auth.test: warm it up
    bot.slack.latency = 0.5
    event = signing.reaction_added_event(reaction="eyes", ts=REPLY_TS)

    await bot.deliver(event, event_id="Ev0KEPT0001")

    assert await kept(bot.repo) == ["Ev0KEPT0001"]
    await bot.background.finish()
    assert await kept(bot.repo) == []
    assert len(bot.publisher.submissions) == 1


async def test_a_reaction_left_by_a_process_that_died_is_published_by_a_worker(bot: Bot) -> None:
    died_with = Reaction("Ev0LEFT0001", USER, "mag", CHANNEL, REPLY_TS, BOT_USER)
    await bot.repo.reactions.receive(died_with, hold_seconds=0.0)
    leftovers = LeftoverReactions(bot.deps, bot.client)

    assert await leftovers.run_due() == 1

    (submission,) = bot.publisher.submissions
    assert (submission.update.state, submission.update.content) == (
        State.IDENTIFIED,
        "Cache & DB back <!channel> fine",
    )
    assert submission.dedup_key == f"reaction:{CHANNEL}:{REPLY_TS}:mag"
    assert await kept(bot.repo) == []
    assert await leftovers.run_due() == 0


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("INSERT INTO received_reactions", {}, ConnectionRefusedError("refused")),
        DataError("INSERT INTO received_reactions", {}, ValueError("value too long")),
    ],
    ids=["store-down", "value-refused"],
)
async def test_a_reaction_the_store_cannot_keep_is_still_answered_and_published(
    bot: Bot, failure: Exception, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def refuse(reaction: Reaction, hold_seconds: float) -> None:
        raise failure

    monkeypatch.setattr(bot.repo.reactions, "receive", refuse)

    await bot.react("mag")

    (submission,) = bot.publisher.submissions
    assert submission.update.content == "Cache & DB back <!channel> fine"
    assert any("not kept before answering" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_reaction_its_receiver_still_holds_is_not_taken_over(bot: Bot) -> None:
    await bot.repo.reactions.receive(
        Reaction("Ev0HELD0001", USER, "mag", CHANNEL, REPLY_TS, BOT_USER), hold_seconds=60.0
    )

    assert await LeftoverReactions(bot.deps, bot.client).run_due() == 0

    assert bot.publisher.submissions == []
    assert bot.slack.calls("conversations.replies") == []


async def test_a_reaction_stored_before_its_receiver_died_is_not_published_again(
    bot: Bot,
) -> None:
    await bot.react("mag")
    again = Reaction("Ev0DONE0001", USER, "mag", CHANNEL, REPLY_TS, BOT_USER)
    await bot.repo.reactions.receive(again, hold_seconds=0.0)

    assert await LeftoverReactions(bot.deps, bot.client).run_due() == 1

    assert len(bot.publisher.submissions) == 1
    assert bot.slack.calls("chat.postMessage") == []
    assert bot.slack.ephemeral() == []
    assert await kept(bot.repo) == []


async def test_one_event_delivered_three_times_publishes_once(bot: Bot) -> None:
    event = signing.reaction_added_event(reaction="mag", ts=REPLY_TS)
    for retry_num in (None, 1, 2):
        await bot.deliver(event, event_id="Ev0SAME0001", retry_num=retry_num)
        await bot.background.finish()
    assert len(bot.publisher.submissions) == 1
    # The retries after it was stored read nothing and say nothing.
    assert len(bot.slack.calls("conversations.replies")) == 1
    assert bot.slack.calls("chat.postMessage") == []
    assert bot.slack.ephemeral() == []


async def test_concurrent_retries_of_one_event_publish_once(bot: Bot) -> None:
    event = signing.reaction_added_event(reaction="mag", ts=REPLY_TS)
    bot.slack.latency = 0.05
    await asyncio.gather(
        *(bot.deliver(event, event_id="Ev0SAME0002", retry_num=n or None) for n in range(3))
    )
    await bot.background.finish()
    assert len(bot.publisher.submissions) == 1
    assert bot.slack.calls("chat.postMessage") == []
    assert bot.slack.ephemeral() == []


async def test_slacks_retry_publishes_what_failed_before_it_was_stored(bot: Bot) -> None:
    bot.slack.fail_next("conversations.replies", "internal_error")
    event = signing.reaction_added_event(reaction="mag", ts=REPLY_TS)
    await bot.deliver(event, event_id="Ev0LOST0001")
    await bot.background.finish()
    assert bot.publisher.submissions == []
    (told,) = bot.slack.ephemeral()
    assert told["user"] == USER
    assert "Nothing was published for your :mag: reaction" in told["text"]
    assert "`internal_error`" in told["text"]

    await bot.deliver(event, event_id="Ev0LOST0001", retry_num=1)
    await bot.background.finish()
    (submission,) = bot.publisher.submissions
    assert submission.update.content == "Cache & DB back <!channel> fine"

    await bot.deliver(event, event_id="Ev0LOST0001", retry_num=2)
    await bot.background.finish()
    assert len(bot.publisher.submissions) == 1
    assert len(bot.slack.ephemeral()) == 1


async def test_a_store_failure_leaves_the_retry_free_to_publish_once(bot: Bot) -> None:
    down = OperationalError("INSERT INTO updates", {}, ConnectionRefusedError("refused"))
    bot.publisher.fail_next = down
    event = signing.reaction_added_event(reaction="eyes", ts=REPLY_TS)
    await bot.deliver(event, event_id="Ev0LOST0002")
    await bot.background.finish()
    assert bot.publisher.submissions == []
    (told,) = bot.slack.ephemeral()
    assert "database is not answering" in told["text"]
    assert "Remove the reaction and add it again" in told["text"]

    for retry_num in (1, 2):
        await bot.deliver(event, event_id="Ev0LOST0002", retry_num=retry_num)
        await bot.background.finish()
    (submission,) = bot.publisher.submissions
    assert submission.update.state is State.INVESTIGATING
    assert len(bot.slack.ephemeral()) == 1


async def test_an_unexpected_error_is_logged_and_the_person_told_nothing_was_stored(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.publisher.fail_next = KeyError("targets")
    with caplog.at_level(logging.ERROR, logger="bot.slack.failures"):
        await bot.react("eyes")
    assert bot.publisher.submissions == []
    (told,) = bot.slack.ephemeral()
    assert told["user"] == USER
    assert told["text"] == f"Nothing was published for your :eyes: reaction: {NOTHING_STORED}"
    assert "database" not in told["text"]
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError

    await bot.react("eyes")  # added again: now it is published
    assert len(bot.publisher.submissions) == 1


async def test_same_emoji_on_same_message_publishes_once(bot: Bot) -> None:
    for _ in range(3):
        await bot.react("white_check_mark")
    assert len(bot.publisher.submissions) == 1
    await bot.react("eyes")
    assert [s.update.state for s in bot.publisher.submissions] == [
        State.RESOLVED,
        State.INVESTIGATING,
    ]


async def test_reaction_outside_the_thread_does_nothing(bot: Bot) -> None:
    await bot.react("eyes", ts=OUTSIDE_TS)
    assert bot.slack.calls("conversations.replies")
    assert bot.publisher.submissions == []
    assert bot.slack.calls("chat.postMessage") == []


async def test_the_bots_own_reaction_does_nothing(bot: Bot) -> None:
    await bot.react("eyes", user_id=BOT_USER)
    assert bot.publisher.submissions == []
    assert bot.slack.calls("conversations.replies") == []


async def test_unmapped_emoji_does_nothing(bot: Bot) -> None:
    await bot.react("tada")
    assert bot.publisher.submissions == []
    assert bot.slack.calls("conversations.replies") == []


async def test_reaction_on_the_card_generates_the_content(bot: Bot) -> None:
    await bot.react("hourglass_flowing_sand", ts=CARD_TS)
    (submission,) = bot.publisher.submissions
    assert submission.update.content == "Now monitoring — set by Ada"
    assert submission.dedup_key == f"reaction:{CHANNEL}:{CARD_TS}:hourglass_flowing_sand"


# Reactions nobody meant as an update: by an app, or on a message an app posted.
# (case, reacting user, reacted ts, item_user, extra event fields, the person is told)
BY_OR_ON_APPS: list[tuple[str, str, str, str | None, dict[str, str], bool]] = [
    ("by-the-bot-itself", BOT_USER, REPLY_TS, "U0RESP0001", {}, False),
    ("event-carries-bot-id", USER, REPLY_TS, "U0RESP0001", {"bot_id": "B0CI000001"}, False),
    ("by-a-bot-user-on-a-reply", APP_USER, REPLY_TS, "U0RESP0001", {}, False),
    ("by-an-app-user-on-the-card", WORKFLOW_USER, CARD_TS, BOT_USER, {}, False),
    ("on-the-bots-receipt", USER, BOT_REPLY_TS, BOT_USER, {}, True),
    ("on-the-bots-reminder", USER, REMINDER_TS, BOT_USER, {}, True),
    ("on-the-bots-receipt-no-item-user", USER, BOT_REPLY_TS, None, {}, True),
    ("on-another-apps-message", USER, APP_TS, None, {}, True),
]


@pytest.mark.parametrize(
    ("user", "ts", "item_user", "extra", "told"),
    [c[1:] for c in BY_OR_ON_APPS],
    ids=[c[0] for c in BY_OR_ON_APPS],
)
async def test_reactions_by_or_on_apps_publish_nothing(
    bot: Bot, user: str, ts: str, item_user: str | None, extra: dict[str, str], told: bool
) -> None:
    event = signing.reaction_added_event(
        reaction="white_check_mark", ts=ts, user_id=user, item_user=item_user
    )
    await bot.deliver({**event, **extra})
    await bot.background.finish()
    assert bot.publisher.submissions == []
    assert bot.slack.calls("chat.postMessage") == []
    private = bot.slack.ephemeral()
    if told:
        assert [p["user"] for p in private] == [user]
        assert "publish nothing" in private[0]["text"]
        assert "status card" in private[0]["text"]
    else:
        assert private == []


async def test_a_person_reacting_on_the_card_still_publishes_generated_text(bot: Bot) -> None:
    event = signing.reaction_added_event(reaction="mag", ts=CARD_TS, item_user=BOT_USER)
    await bot.deliver(event)
    await bot.background.finish()
    (submission,) = bot.publisher.submissions
    assert submission.update.content == "Now identified — set by Ada"
    assert bot.slack.ephemeral() == []


async def test_generated_content_falls_back_to_the_user_id(bot: Bot) -> None:
    bot.slack.fail_next("users.info", "user_not_found")
    await bot.react("eyes", ts=CARD_TS)
    (submission,) = bot.publisher.submissions
    assert submission.update.content == f"Now investigating — set by {USER}"


async def test_a_state_one_target_lacks_skips_that_target(bot: Bot) -> None:
    await bot.react("wrench")
    (submission,) = bot.publisher.submissions
    assert submission.update.state is State.MAINTENANCE
    assert submission.targets == (CHECKLY,)
    assert submission.skipped == (PHARE,)


async def test_a_state_no_target_has_publishes_nothing_and_says_why(
    fake_slack: FakeSlack, database_url: str
) -> None:
    async for bot in serve(fake_slack, database_url, [PHARE]):
        await bot.react("wrench")
        assert bot.publisher.submissions == []
        (note,) = bot.slack.calls("chat.postMessage")
        assert note.params["thread_ts"] == CARD_TS
        assert "Phare has no 'maintenance' state" in note.params["text"]


async def test_a_retried_event_that_publishes_nothing_says_so_once(
    fake_slack: FakeSlack, database_url: str
) -> None:
    async for bot in serve(fake_slack, database_url, [PHARE]):
        event = signing.reaction_added_event(reaction="wrench", ts=REPLY_TS)
        await asyncio.gather(
            *(bot.deliver(event, event_id="Ev0SAME0003", retry_num=n or None) for n in range(3))
        )
        await bot.background.finish()
        assert len(bot.slack.calls("chat.postMessage")) == 1


async def test_a_person_not_allowed_is_told_privately(
    fake_slack: FakeSlack, database_url: str
) -> None:
    async for bot in serve(
        fake_slack, database_url, [PHARE], allowed_users=frozenset({"U0BOSS0001"})
    ):
        await bot.react("eyes")
        assert bot.publisher.submissions == []
        (private,) = bot.slack.ephemeral()
        assert private["user"] == USER
        assert "not allowed" in private["text"]


async def test_unbound_channel_does_nothing(bot: Bot) -> None:
    event = signing.reaction_added_event(reaction="eyes", channel_id="C0OTHER001", ts=REPLY_TS)
    await bot.deliver(event)
    await bot.background.finish()
    assert bot.publisher.submissions == []
    assert bot.slack.calls("conversations.replies") == []
