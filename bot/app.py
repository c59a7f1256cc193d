"""The one composition root: store, provider router, engine, worker, timers, Slack and web apps."""

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from aiohttp import web
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
from bot.redaction import Redactor
from bot.store.database import is_sqlite
from bot.store.repo import Repo, open_repo
from bot.store.wakeups import PostgresWakeups

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

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


@dataclass
class SlackApp:
    """Everything `serve` runs: the core, the web app and (unless Socket Mode) Bolt behind it."""

    settings: Settings
    core: Core
    web_app: web.Application
    bolt_app: object


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, *, worker: bool = True, wake: Callable[[], None] | None = None
) -> AsyncIterator[SlackApp]:
    """The whole Slack app around the core; with `worker`, this process delivers too; `wake`
    is called after each newly stored update (a worker in another process)."""
    async with _core_with_slack(settings) as (core, client):
        app = _slack_app(settings, core, client, wake)
        if not worker:
            yield app
            return
        async with delivering(core, settings, *_reminder_jobs(settings, core, client)):
            yield app


@contextlib.asynccontextmanager
async def running_worker(settings: Settings) -> AsyncIterator[web.Application]:
    """A worker alone: deliveries, thread reports and reminders; its web app serves /healthz."""
    from bot.web import build_web_app

    async with working_core(settings) as core:
        yield build_web_app(
            bolt_app=None, signing_secret=None, healthy=core.repo.ping, metrics=core.metrics
        )


@contextlib.asynccontextmanager
async def working_core(settings: Settings) -> AsyncIterator[Core]:
    """The core with its worker running: deliveries, thread reports and reminders."""
    async with (
        _core_with_slack(settings) as (core, client),
        delivering(core, settings, *_reminder_jobs(settings, core, client)),
    ):
        yield core


@contextlib.asynccontextmanager
async def _core_with_slack(settings: Settings) -> "AsyncIterator[tuple[Core, AsyncWebClient]]":
    """The core, telling Slack through one Web API client over one kept-alive session."""
    from bot.slack.app import build_web_client, build_web_session

    token = settings.slack.bot_token
    if token is None:
        raise ValueError("SLACK_BOT_TOKEN is required")
    async with opened_store(settings) as store, build_web_session() as session:
        client = build_web_client(
            token=token,
            base_url=settings.slack.api_url,
            session=session,
            redact=Redactor.of(settings),
            metrics=store[1],
        )
        notifier = functools.partial(_notifier, settings, client)
        async with open_core(settings, store, notifier) as core:
            yield core, client


def _notifier(settings: Settings, client: "AsyncWebClient", repo: Repo) -> Notifier:
    """Slack's notifier, arming each announced update's reminder when reminders are on."""
    from bot.slack.notifier import SlackNotifier
    from bot.slack.reminders import ArmingNotifier
    from bot.store.published import PublishedQueries
    from bot.store.reminders import ReminderQueries

    slack = SlackNotifier(client, repo, PublishedQueries(repo.engine, repo.clock))
    if settings.reminder_minutes <= 0:
        return slack
    reminders = ReminderQueries(repo.engine, repo.clock)
    return ArmingNotifier(slack, reminders, settings.reminder_minutes)


def _reminder_jobs(settings: Settings, core: Core, client: "AsyncWebClient") -> list[PeriodicJob]:
    """The reminder job, when reminders are on."""
    from bot.slack.reminders import JOB_ID, ReminderJob
    from bot.store.reminders import ReminderQueries

    if settings.reminder_minutes <= 0:
        return []
    reminders = ReminderQueries(core.repo.engine, core.repo.clock)
    job = ReminderJob(client, reminders, settings.reminder_minutes, metrics=core.metrics)
    return [(JOB_ID, job.run_due, job.poll_seconds)]


def _slack_app(
    settings: Settings, core: Core, client: "AsyncWebClient", wake: Callable[[], None] | None
) -> SlackApp:
    """The Bolt and web apps around the core and a Web API client."""
    from bot.providers.components import PageComponents
    from bot.slack.app import build_bolt_app
    from bot.slack.changes import register_change_buttons
    from bot.slack.modal_refresh import register_form_refresh
    from bot.slack.ports import Publisher, SlackDeps, SlackOptions
    from bot.slack.reactions import register_reactions
    from bot.slack.reminder_buttons import register_reminder_buttons
    from bot.slack.resend import register_resend_buttons
    from bot.store.lookups import DeliveryLookup
    from bot.store.published import PublishedQueries
    from bot.store.reminders import ReminderQueries
    from bot.web import build_web_app
    from bot.worker_child import WakingPublisher

    options = SlackOptions(
        reactions=settings.reactions,
        allowed_users=settings.allowed_users,
        allowed_groups=settings.allowed_groups,
        reminder_minutes=settings.reminder_minutes,
        providers_on=core.router.configured,
        templates=settings.templates,
        notify_subscribers=settings.checkly is not None and settings.checkly.notify_subscribers,
        open_at=open_places_of(settings),
        phare_monitor_ids=settings.phare.monitor_ids if settings.phare is not None else (),
    )
    publisher: Publisher = core.engine if wake is None else WakingPublisher(core.engine, wake)
    page = settings.checkly.status_page_id if settings.checkly is not None else None
    components = PageComponents(core.router, page)
    deps = SlackDeps(publisher=publisher, repo=core.repo, options=options, components=components)
    secret = settings.slack.signing_secret
    signing = secret.get_secret_value() if secret is not None else None
    socket_mode = settings.slack.socket_mode
    bolt_app = build_bolt_app(
        client=client,
        deps=deps,
        metrics=core.metrics,
        register_extra=[
            register_reactions,
            register_form_refresh,
            functools.partial(
                register_resend_buttons,
                deliveries=DeliveryLookup(core.repo.engine, core.repo.clock),
            ),
            functools.partial(
                register_change_buttons,
                published=PublishedQueries(core.repo.engine, core.repo.clock),
            ),
            functools.partial(
                register_reminder_buttons,
                store=ReminderQueries(core.repo.engine, core.repo.clock),
            ),
        ],
    )
    web_app = build_web_app(
        bolt_app=None if socket_mode else bolt_app,
        signing_secret=signing,
        healthy=core.repo.ping,
        metrics=core.metrics,
    )
    return SlackApp(settings=settings, core=core, web_app=web_app, bolt_app=bolt_app)
