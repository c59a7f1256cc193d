"""User and vendor text never pings in Slack, yet reaches the providers exactly as typed.

Every path that echoes text is taken against the real `incident-bot serve` (inline command,
form, reaction, vendor refusals, status, help); then every call the bot made to Slack, and every
answer it gave to Slack, is scanned for a raw `<!channel>`, `<!here>`, `<!everyone>` or `<@U123>`.
"""

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import wait_until
from tests.e2e.slack_flows import (
    MESSAGE_ACTION,
    STATE_ACTION,
    WAIT_SECONDS,
    SlackSession,
    running_session,
)
from tests.fakes.replies import Reply

PINGS = ("<!channel", "<!here", "<!everyone", "<@U123")
# Typed in Slack: a command's text arrives with & < > escaped; special mentions come as tokens.
INLINE_SENT = "<!channel> &lt;!here&gt; DB &amp; cache down, ask &lt;@U123&gt; <@U123|bob>"
INLINE_TYPED = "<!channel> <!here> DB & cache down, ask <@U123> <@U123|bob>"
# The form's text inputs arrive as typed, unescaped.
FORM_TYPED = "<!here> <!everyone> rollback of <b>v2</b> & restart, cc <@U123>"
# A thread reply as Slack stores it (mentions as tokens, & < > escaped) and as it was typed.
REPLY_STORED = "<!channel> failover &amp; restart done &lt;EU&gt; <@U123>"
REPLY_TYPED = "<!channel> failover & restart done <EU> <@U123>"
VENDOR_422 = {"content": ["The content must not contain <!channel> or <@U123>."]}
VENDOR_403 = "Key lacks access; ask <!here> or <@U123> for the incidents:write permission."


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process for every test of this module."""
    home: Path = tmp_path_factory.mktemp("mentions")
    with running_session(home) as running:
        yield running


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value (keys excluded)."""
    if isinstance(value, str):
        yield value
        # Blocks and views may be sent JSON-encoded inside a form field.
        if value[:1] in "[{":
            with contextlib.suppress(ValueError):
                yield from strings(json.loads(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def raw_pings(value: Any) -> list[str]:
    """The strings that would ping someone if Slack rendered them."""
    return [s for s in strings(value) if any(p in s for p in PINGS)]


def test_mentions_never_reach_slack_raw_but_reach_providers_as_typed(
    session: SlackSession,
) -> None:
    room = session.new_room()
    answers: list[Any] = [session.link(room)]

    answers.append(session.command(room.channel, f"investigating {INLINE_SENT}"))
    session.wait_published(room, phare=1, checkly=1)
    session.wait_receipts(room.channel, "Phare")
    session.wait_receipts(room.channel, "Checkly")

    view = session.open_modal(room.channel)
    submitted = session.submit(view, {STATE_ACTION: "identified", MESSAGE_ACTION: FORM_TYPED})
    answers.append(submitted.json() if submitted.content else {})
    session.wait_published(room, phare=2, checkly=2)
    session.wait_receipts(room.channel, "Phare", 2)
    session.wait_receipts(room.channel, "Checkly", 2)

    reply = session.seed_reply(room.channel, REPLY_STORED)
    assert session.react(room.channel, reply, "hourglass_flowing_sand").status_code == 200
    session.wait_published(room, phare=3, checkly=3)
    session.wait_receipts(room.channel, "Phare", 3)
    session.wait_receipts(room.channel, "Checkly", 3)

    session.stack.phare.script(Reply.invalid(VENDOR_422))
    session.stack.checkly.script(Reply.forbidden(VENDOR_403))
    answers.append(session.command(room.channel, f"resolved {INLINE_SENT}"))
    phare_refusal = session.wait_receipts(room.channel, "Phare", 4)[3]
    checkly_refusal = session.wait_receipts(room.channel, "Checkly", 4)[3]

    answers.append(session.command(room.channel, "status"))
    answers.append(session.command(room.channel, f"fixed {INLINE_SENT}"))
    answers.append(session.command(room.channel, "link phare:<!channel>"))
    wait_until(lambda: _card_shows_refusals(session, room.channel), timeout=WAIT_SECONDS)

    assert [b["content"] for b in session.phare_bodies(room)] == [
        INLINE_TYPED,
        FORM_TYPED,
        REPLY_TYPED,
        INLINE_TYPED,
    ]
    assert [b["description"] for b in session.checkly_bodies(room)] == [
        INLINE_TYPED,
        FORM_TYPED,
        REPLY_TYPED,
        INLINE_TYPED,
    ]
    # The vendors' words are shown, made harmless.
    assert "The content must not contain &lt;!channel&gt; or &lt;@U123&gt;." in phare_refusal
    assert (
        "Key lacks access; ask &lt;!here&gt; or &lt;@U123&gt; for the incidents:write permission."
        in checkly_refusal
    )
    said = [c for c in session.slack.calls() if c.method.startswith(("chat.", "views."))]
    assert {c.method for c in said} >= {"chat.postMessage", "chat.update", "views.open"}
    assert [(c.method, raw_pings(c.params)) for c in said if raw_pings(c.params)] == []
    assert raw_pings(session.slack.ephemeral()) == []
    assert raw_pings(answers) == []


def _card_shows_refusals(session: SlackSession, channel: str) -> bool:
    """Whether the status card was redrawn after both refusals."""
    card = session.slack.messages(channel)[0]
    return str(json.dumps(card)).count("refused (see thread)") == 2
