"""What e2e tests read back: delivery rows through the store API, requests the fakes received."""

from pathlib import Path

from sqlalchemy import select

from bot.domain.models import DeliveryStatus
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName
from bot.store.repo import Repo
from bot.store.schema import deliveries
from tests.e2e.harness import LINK_BOTH, BotProcess, Stack
from tests.fakes.fixtures import PHARE_INCIDENT
from tests.fakes.replies import Reply
from tests.fakes.vendor import RecordedRequest, VendorFake
from tests.polling import eventually

PHARE = ProviderName.PHARE
CHECKLY = ProviderName.CHECKLY


async def delivery(store: Repo, update_id: int, provider: ProviderName) -> DeliveryReport:
    """The update's delivery row for one provider, as it stands now."""
    reports = await store.deliveries_of(update_id)
    return next(r for r in reports if r.target.provider is provider)


async def settles(
    store: Repo,
    update_id: int,
    provider: ProviderName,
    status: DeliveryStatus,
    within: float = 20.0,
) -> DeliveryReport:
    """Wait until the delivery row reaches `status`; the row."""

    async def probe() -> DeliveryReport | None:
        report = await delivery(store, update_id, provider)
        return report if report.status is status else None

    return await eventually(probe, within)


def creates(fake: VendorFake) -> list[RecordedRequest]:
    """Every create request a vendor fake received, oldest first."""
    return fake.requests_to("POST", "/updates")


async def creates_arrive(
    fake: VendorFake, count: int, within: float = 20.0
) -> list[RecordedRequest]:
    """Wait until the fake received at least `count` create requests; all of them."""

    async def probe() -> list[RecordedRequest] | None:
        posts = creates(fake)
        return posts if len(posts) >= count else None

    return await eventually(probe, within)


def phare_lists(stack: Stack) -> list[RecordedRequest]:
    """Every list request Phare received (the bot looking for an update it may have sent)."""
    return stack.phare.requests_to("GET", "/updates")


def phare_texts(stack: Stack) -> list[str]:
    """The contents Phare holds for the bound incident, oldest first."""
    return [u["content"] for u in stack.phare.applied(PHARE_INCIDENT)]


async def lease_owner_pid(store: Repo, update_id: int) -> int | None:
    """The pid of the worker process that holds the update's Phare delivery."""
    async with store.engine.connect() as conn:
        found = await conn.execute(
            select(deliveries.c.lease_owner).where(
                deliveries.c.update_id == update_id, deliveries.c.provider == PHARE.value
            )
        )
        owner = found.scalar_one_or_none()
    return None if owner is None else int(owner.split(":")[-2])


def parent_pid(pid: int) -> int:
    """The pid of a process's parent (`serve` for its worker child), from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


async def send_held_open(stack: Stack, store: Repo, text: str) -> tuple[BotProcess, int]:
    """A new bot sending `text` to Phare, which holds the request open; the bot, the update."""
    stack.phare.script(Reply.hang())
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, text)
    await settles(store, update_id, PHARE, DeliveryStatus.IN_FLIGHT)
    await creates_arrive(stack.phare, 1)
    return bot, update_id
