"""The core every command shares: store, HTTP client, providers, delivery engine, timers."""

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field

import httpx
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
from bot.store.repo import Repo, open_repo

logger = logging.getLogger(__name__)

PURGE_JOB_ID = "purge-seen-events"
PURGE_INTERVAL_SECONDS = 600.0
# Every connection kept alive: the engine keeps up to 16 sends per provider under way, and
# closing the surplus after each burst meant opening them again for the next one.
HTTP_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=50)
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

    async def start_delivering(self) -> None:
        """Start the engine's worker and the timers (each once)."""
        await self.engine.start()
        if self.scheduler is not None and not self.scheduler.running:
            self.scheduler.start()


@contextlib.asynccontextmanager
async def open_core(
    settings: Settings,
    make_notifier: Callable[[Repo], Notifier] = lambda _repo: NullNotifier(),
    *,
    run_scheduler: bool = True,
    deliver: bool = True,
    instance_id: str | None = None,
) -> AsyncIterator[Core]:
    """Migrate the store, build the engine and (unless told not to) start delivering.

    With `deliver=False` updates are only stored (another process delivers them) until
    `Core.start_delivering` is called. Everything stops cleanly on exit.
    """
    repo = await open_store(settings.store.url)
    http = build_http_client()
    providers = build_providers(settings, http)
    engine = DeliveryEngine(repo, providers, make_notifier(repo), instance_id=instance_id)
    scheduler = DeliveryScheduler(engine) if run_scheduler else None
    if scheduler is not None:
        scheduler.add_periodic(PURGE_JOB_ID, repo.purge_seen_events, PURGE_INTERVAL_SECONDS)
    core = Core(repo=repo, http=http, providers=providers, engine=engine, scheduler=scheduler)
    try:
        if deliver:
            await core.start_delivering()
        yield core
    finally:
        if scheduler is not None:
            scheduler.shutdown()
        await engine.stop()
        await http.aclose()
        await repo.close()
