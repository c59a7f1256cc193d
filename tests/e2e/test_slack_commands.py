"""`/incident-update` subcommands against the real `incident-bot serve`, over loopback.

What the caller sees is the ephemeral text of Slack's answer; what changed is checked through
`status` and through the requests the providers received.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.slack_flows import (
    CHECKLY_ACTION,
    MESSAGE_ACTION,
    PHARE_ACTION,
    PUBLISHED_AT_ACTION,
    STATE_ACTION,
    SlackSession,
    running_session,
)
from tests.slack.signing import (
    SignedRequest,
    event_callback,
    interaction,
    reaction_added_event,
    slash_command,
    view_submission_payload,
)

VALID_STATES = (
    "Valid states: `unknown`, `investigating`, `identified`, `monitoring`, `resolved`, "
    "`maintenance`."
)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process for every test of this module."""
    home: Path = tmp_path_factory.mktemp("commands")
    with running_session(home) as running:
        yield running


def test_link_binds_both_incidents_and_status_shows_them(session: SlackSession) -> None:
    room = session.new_room()

    answer = session.link(room)

    assert answer == (
        f"This channel now publishes to Phare incident `{room.phare_id}`, "
        f"Checkly incident `{room.checkly_id}`."
    )
    status = session.command(room.channel, "status")
    assert (
        f"*Linked:* Phare incident `{room.phare_id}`, Checkly incident `{room.checkly_id}`"
        in status
    )
    assert "*Current state:* none yet" in status
    assert "*Last update:* none yet" in status


def test_link_with_a_bad_id_names_it_and_changes_nothing(session: SlackSession) -> None:
    room = session.new_room()
    session.command(room.channel, f"link {room.phare_target}")
    before = session.provider_requests()

    bad_phare = session.command(room.channel, "link phare:12ab")
    bad_checkly = session.command(room.channel, f"link {room.phare_target} checkly:not-a-uuid")

    assert (
        bad_phare == "Phare incident id '12ab' is not a positive whole number. Nothing was changed."
    )
    assert bad_checkly == "Checkly incident id 'not-a-uuid' is not a UUID. Nothing was changed."
    status = session.command(room.channel, "status")
    assert f"*Linked:* Phare incident `{room.phare_id}`\n" in status
    assert "Checkly" not in status
    assert session.provider_requests() == before


def test_unlink_one_provider_then_all(session: SlackSession) -> None:
    room = session.new_room()
    session.link(room)

    one = session.command(room.channel, "unlink checkly")

    assert one == f"Unlinked Checkly. Still linked: Phare incident `{room.phare_id}`."
    status = session.command(room.channel, "status")
    assert f"*Linked:* Phare incident `{room.phare_id}`\n" in status
    assert room.checkly_id not in status

    session.link(room)
    everything = session.command(room.channel, "unlink")

    assert everything == (
        "Unlinked every provider. This channel is no longer linked to any incident."
    )
    assert session.command(room.channel, "status").startswith(
        "This channel is not linked to any incident yet."
    )


def test_help_lists_every_subcommand_state_and_reaction(session: SlackSession) -> None:
    room = session.new_room()

    text = session.command(room.channel, "help")

    assert text.startswith("*/incident-update* publishes status-page updates to Phare and Checkly.")
    for usage in ("link phare:", "unlink [phare|checkly]", "status", "help"):
        assert f"`/incident-update {usage}" in text
    assert "States: `unknown`, `investigating`, `identified`, `monitoring`, `resolved`" in text
    assert "Phare has unknown, investigating, identified, monitoring, resolved" in text
    assert (
        "Checkly dashboard incidents have investigating, identified, monitoring, resolved, "
        "maintenance; Checkly status-page incidents have investigating, identified, "
        "monitoring, resolved."
    ) in text
    assert "checkly:&lt;status-page-uuid&gt;/&lt;incident-uuid&gt;" in text
    assert ":eyes: investigating" in text
    assert ":wrench: maintenance" in text


def test_inline_update_goes_to_both_and_status_reports_each_delivery(
    session: SlackSession,
) -> None:
    room = session.new_room()
    session.link(room)

    answer = session.command(room.channel, "identified Bad deploy of the API &amp; workers")

    assert answer.startswith("Stored update #")
    assert (
        f"(*identified*), going out to Phare incident `{room.phare_id}`, "
        f"Checkly incident `{room.checkly_id}`." in answer
    )
    session.wait_published(room, phare=1, checkly=1)
    assert session.phare_bodies(room) == [
        {"state": "identified", "content": "Bad deploy of the API & workers"}
    ]
    assert session.checkly_bodies(room) == [
        {"status": "IDENTIFIED", "description": "Bad deploy of the API & workers"}
    ]
    phare_id = session.stack.phare.applied(room.phare_id)[0]["id"]
    checkly_id = session.stack.checkly.applied(room.checkly_id)[0]["id"]
    session.wait_receipts(room.channel, "Phare")
    session.wait_receipts(room.channel, "Checkly")

    status = session.command(room.channel, "status")

    update_no = answer.removeprefix("Stored update #").split(" ", 1)[0]
    assert "*Current state:* identified" in status
    assert f"*Last update:* #{update_no} identified by <@U0RESP0001>, <!date^" in status
    assert ": Bad deploy of the API &amp; workers\n" in status
    lines = status.split("\n")
    assert (
        f"• Phare incident `{room.phare_id}` (update #{update_no}): "
        f"accepted (provider update {phare_id})" in lines
    )
    assert (
        f"• Checkly incident `{room.checkly_id}` (update #{update_no}): "
        f"accepted (provider update {checkly_id})"
    ) in lines


