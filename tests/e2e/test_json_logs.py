"""`LOG_FORMAT=json`: what `serve` writes is one JSON object per line, with no secret in it."""

import json
import socket
from pathlib import Path

from bot.domain.models import DeliveryStatus
from bot.store.repo import open_repo
from tests.e2e.harness import LINK_BOTH, Stack, free_port, wait_until
from tests.e2e.rows import CHECKLY, PHARE, settles
from tests.e2e.test_make_run import run_serve, serve_commands
from tests.e2e.test_startup import serve_env
from tests.fakes.fixtures import CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.replies import Reply
from tests.fakes.slack import FakeSlack


async def test_serve_writes_json_lines_without_secrets(tmp_path: Path) -> None:
    with Stack(tmp_path, LOG_FORMAT="json") as stack:
        bot = stack.start_bot()
        stack.command(bot, LINK_BOTH)
        stack.checkly.script(Reply.unauthorized(f"key {CHECKLY_KEY} is not valid"))
        update_id = stack.publish(bot, "monitoring Fix deployed")
        store = await open_repo(stack.database_url)
        try:
            await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
            await settles(store, update_id, CHECKLY, DeliveryStatus.REFUSED)
        finally:
            await store.close()
        wait_until(lambda: "refused after attempt" in bot.log())
        bot.stop()
        printed = bot.log_path.read_text()

    lines = [json.loads(line) for line in printed.splitlines()]
    assert lines
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    messages = [line["message"] for line in lines]
    assert any(m.endswith(": accepted after attempt 1") and "phare" in m for m in messages)
    assert any(m.endswith(": refused after attempt 1") and "checkly" in m for m in messages)
    for secret in (stack.slack.token, stack.signing_secret, PHARE_TOKEN, CHECKLY_KEY):
        assert secret not in printed


def json_lines(printed: str) -> list[dict[str, object]]:
    """Every line printed, each parsed as one JSON object (fails on any line that is not)."""
    return [json.loads(line) for line in printed.strip().splitlines()]


def test_why_serve_will_not_start_is_a_json_line_too(tmp_path: Path) -> None:
    with FakeSlack() as slack, socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - serve binds every interface
        taken.listen()
        port = taken.getsockname()[1]
        env = {**serve_env(tmp_path, slack.api_url, slack.token, port), "LOG_FORMAT": "json"}
        result = run_serve(serve_commands()[0], tmp_path, env)

    assert result.returncode == 2
    (line,) = json_lines(result.stderr)
    assert (line["level"], line["logger"]) == ("ERROR", "bot")
    assert line["message"] == (
        f"incident-bot serve: PORT {port} is already in use; stop what listens there or set PORT."
    )


def test_a_store_that_cannot_be_opened_is_a_json_line(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = {
            **serve_env(tmp_path, slack.api_url, slack.token),
            "LOG_FORMAT": "json",
            "DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/none",
        }
        result = run_serve(serve_commands()[0], tmp_path, env)

    assert result.returncode == 1
    lines = json_lines(result.stderr)
    assert lines[-1]["level"] == "ERROR"
    assert "Check DATABASE_URL and that the database is running" in str(lines[-1]["message"])
    assert slack.token not in result.stderr


def test_a_missing_variable_is_a_json_line(tmp_path: Path) -> None:
    env = {"LOG_FORMAT": "json", "SLACK_BOT_TOKEN": "", "PORT": str(free_port())}

    result = run_serve(serve_commands()[0], tmp_path, env)

    assert result.returncode == 2
    (line,) = json_lines(result.stderr)
    assert str(line["message"]).startswith("incident-bot serve: missing SLACK_BOT_TOKEN")
