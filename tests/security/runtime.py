"""The whole bot in this process (bot.app.running_app) against loopback Slack, Phare and Checkly.

    async with running_bot(tmp_path) as bot:           # real store (SQLite), real engine
        await bot.reply("link phare:42")               # signed slash command → ephemeral text
        await bot.reply("monitoring Fix deployed")
        await bot.until(lambda: bot.phare_applied())   # wait for what a provider received

Everything Slack would send is signed with SECRET; `response_url` points at a loopback route
whose path holds RESPONSE_SECRET, so tests can check it never shows up anywhere else.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.app import SlackApp, running_app
from bot.config import load_settings
from bot.domain.models import DeliveryStatus
from tests.delivery.helpers import final_reports
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import (
    CHECKLY_ACCOUNT,
    CHECKLY_INCIDENT,
    CHECKLY_KEY,
    PHARE_INCIDENT,
    PHARE_TOKEN,
)
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.slash_client import SlashClient

SECRET = "matrix-signing-secret-5b0c9e"
RESPONSE_SECRET = "RESPONSE-URL-PATH-7f3e1d"
CHANNEL = signing.CHANNEL_ID
USER = signing.USER_ID
WAIT_SECONDS = 10.0

# The update form's ids, as Slack echoes them back (literals: they are the bot's interface).
STATE_ACTION = "state_select"
MESSAGE_ACTION = "message_input"
PHARE_ACTION = "phare_incident_input"
CHECKLY_ACTION = "checkly_incident_input"
PUBLISHED_AT_ACTION = "published_at_picker"


@dataclass
class Bot(SlashClient):
    """The running bot, its HTTP address, and the fakes it talks to."""

    app: SlackApp
    slack: FakeSlack
    phare: PhareFake
    checkly: ChecklyFake
    session: aiohttp.ClientSession
    url: str
    response_url: str
    responses: list[dict[str, Any]] = field(default_factory=list)
    secret: str = SECRET

    async def open_form(self, **fields: Any) -> dict[str, Any]:
        """Type the bare command and return the form Slack was asked to open."""
        before = len(self.slack.calls("views.open"))
        await self.command("", trigger_id=self.slack.issue_trigger_id(), **fields)
        calls = await self.slack.await_calls("views.open", before + 1)
        view = calls[-1].params["view"]
        return json.loads(view) if isinstance(view, str) else dict(view)

    async def submit(
        self, view: Mapping[str, Any], entries: Mapping[str, Any], **fields: Any
    ) -> tuple[int, dict[str, Any]]:
        """Submit the form as Slack would; the status and the JSON answer (empty: closed)."""
        payload = signing.view_submission_payload(view, entries, **fields)
        status, body = await self.post(signing.interaction(SECRET, payload))
        return status, (json.loads(body) if body else {})

    async def react(self, reaction: str, ts: str, **fields: Any) -> int:
        """Deliver a `reaction_added` event; the HTTP status Slack gets."""
        event = signing.reaction_added_event(reaction=reaction, ts=ts, **fields)
        status, _ = await self.post(signing.event_callback(SECRET, event))
        return status

    def phare_creates(self) -> list[dict[str, Any]]:
        """The bodies of every create request Phare received."""
        return [r.json for r in self.phare.requests_to("POST", "/updates")]

    def checkly_creates(self) -> list[dict[str, Any]]:
        """The bodies of every create request Checkly received."""
        return [r.json for r in self.checkly.requests_to("POST", "/updates")]

    def thread_texts(self) -> list[str]:
        """The text and block text of every message the bot posted or edited in the channel."""
        texts = []
        for call in self.slack.calls():
            if call.method in {"chat.postMessage", "chat.update", "chat.postEphemeral"}:
                texts.append(json.dumps(call.params, ensure_ascii=False))
        return texts

    async def card_ts(self) -> str:
        """The status card's ts, once the notifier has posted it."""
        repo = self.app.core.repo
        found: list[str] = []

        async def posted() -> bool:
            binding = await repo.get_binding(CHANNEL)
            if binding is not None and binding.card_ts is not None:
                found.append(binding.card_ts)
                return True
            return False

        await self.until_async(posted)
        return found[0]

    async def settled(self, update_id: int) -> list[DeliveryStatus]:
        """Wait until every delivery of the update is final; their statuses."""
        reports = await final_reports(self.app.core.repo, update_id, WAIT_SECONDS)
        assert all(r.status.is_final for r in reports), reports
        return [r.status for r in reports]

    async def until(self, check: Callable[[], object], within: float = WAIT_SECONDS) -> None:
        """Poll a condition until it holds; fail at the deadline."""
        deadline = time.monotonic() + within
        while not check():
            assert time.monotonic() < deadline, "condition not met in time"
            await asyncio.sleep(0.02)

    async def until_async(self, check: Callable[[], Any], within: float = WAIT_SECONDS) -> None:
        """Poll an async condition until it holds; fail at the deadline."""
        deadline = time.monotonic() + within
        while not await check():
            assert time.monotonic() < deadline, "condition not met in time"
            await asyncio.sleep(0.02)


def bot_env(
    tmp_path: Path, slack: FakeSlack, phare_url: str, checkly_url: str, **extra: str
) -> dict[str, str]:
    """The environment the bot reads, pointing at the fakes."""
    return {
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "PHARE_API_TOKEN": PHARE_TOKEN,
        "PHARE_API_URL": phare_url,
        "CHECKLY_API_KEY": CHECKLY_KEY,
        "CHECKLY_ACCOUNT_ID": CHECKLY_ACCOUNT,
        "CHECKLY_API_URL": checkly_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "INCIDENT_BOT_REMINDER_MINUTES": "0",
        **extra,
    }


@asynccontextmanager
async def running_bot(tmp_path: Path, **extra_env: str) -> AsyncIterator[Bot]:
    """The composed bot served on 127.0.0.1, with fresh fakes and a fresh SQLite store."""
    phare = PhareFake(token=PHARE_TOKEN, incidents={int(PHARE_INCIDENT)})
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    responses: list[dict[str, Any]] = []

    async def collect(request: web.Request) -> web.Response:
        responses.append(await request.json())
        return web.Response(text="ok")

    with (
        FakeSlack() as slack,
        LoopbackServer(phare.app) as phare_server,
        LoopbackServer(checkly.app) as checkly_server,
    ):
        env = bot_env(tmp_path, slack, phare_server.url, checkly_server.url, **extra_env)
        async with running_app(load_settings(env)) as app:
            app.web_app.router.add_post(f"/{RESPONSE_SECRET}", collect)
            async with (
                TestServer(app.web_app, host="127.0.0.1") as server,
                aiohttp.ClientSession() as session,
            ):
                url = str(server.make_url("")).rstrip("/")
                response_url = f"{url}/{RESPONSE_SECRET}"
                yield Bot(app, slack, phare, checkly, session, url, response_url, responses)
