"""The real `serve` killed with SIGKILL while a vendor holds an opening open after creating the
incident: the restart lists the vendor's incidents before opening again, finds the one it
made, sends no second create, binds the channel to it and reports it in the thread — one
incident at the vendor. Both vendors are set up; the other one opens as usual."""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.harness import Stack, wait_until
from tests.e2e.slack_flows import WAIT_SECONDS, SlackSession, shown
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_PAGE
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.vendor import RecordedRequest

TITLE = "Checkout is failing for card payments"
REPORTED_WITHIN = 30.0
"""Seconds from the restart to the thread's report: the takeover promise (10 s), with room
for a loaded machine."""


@dataclass(frozen=True)
class Vendor:
    """One vendor as this test drives and reads it."""

    name: str
    prefix: str
    incidents_path: str

    def fake(self, stack: Stack) -> PhareFake | ChecklyFake:
        """The vendor's fake."""
        return stack.phare if self.name == "Phare" else stack.checkly

    def hang_next_open(self, stack: Stack) -> None:
        """The next opening creates the incident and is never answered."""
        if self.name == "Phare":
            stack.phare.script_to("open", Reply.apply_then_hang())
        else:
            stack.checkly.script(Reply.apply_then_hang(), route="open")

    def opened(self, stack: Stack) -> list[str]:
        """The incidents with the test's title the vendor holds, as the bot names them."""
        if self.name == "Phare":
            return [str(i["id"]) for i in stack.phare.incidents() if i["title"] == TITLE]
        found = stack.checkly.incidents_on(CHECKLY_PAGE)
        return [f"{CHECKLY_PAGE}/{i['id']}" for i in found if i["name"] == TITLE]

    def requests(self, stack: Stack, method: str) -> list[RecordedRequest]:
        """The vendor's requests to its incidents list (GET lists, POST creates)."""
        return self.fake(stack).requests_to(method, self.incidents_path)


PHARE = Vendor("Phare", "phare", "/uptime/incidents")
PAGE = Vendor("Checkly", "checkly", f"/v3/status-pages/{CHECKLY_PAGE}/incidents")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """The fakes, with a bot able to open at Phare and on the Checkly status page."""
    with Stack(tmp_path, CHECKLY_STATUS_PAGE_ID=CHECKLY_PAGE, PHARE_MONITOR_IDS="7") as running:
        yield running


@pytest.mark.parametrize("hung", [PHARE, PAGE], ids=["phare", "checkly-status-page"])
def test_killed_while_opening_the_restart_finds_the_incident_and_binds_it(
    stack: Stack, hung: Vendor
) -> None:
    other = PAGE if hung is PHARE else PHARE
    session = SlackSession(stack, stack.start_bot())
    channel = session.new_room().channel
    hung.hang_next_open(stack)
    assert session.command(channel, f"open {TITLE}").startswith(f"Opening “{TITLE}” at Phare")
    wait_until(lambda: hung.opened(stack), timeout=WAIT_SECONDS)
    (incident,) = hung.opened(stack)
    other_receipt = f"Opened at {other.name}: `{other.prefix}:"
    wait_until(lambda: _thread_says(session, channel, other_receipt), timeout=WAIT_SECONDS)
    listed_before = len(hung.requests(stack, "GET"))
    session.bot.kill()
    receipt = f"Opened at {hung.name}: `{hung.prefix}:{incident}`"
    assert not _thread_says(session, channel, receipt)

    restarted_at = time.monotonic()
    session = SlackSession(stack, stack.start_bot())
    wait_until(lambda: _thread_says(session, channel, receipt), timeout=REPORTED_WITHIN)
    print(f"reported {time.monotonic() - restarted_at:.1f} s after the restart")
    assert len(_thread_says(session, channel, receipt)) == 1
    assert hung.opened(stack) == [incident]
    assert len(other.opened(stack)) == 1
    (created,) = hung.requests(stack, "POST")  # created, held open, never sent again
    listed_after = hung.requests(stack, "GET")[listed_before:]
    assert listed_after, "the restart did not list the vendor's incidents"
    assert listed_after[0].at > created.at
    status = session.command(channel, "status")
    assert f"`{incident}`" in status.split("*Linked:*", 1)[1].split("\n", 1)[0]
    assert "opening-" not in status


def _thread_says(session: SlackSession, channel: str, text: str) -> list[str]:
    """The thread replies showing the text."""
    return [shown(m) for m in session.replies(channel) if text in shown(m)]
