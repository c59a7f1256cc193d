"""Edit and Delete on accepted receipts through the real `incident-bot serve`: each reaches the
vendor as its document says (the fakes check every request), changes or removes that one
update there, and the thread shows it: the receipt redrawn, a reply saying who did what, or the
vendor's refusal in its words. Only INCIDENT_BOT_ALLOWED_USERS may change an update.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.change_steps import (
    DELETE,
    EDIT,
    NOT_ALLOWED,
    click,
    double_click,
    field_value,
    held,
    message_at,
    open_edit,
    publish,
    redraws_of,
    save_edit,
    thread_replies,
    told,
    update_path,
    wait_reply,
)
from tests.e2e.slack_flows import (
    MESSAGE_ACTION,
    RESPONDER,
    STATE_ACTION,
    SlackSession,
    running_session,
    shown,
)
from tests.fakes.checkly_rules import LAST_UPDATE
from tests.fakes.replies import Reply
from tests.interactive.live import buttons

OUTSIDER = "U0OUTSIDE1"
BY = f"<@{RESPONDER}>"
DELETED = "This Phare update was deleted; there is nothing left to change."
PHARE_FORBIDDEN = "This API key may not change incident updates of this project."


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process for every test of this module; only RESPONDER may publish."""
    home: Path = tmp_path_factory.mktemp("edit-delete")
    with running_session(home, INCIDENT_BOT_ALLOWED_USERS=RESPONDER) as running:
        yield running


def test_an_edit_changes_the_phare_update_in_place_and_the_thread_says_who(
    session: SlackSession,
) -> None:
    sent = publish(session, "phare", "investigating Checkout is failing")
    channel, (receipt,), (published,) = sent.room.channel, sent.receipts, sent.updates
    view = open_edit(session, channel, receipt)
    assert field_value(view, MESSAGE_ACTION) == "Checkout is failing"

    answer = session.submit(
        view, {STATE_ACTION: "identified", MESSAGE_ACTION: "Card payments fail; cause found"}
    )

    assert answer.json() == {"response_action": "clear"}
    reply = wait_reply(session, channel, f"{BY} edited the Phare update `{published['id']}`")
    assert "now :mag: *Identified*\n> Card payments fail; cause found" in shown(reply)
    edits = session.stack.phare.requests_to("POST", update_path(sent, published["id"]))
    assert [r.json for r in edits] == [
        {"state": "identified", "content": "Card payments fail; cause found"}
    ]
    (now,) = held(session, "Phare", sent.incident)
    assert (now["id"], now["state"], now["content"]) == (
        published["id"],
        "identified",
        "Card payments fail; cause found",
    )
    assert len(redraws_of(session, channel, receipt["ts"])) == 1
    redrawn = message_at(session, channel, receipt["ts"])
    edited = f"Edited by {BY}: now :mag: *Identified*\n> Card payments fail; cause found"
    assert edited in shown(redrawn)
    assert buttons(redrawn) == [EDIT, DELETE]


def test_delete_clicked_twice_deletes_once_at_phare_and_strikes_the_receipt(
    session: SlackSession,
) -> None:
    sent = publish(session, "phare", "investigating Wrong channel, sorry")
    channel, (receipt,), (published,) = sent.room.channel, sent.receipts, sent.updates
    update_id = published["id"]

    double_click(session, channel, receipt, DELETE)

    wait_reply(session, channel, f"{BY} deleted the Phare update `{update_id}`")
    assert len(session.stack.phare.requests_to("DELETE", update_path(sent, update_id))) == 1
    assert held(session, "Phare", sent.incident) == []
    struck = message_at(session, channel, receipt["ts"])
    assert "~Wrong channel, sorry~" in shown(struck)
    assert f"Deleted at Phare by {BY}." in shown(struck)
    assert buttons(struck) == []
    answers = told(session, channel, RESPONDER, 2)
    first, second = sorted(answers, key=lambda said: not said.startswith("Deleting"))
    thread_says = "the thread will say when Phare answers."
    assert first == f"Deleting Phare update `{update_id}`: {thread_says}"
    assert second in {  # the second click read the first's deletion stored, under way or done
        f"Already asked to delete Phare update `{update_id}`: {thread_says}",
        f"This Phare update is being deleted; {thread_says}",
        DELETED,
    }
    click(session, channel, receipt, DELETE)  # an old copy of the receipt, clicked again
    assert told(session, channel, RESPONDER, 3)[-1] == DELETED
    assert len(session.stack.phare.requests_to("DELETE", update_path(sent, update_id))) == 1


def test_a_phare_edit_refused_with_403_is_shown_in_phares_words(session: SlackSession) -> None:
    sent = publish(session, "phare", "investigating Checkout is failing")
    channel, (receipt,) = sent.room.channel, sent.receipts
    session.stack.phare.script_to("edit", Reply.forbidden(PHARE_FORBIDDEN))

    save_edit(session, channel, receipt, **{MESSAGE_ACTION: "Checkout is failing for cards"})

    refusal = shown(wait_reply(session, channel, "was refused"))
    assert f"The edit by {BY} at Phare incident `{sent.incident}` was refused." in refusal
    assert f"(HTTP 403): {PHARE_FORBIDDEN}" in refusal
    assert "Not retried: the update stands unchanged at Phare." in refusal
    assert held(session, "Phare", sent.incident) == sent.updates
    assert redraws_of(session, channel, receipt["ts"]) == []
    assert thread_replies(session, channel, "edited the Phare update") == []


