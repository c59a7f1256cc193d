"""The web app around a Bolt app with a fake Slack and an in-memory store, for HTTP tests."""

import time
from collections.abc import Callable

from aiohttp import web
from pydantic import SecretStr

from bot.slack.app import build_bolt_app, build_web_client
from bot.slack.ports import SlackDeps
from bot.web import build_web_app
from tests.fakes.slack import FakeSlack
from tests.slack.memory_repo import MemoryRepo, RecordingPublisher
from tests.slack.test_commands import SECRET, options


async def healthy() -> bool:
    """A store that always answers."""
    return True


def slack_web_app(
    slack: FakeSlack, *, clock: Callable[[], float] = time.time
) -> tuple[web.Application, MemoryRepo]:
    """The web app verifying with SECRET (and `clock`), and the store its commands change."""
    repo = MemoryRepo()
    client = build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)
    bolt = build_bolt_app(client=client, deps=SlackDeps(RecordingPublisher(repo), repo, options()))
    app = build_web_app(bolt_app=bolt, signing_secret=SECRET, healthy=healthy, clock=clock)
    return app, repo
