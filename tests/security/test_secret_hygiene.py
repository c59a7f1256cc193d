"""No token, signing secret or response_url in the logs (at DEBUG), Slack messages or CLI output."""

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import LogFormat
from bot.logs import configure_logging
from bot.redaction import MASK, Redactor, SecretRedactor, redact
from tests.cli.process import run_cli
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer
from tests.fakes.slack import DEFAULT_TOKEN, FakeSlack
from tests.log_hooks import reset_process_hooks
from tests.security.runtime import (
    MESSAGE_ACTION,
    RESPONSE_SECRET,
    SECRET,
    STATE_ACTION,
    Bot,
    bot_env,
    running_bot,
)
from tests.slack import signing

SECRETS = (DEFAULT_TOKEN, SECRET, RESPONSE_SECRET, PHARE_TOKEN, CHECKLY_KEY, "hooks.slack.com")


def leaks(text: str) -> list[str]:
    """The secrets found in the text."""
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture(params=list(LogFormat))
def debug_logs(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[io.StringIO, io.StringIO, LogFormat]]:
    """The operator's log stream (configure_logging at DEBUG) in each format, every record raw."""
    operator, raw = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    before = root.level
    handler = configure_logging(
        logging.DEBUG, secrets=SECRETS[:5], stream=operator, log_format=request.param
    )
    unfiltered = logging.StreamHandler(raw)
    unfiltered.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root.addHandler(unfiltered)
    try:
        yield operator, raw, request.param
    finally:
        root.removeHandler(handler)
        root.removeHandler(unfiltered)
        root.setLevel(before)
        reset_process_hooks()


async def every_flow(bot: Bot) -> None:
    """Link, publish by command, form and reaction, status, failures, refused requests."""
    await bot.reply(f"link phare:42 checkly:{CHECKLY_INCIDENT}")
    await bot.reply("monitoring Fix deployed")
    await bot.settled(1)
    view = await bot.open_form()
    await bot.submit(view, {STATE_ACTION: "identified", MESSAGE_ACTION: "Cause found"})
    await bot.settled(2)
    bot.phare.script(Reply.unauthorized(f"token {PHARE_TOKEN} is not valid"))
    bot.checkly.script(Reply.html(502))
    await bot.reply("investigating Looking again")
    await bot.settled(3)
    await bot.react("white_check_mark", await bot.card_ts())
    await bot.until(lambda: len(bot.phare_creates()) >= 4)
    await bot.reply("status")
    await bot.reply("help")
    await bot.reply("bogus words")
    tampered = signing.slash_command(SECRET, text="status", response_url=bot.response_url)
    assert (await bot.post(tampered.with_body(tampered.body + b"&x=1")))[0] == 401
    await bot.reply("unlink")


async def test_no_secret_in_logs_or_slack_messages_at_debug(
    tmp_path: Path, debug_logs: tuple[io.StringIO, io.StringIO, LogFormat]
) -> None:
    operator, raw, log_format = debug_logs
    async with running_bot(tmp_path) as bot:
        await every_flow(bot)
        slack_text = " ".join(str(call.params) for call in bot.slack.calls())
    assert "delivery" in raw.getvalue()
    assert leaks(raw.getvalue()) == []
    assert leaks(operator.getvalue()) == []
    assert leaks(slack_text) == []
    if log_format is LogFormat.JSON:
        lines = operator.getvalue().splitlines()
        assert all(isinstance(json.loads(line), dict) for line in lines)
        assert any("delivery" in json.loads(line)["message"] for line in lines)
    assert "is not valid" in slack_text


def test_cli_output_never_shows_a_token(tmp_path: Path) -> None:
    phare = PhareFake(token=PHARE_TOKEN, incidents={42})
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    checkly.script(Reply.unauthorized())
    target = ["--to", "phare:42", "--to", f"checkly:{CHECKLY_INCIDENT}", "--state", "resolved"]
    with (
        FakeSlack() as slack,
        LoopbackServer(phare.app) as phare_server,
        LoopbackServer(checkly.app) as checkly_server,
    ):
        env = bot_env(tmp_path, slack, phare_server.url, checkly_server.url)
        runs = [
            run_cli(["post", *target, "--message", "Done", "--dry-run"], cwd=tmp_path, env=env),
            run_cli(["post", *target, "--message", "Done", "--wait", "5"], cwd=tmp_path, env=env),
            run_cli(["doctor"], cwd=tmp_path, env=env),
        ]
    for run in runs:
        assert run.stdout or run.stderr
        assert leaks(run.stdout + run.stderr) == []
    assert "Bearer ***" in runs[0].stdout
    assert "CHECKLY_API_KEY" in runs[1].stdout + runs[1].stderr
    assert [u["content"] for u in phare.applied(42)] == ["Done"]


@pytest.mark.parametrize(
    "line",
    [
        'data: \'{"payload":{"response_url":"https:\\/\\/hooks.slack.com\\/x"}}\'',
        "body: token=abc&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2Fs",
        "posting to https://hooks.slack.com/actions/T1/2/s now",
        "Authorization: Bearer xoxb-1234-5678-abcdef and xapp-1-A1-2-ff",
        "connecting to wss://wss-primary.slack.com/link/?ticket=secret-ticket&app_id=A1",
    ],
)
def test_the_redactor_masks_secret_shapes_it_was_not_told_about(line: str) -> None:
    masked = redact(line)
    assert MASK in masked
    for secret in ("hooks.slack.com", "xoxb-1234", "xapp-1", "secret-ticket"):
        assert secret not in masked


SANCTUM = "17|Xk9pQ2rT7vW3yZ8aB4cD6eF1gH5jL0mN"
HEX = "8f3a9c2b7e1d4f6a0b5c8e2d9f7a3b1c"


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("token 17%7CXk9pQ2rT7vW3yZ8aB4cD6eF1gH5jL0mN refused", "Xk9pQ2rT"),
        ('{"token": "17\\u007cXk9pQ2rT7vW3yZ8aB4cD6eF1gH5jL0mN"}', "Xk9pQ2rT"),
        ("ends in 6eF1gH5jL0mN.", "6eF1gH5j"),
        ("a: 8f3a9c2b7e1d4f6a; b: 0b5c8e2d9f7a3b1c", "0b5c8e2d"),
        ("middle 7e1d4f6a0b5c8e2d only", "7e1d4f6a"),
        ("field=xx8f3a9c2b7e1d4f6a", "8f3a9c2b"),
    ],
    ids=["url-encoded", "json-escaped", "tail", "split", "middle", "glued"],
)
def test_the_redactor_masks_any_eight_characters_of_a_secret(line: str, hidden: str) -> None:
    masked = Redactor([SANCTUM, HEX])(line)
    assert MASK in masked
    assert hidden not in masked


def test_the_redactor_leaves_text_that_shares_less_than_eight_characters() -> None:
    line = "update 8f3a9c2 went out to phare:17 (Xk9pQ2r)"
    assert Redactor([SANCTUM, HEX])(line) == line


def test_the_redactor_masks_configured_secrets_in_messages_and_tracebacks() -> None:
    redactor = SecretRedactor(["s3cr3t-value"])
    try:
        raise ValueError("boom with s3cr3t-value inside")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "using %s", ("s3cr3t-value",), None
        )
        record.exc_info = sys.exc_info()
    assert redactor.filter(record)
    assert record.getMessage() == f"using {MASK}"
    assert record.exc_text is not None
    assert "s3cr3t-value" not in record.exc_text
