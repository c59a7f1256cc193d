"""The notifier against the fake Slack over loopback and the real store: one card, all threaded."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import (
    Accepted,
    DeliveryStatus,
    Refused,
    Retry,
    Source,
    Submission,
    Target,
    Update,
)
from bot.domain.records import StoredUpdate
from bot.domain.states import State
from bot.slack.app import build_web_client
from bot.slack.notifier import SlackNotifier
from bot.store.repo import Repo, open_repo
from tests.fakes.slack import FakeSlack
from tests.slack.store_support import Deliveries
from tests.slack.thread_builders import AUTHOR, CHANNEL, CHECKLY, PHARE, report, stored


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A running fake Slack."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[Repo]:
    """The real store, with the channel bound to a Phare and a Checkly incident."""
    store = await open_repo(database_url)
    await store.bind(CHANNEL, [PHARE, CHECKLY])
    try:
        yield store
    finally:
        await store.close()


def web_client(slack: FakeSlack) -> AsyncWebClient:
    """The bot's own client (429s are waited out) pointed at the fake Slack."""
    return build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)


async def submit(
    repo: Repo,
    content: str,
    state: State = State.INVESTIGATING,
    *,
    channel: str | None = CHANNEL,
    source: Source = Source.MODAL,
    skipped: tuple[Target, ...] = (),
) -> StoredUpdate:
    """Store an update as the engine does before it notifies."""
    targets = tuple(t for t in (PHARE, CHECKLY) if t not in skipped)
    submission = Submission(Update(state, content), targets, source, AUTHOR, channel, None, skipped)
    reasons = {t: f"{t.provider.label} has no '{state.value}' state" for t in skipped}
    return await repo.insert_submission(submission, reasons)


def top_level(slack: FakeSlack) -> list[dict[str, Any]]:
    """Messages that are not thread replies."""
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]


def card_text(slack: FakeSlack) -> str:
    """What the card currently shows, blocks included."""
    (card,) = top_level(slack)
    return str(card["text"]) + str(card.get("blocks"))


def replies(slack: FakeSlack) -> list[dict[str, Any]]:
    """The replies under the one card."""
    (card,) = top_level(slack)
    found = slack.thread(CHANNEL, card["ts"])[1:]
    assert all(r["thread_ts"] == card["ts"] for r in found)
    return found


