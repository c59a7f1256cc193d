"""`/incident-update open <title>` through the engine, scripted vendors and the fake Slack: what
the caller is told, the new card, and each vendor's answer in its thread."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr

from bot.delivery.engine import DeliveryEngine
from bot.domain.models import Refused, Target
from bot.domain.states import ProviderName
from bot.providers.router import ProviderRouter
from bot.slack.app import build_web_client
from bot.slack.notifier import SlackNotifier
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, MaxJitter
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.test_commands import Bot, options, start_bot
from tests.store.clock import FakeClock

PAGE = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
OPEN_AT = (Target(ProviderName.PHARE, ""), Target(ProviderName.CHECKLY, PAGE))
CHANNEL = signing.CHANNEL_ID


@dataclass
class Flow:
    """The bot over the real store and engine, the scripted vendors, and the fake Slack."""

    bot: Bot
    engine: DeliveryEngine
    phare: FakeProvider
    checkly: FakeProvider
    slack: FakeSlack

    async def deliver(self) -> None:
        """Two passes: what is due, then what waited for it; the thread is told each time."""
        await self.engine.run_due()
        await self.engine.run_due()

    def cards(self) -> list[dict[str, Any]]:
        """The channel's top-level messages (status cards), oldest first."""
        messages = self.slack.messages(CHANNEL)
        return [m for m in messages if m.get("thread_ts") in (None, m["ts"])]

    def thread(self, card: dict[str, Any]) -> list[str]:
        """What each reply under a card says (fallback text and blocks)."""
        return [
            str(m["text"]) + str(m.get("blocks"))
            for m in self.slack.thread(CHANNEL, card["ts"])[1:]
        ]


@pytest.fixture
async def flow(repo: Repo, clock: FakeClock) -> AsyncIterator[Flow]:
    """Both vendors able to open; Phare monitors 7 and 8 attached to what opens there."""
    phare = FakeProvider(ProviderName.PHARE, clock=clock)
    checkly = FakeProvider(ProviderName.CHECKLY, clock=clock)
    with FakeSlack() as slack:
        client = build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)
        router = ProviderRouter({phare.name: phare, checkly.name: checkly})
        engine = DeliveryEngine(
            repo,
            router,
            SlackNotifier(client, repo),
            worker_id="open-flow",
            clock=clock,
            rng=MaxJitter(),
        )
        chosen = options(open_at=OPEN_AT, phare_monitor_ids=(7, 8), notify_subscribers=True)
        async for bot in start_bot(slack, chosen, publisher=engine, repo=repo):
            yield Flow(bot, engine, phare, checkly, slack)


def card_text(card: dict[str, Any]) -> str:
    """A card's fallback text and blocks."""
    return str(card["text"]) + str(card.get("blocks"))


async def test_open_opens_at_both_vendors_binds_the_channel_and_posts_the_card(flow: Flow) -> None:
    answer = await flow.bot.reply("open Checkout is failing")
    assert answer.startswith(
        f"Opening “Checkout is failing” at Phare and Checkly status page {PAGE} (#"
    )
    await flow.deliver()

    [(opening, where)] = flow.phare.opens
    assert (opening.title, opening.monitor_ids, where) == ("Checkout is failing", (7, 8), "")
    [(at_checkly, page)] = flow.checkly.opens
    assert (at_checkly.notify_subscribers, page) == (True, PAGE)
    phare_id = flow.phare.incidents[""][0].id
    checkly_id = flow.checkly.incidents[PAGE][0].id
    binding = await flow.bot.repo.get_binding(CHANNEL)
    assert binding is not None
    assert set(binding.targets) == {
        Target(ProviderName.PHARE, phare_id),
        Target(ProviderName.CHECKLY, checkly_id),
    }
    [card] = flow.cards()
    shown = card_text(card)
    assert "Opened *Checkout is failing* at Phare and Checkly — by <@U0USER0001>" in shown
    assert f"Phare incident `{phare_id}`: :white_check_mark: opened" in shown
    assert f"Checkly status-page incident `{checkly_id}`: :white_check_mark: opened" in shown
    thread = flow.thread(card)
    assert any(f"Opened at Phare: `phare:{phare_id}`" in reply for reply in thread)
    assert any(f"Opened at Checkly: `checkly:{checkly_id}`" in reply for reply in thread)


