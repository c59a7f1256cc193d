"""The update form end to end: opened by the command, submitted over signed HTTP."""

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.domain.models import Source, Target
from bot.domain.states import ProviderName, State
from bot.slack import ids
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.test_commands import SECRET, UUID, Bot, HangingPublisher, options, start_bot

CHANNEL = signing.CHANNEL_ID


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    """The bot, bound to Phare 42 and a Checkly incident."""
    with FakeSlack() as slack:
        async for running in start_bot(slack):
            await running.reply(f"link phare:42 checkly:{UUID}")
            yield running


async def open_form(bot: Bot) -> dict[str, Any]:
    """Run the bare command and return the view Slack was asked to open."""
    before = len(bot.slack.calls("views.open"))
    await bot.command("", trigger_id=bot.slack.issue_trigger_id())
    calls = await bot.slack.await_calls("views.open", count=before + 1)
    view = calls[-1].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


async def submit(
    bot: Bot, view: dict[str, Any], entries: dict[str, Any], view_id: str = "V0FORM0001"
) -> tuple[int, dict[str, Any]]:
    """Submit the form with the user's entries; the status and the JSON answer ({} if empty)."""
    payload = signing.view_submission_payload(view, entries, view_id=view_id)
    status, body = await bot.post(signing.interaction(SECRET, payload))
    return status, json.loads(body) if body else {}


async def test_good_submission_is_stored_once_with_what_was_entered(bot: Bot) -> None:
    view = await open_form(bot)
    started = time.monotonic()
    status, answer = await submit(
        bot,
        view,
        {ids.STATE_ACTION: "identified", ids.MESSAGE_ACTION: "Cause: <!channel> bad deploy & co"},
    )
    assert time.monotonic() - started < 3.0
    assert (status, answer) == (200, {})
    [submission] = bot.publisher.submissions
    assert submission.update.state is State.IDENTIFIED
    assert submission.update.content == "Cause: <!channel> bad deploy & co"
    assert submission.update.published_at is None
    assert submission.source is Source.MODAL
    assert submission.author == signing.USER_ID
    assert submission.channel_id == CHANNEL
    assert set(submission.targets) == {
        Target(ProviderName.PHARE, "42"),
        Target(ProviderName.CHECKLY, UUID),
    }


async def test_resubmitting_the_same_form_stores_it_once(bot: Bot) -> None:
    view = await open_form(bot)
    entries = {ids.MESSAGE_ACTION: "Looking into it"}
    await submit(bot, view, entries)
    status, answer = await submit(bot, view, entries)
    assert (status, answer) == (200, {})
    assert len(bot.publisher.submissions) == 1


async def test_edited_targets_are_used_for_this_update(bot: Bot) -> None:
    view = await open_form(bot)
    status, _ = await submit(
        bot, view, {ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: "77", ids.CHECKLY_ACTION: None}
    )
    assert status == 200
    [submission] = bot.publisher.submissions
    assert submission.targets == (Target(ProviderName.PHARE, "77"),)


@pytest.mark.parametrize(
    ("entries", "block", "words"),
    [
        ({ids.MESSAGE_ACTION: " \n "}, ids.MESSAGE_BLOCK, "Write a message: it is empty."),
        (
            {ids.MESSAGE_ACTION: "x", ids.STATE_ACTION: "maintenance"},
            ids.STATE_BLOCK,
            "Phare has no 'maintenance' state",
        ),
        (
            {ids.MESSAGE_ACTION: "x", ids.CHECKLY_ACTION: "1234"},
            ids.CHECKLY_BLOCK,
            "Checkly incident id '1234' is not a UUID",
        ),
        (
            {ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: "0"},
            ids.PHARE_BLOCK,
            "Phare incident id '0' is not a positive whole number",
        ),
        (
            {ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: None, ids.CHECKLY_ACTION: None},
            ids.CHECKLY_BLOCK,
            "Choose at least one incident to update.",
        ),
        ({ids.MESSAGE_ACTION: "y" * 10_001}, ids.MESSAGE_BLOCK, "Phare takes at most 10,000"),
    ],
)
async def test_bad_input_is_shown_under_its_field_and_nothing_is_sent(
    bot: Bot, entries: dict[str, Any], block: str, words: str
) -> None:
    view = await open_form(bot)
    status, answer = await submit(bot, view, entries)
    assert status == 200
    assert answer["response_action"] == "errors"
    assert words in answer["errors"][block]
    assert bot.publisher.submissions == []


async def test_a_store_that_hangs_keeps_the_form_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.slack.failures.STORE_TIMEOUT", 0.3)
    with FakeSlack() as slack:
        async for bot in start_bot(slack, publisher=HangingPublisher()):
            await bot.reply("link phare:42")
            view = await open_form(bot)
            started = time.monotonic()
            status, answer = await submit(bot, view, {ids.MESSAGE_ACTION: "x"})
            assert time.monotonic() - started < 3.0
    assert status == 200
    assert answer["response_action"] == "errors"
    assert "could not confirm this update was saved" in answer["errors"][ids.MESSAGE_BLOCK]


async def test_someone_not_allowed_cannot_submit() -> None:
    with FakeSlack() as slack:
        async for bot in start_bot(slack, options(allowed_users=frozenset({"U0LEAD0001"}))):
            await bot.reply("link phare:42", user_id="U0LEAD0001")
            await bot.command("", trigger_id=slack.issue_trigger_id(), user_id="U0LEAD0001")
            [call] = await slack.await_calls("views.open")
            view = call.params["view"]
            view = json.loads(view) if isinstance(view, str) else view
            payload = signing.view_submission_payload(view, {ids.MESSAGE_ACTION: "x"})
            status, body = await bot.post(signing.interaction(SECRET, payload))
            assert status == 200
            assert "not on the list" in json.loads(body)["errors"][ids.MESSAGE_BLOCK]
            assert bot.publisher.submissions == []


async def test_an_unsigned_submission_is_refused_and_nothing_is_sent(bot: Bot) -> None:
    view = await open_form(bot)
    payload = signing.view_submission_payload(view, {ids.MESSAGE_ACTION: "x"})
    forged = signing.interaction("not-the-secret", payload)
    status, _ = await bot.post(forged)
    assert status == 401
    assert bot.publisher.submissions == []
