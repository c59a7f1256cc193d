"""Before `serve` starts: the port is free and Slack accepts the bot token; quiet library logs.

Each problem a newcomer meets first is one plain line on stderr and an exit status (2 for
configuration to fix), never a traceback.
"""

import asyncio
import errno
import logging
import socket
import sys
from typing import TextIO

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.logs import tell
from bot.slack.workspace import api_error

logger = logging.getLogger(__name__)

EXIT_USAGE = 2
CHECK_TIMEOUT_SECONDS = 5
# auth.test errors that mean the token itself is wrong, revoked or not a bot token.
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "no_permission",
        "team_access_not_granted",
        "ekm_access_denied",
        "org_login_required",
    }
)
# Their INFO lines say nothing an operator needs ("Pool disposed", "Pool recreating"); SQLAlchemy
# names a pool's logger after its class's module, so a pool defined in bot.store logs there.
QUIET_AT_INFO = ("sqlalchemy", "bot.store")


def exit_if_refused(
    settings: Settings, command: str = "serve", stream: TextIO = sys.stderr
) -> None:
    """Exit 2 with one line on `stream` when `command` must not start; else return."""
    for name in QUIET_AT_INFO:
        logging.getLogger(name).setLevel(max(logging.getLogger().level, logging.WARNING))
    problem = port_problem(settings.port) or asyncio.run(token_problem(settings))
    if problem is not None:
        tell(f"incident-bot {command}: {problem}", stream)
        raise SystemExit(EXIT_USAGE)


def port_problem(port: int, host: str = "0.0.0.0") -> str | None:  # noqa: S104 - as serve binds
    """Why `serve` could not listen on PORT, or None (bound as aiohttp binds, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return listen_problem(port, error)
    return None


def listen_problem(port: int, error: OSError) -> str:
    """Why listening on PORT failed, in one line saying what to do."""
    if error.errno == errno.EADDRINUSE:
        return f"PORT {port} is already in use; stop what listens there or set PORT."
    if error.errno == errno.EACCES:
        return f"PORT {port} needs privileges this user lacks; set PORT above 1023."
    return f"cannot listen on PORT {port}: {error.strerror or error}."


class CannotListen(Exception):
    """PORT was free at the start-up check and taken (or refused) by the time serve bound it."""


async def listening(site: web.TCPSite, port: int) -> None:
    """Start the site; a port that cannot be bound is CannotListen, saying why in one line."""
    try:
        await site.start()
    except OSError as error:
        raise CannotListen(listen_problem(port, error)) from None


async def token_problem(settings: Settings) -> str | None:
    """Why Slack refuses SLACK_BOT_TOKEN (auth.test), or None; an unreachable Slack is logged."""
    token = settings.slack.bot_token
    if token is None:
        return "missing SLACK_BOT_TOKEN."
    client = AsyncWebClient(
        token=token.get_secret_value(),
        base_url=settings.slack.api_url,
        timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        await client.auth_test()
    except SlackApiError as error:
        code = api_error(error)
        if code in TOKEN_REFUSED:
            return (
                f"Slack refused SLACK_BOT_TOKEN ({code}). Copy the Bot User OAuth Token "
                "(xoxb-…) from your app's OAuth & Permissions page, after installing the app."
            )
        logger.warning("Slack could not check SLACK_BOT_TOKEN (%s); starting anyway", code)
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        logger.warning(
            "could not reach Slack at %s to check SLACK_BOT_TOKEN (%s); starting anyway",
            settings.slack.api_url,
            type(error).__name__,
        )
    except (AttributeError, TypeError, ValueError) as error:  # slack_sdk reading a non-Slack body
        logger.warning(
            "%s did not answer as Slack does when checking SLACK_BOT_TOKEN (%s); starting anyway",
            settings.slack.api_url,
            type(error).__name__,
        )
    return None
