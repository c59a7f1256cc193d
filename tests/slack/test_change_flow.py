"""Edit and Delete on an accepted receipt, from the click to the vendor and back to the thread
(handlers, engine with scripted vendors, real store, fake Slack)."""

import asyncio
import logging
from collections.abc import Iterator

import pytest

from bot.domain.models import Refused, Retry
from bot.domain.operations import Operation
from bot.domain.states import State
from bot.slack import ids
from bot.slack.changes import UNCHANGED
from bot.store.repo import Repo
from tests.fakes.slack import FakeSlack
from tests.interactive.live import buttons, shown
from tests.slack.change_flow import ALLOWED, OUTSIDER, Flow, start_flow
from tests.slack.thread_builders import CHECKLY
from tests.store.clock import FakeClock

CHANGE_BUTTONS = [ids.DELIVERY_EDIT_ACTION, ids.DELIVERY_DELETE_ACTION]
THREAD_SAYS = "the thread will say when Phare answers."
LAST_UPDATE = "The last remaining update cannot be deleted."


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A running fake Slack."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def flow(slack: FakeSlack, repo: Repo, clock: FakeClock) -> Flow:
    """The channel, its engine, its vendors and its handlers."""
    return await start_flow(slack, repo, clock)


def field(view: dict[str, object], block_id: str) -> dict[str, object]:
    """The element of one of a view's blocks."""
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return next(b["element"] for b in blocks if b.get("block_id") == block_id)


async def test_edit_changes_the_update_at_the_vendor_and_the_thread_says_who(flow: Flow) -> None:
    await flow.publish("Investgating the DB")
    receipt = await flow.receipt("Phare accepted")
    assert buttons(receipt) == CHANGE_BUTTONS

    await flow.edit(receipt)
    view = flow.opened_view()
    assert field(view, ids.MESSAGE_BLOCK)["initial_value"] == "Investgating the DB"
    entries = {"message_input": "Investigating the DB", "state_select": "identified"}
    assert await flow.submit(view, entries) == {}
    await flow.deliver()

    [(incident, remote_id, sent)] = flow.phare.edits
    assert (incident, sent.state, sent.content) == ("42", State.IDENTIFIED, "Investigating the DB")
    [remote] = flow.phare.stored["42"]
    assert (remote.id, remote.content) == (remote_id, "Investigating the DB")
    await flow.receipt(f"<@{ALLOWED}> edited the Phare update `{remote_id}`")
    redrawn = flow.message(receipt["ts"])
    assert f"Edited by <@{ALLOWED}>: now :mag: *Identified*" in shown(redrawn)
    assert buttons(redrawn) == CHANGE_BUTTONS
    assert ":mag: *Identified*" in flow.card()
    assert "Investigating the DB" in flow.card()


async def test_the_edit_form_shows_the_update_as_last_edited(flow: Flow, clock: FakeClock) -> None:
    await flow.publish("First words")
    receipt = await flow.receipt("Phare accepted")
    await flow.edit(receipt)
    assert await flow.submit(flow.opened_view(), {"message_input": "Second words"}) == {}
    await flow.deliver()
    await flow.receipt("edited the Phare update")
    clock.advance(5)  # Edit clicked again, after the double-click window
    await flow.edit(flow.message(receipt["ts"]))
    assert field(flow.opened_view(), ids.MESSAGE_BLOCK)["initial_value"] == "Second words"
    unchanged = await flow.submit(flow.opened_view(), {}, view_id="V0EDIT0002")
    assert unchanged == {ids.MESSAGE_BLOCK: UNCHANGED}


async def test_an_edit_of_an_older_update_leaves_the_card_on_the_latest(flow: Flow) -> None:
    await flow.publish("Old words")
    old_receipt = await flow.receipt("Phare accepted")
    await flow.publish("Newest words", State.MONITORING)
    await flow.edit(old_receipt)
    assert await flow.submit(flow.opened_view(), {"message_input": "Old words, fixed"}) == {}
    await flow.deliver()
    await flow.receipt("edited the Phare update")
    assert "Newest words" in flow.card()
    assert "Old words, fixed" not in flow.card()


async def test_a_retried_form_submission_is_stored_and_sent_once(flow: Flow) -> None:
    await flow.publish("Typo here")
    await flow.edit(await flow.receipt("Phare accepted"))
    view = flow.opened_view()
    first, again = await asyncio.gather(
        flow.submit(view, {"message_input": "No typo"}),
        flow.submit(view, {"message_input": "No typo"}),
    )
    assert (first, again) == ({}, {})
    await flow.deliver()
    assert [sent.content for _, _, sent in flow.phare.edits] == ["No typo"]
    await flow.receipt("edited the Phare update")
    assert len(flow.replies("edited the Phare update")) == 1


