"""The core of the composition root: store, provider router, delivery engine and its timers,
the road every update takes with or without Slack (bot/app.py adds Slack around it)."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from bot.config import ChecklySettings, PhareSettings, Settings
from bot.delivery.engine import DeliveryEngine
from bot.delivery.scheduler import DeliveryScheduler
from bot.domain.models import Target
from bot.domain.open_at import open_places
from bot.domain.records import Notifier
from bot.domain.states import ProviderName
from bot.metrics import Metrics
from bot.providers.base import DEFAULT_TIMEOUT, Provider
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.providers.router import ProviderRouter
from bot.store.database import is_sqlite
from bot.store.repo import Repo, open_repo
from bot.store.wakeups import PostgresWakeups

PURGE_JOB_ID = "purge-seen-events"
PURGE_INTERVAL_SECONDS = 600.0
# Every connection kept alive: the engine keeps up to 16 sends per provider under way.
HTTP_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=50)
PLACEHOLDER = SecretStr("unset")

PeriodicJob = tuple[str, Callable[[], Awaitable[object]], float]


def build_http_client() -> httpx.AsyncClient:
    """The one shared provider client: explicit timeouts, keep-alive."""
    return httpx.AsyncClient(
        timeout=DEFAULT_TIMEOUT,
        limits=HTTP_LIMITS,
        headers={"User-Agent": "incident-bot", "Accept": "application/json"},
    )


def build_router(
    settings: Settings, http: httpx.AsyncClient, metrics: Metrics | None = None
) -> ProviderRouter:
    """The router over a client for each provider whose credentials are set."""
    providers: dict[ProviderName, Provider] = {}
    if settings.phare is not None:
        providers[ProviderName.PHARE] = PhareClient(http, settings.phare)
    if settings.checkly is not None:
        providers[ProviderName.CHECKLY] = ChecklyClient(http, settings.checkly)
    return ProviderRouter(providers, metrics)


def open_places_of(settings: Settings) -> tuple[Target, ...]:
    """Where `open` opens an incident: every configured vendor that can open one."""
    page = settings.checkly.status_page_id if settings.checkly is not None else None
    return open_places(settings.phare is not None, page)


def build_preview_router(settings: Settings, http: httpx.AsyncClient) -> ProviderRouter:
    """A router over every provider, placeholders where credentials are unset (dry runs)."""
    phare = settings.phare or PhareSettings(api_token=PLACEHOLDER, api_url="https://api.phare.io")
    checkly = settings.checkly or ChecklySettings(
        api_key=PLACEHOLDER, account_id="<CHECKLY_ACCOUNT_ID>", api_url="https://api.checklyhq.com"
    )
    return ProviderRouter(
        {
            ProviderName.PHARE: PhareClient(http, phare),
            ProviderName.CHECKLY: ChecklyClient(http, checkly),
        }
    )


@dataclass
class Core:
    """Store, router and engine: the road every update takes, with or without Slack."""

    repo: Repo
    router: ProviderRouter
    engine: DeliveryEngine
    metrics: Metrics


@contextlib.asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[tuple[Repo, Metrics]]:
    """The migrated store, and the process's metrics (reading the backlog from it)."""
    repo = await open_repo(settings.store.url)
    try:
        yield repo, Metrics(repo.queue.backlog)
    finally:
        await repo.close()


@contextlib.asynccontextmanager
async def open_core(
    settings: Settings,
    store: tuple[Repo, Metrics],
    notifier: Callable[[Repo], Notifier] | None = None,
) -> AsyncIterator[Core]:
    """The provider router and the engine over the store (not yet delivering)."""
    repo, metrics = store
    async with build_http_client() as http:
        router = build_router(settings, http, metrics)
        told = None if notifier is None else notifier(repo)
        engine = DeliveryEngine(repo, router, told, metrics=metrics)
        yield Core(repo=repo, router=router, engine=engine, metrics=metrics)


@contextlib.asynccontextmanager
async def delivering(core: Core, settings: Settings, *jobs: PeriodicJob) -> AsyncIterator[None]:
    """Run the worker: heartbeat, deliveries, reports, wake-ups and timers, until exit."""
    engine = core.engine
    scheduler = DeliveryScheduler(engine)
    scheduler.add_periodic(PURGE_JOB_ID, core.repo.purge_seen_events, PURGE_INTERVAL_SECONDS)
    for job_id, job, seconds in jobs:
        scheduler.add_periodic(job_id, job, seconds)
    wakeups = None
    if not is_sqlite(core.repo.engine):
        wakeups = PostgresWakeups(settings.store.url, engine.wake)
        await wakeups.start()
    await engine.start()
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown()
        if wakeups is not None:
            await wakeups.stop()
        await engine.stop()
