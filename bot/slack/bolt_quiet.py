"""Bolt's own noise, made plain: unhandled requests are one line, no start-up warning."""

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

logger = logging.getLogger(__name__)

BOLT_LOGGER = "slack_bolt.AsyncApp"


def request_kind(body: dict[str, object]) -> str:
    """`event reaction_removed`, `block_actions`, `command /x`: what a request was, in words."""
    event = body.get("event")
    if isinstance(event, dict):
        return f"event {str(event.get('type'))[:60]}"
    if body.get("command"):
        return f"command {str(body.get('command'))[:60]}"
    return str(body.get("type") or "request")[:60]


async def on_error(
    error: Exception, request: AsyncBoltRequest, response: BoltResponse | None
) -> BoltResponse | None:
    """A request no listener takes is acknowledged (200, so Slack does not retry) in one line."""
    if isinstance(error, BoltUnhandledRequestError):
        kind = request_kind(request.body)
        logger.info("no listener for this Slack request (%s); acknowledged", kind)
        return BoltResponse(status=200, body="")
    logger.error("a Slack listener failed (%s)", type(error).__name__, exc_info=error)
    return None


class _DropTokenUnused(logging.Filter):
    """Bolt warns that `token` is unused whenever SLACK_BOT_TOKEN is set: the client has it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for that one warning."""
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def quiet_bolt(app: AsyncApp | None = None) -> None:
    """Before building: drop the token warning; after: answer unhandled requests plainly."""
    found = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, _DropTokenUnused) for f in found.filters):
        found.addFilter(_DropTokenUnused())
    if app is not None:
        app.error(on_error)
