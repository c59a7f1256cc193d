"""A listener that fails: the store being down keeps its words; a fault of the bot is logged
with its traceback and the person told plainly that nothing was stored."""

import functools
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy.exc import OperationalError

from bot.domain.models import Submission
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.slack import ids
from bot.slack.failures import NOTHING_STORED
from bot.slack.resend import register_resend_buttons
from bot.slack.submissions import STORE_FAILED
from bot.tasks import TrackedTasks
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.memory_repo import MemoryRepo
from tests.slack.test_commands import SECRET, Bot, start_bot

Surface = Callable[[Bot, TrackedTasks], Awaitable[str]]
DATABASE_DOWN = OperationalError("INSERT INTO updates", {}, ConnectionRefusedError("refused"))


class Broken:
    """A publisher and a delivery lookup that raise the error a test sets."""

    def __init__(self) -> None:
        self.error: Exception = KeyError("targets")

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Fail as told."""
        raise self.error

    async def get_delivery(self, delivery_id: int) -> DeliveryReport | None:
        """Fail as told."""
        raise self.error


@pytest.fixture
async def broken() -> AsyncIterator[tuple[Bot, Broken, TrackedTasks]]:
    """The bot bound to Phare 42, with a store that fails when it stores or finds a delivery."""
    failing, background = Broken(), TrackedTasks()
    register = functools.partial(register_resend_buttons, deliveries=failing, background=background)
    with FakeSlack() as slack:
        async for bot in start_bot(
            slack, publisher=failing, repo=MemoryRepo(), register_extra=[register]
        ):
            await bot.reply("link phare:42")
            yield bot, failing, background


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[type[BaseException] | None]:
    """The exception types logged with a traceback."""
    return [r.exc_info[0] for r in caplog.records if r.exc_info]


async def by_command(bot: Bot, background: TrackedTasks) -> str:
    """Publish with the inline command; the ephemeral answer."""
    return await bot.reply("investigating Checkout is down")


async def by_form(bot: Bot, background: TrackedTasks) -> str:
    """Open the form, submit it with a message; the error shown under the message."""
    await bot.command("", trigger_id=bot.slack.issue_trigger_id())
    [call] = await bot.slack.await_calls("views.open")
    raw = call.params["view"]
    view = json.loads(raw) if isinstance(raw, str) else dict(raw)
    payload = signing.view_submission_payload(view, {ids.MESSAGE_ACTION: "Checkout is down"})
    status, body = await bot.post(signing.interaction(SECRET, payload))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.MESSAGE_BLOCK}
    return str(answer["errors"][ids.MESSAGE_BLOCK])


async def by_button(bot: Bot, background: TrackedTasks) -> str:
    """Click Retry on a receipt; what the person who clicked was told privately."""
    action = signing.receipt_button(ids.RETRY_ACTION, "7", "Retry")
    status, _ = await bot.post(signing.interaction(SECRET, signing.block_actions_payload([action])))
    assert status == 200
    await background.finish()
    [told] = [str(e["text"]) for e in bot.slack.ephemeral() if e["user"] == signing.USER_ID]
    return told


SURFACES: list[Surface] = [by_command, by_form, by_button]
STORE_WORDS: dict[Surface, str] = {
    by_command: "database did not answer in time",
    by_form: STORE_FAILED,
    by_button: "database did not answer in time",
}


@pytest.mark.parametrize("surface", SURFACES)
async def test_a_fault_of_the_bot_is_logged_and_the_person_told_nothing_was_stored(
    broken: tuple[Bot, Broken, TrackedTasks],
    caplog: pytest.LogCaptureFixture,
    surface: Surface,
) -> None:
    bot, _, background = broken
    with caplog.at_level(logging.ERROR):
        said = await surface(bot, background)
    assert said == NOTHING_STORED
    assert tracebacks(caplog) == [KeyError]


@pytest.mark.parametrize("surface", SURFACES)
async def test_a_store_that_is_down_is_reported_as_such(
    broken: tuple[Bot, Broken, TrackedTasks],
    caplog: pytest.LogCaptureFixture,
    surface: Surface,
) -> None:
    bot, failing, background = broken
    failing.error = DATABASE_DOWN
    said = await surface(bot, background)
    assert STORE_WORDS[surface] in said
    assert "nothing was stored" not in said
    assert tracebacks(caplog) == []
