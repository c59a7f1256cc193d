"""Waiting until the provider fakes hold what was published, and counting what they hold."""

import asyncio
import json
import time
from collections import Counter

from tests.fakes.vendor import RecordedRequest, VendorFake

POLL_SECONDS = 0.01


def created(fake: VendorFake) -> list[RecordedRequest]:
    """Every create request the fake received, in arrival order."""
    return fake.requests_to("POST", "/updates")


def message_of(request: RecordedRequest) -> str:
    """The update text a create request carried (Phare `content`, Checkly `description`)."""
    return text_of(request.json)


def message_of_body(body: bytes) -> str:
    """The update text in a raw create request body."""
    try:
        return text_of(json.loads(body))
    except ValueError:
        return ""


def text_of(payload: object) -> str:
    """`content` (Phare) or `description` (Checkly) of a decoded body."""
    if not isinstance(payload, dict):
        return ""
    return str(payload.get("content") or payload.get("description") or "")


async def wait_for_creates(fakes: list[VendorFake], totals: list[int], within: float) -> bool:
    """Wait until fake `i` has received `totals[i]` creates; False if the deadline passed first."""
    deadline = time.monotonic() + within
    while any(len(created(f)) < total for f, total in zip(fakes, totals, strict=True)):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
    return True


def lost_or_doubled(fake: VendorFake, messages: list[str]) -> tuple[int, int]:
    """How many of `messages` never reached the fake, and how many reached it more than once."""
    seen = Counter(message_of(r) for r in created(fake))
    lost = sum(1 for m in messages if seen[m] == 0)
    doubled = sum(1 for m in messages if seen[m] > 1)
    return lost, doubled
