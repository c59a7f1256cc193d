"""The real app (`bot.app.running_app`) in this process, its web port on loopback, fakes behind it.

    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES="0.02") as bot:
        await bot.command("link phare:42")
        await bot.command("investigating DB is down")
        card = await bot.wait_for(lambda: bot.card())
        await bot.click(receipt, RETRY_ACTION)          # a signed block_actions from Slack

Every request to the bot is signed as Slack signs it; the bot talks to FakeSlack, PhareFake and
ChecklyFake over 127.0.0.1. Waits poll with a deadline.
"""

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from aiohttp.test_utils import TestServer

from bot.app import SlackApp, running_app
from bot.config import load_settings
from tests import polling
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

SECRET = "interactive-signing-secret-5d1e"
CHANNEL = signing.CHANNEL_ID
USER = signing.USER_ID
WAIT_SECONDS = 10.0
JSON = dict[str, Any]
T = TypeVar("T")


@dataclass
class Fakes:
    """Slack, Phare and Checkly on loopback."""

    slack: FakeSlack
    phare: PhareFake
    checkly: ChecklyFake
    phare_url: str
    checkly_url: str

    def env(self, database_url: str, **extra: str) -> dict[str, str]:
        """The environment a bot pointed at these fakes runs with."""
        return {
            "SLACK_BOT_TOKEN": self.slack.token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "PHARE_API_TOKEN": PHARE_TOKEN,
            "PHARE_API_URL": self.phare_url,
            "CHECKLY_API_KEY": CHECKLY_KEY,
            "CHECKLY_ACCOUNT_ID": CHECKLY_ACCOUNT,
            "CHECKLY_API_URL": self.checkly_url,
            "DATABASE_URL": database_url,
            **extra,
        }


@contextlib.contextmanager
def fakes() -> Any:
    """Start the three fakes; stop them afterwards."""
    slack = FakeSlack().start()
    phare = PhareFake(token=PHARE_TOKEN, incidents={int(PHARE_INCIDENT)})
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    servers = [LoopbackServer(phare.app).start(), LoopbackServer(checkly.app).start()]
    try:
        yield Fakes(slack, phare, checkly, servers[0].url, servers[1].url)
    finally:
        for server in servers:
            server.stop()
        slack.stop()


@dataclass
class LiveBot:
    """One running app and the fakes it talks to."""

    fakes: Fakes
    app: SlackApp
    session: aiohttp.ClientSession
    url: str

    @property
    def slack(self) -> FakeSlack:
        """The fake Slack Web API."""
        return self.fakes.slack

    async def post(self, request: signing.SignedRequest) -> tuple[int, str]:
        """POST a signed request to /slack/events: the status and the body."""
        async with self.session.post(
            f"{self.url}/slack/events", data=request.body, headers=request.headers
        ) as answer:
            return answer.status, await answer.text()

    async def command(self, text: str, user: str = USER, **fields: Any) -> JSON:
        """Type `/incident-update TEXT`; the JSON Slack shows ({} for an empty ack)."""
        request = signing.slash_command(SECRET, text=text, user_id=user, **fields)
        status, body = await self.post(request)
        assert status == 200, body
        return json.loads(body) if body else {}

    async def interact(self, payload: Mapping[str, Any]) -> tuple[int, str]:
        """Send an interaction payload (block_actions, view_submission) as Slack does."""
        return await self.post(signing.interaction(SECRET, payload))

    async def click(self, message: Mapping[str, Any], action_id: str, user: str = USER) -> int:
        """Click a button of a message in the channel; the HTTP status of the ack."""
        payload = signing.block_actions_payload(
            [button_action(message, action_id)],
            user_id=user,
            channel_id=CHANNEL,
            message_ts=str(message["ts"]),
        )
        payload["trigger_id"] = self.slack.issue_trigger_id()
        status, _ = await self.interact(payload)
        return status

    def thread(self) -> list[JSON]:
        """The status card's thread: the card then its replies ([] before the card)."""
        top = [m for m in self.slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]
        return self.slack.thread(CHANNEL, top[0]["ts"]) if top else []

    def told(self, user: str) -> list[str]:
        """What the user was told privately, oldest first."""
        return [str(e["text"]) for e in self.slack.ephemeral() if e["user"] == user]

    def replies(self, containing: str = "") -> list[JSON]:
        """Thread replies whose shown text contains `containing`."""
        return [m for m in self.thread()[1:] if containing in shown(m)]


def find_button(message: Mapping[str, Any], action_id: str) -> JSON:
    """A button of a message, with its block's id."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id")}
    raise AssertionError(f"no {action_id} button in {shown(message)!r}")


def button_action(message: Mapping[str, Any], action_id: str) -> JSON:
    """The `actions` entry Slack sends when that button of the message is clicked."""
    button = find_button(message, action_id)
    return {
        "type": "button",
        "block_id": button["block_id"],
        "action_id": action_id,
        "value": button.get("value", ""),
        "text": button["text"],
    }


def buttons(message: Mapping[str, Any]) -> list[str]:
    """The action ids of a message's buttons."""
    return [
        str(e.get("action_id"))
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b.get("elements") or []
    ]


def shown(message: Mapping[str, Any]) -> str:
    """The fallback text and the text of every block and element."""
    parts = [str(message.get("text") or "")]
    for block in message.get("blocks") or []:
        for item in [block, *(block.get("elements") or [])]:
            text = item.get("text")
            parts.append(str(text.get("text", "")) if isinstance(text, dict) else str(text or ""))
    return "\n".join(p for p in parts if p)


async def wait_for(
    probe: Callable[[], T | None], within: float = WAIT_SECONDS, what: str = "condition"
) -> T:
    """Poll until `probe` returns something truthy; fail at the deadline."""
    return await polling.wait_for(probe, within, what)


async def eventually(
    probe: Callable[[], Awaitable[T | None]], within: float = WAIT_SECONDS, what: str = "condition"
) -> T:
    """Await `probe` until it returns something truthy; fail at the deadline."""
    return await polling.eventually(probe, within, what=what)


@contextlib.asynccontextmanager
async def serving(fakes: Fakes, database_url: str, **env: str) -> AsyncIterator[LiveBot]:
    """Run the real app against the fakes, its web app on a loopback port."""
    settings = load_settings(fakes.env(database_url, **env))
    async with (
        running_app(settings) as app,
        TestServer(app.web_app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        yield LiveBot(fakes, app, session, str(server.make_url("")).rstrip("/"))


@contextlib.asynccontextmanager
async def live_bot(home: Path, **env: str) -> AsyncIterator[LiveBot]:
    """Fakes and one running app on a fresh SQLite file."""
    with fakes() as running:
        async with serving(running, f"sqlite:///{home / 'bot.db'}", **env) as bot:
            yield bot
