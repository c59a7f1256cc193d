"""`incident-bot serve`: refuse clearly when Slack is not configured, else run the app."""

import asyncio
import functools
import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.config import Settings
from bot.redaction import SecretRedactor, secrets_of

EXIT_FAILED, EXIT_USAGE = 1, 2

_HOW_TO = """\
How to get them:
  1. https://api.slack.com/apps → Create New App → From a manifest → paste manifest.yml
     (replace YOUR-HOST with this server's public HTTPS address).
  2. Install the app to your workspace.
  3. SLACK_BOT_TOKEN: OAuth & Permissions → Bot User OAuth Token (xoxb-…).
     SLACK_SIGNING_SECRET: Basic Information → App Credentials → Signing Secret.
     Or, for Socket Mode, SLACK_APP_TOKEN: Basic Information → App-Level Tokens
     (scope connections:write, xapp-…).
  4. Put them in the environment or in a .env file (see .env.example)."""


QUIET_LOGGERS = ("alembic", "apscheduler", "httpx", "httpcore", "slack_bolt.AsyncApp")
# Their DEBUG lines hold whole requests and answers (Socket Mode envelopes with response_url).
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(
    level: int = logging.INFO, *, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Readable log lines with secrets masked; chatty libraries kept to warnings.

    Every line passes a SecretRedactor (the configured secrets, any Slack token, any
    response_url); Slack's libraries never log below INFO, whatever `level` is.
    """
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(SecretRedactor(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    return handler


def _load_slack_modules() -> None:
    """Import what both processes use, once."""
    import bot.slack.app
    import bot.slack.notifier
    import bot.web  # noqa: F401


def _deliver(settings: Settings, wake_fd: int, owner: str) -> int:
    """The delivery process's life: 0 when the parent let it go, 1 if the store would not open."""
    from bot.app import deliver_until_closed
    from bot.core import StoreUnavailable

    try:
        asyncio.run(deliver_until_closed(settings, wake_fd, owner))
    except StoreUnavailable:
        return EXIT_FAILED  # the parent says why
    return 0


def run_serve(settings: Settings) -> int:
    """Start the Slack app; exit 2 naming missing variables, 1 when the store cannot be opened."""
    missing = settings.slack.missing_for_serve()
    if missing:
        print(
            f"incident-bot serve: missing {', '.join(missing)}.\n{_HOW_TO}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    configure_logging(secrets=secrets_of(settings))
    from bot.app import serve_forever
    from bot.core import StoreUnavailable
    from bot.delivery_process import fork_delivery_process
    from bot.slack.startup import exit_if_refused

    exit_if_refused(settings)
    _load_slack_modules()  # before the fork, so both processes share them
    deliveries = fork_delivery_process(functools.partial(_deliver, settings))
    try:
        asyncio.run(serve_forever(settings, deliveries))
    except StoreUnavailable as error:
        print(
            f"incident-bot serve: {error}\n"
            "Check DATABASE_URL and that the database is running and reachable.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0
