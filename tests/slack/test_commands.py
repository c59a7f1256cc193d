"""/incident-update over loopback HTTP: signed requests in, what the caller sees out."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.domain.models import Accepted, DeliveryStatus, Refused, Source, Submission, Target
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import DEFAULT_REACTIONS, ProviderName, State
from bot.slack import ids
from bot.slack.app import Registrar, build_bolt_app, build_web_client
from bot.slack.ports import SlackDeps, SlackOptions
from bot.web import build_web_app
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.memory_repo import MemoryRepo, RecordingPublisher
from tests.slack.slash_client import SlashClient

SECRET = "test-signing-secret-0123456789abcdef"
UUID = "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d"
CHANNEL = signing.CHANNEL_ID
USER = signing.USER_ID


def options(**changes: Any) -> SlackOptions:
    """Settings with both providers on and no permission lists."""
    base = SlackOptions(
        reactions=DEFAULT_REACTIONS,
        allowed_users=frozenset(),
        allowed_groups=frozenset(),
        reminder_minutes=30.0,
        providers_on=frozenset(ProviderName),
    )
    return replace(base, **changes)


@dataclass
class Bot(SlashClient):
    """The web app on a loopback port, with the fake Slack and the recording store behind it."""

    slack: FakeSlack
    repo: Any
    publisher: Any
    session: aiohttp.ClientSession
    url: str
    responses: list[dict[str, Any]]
    response_url: str
    secret: str = SECRET


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """Slack's Web API on loopback."""
    with FakeSlack() as slack:
        yield slack


async def start_bot(
    slack: FakeSlack,
    slack_options: SlackOptions | None = None,
    publisher: Any = None,
    repo: Any = None,
    register_extra: Sequence[Registrar] = (),
    components: Any = None,
) -> AsyncIterator[Bot]:
    """Serve the bot on 127.0.0.1 with a collector for response_url posts; `components` is
    the status page's components the open form lists (a StatusPageComponents)."""
    repo = repo or MemoryRepo()
    publisher = publisher or RecordingPublisher(repo)
    client = build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)
    chosen = slack_options or options()
    deps = SlackDeps(publisher=publisher, repo=repo, options=chosen, components=components)
    bolt = build_bolt_app(client=client, deps=deps, register_extra=register_extra)

    async def healthy() -> bool:
        return True

    responses: list[dict[str, Any]] = []

    async def collect(request: web.Request) -> web.Response:
        responses.append(await request.json())
        return web.Response(text="ok")

    app = build_web_app(bolt_app=bolt, signing_secret=SECRET, healthy=healthy)
    app.router.add_post("/response-url", collect)
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as session:
        url = str(server.make_url("")).rstrip("/")
        yield Bot(slack, repo, publisher, session, url, responses, f"{url}/response-url")


@pytest.fixture
async def bot(fake_slack: FakeSlack) -> AsyncIterator[Bot]:
    """The bot with default options."""
    async for running in start_bot(fake_slack):
        yield running


async def test_help_is_only_for_the_caller_and_lists_usage(bot: Bot) -> None:
    text = await bot.reply("help")
    assert "/incident-update link phare:&lt;id&gt; checkly:&lt;uuid&gt;" in text
    assert "/incident-update &lt;state&gt; &lt;message&gt;" in text
    assert ":eyes: investigating" in text


async def test_link_binds_the_channel(bot: Bot) -> None:
    text = await bot.reply(f"link phare:42 checkly:{UUID.upper()}")
    assert text == f"This channel now publishes to Phare incident `42`, Checkly incident `{UUID}`."
    binding = await bot.repo.get_binding(CHANNEL)
    assert binding is not None
    assert set(binding.targets) == {
        Target(ProviderName.PHARE, "42"),
        Target(ProviderName.CHECKLY, UUID),
    }


async def test_link_with_a_bad_id_names_it_and_changes_nothing(bot: Bot) -> None:
    text = await bot.reply(f"link phare:4x2 checkly:{UUID}")
    assert "Phare incident id '4x2' is not a positive whole number" in text
    assert "Nothing was changed" in text
    assert await bot.repo.get_binding(CHANNEL) is None