async def test_a_vendor_that_refuses_is_shown_in_its_words_and_the_other_still_opens(
    flow: Flow,
) -> None:
    flow.phare.script.append(
        Refused(422, "The given data was invalid.", {"title": ("The title is not allowed.",)})
    )
    await flow.bot.reply("open Checkout is failing")
    await flow.deliver()

    [card] = flow.cards()
    thread = " ".join(flow.thread(card))
    assert "Phare refused to open the incident (HTTP 422): The given data was invalid." in thread
    assert "• `title`: The title is not allowed." in thread
    checkly_id = flow.checkly.incidents[PAGE][0].id
    assert f"Opened at Checkly: `checkly:{checkly_id}`" in thread
    assert "Phare: :x: not opened (see thread)" in card_text(card)
    binding = await flow.bot.repo.get_binding(CHANNEL)
    assert binding is not None
    assert binding.targets == (Target(ProviderName.CHECKLY, checkly_id),)


async def test_an_unresolved_incident_refuses_open_until_resolved_then_a_new_card(
    flow: Flow,
) -> None:
    await flow.bot.reply("open Checkout is failing")
    await flow.deliver()
    phare_id = flow.phare.incidents[""][0].id
    checkly_id = flow.checkly.incidents[PAGE][0].id

    refused = await flow.bot.reply("open Another outage")
    assert refused.startswith(
        f"This channel is bound to an incident that is not resolved: Phare incident `{phare_id}`,"
        f" Checkly status-page incident `{checkly_id}` (current state: investigating). "
        "Nothing was opened."
    )
    assert len(flow.phare.opens) == 1

    assert (await flow.bot.reply("resolved All clear")).startswith("Stored update #")
    await flow.deliver()
    assert flow.phare.recovered == [phare_id]
    [first] = flow.cards()
    assert any(
        f"Recovered the Phare incident `{phare_id}`." in reply for reply in flow.thread(first)
    )

    assert (await flow.bot.reply("open Another outage")).startswith("Opening “Another outage”")
    await flow.deliver()
    first, second = flow.cards()
    assert "Opened *Another outage*" in card_text(second)
    assert "Another outage" not in card_text(first)
    assert len(flow.phare.opens) == 2


async def test_an_update_typed_while_opening_reaches_the_new_incidents(flow: Flow) -> None:
    await flow.bot.reply("open Checkout is failing")
    stored = await flow.bot.reply("identified Bad deploy, rolling back")
    assert "Phare incident (being opened), Checkly status-page incident (being opened)" in stored
    await flow.deliver()
    phare_id = flow.phare.incidents[""][0].id
    assert [(call.incident_id, call.update.content) for call in flow.phare.sends] == [
        (phare_id, "Bad deploy, rolling back")
    ]


async def test_someone_not_allowed_to_publish_cannot_open() -> None:
    with FakeSlack() as slack:
        chosen = options(open_at=OPEN_AT, allowed_users=frozenset({"U0SOMEONE1"}))
        async for bot in start_bot(slack, chosen):
            answer = await bot.reply("open Checkout is failing")
            assert answer == (
                "You are not on the list of people allowed to publish status updates with this bot."
            )
            assert bot.publisher.submissions == []


async def test_no_vendor_able_to_open_names_the_variables() -> None:
    with FakeSlack() as slack:
        only_checkly = options(providers_on=frozenset({ProviderName.CHECKLY}))
        async for bot in start_bot(slack, only_checkly):
            answer = await bot.reply("open Checkout is failing")
            assert answer == (
                "No vendor on this bot can open an incident. Phare: set PHARE_API_TOKEN; "
                "Checkly: set CHECKLY_STATUS_PAGE_ID (the status page to open incidents on). "
                "Nothing was opened."
            )
            assert bot.publisher.submissions == []


async def test_a_title_too_long_for_phare_says_whose_limit() -> None:
    with FakeSlack() as slack:
        async for bot in start_bot(slack, options(open_at=OPEN_AT)):
            answer = await bot.reply("open " + "x" * 251)
            assert answer == (
                "Nothing was opened:\n• This title has 251 characters; Phare takes at most 250."
            )
            assert bot.publisher.submissions == []
            assert "open &lt;title&gt;" in await bot.reply("help")
