"""Start-up as a newcomer meets it: a taken PORT, a refused token, an unreachable Slack, stop.

Each problem is one plain line and an exit status, never a traceback; a clean start and stop
print no library noise (Bolt's token warning, SQLAlchemy's pool lines, Bolt's suggestions).
"""

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from tests.e2e.harness import free_port
from tests.e2e.test_make_run import (
    SIGNING_SECRET,
    ServeProcess,
    run_serve,
    serve_commands,
)
from tests.fakes.server import LoopbackServer
from tests.fakes.slack import FakeSlack
from tests.slack import signing

NOISE = ("Traceback", "token` will be unused", "Pool disposed", "Pool recreating", "[Suggestion]")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """Slack's Web API on loopback."""
    with FakeSlack() as fake:
        yield fake


def serve_env(
    tmp_path: Path, slack_url: str, token: str, port: int | None = None
) -> dict[str, str]:
    """What serve reads; SLACK_BOT_TOKEN is in the process environment (as on a platform)."""
    return {
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_url,
        "PORT": str(port or free_port()),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "INCIDENT_BOT_REMINDER_MINUTES": "0",
    }


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path, slack: FakeSlack) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - serve binds every interface
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve(
            serve_commands()[0], tmp_path, serve_env(tmp_path, slack.api_url, slack.token, port)
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"incident-bot serve: PORT {port} is already in use; stop what listens there or set PORT."
    ]
    assert slack.calls() == []


@pytest.mark.parametrize(
    "code", ["invalid_auth", "account_inactive", "token_revoked", "not_authed"]
)
def test_a_token_slack_refuses_stops_serve_naming_the_variable(
    tmp_path: Path, slack: FakeSlack, code: str
) -> None:
    slack.fail_next("auth.test", code)
    result = run_serve(
        serve_commands()[0], tmp_path, serve_env(tmp_path, slack.api_url, slack.token)
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"incident-bot serve: Slack refused SLACK_BOT_TOKEN ({code}).")
    assert slack.token not in result.stderr + result.stdout
    assert not (tmp_path / "bot.db").exists(), "nothing started"


def test_a_placeholder_token_from_the_example_env_is_refused(
    tmp_path: Path, slack: FakeSlack
) -> None:
    placeholder = "xoxb-your-bot-token"
    result = run_serve(
        serve_commands()[0], tmp_path, serve_env(tmp_path, slack.api_url, placeholder)
    )
    assert result.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_token_with_a_line_break_inside_stops_serve_naming_the_variable(
    tmp_path: Path, slack: FakeSlack
) -> None:
    broken = slack.token[:9] + "\n" + slack.token[9:]
    result = run_serve(serve_commands()[0], tmp_path, serve_env(tmp_path, slack.api_url, broken))
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN: holds a space, a line break" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert slack.token[9:] not in result.stderr + result.stdout
    assert slack.calls() == []


def test_an_unreachable_slack_is_said_and_serve_starts(
    tmp_path: Path, serving: list[ServeProcess]
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    env = serve_env(tmp_path, closed, "xoxb-unchecked-token")
    serving.append(process := ServeProcess(serve_commands()[0], tmp_path, env))
    assert process.healthz().status_code == 200
    assert process.stop() == 0
    output = process.output()
    assert f"could not reach Slack at {closed} to check SLACK_BOT_TOKEN" in output
    assert [n for n in NOISE if n in output] == []


def not_slack(answer: Callable[[], web.Response]) -> web.Application:
    """A server at SLACK_API_URL that is not Slack: every path gets the same answer."""

    async def any_path(request: web.Request) -> web.Response:
        return answer()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", any_path)
    return app


@pytest.mark.parametrize(
    "answer",
    [
        lambda: web.json_response([1, 2]),
        lambda: web.json_response("ok"),
        lambda: web.Response(text="<html>sign in</html>", content_type="text/html"),
        lambda: web.Response(text="{cut", content_type="application/json"),
    ],
    ids=["json-array", "json-string", "html", "broken-json"],
)
def test_a_slack_api_url_that_is_not_slack_is_said_and_serve_starts(
    tmp_path: Path, serving: list[ServeProcess], answer: Callable[[], web.Response]
) -> None:
    with LoopbackServer(not_slack(answer)) as elsewhere:
        env = serve_env(tmp_path, f"{elsewhere.url}/api/", "xoxb-unchecked-token")
        serving.append(process := ServeProcess(serve_commands()[0], tmp_path, env))
        assert process.healthz().status_code == 200
        assert process.stop() == 0
    output = process.output()
    assert "SLACK_BOT_TOKEN" in output
    assert "starting anyway" in output
    assert [n for n in NOISE if n in output] == []


def test_a_clean_start_an_unhandled_event_and_a_stop_print_no_noise(
    tmp_path: Path, slack: FakeSlack, serving: list[ServeProcess]
) -> None:
    env = serve_env(tmp_path, slack.api_url, slack.token)
    serving.append(process := ServeProcess(serve_commands()[0], tmp_path, env))
    assert process.healthz().status_code == 200
    before = process.output().count("\n")
    event = {"type": "reaction_removed", "user": signing.USER_ID, "reaction": "eyes"}
    request = signing.event_callback(SIGNING_SECRET, event)
    answer = httpx.post(
        f"http://127.0.0.1:{process.port}/slack/events",
        content=request.body,
        headers=request.headers,
        timeout=10,
    )
    assert answer.status_code == 200
    assert process.stop() == 0
    output = process.output()
    assert [n for n in NOISE if n in output] == []
    lines = output.splitlines()[before:]
    assert sum("reaction_removed" in line for line in lines) == 1
    assert [c.method for c in slack.calls()].count("auth.test") >= 1