async def test_link_never_echoes_a_mention_raw(bot: Bot) -> None:
    text = await bot.reply("link phare:<!channel>")
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


async def test_link_to_a_provider_not_set_up_is_refused(fake_slack: FakeSlack) -> None:
    async for bot in start_bot(fake_slack, options(providers_on=frozenset({ProviderName.PHARE}))):
        text = await bot.reply(f"link checkly:{UUID}")
        assert "Checkly is not set up on this bot (CHECKLY_API_KEY is unset)" in text
        assert await bot.repo.get_binding(CHANNEL) is None


async def test_unlink_one_then_all(bot: Bot) -> None:
    await bot.reply(f"link phare:42 checkly:{UUID}")
    assert (
        await bot.reply("unlink phare")
        == f"Unlinked Phare. Still linked: Checkly incident `{UUID}`."
    )
    text = await bot.reply("unlink")
    assert text == "Unlinked every provider. This channel is no longer linked to any incident."
    left = await bot.repo.get_binding(CHANNEL)
    assert left is None or left.targets == ()


async def test_publish_stores_one_submission_with_unescaped_content(bot: Bot) -> None:
    await bot.reply(f"link phare:42 checkly:{UUID}")
    trigger = "1000.2000.abc"
    started = time.monotonic()
    text = await bot.reply("Monitoring Fix &lt;v2&gt; deployed &amp; watching", trigger_id=trigger)
    assert time.monotonic() - started < 3.0
    assert text.startswith(
        "Stored update #1 (*monitoring*), going out to Phare incident `42`, Checkly"
    )
    assert "The incident thread will show what each provider answers." in text
    [submission] = bot.publisher.submissions
    assert submission.update.state is State.MONITORING
    assert submission.update.content == "Fix <v2> deployed & watching"
    assert submission.source is Source.INLINE
    assert submission.author == USER
    assert submission.channel_id == CHANNEL
    assert set(submission.targets) == {
        Target(ProviderName.PHARE, "42"),
        Target(ProviderName.CHECKLY, UUID),
    }


async def test_unknown_state_lists_the_valid_ones(bot: Bot) -> None:
    await bot.reply("link phare:42")
    text = await bot.reply("fixed the <!here> thing")
    assert text.startswith("`fixed` is not a state or a subcommand.")
    assert "`investigating`, `identified`, `monitoring`, `resolved`, `maintenance`" in text
    assert bot.publisher.submissions == []


async def test_publish_without_a_binding_explains_how_to_link(bot: Bot) -> None:
    text = await bot.reply("investigating Database down")
    assert "not linked to any incident yet" in text
    assert "/incident-update link phare:&lt;id&gt; checkly:&lt;uuid&gt;" in text
    assert bot.publisher.submissions == []


async def test_maintenance_with_phare_bound_is_refused_and_nothing_sent(bot: Bot) -> None:
    await bot.reply(f"link phare:42 checkly:{UUID}")
    text = await bot.reply("maintenance Planned upgrade")
    assert text.startswith("Nothing was sent:")
    assert "Phare has no 'maintenance' state" in text
    assert bot.publisher.submissions == []


async def test_state_without_message_is_explained(bot: Bot) -> None:
    await bot.reply("link phare:42")
    text = await bot.reply("resolved")
    assert "Add a message after the state" in text
    assert bot.publisher.submissions == []


async def test_status_without_binding(bot: Bot) -> None:
    assert "not linked to any incident yet" in await bot.reply("status")