async def test_delete_clicked_twice_deletes_once_and_strikes_the_receipt(flow: Flow) -> None:
    await flow.publish("Wrong channel, sorry")
    receipt = await flow.receipt("Phare accepted")
    await asyncio.gather(flow.delete(receipt), flow.delete(receipt))
    await flow.deliver()

    [(incident, remote_id)] = flow.phare.deletions
    assert (incident, flow.phare.stored["42"]) == ("42", [])
    await flow.receipt(f"<@{ALLOWED}> deleted the Phare update `{remote_id}`")
    struck = flow.message(receipt["ts"])
    assert buttons(struck) == []
    assert "~Wrong channel, sorry~" in shown(struck)
    assert f"Deleted at Phare by <@{ALLOWED}>" in shown(struck)
    first, second = sorted(flow.told(), key=lambda said: not said.startswith("Deleting"))
    assert first.startswith(f"Deleting Phare update `{remote_id}`")
    assert second in {  # the second click came while the first was stored, or after
        f"Already asked to delete Phare update `{remote_id}`: {THREAD_SAYS}",
        f"This Phare update is being deleted; {THREAD_SAYS}",
    }
    await flow.delete(receipt)
    assert flow.told()[-1] == "This Phare update was deleted; there is nothing left to change."
    assert len(flow.phare.deletions) == 1


async def test_a_vendor_refusing_the_deletion_is_shown_in_its_words(flow: Flow) -> None:
    await flow.publish("Only update", targets=(CHECKLY,))
    receipt = await flow.receipt("Checkly accepted")
    flow.checkly.script.append(Refused(400, LAST_UPDATE))
    await flow.delete(receipt)
    await flow.deliver()

    refusal = await flow.receipt("was refused")
    assert LAST_UPDATE in shown(refusal)
    assert "Not retried: the update is still published at Checkly." in shown(refusal)
    assert f"The deletion by <@{ALLOWED}>" in shown(refusal)
    assert buttons(flow.message(receipt["ts"])) == CHANGE_BUTTONS
    assert len(flow.checkly.stored[CHECKLY.incident_id]) == 1
    await flow.delete(receipt)  # asked again once it could work: a new deletion is stored
    await flow.deliver()
    assert len(flow.checkly.deletions) == 2
    await flow.receipt("deleted the Checkly update")


async def test_people_not_allowed_are_told_privately_and_nothing_changes(flow: Flow) -> None:
    await flow.publish("DB is down")
    receipt = await flow.receipt("Phare accepted")
    await flow.delete(receipt, user=OUTSIDER)
    await flow.edit(receipt, user=OUTSIDER)
    await flow.deliver()
    assert (
        flow.told(OUTSIDER)
        == ["You are not on the list of people allowed to publish status updates with this bot."]
        * 2
    )
    assert flow.slack.calls("views.open") == []
    assert (flow.phare.edits, flow.phare.deletions) == ([], [])
    await flow.edit(receipt)
    errors = await flow.submit(flow.opened_view(), {"message_input": "x"}, user=OUTSIDER)
    assert "not on the list" in errors[ids.MESSAGE_BLOCK]
    await flow.deliver()
    assert flow.phare.edits == []


async def test_an_edit_retried_after_a_passing_failure_is_reported_like_an_update(
    flow: Flow, clock: FakeClock
) -> None:
    await flow.publish("Slow vendor")
    receipt = await flow.receipt("Phare accepted")
    flow.phare.script.append(Retry("Phare answered 503 Service Unavailable", status=503))
    await flow.edit(receipt)
    assert await flow.submit(flow.opened_view(), {"message_input": "Slow vendor, fixed"}) == {}
    await flow.deliver()
    retrying = await flow.receipt("503 Service Unavailable")
    assert "Retrying in" in shown(retrying)
    assert buttons(retrying) == []
    assert "Edit of Phare update" in shown(retrying)
    clock.advance(120)
    await flow.deliver()
    await flow.receipt("edited the Phare update")
    assert len(flow.phare.edits) == 2


async def test_a_receipt_that_cannot_be_redrawn_is_logged_and_the_reply_goes_out(
    flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    await flow.publish("Gone soon")
    receipt = await flow.receipt("Phare accepted")
    await flow.delete(receipt)
    flow.slack.fail_next("chat.update", "message_not_found")
    with caplog.at_level(logging.WARNING):
        await flow.deliver()
        await flow.receipt("deleted the Phare update")
    assert "cannot be edited: message_not_found" in caplog.text
    assert buttons(flow.message(receipt["ts"])) == CHANGE_BUTTONS


async def test_receipts_of_edits_and_deletions_offer_no_buttons(flow: Flow, repo: Repo) -> None:
    stored = await flow.publish("Resolved now", State.RESOLVED)
    await flow.receipt("Phare accepted")
    reports = await repo.deliveries_of(stored.id)
    assert [r.operation for r in reports] == [Operation.PUBLISH, Operation.RECOVER]
    [published] = flow.replies("Phare accepted")
    assert buttons(published) == CHANGE_BUTTONS
    [recovered] = flow.replies("Recovered the Phare incident")
    assert buttons(recovered) == []
