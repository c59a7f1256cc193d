"""Only requests for the bot token's own workspace and app get through; the rest change nothing.

There is no variable naming the workspace or the app: both come from the bot token. Bolt's
single-team authorization calls auth.test (the token's `team_id`) but never compares it with
the request's; this middleware does, and also compares the request's `api_app_id` with the
app that owns the bot user (`bots.info`, scope users:read).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids

logger = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 1.0
UNKNOWN_APP_RECHECK_SECONDS = 600.0

REFUSED_TEXT = (
    "This request came from a Slack workspace or app that this incident-bot does not serve, "
    "so it did nothing."
)


def api_error(error: SlackApiError) -> str:
    """Slack's error code, also when the answer was not JSON (then the HTTP status)."""
    response = error.response
    data = getattr(response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    status = getattr(response, "status_code", None)
    return f"HTTP {status}" if status is not None else "unknown_error"


def request_app_id(body: Mapping[str, Any]) -> str | None:
    """The app a request is addressed to: `api_app_id`, or a view's `app_id`."""
    found = body.get("api_app_id")
    view = body.get("view")
    if not found and isinstance(view, Mapping):
        found = view.get("app_id")
    return found if isinstance(found, str) and found else None


def refusal(body: Mapping[str, Any]) -> BoltResponse:
    """What Slack gets back: the person sees why for a command or a form, anything else is 401."""
    if body.get("command"):
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": REFUSED_TEXT})
    if body.get("type") == "view_submission":
        errors = {ids.MESSAGE_BLOCK: REFUSED_TEXT}
        return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    return BoltResponse(
        status=401, body={"error": "invalid request"}, headers={"X-Slack-No-Retry": "1"}
    )


class AppIdentity:
    """The app that owns the bot token, asked of Slack once (bots.info) and remembered."""

    def __init__(self, client: AsyncWebClient, clock: Callable[[], float] = time.monotonic):
        self._client = client
        self._clock = clock
        self._app_id: str | None = None
        self._unknown_until = 0.0

    async def app_id(self, bot_id: str | None) -> str | None:
        """The app id, or None while Slack will not say (then only the workspace is checked)."""
        if self._app_id is not None or bot_id is None or self._clock() < self._unknown_until:
            return self._app_id
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                response = await self._client.bots_info(bot=bot_id)
        except SlackApiError as error:
            logger.warning(
                "bots.info failed (%s): the request's app id is not checked", api_error(error)
            )
            self._unknown_until = self._clock() + UNKNOWN_APP_RECHECK_SECONDS
            return None
        except (TimeoutError, OSError) as error:
            logger.warning("bots.info did not answer (%s)", type(error).__name__)
            return None
        bot = response.get("bot") or {}
        app_id = bot.get("app_id") if isinstance(bot, dict) else None
        self._app_id = app_id if isinstance(app_id, str) and app_id else None
        return self._app_id


class WorkspaceGuard(AsyncMiddleware):
    """Refuses requests whose workspace or app differs from the bot token's own."""

    def __init__(self, identity: AppIdentity) -> None:
        self._identity = identity

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        """Pass the request on, or answer it with a refusal that changes nothing."""
        problem = await self.problem(req)
        if problem is None:
            return await next()
        logger.warning("refused a Slack request: %s", problem)
        return refusal(req.body)

    async def problem(self, req: AsyncBoltRequest) -> str | None:
        """Why the request is not for this bot, or None."""
        context = req.context
        result = context.authorize_result
        own_team = result.team_id if result is not None else None
        if own_team is None:
            return "the bot's own workspace is unknown"
        if context.team_id != own_team:
            return f"workspace {context.team_id!r} is not the bot's ({own_team})"
        own_app = await self._identity.app_id(context.bot_id)
        app = request_app_id(req.body)
        if own_app is not None and app != own_app:
            return f"app {app!r} is not the bot's ({own_app})"
        return None