async def test_status_shows_binding_state_last_update_and_results(bot: Bot) -> None:
    await bot.reply(f"link phare:42 checkly:{UUID}")
    await bot.reply("investigating <!channel> db is down")
    stored = bot.repo.updates[0]
    bot.repo.bindings[CHANNEL] = replace(
        bot.repo.bindings[CHANNEL], current_state=State.INVESTIGATING
    )
    phare, checkly = Target(ProviderName.PHARE, "42"), Target(ProviderName.CHECKLY, UUID)
    refused = Refused(403, "API key lacks <@U0ADMIN> access")
    bot.repo.record(
        DeliveryReport(stored, 1, phare, DeliveryStatus.ACCEPTED, 1, Accepted("901"), None, "901")
    )
    bot.repo.record(
        DeliveryReport(stored, 2, checkly, DeliveryStatus.REFUSED, 1, refused, None, None)
    )
    text = await bot.reply("status")
    assert f"*Linked:* Phare incident `42`, Checkly incident `{UUID}`" in text
    assert "*Current state:* investigating" in text
    assert "#1 investigating by <@U0USER0001>" in text
    assert "&lt;!channel&gt; db is down" in text
    assert "Phare incident `42` (update #1): accepted (provider update 901)" in text
    assert "refused 403: API key lacks &lt;@U0ADMIN&gt; access" in text
    assert "<!channel>" not in text
    assert "<@U0ADMIN>" not in text


async def test_no_text_opens_the_modal_with_the_commands_trigger(bot: Bot) -> None:
    await bot.reply(f"link phare:42 checkly:{UUID}")
    trigger = bot.slack.issue_trigger_id()
    answer = await bot.command("", trigger_id=trigger)
    assert answer == {}
    [call] = await bot.slack.await_calls("views.open")
    assert call.params["trigger_id"] == trigger
    assert call.response["ok"] is True
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == ids.MODAL_CALLBACK_ID
    phare = next(b for b in view["blocks"] if b.get("block_id") == ids.PHARE_BLOCK)
    assert phare["element"]["initial_value"] == "42"


async def test_modal_that_cannot_open_is_explained_to_the_caller(bot: Bot) -> None:
    bot.slack.fail_next("views.open", "expired_trigger_id")
    await bot.command("", trigger_id=bot.slack.issue_trigger_id())
    deadline = time.monotonic() + 5
    while not bot.responses and time.monotonic() < deadline:
        await _tick()
    [response] = bot.responses
    assert response["response_type"] == "ephemeral"
    assert "The update form could not open" in response["text"]


async def test_only_allowed_users_and_groups_may_publish(fake_slack: FakeSlack) -> None:
    fake_slack.seed_usergroup("S0ONCALL01", ["U0ONCALL01"])
    allowed = options(
        allowed_users=frozenset({"U0LEAD0001"}), allowed_groups=frozenset({"S0ONCALL01"})
    )
    async for bot in start_bot(fake_slack, allowed):
        assert "not on the list" in await bot.reply("link phare:42")
        assert await bot.repo.get_binding(CHANNEL) is None
        assert await bot.reply("link phare:42", user_id="U0LEAD0001") == (
            "This channel now publishes to Phare incident `42`."
        )
        assert "not on the list" in await bot.reply("investigating Down")
        assert "Stored update #1" in await bot.reply("investigating Down", user_id="U0ONCALL01")
        assert "*Linked:* Phare incident `42`" in await bot.reply("status")
        assert len(bot.publisher.submissions) == 1


class HangingPublisher:
    """A store that never answers."""

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Wait forever."""
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_store_that_hangs_still_gets_slack_an_answer_in_time(
    fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.slack.failures.STORE_TIMEOUT", 0.3)
    async for bot in start_bot(fake_slack, publisher=HangingPublisher()):
        await bot.reply("link phare:42")
        started = time.monotonic()
        text = await bot.reply("investigating Down")
        assert time.monotonic() - started < 3.0
        assert "database did not answer in time" in text
        assert "/incident-update status" in text


async def _tick() -> None:
    """Yield to the loop briefly while polling."""
    await asyncio.sleep(0.01)


def test_timestamps_in_status_have_a_readable_fallback() -> None:
    from bot.slack.replies import _when

    moment = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    assert _when(moment).endswith("|2026-11-22 10:30 UTC>")
