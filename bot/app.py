"""The one composition root: builds store, HTTP client, providers, engine, Slack and web apps."""

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ChecklySettings, PhareSettings, Settings
from bot.delivery.engine import DeliveryEngine
from bot.delivery.reporting import Notifier, NullNotifier
from bot.delivery.scheduler import DeliveryScheduler
from bot.domain.states import ProviderName
from bot.providers.base import DEFAULT_TIMEOUT, Provider
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.store.reminders import ReminderQueries
from bot.store.repo import Repo, open_repo

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.ports import Publisher, SlackOptions

logger = logging.getLogger(__name__)

PURGE_JOB_ID = "purge-seen-events"
PURGE_INTERVAL_SECONDS = 600.0
HTTP_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=20)
PLACEHOLDER = SecretStr("unset")


def build_http_client() -> httpx.AsyncClient:
    """The one shared provider client: explicit timeouts, keep-alive."""
    return httpx.AsyncClient(
        timeout=DEFAULT_TIMEOUT,
        limits=HTTP_LIMITS,
        headers={"User-Agent": "incident-bot", "Accept": "application/json"},
    )


def build_providers(settings: Settings, http: httpx.AsyncClient) -> dict[ProviderName, Provider]:
    """A client for each provider whose credentials are set."""
    providers: dict[ProviderName, Provider] = {}
    if settings.phare is not None:
        providers[ProviderName.PHARE] = PhareClient(http, settings.phare)
    if settings.checkly is not None:
        providers[ProviderName.CHECKLY] = ChecklyClient(http, settings.checkly)
    return providers


def build_preview_providers(
    settings: Settings, http: httpx.AsyncClient
) -> dict[ProviderName, Provider]:
    """Clients for every provider, with placeholders where credentials are unset (dry runs)."""
    phare = settings.phare or PhareSettings(api_token=PLACEHOLDER, api_url="https://api.phare.io")
    checkly = settings.checkly or ChecklySettings(
        api_key=PLACEHOLDER, account_id="<CHECKLY_ACCOUNT_ID>", api_url="https://api.checklyhq.com"
    )
    return {
        ProviderName.PHARE: PhareClient(http, phare),
        ProviderName.CHECKLY: ChecklyClient(http, checkly),
    }


class StoreUnavailable(Exception):
    """The database named by DATABASE_URL could not be opened (the message holds no password)."""


async def open_store(url: str) -> Repo:
    """Open and migrate the store, or raise StoreUnavailable saying where and why."""
    try:
        return await open_repo(url)
    except (SQLAlchemyError, OSError) as error:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0]
        raise StoreUnavailable(f"cannot open the database at {shown}: {reason}") from error


@dataclass
class Core:
    """Store, providers and engine: the road every update takes, with or without Slack."""

    repo: Repo
    http: httpx.AsyncClient
    providers: Mapping[ProviderName, Provider]
    engine: DeliveryEngine
    scheduler: DeliveryScheduler | None = field(default=None)


@contextlib.asynccontextmanager
async def open_core(
    settings: Settings,
    make_notifier: Callable[[Repo], Notifier] = lambda _repo: NullNotifier(),
    *,
    run_scheduler: bool = True,
) -> AsyncIterator[Core]:
    """Migrate the store, build the engine and start delivering; stop cleanly on exit."""
    repo = await open_store(settings.store.url)
    http = build_http_client()
    providers = build_providers(settings, http)
    engine = DeliveryEngine(repo, providers, make_notifier(repo))
    scheduler = DeliveryScheduler(engine) if run_scheduler else None
    if scheduler is not None:
        scheduler.add_periodic(PURGE_JOB_ID, repo.purge_seen_events, PURGE_INTERVAL_SECONDS)
    core = Core(repo=repo, http=http, providers=providers, engine=engine, scheduler=scheduler)
    try:
        await engine.start()
        if scheduler is not None:
            scheduler.start()
        yield core
    finally:
        if scheduler is not None:
            scheduler.shutdown()
        await engine.stop()
        await http.aclose()
        await repo.close()