async def test_first_update_posts_the_status_card(slack: FakeSlack, repo: Repo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(await submit(repo, "DB is down"))
    (card,) = slack.messages(CHANNEL)
    assert "Incident status: investigating" in card["text"]
    assert "DB is down" in str(card["blocks"])
    binding = await repo.get_binding(CHANNEL)
    assert binding is not None
    assert binding.card_ts == card["ts"]


async def test_later_updates_reply_in_the_thread_and_edit_the_card(
    slack: FakeSlack, repo: Repo
) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(await submit(repo, "DB is down"))
    second = await submit(repo, "Failover done", State.MONITORING, source=Source.REACTION)
    await notifier.update_stored(second)
    (reply,) = replies(slack)
    assert "Failover done" in reply["text"]
    (card,) = top_level(slack)
    assert "Incident status: monitoring" in card["text"]
    assert "Failover done" in card_text(slack)
    assert card.get("edited")


async def test_receipts_are_threaded_and_the_card_follows(slack: FakeSlack, repo: Repo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    deliveries = Deliveries(repo)
    update = await submit(repo, "DB is down")
    await notifier.update_stored(update)
    accepted = Accepted("ph-81")
    await notifier.delivery_changed(
        await deliveries.settle(update, PHARE, DeliveryStatus.ACCEPTED, accepted)
    )
    words = "Your API key cannot write incidents of this project"
    await notifier.delivery_changed(
        await deliveries.settle(update, CHECKLY, DeliveryStatus.REFUSED, Refused(403, words))
    )
    first, second = replies(slack)
    assert "ph-81" in str(first["blocks"])
    assert words in str(second["blocks"])
    assert "accepted (update `ph-81`)" in card_text(slack)
    assert "refused" in card_text(slack)


async def test_a_receipt_before_the_announcement_still_gets_one_card(
    slack: FakeSlack, repo: Repo
) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = await submit(repo, "DB is down")
    accepted = await Deliveries(repo).settle(update, PHARE, DeliveryStatus.ACCEPTED, Accepted("9"))
    await notifier.delivery_changed(accepted)
    (receipt,) = replies(slack)
    assert "update id 9" in str(receipt["blocks"])
    assert "DB is down" in card_text(slack)


async def test_a_retry_receipt_says_when(slack: FakeSlack, repo: Repo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = await submit(repo, "DB is down")
    await notifier.update_stored(update)
    later = datetime.now(UTC) + timedelta(seconds=30)
    outcome = Retry("Phare answered 503 Service Unavailable", status=503)
    pending = await Deliveries(repo).settle(update, PHARE, DeliveryStatus.PENDING, outcome, later)
    await notifier.delivery_changed(pending)
    (reply,) = replies(slack)
    assert "503 Service Unavailable" in str(reply["blocks"])
    assert "Retrying in 30 s" in str(reply["blocks"]) or "Retrying in 29 s" in str(reply["blocks"])
    assert "retrying" in card_text(slack)


async def test_skipped_target_is_noted_once(slack: FakeSlack, repo: Repo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(await submit(repo, "DB is down"))
    update = await submit(repo, "Planned work", State.MAINTENANCE, skipped=(PHARE,))
    await notifier.update_stored(update)
    (skipped,) = [r for r in await repo.deliveries_of(update.id) if r.target == PHARE]
    await notifier.delivery_changed(skipped)
    (announcement,) = replies(slack)
    assert "Skipped Phare incident `42`" in str(announcement["blocks"])
    assert "no 'maintenance' state" in str(announcement["blocks"])


async def test_in_flight_reports_edit_the_card_without_a_reply(
    slack: FakeSlack, repo: Repo
) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = await submit(repo, "DB is down")
    await notifier.update_stored(update)
    await notifier.delivery_changed(report(update, PHARE, DeliveryStatus.IN_FLIGHT))
    assert len(slack.messages(CHANNEL)) == 1
    assert len(slack.calls("chat.update")) == 1


async def test_updates_without_a_channel_are_ignored(slack: FakeSlack, repo: Repo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = stored(channel=None, source=Source.CLI)
    await notifier.update_stored(update)
    await notifier.delivery_changed(report(update, PHARE, DeliveryStatus.ACCEPTED, Accepted("1")))
    assert slack.calls() == []


async def test_rate_limits_are_waited_out(slack: FakeSlack, repo: Repo) -> None:
    slack.ratelimit_next("chat.postMessage", times=1, retry_after=0)
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(await submit(repo, "DB is down"))
    statuses = [c.status for c in slack.calls("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(top_level(slack)) == 1


async def test_a_channel_without_the_bot_is_logged_not_retried(
    slack: FakeSlack, repo: Repo, caplog: pytest.LogCaptureFixture
) -> None:
    slack.set_channel_error(CHANNEL, "not_in_channel")
    notifier = SlackNotifier(web_client(slack), repo)
    with caplog.at_level(logging.DEBUG):
        await notifier.update_stored(await submit(repo, "DB is down"))
    assert len(slack.calls("chat.postMessage")) == 1
    assert f"cannot post in Slack channel {CHANNEL} (not_in_channel)" in caplog.text
    assert slack.token not in caplog.text


async def test_other_failures_raise_so_the_report_is_retried(slack: FakeSlack, repo: Repo) -> None:
    slack.fail_next("chat.postMessage", "internal_error")
    notifier = SlackNotifier(web_client(slack), repo)
    update = await submit(repo, "DB is down")
    with pytest.raises(SlackApiError):
        await notifier.update_stored(update)
    assert slack.messages(CHANNEL) == []
    await notifier.update_stored(update)
    assert len(top_level(slack)) == 1


async def test_concurrent_first_updates_make_one_card(
    slack: FakeSlack, repo: Repo, database_url: str
) -> None:
    slack.latency = 0.05
    other_process = await open_repo(database_url)
    try:
        first = await submit(repo, "first")
        second = await submit(repo, "second", State.IDENTIFIED)
        notifiers = [
            SlackNotifier(web_client(slack), repo),
            SlackNotifier(web_client(slack), other_process),
        ]
        await asyncio.gather(
            notifiers[0].update_stored(first),
            notifiers[1].update_stored(second),
            notifiers[1].update_stored(second),
        )
    finally:
        await other_process.close()
    (card,) = top_level(slack)
    binding = await repo.get_binding(CHANNEL)
    assert binding is not None
    assert binding.card_ts == card["ts"]
    assert len(replies(slack)) == 2
    assert slack.calls("chat.delete"), "the race was not exercised"
    assert "Incident status: identified" in card["text"]
