"""A reaction Slack was told was received is published even when `serve` is killed before the
reaction became an update: the restarted bot takes it over, and it is published once."""

from tests.e2e.harness import Stack
from tests.e2e.slack_flows import WAIT_SECONDS, SlackSession
from tests.e2e.test_slack_reactions import contents, incident_room

# A received reaction is left to the process that answered Slack for 15 s, then taken over.
TAKEN_OVER_WITHIN = 15.0 + WAIT_SECONDS


def test_a_reaction_answered_before_a_sigkill_is_published_once_after_restart(
    stack: Stack,
) -> None:
    session = SlackSession(stack, stack.start_bot())
    room = incident_room(session)
    reply = session.seed_reply(room.channel, "Payments are flowing again")
    session.slack.stall_next("conversations.replies")  # Slack is slow to give the reply's text

    answer = session.react(room.channel, reply, "hourglass_flowing_sand")
    assert answer.status_code == 200
    session.slack.wait_for_calls("conversations.replies", timeout=WAIT_SECONDS)
    session.bot.kill()
    assert contents(session, room) == (["Checkout is failing"], ["Checkout is failing"])

    restarted = SlackSession(stack, stack.start_bot())
    restarted.wait_published(room, phare=2, checkly=2, timeout=TAKEN_OVER_WITHIN)
    barrier = restarted.seed_reply(room.channel, "Monitoring for another hour")
    restarted.react(room.channel, barrier, "hourglass_flowing_sand")
    restarted.wait_published(room, phare=3, checkly=3)

    phare, checkly = contents(restarted, room)
    assert phare == [
        "Checkout is failing",
        "Payments are flowing again",
        "Monitoring for another hour",
    ]
    assert checkly == phare
    assert restarted.slack.ephemeral() == []  # nobody was told it failed
    assert len(restarted.wait_receipts(room.channel, "Phare", 3)) == 3