async def serve_forever(settings: Settings) -> None:
    """Run the Slack app until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with running_app(settings) as app:
        await app.serve_until(stop)


@dataclass
class SlackApp:
    """Everything `serve` runs: the core, the Slack client and apps, the web server."""

    settings: Settings
    core: Core
    web_app: web.Application
    bolt_app: object

    async def serve_until(self, stop: asyncio.Event, host: str = "0.0.0.0") -> None:  # noqa: S104
        """Serve HTTP (or Socket Mode plus /healthz) until `stop` is set."""
        from bot.slack.socket_mode import serve_socket_mode

        slack = self.settings.slack
        if slack.app_token is not None:
            await serve_socket_mode(
                bolt_app=self.bolt_app,  # type: ignore[arg-type]
                app_token=slack.app_token,
                web_app=self.web_app,
                port=self.settings.port,
                stop=stop,
                host=host,
            )
            return
        runner = web.AppRunner(self.web_app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, self.settings.port).start()
            logger.info("incident-bot listening on port %d", self.settings.port)
            await stop.wait()
        finally:
            await runner.cleanup()


def start_reminders(
    minutes: float, core: Core, client: "AsyncWebClient", reminders: ReminderQueries
) -> "Publisher":
    """With reminders on: every update re-arms its channel's reminder, and a job nudges."""
    from bot.slack.reminders import JOB_ID, ArmingPublisher, ReminderJob

    if minutes <= 0:
        return core.engine
    if core.scheduler is not None:
        job = ReminderJob(client, reminders, minutes)
        core.scheduler.add_periodic(JOB_ID, job.run_due, job.poll_seconds)
    return ArmingPublisher(core.engine, reminders, minutes)


@contextlib.asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[SlackApp]:
    """Build the whole Slack app around a running core; one Web API session for all calls."""
    from bot.slack.app import build_web_client, build_web_session
    from bot.slack.notifier import SlackNotifier

    token = settings.slack.bot_token
    if token is None:
        raise ValueError("SLACK_BOT_TOKEN is required")
    async with build_web_session() as session:
        client = build_web_client(token=token, base_url=settings.slack.api_url, session=session)
        async with open_core(settings, lambda repo: SlackNotifier(client, repo)) as core:
            yield _slack_app(settings, core, client)


def _slack_options(settings: Settings, core: Core) -> "SlackOptions":
    """The settings the Slack layer reads."""
    from bot.slack.ports import SlackOptions

    return SlackOptions(
        reactions=settings.reactions,
        allowed_users=settings.allowed_users,
        allowed_groups=settings.allowed_groups,
        reminder_minutes=settings.reminder_minutes,
        providers_on=frozenset(core.providers),
        templates=settings.templates,
    )


def _slack_app(settings: Settings, core: Core, client: "AsyncWebClient") -> SlackApp:
    """The Bolt and web apps around a running core and a Web API client."""
    from bot.slack.app import build_bolt_app
    from bot.slack.modal_refresh import register_form_refresh
    from bot.slack.ports import SlackDeps
    from bot.slack.reactions import register_reactions
    from bot.slack.reminder_buttons import register_reminder_buttons
    from bot.slack.resend import register_resend_buttons
    from bot.store.lookups import DeliveryLookup
    from bot.web import build_web_app

    reminders = ReminderQueries(core.repo.engine, core.repo.clock)
    publisher = start_reminders(settings.reminder_minutes, core, client, reminders)
    deps = SlackDeps(publisher=publisher, repo=core.repo, options=_slack_options(settings, core))
    deliveries = DeliveryLookup(core.repo.engine, core.repo.clock)
    secret = settings.slack.signing_secret
    signing = secret.get_secret_value() if secret is not None else None
    socket_mode = settings.slack.socket_mode
    bolt_app = build_bolt_app(
        client=client,
        signing_secret=None if socket_mode else signing,
        deps=deps,
        register_extra=[
            register_reactions,
            register_form_refresh,
            functools.partial(register_resend_buttons, deliveries=deliveries),
            functools.partial(register_reminder_buttons, store=reminders),
        ],
    )
    web_app = build_web_app(
        bolt_app=None if socket_mode else bolt_app,
        signing_secret=signing,
        healthy=core.repo.ping,
    )
    return SlackApp(settings=settings, core=core, web_app=web_app, bolt_app=bolt_app)
