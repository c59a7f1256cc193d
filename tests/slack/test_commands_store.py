"""The command and the form on the real store (SQLite; PostgreSQL with TEST_DATABASE_URL)."""

import json
from collections.abc import AsyncIterator

import pytest

from bot.domain.models import Source, Target
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.store.repo import open_repo
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.store_support import StorePublisher
from tests.slack.test_commands import SECRET, UUID, Bot, start_bot


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Bot]:
    """The bot on a fresh database."""
    repo = await open_repo(database_url)
    try:
        with FakeSlack() as slack:
            async for running in start_bot(slack, publisher=StorePublisher(repo), repo=repo):
                yield running
    finally:
        await repo.close()


async def test_link_publish_and_status_on_the_real_store(bot: Bot) -> None:
    assert "now publishes to Phare incident `42`, Checkly" in await bot.reply(
        f"link phare:42 checkly:{UUID}"
    )
    text = await bot.reply("monitoring Fix &lt;b&gt; out, <!here> watching")
    assert text.startswith("Stored update #")
    [submission] = bot.publisher.submissions
    assert submission.update.content == "Fix <b> out, <!here> watching"
    assert submission.source is Source.INLINE
    status = await bot.reply("status")
    assert f"*Linked:* Phare incident `42`, Checkly incident `{UUID}`" in status
    assert "Fix &lt;b&gt; out, &lt;!here&gt; watching" in status
    assert "<!here>" not in status
    assert (
        await bot.reply("unlink checkly") == "Unlinked Checkly. Still linked: Phare incident `42`."
    )
    binding = await bot.repo.get_binding(signing.CHANNEL_ID)
    assert binding is not None
    assert binding.targets == (Target(ProviderName.PHARE, "42"),)


async def test_form_submission_stored_once_on_the_real_store(bot: Bot) -> None:
    await bot.reply("link phare:42")
    await bot.command("", trigger_id=bot.slack.issue_trigger_id())
    [call] = await bot.slack.await_calls("views.open")
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    entries = {ids.STATE_ACTION: "identified", ids.MESSAGE_ACTION: "Bad deploy"}
    payload = signing.view_submission_payload(view, entries, view_id="V0FORM0002")
    for _ in range(2):
        status, body = await bot.post(signing.interaction(SECRET, payload))
        assert (status, body) == (200, "")
    [submission] = bot.publisher.submissions
    assert submission.update.state is State.IDENTIFIED
    assert submission.targets == (Target(ProviderName.PHARE, "42"),)
    assert submission.source is Source.MODAL
