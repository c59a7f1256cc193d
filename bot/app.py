"""The composition root of `serve`: the core, the Slack client, the Bolt and web apps."""

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Settings
from bot.core import Core, open_core
from bot.delivery.reporting import Notifier
from bot.delivery_process import DeliveryProcess, HandoffPublisher
from bot.redaction import Redactor
from bot.store.reminders import ReminderQueries
from bot.store.repo import Repo

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.ports import Publisher, SlackOptions

logger = logging.getLogger(__name__)

# The delivery process gets the engine's grace for sends under way, and a little more.
CHILD_STOP_SECONDS = 12.0


async def serve_forever(settings: Settings, deliveries: DeliveryProcess | None = None) -> None:
    """Run the Slack app until SIGTERM or SIGINT; then stop the delivery process, if any."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with running_app(settings, deliveries) as app:
            await app.serve_until(stop)
    finally:
        if deliveries is not None:
            await deliveries.stop(CHILD_STOP_SECONDS)


async def deliver_until_closed(settings: Settings, wake_fd: int, owner: str) -> None:
    """The delivery process: deliver (as engine `owner`), report and run the timers until the
    parent leaves."""
    from bot.delivery_process import read_hand_overs

    async with (
        _slack_client(settings) as client,
        _open_core(settings, client, instance_id=owner) as core,
    ):
        start_reminders(settings, core, client)
        reading = asyncio.create_task(read_hand_overs(wake_fd, core.engine.take_over))
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, reading.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await reading


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
        from bot.web import build_runner

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
        runner = build_runner(self.web_app)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, self.settings.port).start()
            logger.info("incident-bot listening on port %d", self.settings.port)
            await stop.wait()
        finally:
            await runner.cleanup()


def start_reminders(settings: Settings, core: Core, client: "AsyncWebClient") -> None:
    """With reminders on, a job nudges quiet threads (updates arm them: see `_open_core`)."""
    from bot.slack.reminders import JOB_ID, ReminderJob

    if settings.reminder_minutes <= 0 or core.scheduler is None:
        return
    reminders = ReminderQueries(core.repo.engine, core.repo.clock)
    job = ReminderJob(client, reminders, settings.reminder_minutes)
    core.scheduler.add_periodic(JOB_ID, job.run_due, job.poll_seconds)


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, deliveries: DeliveryProcess | None = None
) -> AsyncIterator[SlackApp]:
    """Build the whole Slack app around the core; one Web API session for all calls.

    With `deliveries` (a delivery process), this process only stores updates and wakes it;
    should it end, this process takes the deliveries over.
    """
    async with _slack_client(settings) as client:
        if deliveries is None:
            async with _open_core(settings, client) as core:
                yield _slack_app(settings, core, client, core.engine)
            return
        async with _open_core(settings, client, deliver=False) as core:
            watcher = asyncio.create_task(_take_over_when_gone(deliveries, core))
            try:
                yield _slack_app(settings, core, client, HandoffPublisher(core.engine, deliveries))
            finally:
                watcher.cancel()


async def _take_over_when_gone(deliveries: DeliveryProcess, core: Core) -> None:
    """If the delivery process ends while serving, deliver from this process instead."""
    code = await deliveries.exited()
    logger.error(
        "the delivery process ended (exit code %s); this process delivers from now on", code
    )
    await core.start_delivering()
    await core.engine.adopt_leases_of(deliveries.owner)


@contextlib.asynccontextmanager
async def _slack_client(settings: Settings) -> "AsyncIterator[AsyncWebClient]":
    """The Web API client over one kept-alive session, closed on leaving."""
    from bot.slack.app import build_web_client, build_web_session

    token = settings.slack.bot_token
    if token is None:
        raise ValueError("SLACK_BOT_TOKEN is required")
    async with build_web_session() as session:
        yield build_web_client(
            token=token,
            base_url=settings.slack.api_url,
            session=session,
            redact=Redactor.of(settings),
        )


def _open_core(
    settings: Settings,
    client: "AsyncWebClient",
    *,
    deliver: bool = True,
    instance_id: str | None = None,
) -> contextlib.AbstractAsyncContextManager[Core]:
    """The core, reporting to Slack through `client` (and arming reminders as it announces)."""
    from bot.slack.notifier import SlackNotifier
    from bot.slack.reminders import ArmingNotifier

    def notifier(repo: Repo) -> Notifier:
        """Slack's notifier, arming each announced update's reminder when reminders are on."""
        slack = SlackNotifier(client, repo)
        if settings.reminder_minutes <= 0:
            return slack
        reminders = ReminderQueries(repo.engine, repo.clock)
        return ArmingNotifier(slack, reminders, settings.reminder_minutes)

    return open_core(settings, notifier, deliver=deliver, instance_id=instance_id)


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


def _slack_app(
    settings: Settings, core: Core, client: "AsyncWebClient", stores: "Publisher"
) -> SlackApp:
    """The Bolt and web apps around the core, a Web API client and what stores updates."""
    from bot.slack.app import build_bolt_app
    from bot.slack.modal_refresh import register_form_refresh
    from bot.slack.ports import SlackDeps
    from bot.slack.reactions import register_reactions
    from bot.slack.reminder_buttons import register_reminder_buttons
    from bot.slack.resend import register_resend_buttons
    from bot.store.lookups import DeliveryLookup
    from bot.web import build_web_app

    reminders = ReminderQueries(core.repo.engine, core.repo.clock)
    start_reminders(settings, core, client)
    deps = SlackDeps(publisher=stores, repo=core.repo, options=_slack_options(settings, core))
    deliveries = DeliveryLookup(core.repo.engine, core.repo.clock)
    secret = settings.slack.signing_secret
    signing = secret.get_secret_value() if secret is not None else None
    socket_mode = settings.slack.socket_mode
    bolt_app = build_bolt_app(
        client=client,
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
