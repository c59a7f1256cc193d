"""The HTTP surface: signed requests only, refused ones change nothing and leak nothing."""

import logging
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.domain.states import ProviderName
from bot.slack.app import build_bolt_app, build_web_client
from bot.slack.ports import SlackDeps
from bot.web import MAX_BODY_BYTES, build_web_app
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.memory_repo import MemoryRepo, RecordingPublisher
from tests.slack.test_commands import SECRET, options
from tests.slack.web_support import slack_web_app

RESPONSE_URL = "http://127.0.0.1:9/commands/T0TEAM0001/1/SECRET-RESPONSE-URL"
LINK = "link phare:42"


@pytest.fixture
async def served(caplog: pytest.LogCaptureFixture) -> AsyncIterator[tuple[str, MemoryRepo]]:
    """The web app on loopback with a fake Slack behind it; the URL and the store."""
    caplog.set_level(logging.DEBUG)
    with FakeSlack() as slack:
        app, repo = slack_web_app(slack)
        async with TestServer(app, host="127.0.0.1") as server:
            yield str(server.make_url("")).rstrip("/"), repo


async def _post(url: str, request: signing.SignedRequest) -> tuple[int, str]:
    """POST raw bytes with exactly the given headers."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/slack/events", data=request.body, headers=request.headers) as answer,
    ):
        return answer.status, await answer.text()


def _command(**overrides: int) -> signing.SignedRequest:
    """A signed `link` command whose effect would be visible in the store."""
    return signing.slash_command(SECRET, text=LINK, response_url=RESPONSE_URL, **overrides)


REFUSED: dict[str, Callable[[], signing.SignedRequest]] = {
    "no timestamp": lambda: _command().with_headers(X_Slack_Request_Timestamp=None),
    "no signature": lambda: _command().with_headers(X_Slack_Signature=None),
    "non-numeric timestamp": lambda: _command().with_headers(X_Slack_Request_Timestamp="12ab"),
    "negative timestamp": lambda: _command().with_headers(X_Slack_Request_Timestamp="-5"),
    "non-ASCII signature": lambda: _command().with_headers(
        X_Slack_Signature="v0=\u00e9" + "a" * 63
    ),
    "stale by 310 s": lambda: _command(timestamp=int(time.time()) - 310),
    "future by 310 s": lambda: _command(timestamp=int(time.time()) + 310),
    "tampered body": lambda: _command().with_body(
        signing.slash_command_body(text="link phare:666", response_url=RESPONSE_URL).encode()
    ),
    "wrong secret": lambda: signing.slash_command(
        "another-secret", text=LINK, response_url=RESPONSE_URL
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_unverified_requests_get_401_and_change_nothing(
    served: tuple[str, MemoryRepo], caplog: pytest.LogCaptureFixture, case: str
) -> None:
    url, repo = served
    status, _ = await _post(url, REFUSED[case]())
    assert status == 401
    assert await repo.get_binding(signing.CHANNEL_ID) is None
    logged = caplog.text
    assert "SECRET-RESPONSE-URL" not in logged
    assert "phare%3A" not in logged
    assert "response_url" not in logged


async def test_a_signed_request_is_served(served: tuple[str, MemoryRepo]) -> None:
    url, repo = served
    status, body = await _post(url, _command())
    assert status == 200
    assert "This channel now publishes to Phare incident `42`." in body
    binding = await repo.get_binding(signing.CHANNEL_ID)
    assert binding is not None
    assert [t.provider for t in binding.targets] == [ProviderName.PHARE]


async def test_a_timestamp_within_five_minutes_is_accepted(served: tuple[str, MemoryRepo]) -> None:
    url, _ = served
    status, _ = await _post(url, _command(timestamp=int(time.time()) - 240))
    assert status == 200


async def test_an_oversized_body_is_refused_without_a_500(served: tuple[str, MemoryRepo]) -> None:
    url, repo = served
    big = signing.sign(SECRET, b"x" * (MAX_BODY_BYTES + 1), content_type=signing.FORM)
    status, _ = await _post(url, big)
    assert status == 413
    assert await repo.get_binding(signing.CHANNEL_ID) is None


async def test_the_signature_is_checked_once_by_the_web_layer_only() -> None:
    hour_ago = float(int(time.time()) - 3600)  # a second check with the real clock would refuse
    with FakeSlack() as slack:
        app, repo = slack_web_app(slack, clock=lambda: hour_ago)
        async with TestServer(app, host="127.0.0.1") as server:
            url = str(server.make_url("")).rstrip("/")
            signed = _command(timestamp=int(hour_ago))
            assert (await _post(url, signed))[0] == 200
            assert (await _post(url, _command()))[0] == 401
    assert await repo.get_binding(signing.CHANNEL_ID) is not None


async def _health(healthy_result: bool | None) -> tuple[int, dict[str, object]]:
    """GET /healthz on a health-only app (Socket Mode shape); None makes the check raise."""

    async def healthy() -> bool:
        if healthy_result is None:
            raise ConnectionError("database down")
        return healthy_result

    app = build_web_app(bolt_app=None, signing_secret=None, healthy=healthy)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
        session.get(server.make_url("/healthz")) as answer,
    ):
        return answer.status, await answer.json()


async def test_healthz_is_200_when_the_store_answers() -> None:
    assert await _health(True) == (200, {"ok": True, "store": "reachable"})


@pytest.mark.parametrize("result", [False, None])
async def test_healthz_is_503_when_the_store_does_not(result: bool | None) -> None:
    assert await _health(result) == (503, {"ok": False, "store": "unreachable"})


async def test_socket_mode_app_serves_only_health() -> None:
    async def healthy() -> bool:
        return True

    app = build_web_app(bolt_app=None, signing_secret=None, healthy=healthy)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
        session.post(server.make_url("/slack/events"), data=b"{}") as answer,
    ):
        assert answer.status in {404, 405}


def test_http_mode_without_a_signing_secret_is_refused_at_build() -> None:
    async def healthy() -> bool:
        return True

    with FakeSlack() as slack:
        client = build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)
        repo = MemoryRepo()
        bolt = build_bolt_app(
            client=client,
            deps=SlackDeps(RecordingPublisher(repo), repo, options()),
        )
        with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
            build_web_app(bolt_app=bolt, signing_secret=None, healthy=healthy)


@pytest.mark.parametrize(("offset", "status"), [(-301, 401), (301, 401), (-299, 200), (299, 200)])
async def test_the_five_minute_window_is_exact_either_way(offset: int, status: int) -> None:
    frozen = float(int(time.time()) - 7200)
    with FakeSlack() as slack:
        app, _ = slack_web_app(slack, clock=lambda: frozen)
        async with TestServer(app, host="127.0.0.1") as server:
            request = signing.slash_command(SECRET, text="help", timestamp=int(frozen) + offset)
            answer_status, _ = await _post(str(server.make_url("")).rstrip("/"), request)
    assert answer_status == status
