"""The real `serve` killed with SIGKILL while a vendor holds an edit open after applying it:
the restart reads the vendor's update before trying again, finds the edit there, sends
nothing more, and the thread reports it — one edit at the vendor."""

import time

import pytest

from tests.e2e.change_steps import (
    fake_of,
    held,
    lists_of,
    message_at,
    publish,
    save_edit,
    thread_replies,
    update_path,
    wait_reply,
)
from tests.e2e.harness import Stack, wait_until
from tests.e2e.slack_flows import MESSAGE_ACTION, RESPONDER, STATE_ACTION, SlackSession, shown
from tests.fakes.replies import Reply

NEW_TEXT = "Card payments fail; a fix is rolling out"
EDIT_METHOD = {"Phare": "POST", "Checkly": "PUT"}
REPORTED_WITHIN = 30.0
"""Seconds from the restart to the reply: the takeover promise (10 s), with room for a
loaded machine."""


@pytest.mark.parametrize("where", ["phare", "page"], ids=["phare", "checkly-status-page"])
def test_killed_during_an_edit_the_restart_finds_it_applied_and_reports_it_once(
    stack: Stack, where: str
) -> None:
    session = SlackSession(stack, stack.start_bot())
    sent = publish(session, where, "investigating Checkout is failing")
    channel, (receipt,), (published,) = sent.room.channel, sent.receipts, sent.updates
    vendor = fake_of(session, sent.vendor)
    vendor.script_to("edit", Reply.apply_then_hang())
    edits_path, method = update_path(sent, published["id"]), EDIT_METHOD[sent.vendor]

    save_edit(session, channel, receipt, **{STATE_ACTION: "monitoring", MESSAGE_ACTION: NEW_TEXT})
    wait_until(lambda: _content(held(session, sent.vendor, sent.incident)[0]) == NEW_TEXT)
    looked_before = len(lists_of(session, sent))
    session.bot.kill()
    assert thread_replies(session, channel, "edited the") == []

    restarted_at = time.monotonic()
    session = SlackSession(stack, stack.start_bot())
    by = f"<@{RESPONDER}>"
    wait_until(
        lambda: thread_replies(session, channel, f"{by} edited the {sent.vendor} update"),
        timeout=REPORTED_WITHIN,
    )
    print(f"reported {time.monotonic() - restarted_at:.1f} s after the restart")
    reply = wait_reply(session, channel, f"edited the {sent.vendor} update `{published['id']}`")
    assert f"now :hourglass_flowing_sand: *Monitoring*\n> {NEW_TEXT}" in shown(reply)
    edits = vendor.requests_to(method, edits_path)
    assert len(edits) == 1  # applied, held open, never sent again
    looked_after = lists_of(session, sent)[looked_before:]
    assert looked_after, "the restart did not read the vendor's updates"
    assert looked_after[0].at > edits[0].at
    (now,) = held(session, sent.vendor, sent.incident)
    assert (now["id"], _content(now)) == (published["id"], NEW_TEXT)
    redrawn = shown(message_at(session, channel, receipt["ts"]))
    assert f"Edited by {by}: now :hourglass_flowing_sand: *Monitoring*\n> {NEW_TEXT}" in redrawn


def _content(update: dict[str, object]) -> object:
    """An update's text as its vendor names it."""
    return update.get("content", update.get("description"))
