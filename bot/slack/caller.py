"""Who typed a command, and opening a form with the command's trigger before it expires."""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

VIEWS_OPEN_TIMEOUT = 3.0


@dataclass(frozen=True)
class Caller:
    """Who typed the command, where, and the trigger to open a modal with."""

    user_id: str
    channel_id: str
    trigger_id: str


async def open_with_trigger(
    client: AsyncWebClient, trigger_id: str, view: Mapping[str, Any]
) -> str | None:
    """Open the view with a command's or a click's trigger: None once Slack opened it, else
    why not (Slack's error code, `timeout` or `connection_error`), logged."""
    try:
        async with asyncio.timeout(VIEWS_OPEN_TIMEOUT):
            await client.views_open(trigger_id=trigger_id, view=dict(view))
    except (SlackApiError, TimeoutError, OSError) as error:
        reason = _api_error(error)
        logger.warning("views.open failed: %s", reason)
        return reason
    return None


def _api_error(error: Exception) -> str:
    """Slack's error code, or the kind of failure."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "unknown_error")
    return "timeout" if isinstance(error, TimeoutError) else "connection_error"