def test_a_checkly_dashboard_update_edited_keeps_its_status_and_takes_the_new_text(
    session: SlackSession,
) -> None:
    sent = publish(session, "checkly", "identified A bad deploy")
    channel, (receipt,), (published,) = sent.room.channel, sent.receipts, sent.updates

    save_edit(session, channel, receipt, **{MESSAGE_ACTION: "A bad deploy of the payments API"})

    wait_reply(session, channel, f"{BY} edited the Checkly update `{published['id']}`")
    (put,) = session.stack.checkly.requests_to("PUT", update_path(sent, published["id"]))
    assert put.json == {"description": "A bad deploy of the payments API"}
    (now,) = held(session, "Checkly", sent.incident)
    assert (now["id"], now["status"], now["description"]) == (
        published["id"],
        "IDENTIFIED",
        "A bad deploy of the payments API",
    )
    redrawn = shown(message_at(session, channel, receipt["ts"]))
    assert f"Edited by {BY}: now :mag: *Identified*\n> A bad deploy of the payments API" in (
        redrawn
    )


def test_a_checkly_dashboard_update_is_deleted_and_the_others_stay(
    session: SlackSession,
) -> None:
    sent = publish(
        session, "checkly", "investigating Posted in the wrong incident", "identified Bad deploy"
    )
    channel, (wrong_receipt, _), (wrong, kept) = sent.room.channel, sent.receipts, sent.updates

    click(session, channel, wrong_receipt, DELETE)

    wait_reply(session, channel, f"{BY} deleted the Checkly update `{wrong['id']}`")
    (deleted,) = session.stack.checkly.requests_to("DELETE", update_path(sent, wrong["id"]))
    assert deleted.body == b""
    assert held(session, "Checkly", sent.incident) == [kept]
    struck = message_at(session, channel, wrong_receipt["ts"])
    assert "~Posted in the wrong incident~" in shown(struck)
    assert buttons(struck) == []


def test_deleting_the_last_checkly_update_is_refused_in_checklys_words(
    session: SlackSession,
) -> None:
    sent = publish(session, "checkly", "investigating The only update")
    channel, (receipt,), (published,) = sent.room.channel, sent.receipts, sent.updates

    click(session, channel, receipt, DELETE)

    refusal = shown(wait_reply(session, channel, "was refused"))
    assert f"The deletion by {BY} at Checkly incident `{sent.incident}` was refused." in refusal
    assert f"(HTTP 400): {LAST_UPDATE}" in refusal
    assert "Not retried: the update is still published at Checkly." in refusal
    assert len(session.stack.checkly.requests_to("DELETE", update_path(sent, published["id"]))) == 1
    assert held(session, "Checkly", sent.incident) == [published]
    assert redraws_of(session, channel, receipt["ts"]) == []
    assert buttons(message_at(session, channel, receipt["ts"])) == [EDIT, DELETE]


def test_a_status_page_update_edited_keeps_its_publish_time_then_another_is_deleted(
    session: SlackSession,
) -> None:
    sent = publish(session, "page", "investigating Checkout is failing", "monitoring Too early")
    channel, (first, second), (published, early) = sent.room.channel, sent.receipts, sent.updates

    save_edit(session, channel, first, **{STATE_ACTION: "identified", MESSAGE_ACTION: "Bad deploy"})

    wait_reply(session, channel, f"{BY} edited the Checkly update `{published['id']}`")
    (put,) = session.stack.checkly.requests_to("PUT", update_path(sent, published["id"]))
    assert put.json == {
        "status": "IDENTIFIED",
        "description": "Bad deploy",
        "publicIncidentUpdateDate": published["publicIncidentUpdateDate"],
    }
    edited, _ = held(session, "Checkly", sent.incident)
    assert edited == {**published, "status": "IDENTIFIED", "description": "Bad deploy"}
    click(session, channel, second, DELETE)
    wait_reply(session, channel, f"{BY} deleted the Checkly update `{early['id']}`")
    assert len(session.stack.checkly.requests_to("DELETE", update_path(sent, early["id"]))) == 1
    assert held(session, "Checkly", sent.incident) == [edited]
    assert "~Too early~" in shown(message_at(session, channel, second["ts"]))


def test_people_not_allowed_are_told_privately_and_nothing_changes(
    session: SlackSession,
) -> None:
    sent = publish(session, "phare", "investigating Checkout is failing")
    channel, (receipt,) = sent.room.channel, sent.receipts
    before = session.provider_requests()
    opened = len(session.slack.calls("views.open"))

    click(session, channel, receipt, EDIT, user=OUTSIDER)
    click(session, channel, receipt, DELETE, user=OUTSIDER)

    assert told(session, channel, OUTSIDER, 2) == [NOT_ALLOWED, NOT_ALLOWED]
    assert len(session.slack.calls("views.open")) == opened
    assert session.provider_requests() == before
    assert redraws_of(session, channel, receipt["ts"]) == []
    assert held(session, "Phare", sent.incident) == sent.updates
