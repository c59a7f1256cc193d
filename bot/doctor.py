"""`incident-bot doctor`: one line per check of the configuration and every credential."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bot.config import Settings
from bot.doctor_database import inspect_database
from bot.domain.models import Refused, Retry, Unclear
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.redaction import Redactor

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass(frozen=True)
class Check:
    """The result of one check: ok, skip or FAIL, and a line of explanation."""

    verdict: str
    name: str
    detail: str

    def line(self) -> str:
        """The check as printed."""
        return f"{self.verdict:<5} {self.name:<9} {self.detail}"


async def run_doctor(settings: Settings) -> int:
    """Run every check, print a line each (every secret masked); 0 when nothing failed."""
    redact = Redactor.of(settings)
    print(Check("ok", "config", "the environment is valid").line())
    checks: list[Callable[[Settings, httpx.AsyncClient], Awaitable[Check | None]]] = [
        _slack_token,
        _slack_transport,
        _phare,
        _checkly,
        _checkly_status_page,
    ]
    failed = False
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as http:
        for check in checks:
            result = await check(settings, http)
            if result is None:
                continue
            failed |= result.verdict == "FAIL"
            print(redact(result.line()), flush=True)
    database = await _database(settings)
    print(redact(database.line()))
    failed |= database.verdict == "FAIL"
    return EXIT_FAILED if failed else EXIT_OK


async def _slack_token(settings: Settings, http: httpx.AsyncClient) -> Check:
    """auth.test with the bot token, at SLACK_API_URL."""
    token = settings.slack.bot_token
    if token is None:
        return Check("FAIL", "slack", "SLACK_BOT_TOKEN is not set (serve needs it)")
    url = settings.slack.api_url + "auth.test"
    try:
        response = await http.post(
            url, headers={"Authorization": f"Bearer {token.get_secret_value()}"}
        )
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        return Check("FAIL", "slack", f"could not reach {url} ({type(error).__name__})")
    if not isinstance(body, dict) or not body.get("ok"):
        said = body.get("error", "no reason given") if isinstance(body, dict) else "bad answer"
        return Check("FAIL", "slack", f"SLACK_BOT_TOKEN was refused: {said}")
    who = f"@{body.get('user', '?')} in {body.get('team', '?')}"
    return Check("ok", "slack", f"bot token accepted: {who}")


async def _slack_transport(settings: Settings, http: httpx.AsyncClient) -> Check:
    """HTTP mode needs the signing secret; Socket Mode needs the app token."""
    slack = settings.slack
    if slack.socket_mode:
        return Check("ok", "slack", "Socket Mode: SLACK_APP_TOKEN is set")
    if slack.signing_secret is None:
        return Check("FAIL", "slack", "HTTP mode: SLACK_SIGNING_SECRET is not set")
    return Check("ok", "slack", "HTTP mode: SLACK_SIGNING_SECRET is set")


async def _phare(settings: Settings, http: httpx.AsyncClient) -> Check:
    """Phare's token, if Phare is on."""
    if settings.phare is None:
        return Check("skip", "phare", "PHARE_API_TOKEN is not set: Phare is off")
    return _verdict(
        "phare", await PhareClient(http, settings.phare).check_credentials(), "token accepted"
    )


async def _checkly(settings: Settings, http: httpx.AsyncClient) -> Check:
    """Checkly's key and account, if Checkly is on."""
    if settings.checkly is None:
        return Check("skip", "checkly", "CHECKLY_API_KEY is not set: Checkly is off")
    return _verdict(
        "checkly", await ChecklyClient(http, settings.checkly).check_credentials(), "key accepted"
    )


async def _checkly_status_page(settings: Settings, http: httpx.AsyncClient) -> Check | None:
    """CHECKLY_STATUS_PAGE_ID, when set: the page exists and the key may read it (or why not)."""
    checkly = settings.checkly
    if checkly is None or checkly.status_page_id is None:
        return None
    page = checkly.status_page_id
    outcome = await ChecklyClient(http, checkly).check_status_page(page)
    if outcome is None or (isinstance(outcome, Refused) and outcome.status == 404):
        return _verdict("checkly", outcome, f"status page {page} is readable")
    return Check("FAIL", "checkly", f"status page {page} could not be read: {_reason(outcome)}")


def _verdict(name: str, outcome: Refused | Retry | Unclear | None, success: str) -> Check:
    """A credential check's line."""
    if outcome is None:
        return Check("ok", name, success)
    return Check("FAIL", name, _reason(outcome))


def _reason(outcome: Refused | Retry | Unclear) -> str:
    """Why a check failed, as the provider client words it."""
    return outcome.message if isinstance(outcome, Refused) else outcome.reason


async def _database(settings: Settings) -> Check:
    """Connect and read the schema's revision (nothing is created or migrated)."""
    found = await inspect_database(settings.store.url)
    return Check("FAIL" if found.failed else "ok", "database", found.detail)
