"""What a person is told when their request failed: the store was down, Slack refused, or a bug."""

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

from slack_sdk.errors import SlackApiError
from sqlalchemy import exc

logger = logging.getLogger(__name__)
T = TypeVar("T")

STORE_TIMEOUT = 2.0
"""The deadline of a store call made before Slack is answered (Slack waits 3 s)."""

# What a database that is down, unreachable, locked or overloaded raises through SQLAlchemy.
_STORE_ERRORS = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
)

NOTHING_STORED = (
    "Something went wrong inside the bot, so nothing was stored and nothing was sent. "
    "The error is in the bot's log. Try again; if it fails again, tell whoever runs the bot."
)


class StoreDown(Exception):
    """The store failed or did not answer in time."""


async def bounded(work: Awaitable[T], seconds: float | None = None) -> T:
    """Await store work within a deadline that keeps Slack's 3 s promise.

    A store that fails or does not answer in time raises StoreDown; any other error (a fault
    of the bot) passes through unchanged, to be reported as one by `explain`.
    """
    try:
        async with asyncio.timeout(STORE_TIMEOUT if seconds is None else seconds):
            return await work
    except (*_STORE_ERRORS, TimeoutError, OSError) as error:
        logger.warning("store call failed: %s", type(error).__name__)
        raise StoreDown from error


def store_failed(error: BaseException) -> bool:
    """Whether the error is the store being down (not a fault of the bot)."""
    return isinstance(error, (StoreDown, *_STORE_ERRORS))


def explain(error: Exception, doing: str, *, store_words: str) -> str:
    """Log a listener's failure and say what it means to the person who asked.

    The store being down gets `store_words`; Slack refusing a call is named with its code;
    anything else is a fault of the bot: logged with its traceback, and the person is told
    plainly that nothing was stored.
    """
    if store_failed(error):
        logger.warning("%s: the store failed (%s)", doing, _cause(error))
        return store_words
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or "unknown_error")
        logger.warning("%s: Slack answered %s", doing, code)
        return f"Slack refused a call the bot needed (`{code}`), so nothing was stored. Try again."
    logger.error("%s failed unexpectedly", doing, exc_info=error)
    return NOTHING_STORED


def _cause(error: BaseException) -> str:
    """The kind of store failure, never its message (it may hold a connection URL)."""
    cause = error.__cause__ if isinstance(error, StoreDown) and error.__cause__ else error
    return type(cause).__name__
