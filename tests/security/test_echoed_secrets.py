"""A vendor's refusal that quotes a secret: masked in the thread, in replies, in the log, in post.

Every configured secret (the Slack bot token, the signing secret, each vendor's key) and
anything shaped like a Slack token is masked by the one redaction function on every way out.
"""

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import configure_logging
from tests.cli.process import run_cli
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer
from tests.fakes.slack import DEFAULT_TOKEN, FakeSlack
from tests.log_hooks import reset_process_hooks
from tests.security.runtime import SECRET, bot_env, running_bot

USER_TOKEN = "xoxp-2222-3333-userTokenValue"
APP_TOKEN = "xapp-1-A0APP00001-4444-appTokenValue"
ROTATED = "xoxe.xoxb-1-rotatedTokenValue55"
CONFIGURED = (DEFAULT_TOKEN, SECRET, PHARE_TOKEN, CHECKLY_KEY)
PADDING = "Refused because of the value " + "x" * 170 + " "

# (case, what Phare quotes back, what must never be seen)
ECHOES: list[tuple[str, str, str]] = [
    ("slack-bot-token", f"token {DEFAULT_TOKEN} is wrong", DEFAULT_TOKEN),
    ("signing-secret", f"secret {SECRET} leaked", SECRET),
    ("other-vendors-key", f"use {CHECKLY_KEY} instead", CHECKLY_KEY),
    ("own-key", f"bad key {PHARE_TOKEN}", PHARE_TOKEN),
    ("unconfigured-user-token", f"got {USER_TOKEN}", "userTokenValue"),
    ("unconfigured-app-token", f"got {APP_TOKEN}", "appTokenValue"),
    ("rotated-token", f"got {ROTATED}", "rotatedTokenValue55"),
    ("upper-case-token", f"got {DEFAULT_TOKEN.upper()}", DEFAULT_TOKEN.upper()),
    ("key-cut-by-a-limit", PADDING + CHECKLY_KEY, CHECKLY_KEY[: len(CHECKLY_KEY) // 2]),
    ("secret-split-in-two", f"got {SECRET[:14]}, then {SECRET[14:]}", SECRET[14:]),
    ("key-without-its-prefix", f"key {CHECKLY_KEY[3:]} unknown", CHECKLY_KEY[3:]),
    ("token-tail-only", f"token ending {PHARE_TOKEN[-12:]} revoked", PHARE_TOKEN[-12:]),
    ("bot-token-in-the-middle", f"value=({DEFAULT_TOKEN[5:]})", DEFAULT_TOKEN[5:]),
]


@pytest.fixture
def operator_log() -> Iterator[io.StringIO]:
    """The log as `serve` writes it (its filter, the configured secrets), at DEBUG."""
    stream = io.StringIO()
    root = logging.getLogger()
    before = root.level
    handler = configure_logging(logging.DEBUG, secrets=CONFIGURED, stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(before)
        reset_process_hooks()


@pytest.mark.parametrize(("quoted", "secret"), [c[1:] for c in ECHOES], ids=[c[0] for c in ECHOES])
async def test_a_quoted_secret_is_masked_in_thread_replies_and_log(
    tmp_path: Path, operator_log: io.StringIO, quoted: str, secret: str
) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.reply("link phare:42")
        bot.phare.script(Reply.invalid({"content": [quoted]}, message=quoted))
        assert (await bot.reply("monitoring Fix deployed")).startswith("Stored update #1")
        await bot.settled(1)
        await bot.until(
            lambda: any(
                "refused the update" in str(c.params) for c in bot.slack.calls("chat.postMessage")
            )
        )
        status = await bot.reply("status")
        thread = " ".join(bot.thread_texts())
    assert "refused" in status
    assert "***" in thread
    assert secret not in thread
    assert secret not in status
    assert secret not in operator_log.getvalue()


def test_posts_output_masks_every_secret_a_vendor_quotes(tmp_path: Path) -> None:
    phare = PhareFake(token=PHARE_TOKEN, incidents={42})
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    quoted = " ".join(c[1] for c in ECHOES if c[0] != "key-cut-by-a-limit")
    phare.script(Reply.invalid({"content": [quoted]}, message=quoted))
    checkly.script(Reply.forbidden(f"not with {DEFAULT_TOKEN} or {SECRET}"))
    with (
        FakeSlack() as slack,
        LoopbackServer(phare.app) as phare_server,
        LoopbackServer(checkly.app) as checkly_server,
    ):
        env = bot_env(tmp_path, slack, phare_server.url, checkly_server.url)
        targets = ["--to", "phare:42", "--to", f"checkly:{CHECKLY_INCIDENT}"]
        args = ["post", *targets, "--state", "resolved", "--message", "Done", "--wait", "5"]
        run = run_cli(args, cwd=tmp_path, env=env)
    shown = run.stdout + run.stderr
    assert run.returncode == 1
    assert "refused" in shown
    assert [c[2] for c in ECHOES if c[2] in shown] == []
    assert SECRET not in shown
