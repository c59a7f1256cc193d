"""The smaller classes: a form whose hidden data was changed, usage text, long refusals,
several bad arguments to `post`, and reactions on the bot's own receipts."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.form_seal import UNVERIFIED, FormSeal
from tests.cli.process import run_cli
from tests.fakes.replies import Reply
from tests.security.runtime import CHANNEL, MESSAGE_ACTION, STATE_ACTION, Bot, running_bot
from tests.slack import signing

OTHER_CHANNEL = "C0ELSEWHERE"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot, its channel linked to Phare."""
    async with running_bot(tmp_path) as running:
        assert "now publishes to" in await running.reply("link phare:42")
        yield running


def retargeted(sealed: str) -> str:
    """The sealed metadata with its JSON changed to another channel, the MAC kept."""
    mac, _, body = sealed.partition(".")
    return f"{mac}.{body.replace(CHANNEL, OTHER_CHANNEL)}"


def tampered(case: str, sealed: str) -> str:
    """The form's private_metadata as a hostile client would send it."""
    plain = {"channel_id": OTHER_CHANNEL, "inserted": "", "revision": 0}
    return {
        "plain-json-other-channel": json.dumps(plain),
        "not-json": "{channel_id: C0ELSEWHERE",
        "empty": "",
        "json-array": "[]",
        "sealed-by-another-key": FormSeal("xoxb-someone-else").seal(plain),
        "json-changed-mac-kept": retargeted(sealed),
        "mac-only": sealed.partition(".")[0],
        "mac-truncated": sealed[5:],
    }[case]


TAMPERED = [
    "plain-json-other-channel",
    "not-json",
    "empty",
    "json-array",
    "sealed-by-another-key",
    "json-changed-mac-kept",
    "mac-only",
    "mac-truncated",
]


@pytest.mark.parametrize("case", TAMPERED)
async def test_a_form_with_changed_private_metadata_publishes_nothing(bot: Bot, case: str) -> None:
    view = await bot.open_form()
    changed: dict[str, Any] = {**view, "private_metadata": tampered(case, view["private_metadata"])}
    status, answer = await bot.submit(changed, {STATE_ACTION: "identified", MESSAGE_ACTION: "x"})
    assert status == 200
    assert answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [UNVERIFIED]
    assert (await bot.app.core.repo.channel_status(CHANNEL)).last_update is None
    assert bot.phare_creates() == []
    assert bot.slack.calls("chat.postMessage") == []


async def test_the_form_as_opened_still_publishes_to_its_channel(bot: Bot) -> None:
    view = await bot.open_form()
    status, answer = await bot.submit(view, {STATE_ACTION: "identified", MESSAGE_ACTION: "Found"})
    assert (status, answer) == (200, {})
    await bot.until(lambda: bot.phare.applied(42))
    posted = await bot.slack.await_calls("chat.postMessage")
    assert {c.params["channel"] for c in posted} == {CHANNEL}


async def test_the_bare_link_usage_is_escaped_once(bot: Bot) -> None:
    reply = await bot.reply("link")
    assert "`link phare:&lt;id&gt; checkly:&lt;uuid&gt;`" in reply
    assert "&amp;" not in reply


async def test_a_refusal_with_many_field_errors_says_how_many_more(bot: Bot) -> None:
    errors = {
        f"field_{n:02d}": [f"The field_{n:02d} value is not acceptable " * 3] for n in range(60)
    }
    bot.phare.script(Reply.invalid(errors, message="The given data was invalid."))
    await bot.reply("monitoring Fix deployed")
    await bot.settled(1)
    await bot.until(lambda: any("more field errors" in t for t in bot.thread_texts()))
    [receipt] = [c for c in bot.slack.calls("chat.postMessage") if "refused" in c.params["text"]]
    blocks = receipt.params["blocks"]
    section = (json.loads(blocks) if isinstance(blocks, str) else blocks)[0]["text"]["text"]
    shown = section.count("• `field_")
    assert 5 < shown < 60
    assert f"…and {60 - shown} more field errors." in section
    assert len(section) <= 3000
    assert receipt.response["ok"]


async def test_a_reaction_on_the_bots_own_receipt_resolves_nothing(bot: Bot) -> None:
    await bot.reply("monitoring Fix deployed")
    await bot.settled(1)

    def receipts() -> list[str]:
        """The ts of each receipt saying Phare accepted the update."""
        posted = bot.slack.calls("chat.postMessage")
        return [c.response["ts"] for c in posted if "accepted" in c.params["text"]]

    await bot.until(receipts)
    event = signing.reaction_added_event(
        reaction="white_check_mark", ts=receipts()[0], item_user=bot.slack.workspace.bot_user_id
    )
    status, _ = await bot.post(signing.event_callback(bot.secret, event))
    assert status == 200
    [private] = [c.params for c in await bot.slack.await_calls("chat.postEphemeral")]
    assert private["user"] == signing.USER_ID
    assert "publish nothing" in private["text"]
    assert [u["state"] for u in bot.phare_creates()] == ["monitoring"]
    assert (await bot.app.core.repo.channel_status(CHANNEL)).last_update.id == 1  # type: ignore[union-attr]


def test_post_names_every_bad_argument_at_once(tmp_path: Path) -> None:
    args = [
        "post",
        "--to", "phare:abc",
        "--to", "checkly:not-a-uuid",
        "--state", "fixed",
        "--published-at", "yesterday",
        "--message", "",
    ]  # fmt: skip
    run = run_cli(args, cwd=tmp_path, env={"PHARE_API_TOKEN": "unused-token-1234"})
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 5, run.stderr
    assert lines[0].startswith("incident-bot post: --to: ")
    assert "abc" in lines[0]
    assert lines[1].startswith("incident-bot post: --to: ")
    assert "not-a-uuid" in lines[1]
    assert "--state 'fixed' is not a state" in lines[2]
    assert lines[3].startswith("incident-bot post: --published-at: ")
    assert lines[4] == "incident-bot post: --message: Write a message: it is empty."
