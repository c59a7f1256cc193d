"""The notifier against the fake Slack over loopback: one card per channel, everything threaded."""

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Accepted, DeliveryStatus, Refused, Source
from bot.domain.states import State
from bot.slack.app import build_web_client
from bot.slack.notifier import SlackNotifier
from tests.fakes.slack import FakeSlack
from tests.slack.memory_repo import MemoryRepo
from tests.slack.thread_builders import CHANNEL, CHECKLY, PHARE, report, stored


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A running fake Slack."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def repo() -> MemoryRepo:
    """A channel bound to a Phare and a Checkly incident."""
    memory = MemoryRepo()
    await memory.bind(CHANNEL, [PHARE, CHECKLY])
    return memory


def web_client(slack: FakeSlack) -> AsyncWebClient:
    """The bot's own client (429s are waited out) pointed at the fake Slack."""
    return build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)


def top_level(slack: FakeSlack) -> list[dict[str, Any]]:
    """Messages that are not thread replies."""
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]


def card_text(slack: FakeSlack) -> str:
    """What the card currently shows, blocks included."""
    (card,) = top_level(slack)
    return str(card["text"]) + str(card.get("blocks"))


async def test_first_update_posts_the_status_card(slack: FakeSlack, repo: MemoryRepo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(repo.store(stored("DB is down", state=State.INVESTIGATING)))
    (card,) = slack.messages(CHANNEL)
    assert "Incident status: investigating" in card["text"]
    assert "DB is down" in str(card["blocks"])
    binding = await repo.get_binding(CHANNEL)
    assert binding is not None
    assert binding.card_ts == card["ts"]


async def test_later_updates_reply_in_the_thread_and_edit_the_card(
    slack: FakeSlack, repo: MemoryRepo
) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(repo.store(stored("DB is down")))
    second = stored("Failover done", state=State.MONITORING, update_id=2, source=Source.REACTION)
    await notifier.update_stored(repo.store(second))
    (card,) = top_level(slack)
    replies = slack.thread(CHANNEL, card["ts"])[1:]
    assert len(replies) == 1
    assert replies[0]["thread_ts"] == card["ts"]
    assert "Failover done" in replies[0]["text"]
    assert "Incident status: monitoring" in card["text"]
    assert "Failover done" in card_text(slack)
    assert card.get("edited")


async def test_receipts_are_threaded_and_the_card_follows(
    slack: FakeSlack, repo: MemoryRepo
) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = repo.store(stored("DB is down"))
    await notifier.update_stored(update)
    accepted = report(
        update, PHARE, DeliveryStatus.ACCEPTED, Accepted("ph-81"), provider_update_id="ph-81"
    )
    refusal = Refused(403, "Your API key cannot write incidents of this project")
    refused = report(update, CHECKLY, DeliveryStatus.REFUSED, refusal)
    await notifier.delivery_changed(repo.record(accepted))
    await notifier.delivery_changed(repo.record(refused))
    (card,) = top_level(slack)
    replies = slack.thread(CHANNEL, card["ts"])[1:]
    assert [r["thread_ts"] for r in replies] == [card["ts"]] * 2
    assert "ph-81" in str(replies[0]["blocks"])
    assert "Your API key cannot write incidents of this project" in str(replies[1]["blocks"])
    assert "accepted (update `ph-81`)" in card_text(slack)
    assert "refused" in card_text(slack)


async def test_in_flight_reports_edit_the_card_without_a_reply(
    slack: FakeSlack, repo: MemoryRepo
) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = repo.store(stored())
    await notifier.update_stored(update)
    await notifier.delivery_changed(repo.record(report(update, PHARE, DeliveryStatus.IN_FLIGHT)))
    assert len(slack.messages(CHANNEL)) == 1
    assert len(slack.calls("chat.update")) == 1


async def test_updates_without_a_channel_are_ignored(slack: FakeSlack, repo: MemoryRepo) -> None:
    notifier = SlackNotifier(web_client(slack), repo)
    update = stored(channel=None, source=Source.CLI)
    await notifier.update_stored(update)
    await notifier.delivery_changed(report(update, PHARE, DeliveryStatus.ACCEPTED, Accepted("1")))
    assert slack.calls() == []


async def test_rate_limits_are_waited_out(slack: FakeSlack, repo: MemoryRepo) -> None:
    slack.ratelimit_next("chat.postMessage", times=1, retry_after=0)
    notifier = SlackNotifier(web_client(slack), repo)
    await notifier.update_stored(repo.store(stored()))
    statuses = [c.status for c in slack.calls("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(top_level(slack)) == 1


async def test_a_channel_without_the_bot_is_logged_not_retried(
    slack: FakeSlack, repo: MemoryRepo, caplog: pytest.LogCaptureFixture
) -> None:
    slack.set_channel_error(CHANNEL, "not_in_channel")
    notifier = SlackNotifier(web_client(slack), repo)
    with caplog.at_level(logging.DEBUG):
        await notifier.update_stored(repo.store(stored()))
    assert len(slack.calls("chat.postMessage")) == 1
    assert f"cannot post in Slack channel {CHANNEL} (not_in_channel)" in caplog.text
    assert slack.token not in caplog.text


async def test_other_failures_raise_so_the_report_is_retried(
    slack: FakeSlack, repo: MemoryRepo
) -> None:
    slack.fail_next("chat.postMessage", "internal_error")
    notifier = SlackNotifier(web_client(slack), repo)
    update = repo.store(stored())
    with pytest.raises(SlackApiError):
        await notifier.update_stored(update)
    assert slack.messages(CHANNEL) == []
    await notifier.update_stored(update)
    assert len(top_level(slack)) == 1


async def test_concurrent_first_updates_make_one_card(slack: FakeSlack, repo: MemoryRepo) -> None:
    slack.latency = 0.05
    first = repo.store(stored("first", update_id=1))
    second = repo.store(stored("second", update_id=2, state=State.IDENTIFIED))
    processes = [SlackNotifier(web_client(slack), repo) for _ in range(2)]
    same_process = SlackNotifier(web_client(slack), repo)
    await asyncio.gather(
        processes[0].update_stored(first),
        processes[1].update_stored(second),
        same_process.update_stored(second),
    )
    (card,) = top_level(slack)
    binding = await repo.get_binding(CHANNEL)
    assert binding is not None
    assert binding.card_ts == card["ts"]
    replies = slack.thread(CHANNEL, card["ts"])[1:]
    assert len(replies) == 2
    assert slack.calls("chat.delete"), "the race was not exercised"
    assert "Incident status: identified" in card["text"]
