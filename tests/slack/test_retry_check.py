"""Retry on a receipt whose delivery ended unclear (the provider may hold the update anyway):
the resend is looked for at the provider first, from when the update was first stored."""

import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.domain.models import (
    DeliveryStatus,
    Outcome,
    Refused,
    Retry,
    Source,
    Submission,
    Target,
    Unclear,
    Update,
)
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.slack.resend import register_resend_buttons
from bot.tasks import TrackedTasks
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.memory_repo import MemoryRepo, RecordingPublisher
from tests.slack.test_commands import SECRET, Bot, start_bot

STORED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PHARE = Target(ProviderName.PHARE, "42")


@dataclass
class OneDelivery:
    """The store's answer for delivery 7: failed, with the outcome a test sets."""

    outcome: Outcome

    async def get_delivery(self, delivery_id: int) -> DeliveryReport | None:
        """Delivery 7 of update 3, in the channel the clicks come from."""
        if delivery_id != 7:
            return None
        submission = Submission(
            Update(State.MONITORING, "Rollback finished"),
            (PHARE,),
            Source.INLINE,
            signing.USER_ID,
            signing.CHANNEL_ID,
            "1700000000.000100",
        )
        update = StoredUpdate(3, submission, STORED_AT)
        return DeliveryReport(update, 7, PHARE, DeliveryStatus.FAILED, 12, self.outcome, None, None)


@pytest.fixture
async def clicked() -> AsyncIterator[tuple[Bot, OneDelivery, RecordingPublisher, TrackedTasks]]:
    """The bot with Retry buttons over delivery 7."""
    lookup, background, repo = OneDelivery(Refused(422, "no")), TrackedTasks(), MemoryRepo()
    publisher = RecordingPublisher(repo)
    register = functools.partial(register_resend_buttons, deliveries=lookup, background=background)
    with FakeSlack() as slack:
        async for bot in start_bot(
            slack, publisher=publisher, repo=repo, register_extra=[register]
        ):
            yield bot, lookup, publisher, background


@pytest.mark.parametrize(
    ("outcome", "looked_for"),
    [
        (Unclear("no answer within 60 s"), True),
        (Retry("Phare had a server error (HTTP 502)", status=502), True),
        (Retry("Phare had a server error (HTTP 503)", status=503), False),
        (Retry("Phare is limiting requests (HTTP 429)", status=429), False),
        (Refused(422, "The content may not mention internal hostnames."), False),
    ],
    ids=["unclear", "gateway-502", "unavailable-503", "limited-429", "refused"],
)
async def test_retry_looks_first_only_where_the_update_may_have_arrived(
    clicked: tuple[Bot, OneDelivery, RecordingPublisher, TrackedTasks],
    outcome: Outcome,
    looked_for: bool,
) -> None:
    bot, lookup, publisher, background = clicked
    lookup.outcome = outcome
    action = signing.receipt_button(ids.RETRY_ACTION, "7", "Retry")

    status, _ = await bot.post(signing.interaction(SECRET, signing.block_actions_payload([action])))
    await background.finish()

    assert status == 200
    (resent,) = publisher.submissions
    assert (resent.source, resent.targets, resent.update.content) == (
        Source.RETRY,
        (PHARE,),
        "Rollback finished",
    )
    assert resent.check_since == (STORED_AT if looked_for else None)