def test_unknown_state_lists_the_valid_ones_and_sends_nothing(session: SlackSession) -> None:
    room = session.new_room()
    session.link(room)
    before = session.provider_requests()

    text = session.command(room.channel, "fixed Everything is fine")

    assert text == (
        f"`fixed` is not a state or a subcommand. {VALID_STATES} "
        "Subcommands: `open`, `link`, `unlink`, `status`, `help`."
    )
    assert session.provider_requests() == before
    assert "*Last update:* none yet" in session.command(room.channel, "status")


def test_inline_update_without_a_binding_explains_how_to_link(session: SlackSession) -> None:
    room = session.new_room()
    before = session.provider_requests()

    text = session.command(room.channel, "investigating Checkout fails")

    assert text.startswith("This channel is not linked to any incident yet. Link it first: ")
    assert "`/incident-update link phare:" in text
    assert session.provider_requests() == before


def test_maintenance_with_phare_bound_is_refused_and_nothing_is_sent(
    session: SlackSession,
) -> None:
    room = session.new_room()
    session.link(room)
    before = session.provider_requests()

    text = session.command(room.channel, "maintenance Database upgrade tonight")

    assert text == (
        "Nothing was sent:\n"
        "• Phare has no 'maintenance' state "
        "(it has: unknown, investigating, identified, monitoring, resolved)."
    )
    assert session.provider_requests() == before
    assert session.slack.messages(room.channel) == []
    assert "*Last update:* none yet" in session.command(room.channel, "status")


def test_no_text_opens_the_form_prefilled_from_the_binding(session: SlackSession) -> None:
    room = session.new_room()
    session.link(room)

    view = session.open_modal(room.channel)

    assert view["callback_id"] == "incident_update_modal"
    assert view["title"]["text"] == "Incident update"
    inputs = {
        b["element"]["action_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"
    }
    assert inputs[PHARE_ACTION]["initial_value"] == room.phare_id
    assert inputs[CHECKLY_ACTION]["initial_value"] == room.checkly_id
    assert inputs[STATE_ACTION]["initial_option"]["value"] == "investigating"
    assert inputs[MESSAGE_ACTION]["type"] == "plain_text_input"
    assert inputs[PUBLISHED_AT_ACTION]["type"] == "datetimepicker"


def test_forged_or_stale_requests_get_401_and_change_nothing(session: SlackSession) -> None:
    room = session.new_room()
    live = session.new_room()
    session.link(live)
    session.command(live.channel, "investigating Checkout is failing")
    session.wait_receipts(live.channel, "Phare")
    session.wait_receipts(live.channel, "Checkly")
    reply = session.seed_reply(live.channel, "Rolled back to v41")
    view = session.open_modal(room.channel)
    link = f"link {room.phare_target} {room.checkly_target}"
    now = int(time.time())
    signed_link = slash_command(session.secret, text=link, channel_id=room.channel)
    form = view_submission_payload(
        view, {MESSAGE_ACTION: "Forged", PHARE_ACTION: room.phare_id}, view_id=str(view["id"])
    )
    reaction = reaction_added_event(reaction="white_check_mark", channel_id=live.channel, ts=reply)
    forged: list[SignedRequest] = [
        slash_command("not-the-signing-secret", text=link, channel_id=room.channel),
        slash_command(session.secret, text=link, channel_id=room.channel, timestamp=now - 600),
        slash_command(session.secret, text=link, channel_id=room.channel, timestamp=now + 600),
        slash_command(session.secret, text="help", channel_id=room.channel).with_body(
            signed_link.body
        ),
        signed_link.with_headers(X_Slack_Signature=None),
        signed_link.with_headers(X_Slack_Request_Timestamp="soon"),
        interaction("not-the-signing-secret", form),
        interaction(session.secret, form, timestamp=now - 3600),
        event_callback("not-the-signing-secret", reaction),
        event_callback(session.secret, reaction, timestamp=now - 600, retry_num=1),
    ]
    slack_calls = len(session.slack.calls())
    provider_requests = session.provider_requests()

    answers = [session.bot.post(request) for request in forged]

    assert [a.status_code for a in answers] == [401] * len(forged)
    assert all(a.json() == {"error": "invalid request"} for a in answers)
    status = session.command(room.channel, "status")
    assert status.startswith("This channel is not linked to any incident yet.")
    assert f"*Linked:* Phare incident `{live.phare_id}`" in session.command(live.channel, "status")
    assert len(session.slack.calls()) == slack_calls
    assert session.provider_requests() == provider_requests
    assert session.slack.messages(room.channel) == []
    assert len(session.phare_bodies(live)) == 1
    assert len(session.checkly_bodies(live)) == 1
