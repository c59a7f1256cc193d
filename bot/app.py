"""The one composition root: the core (bot/core.py) with Slack around it — the Bolt and web
apps, the Web API client, the Slack timers of a worker."""

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Settings
from bot.core import Core, PeriodicJob, delivering, open_core, open_places_of, opened_store
from bot.domain.records import Notifier
from bot.redaction import Redactor
from bot.store.repo import Repo

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.ports import Publisher, SlackDeps

logger = logging.getLogger(__name__)

LEFTOVER_JOB_ID = "leftover-reactions"


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
        async with delivering(core, settings, *_slack_jobs(settings, core, client)):
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
        delivering(core, settings, *_slack_jobs(settings, core, client)),
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


def _slack_jobs(settings: Settings, core: Core, client: "AsyncWebClient") -> list[PeriodicJob]:
    """A worker's Slack timers: reactions left over by a stopped process; reminders, when on."""
    from bot.slack.reactions import LeftoverReactions
    from bot.slack.reminders import JOB_ID, ReminderJob
    from bot.store.reminders import ReminderQueries

    leftovers = LeftoverReactions(_slack_deps(settings, core, core.engine), client)
    jobs: list[PeriodicJob] = [(LEFTOVER_JOB_ID, leftovers.run_due, leftovers.poll_seconds)]
    if settings.reminder_minutes > 0:
        reminders = ReminderQueries(core.repo.engine, core.repo.clock)
        job = ReminderJob(client, reminders, settings.reminder_minutes, metrics=core.metrics)
        jobs.append((JOB_ID, job.run_due, job.poll_seconds))
    return jobs


def _slack_deps(settings: Settings, core: Core, publisher: "Publisher") -> "SlackDeps":
    """What every Slack listener (and a worker's Slack timers) may use."""
    from bot.providers.components import PageComponents
    from bot.slack.ports import SlackDeps, SlackOptions

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
    page = settings.checkly.status_page_id if settings.checkly is not None else None
    components = PageComponents(core.router, page)
    return SlackDeps(publisher=publisher, repo=core.repo, options=options, components=components)


def _slack_app(
    settings: Settings, core: Core, client: "AsyncWebClient", wake: Callable[[], None] | None
) -> SlackApp:
    """The Bolt and web apps around the core and a Web API client."""
    from bot.slack.app import build_bolt_app
    from bot.slack.changes import register_change_buttons
    from bot.slack.modal_refresh import register_form_refresh
    from bot.slack.reactions import register_reactions
    from bot.slack.reminder_buttons import register_reminder_buttons
    from bot.slack.resend import register_resend_buttons
    from bot.store.lookups import DeliveryLookup
    from bot.store.published import PublishedQueries
    from bot.store.reminders import ReminderQueries
    from bot.web import build_web_app
    from bot.worker_child import WakingPublisher

    publisher: Publisher = core.engine if wake is None else WakingPublisher(core.engine, wake)
    deps = _slack_deps(settings, core, publisher)
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
