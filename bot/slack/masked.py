"""Everything the bot sends to Slack passes a Redactor: Web API calls and answers to requests."""

import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.metrics import Metrics, SlackRequestKind
from bot.redaction import Redactor


def masked_arguments(value: Any, redact: Callable[[str], str]) -> Any:
    """A call's arguments masked, except the `token` slack_sdk moves into the auth header."""
    if not isinstance(value, dict):
        return value
    return {k: v if k == "token" else masked(v, redact) for k, v in value.items()}


def masked(value: Any, redact: Callable[[str], str]) -> Any:
    """Strings anywhere in a JSON-like value, with secrets masked."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: masked(item, redact) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item, redact) for item in value]
    return value


class MaskedWebClient(AsyncWebClient):
    """slack_sdk's client; every argument of every call is masked before it is sent, and
    every call Slack refuses is counted."""

    def __init__(self, *, redact: Redactor, metrics: Metrics | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.redact = redact
        self._metrics = metrics

    async def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: Any = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> AsyncSlackResponse:
        """The call, its data, parameters and JSON body masked (headers carry the token)."""
        try:
            return await super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=masked_arguments(data, self.redact),
                params=masked_arguments(params, self.redact),
                json=masked_arguments(json, self.redact),
                headers=headers,
                auth=auth,
            )
        except SlackApiError as error:
            if self._metrics is not None:
                said = error.response.get("error") if error.response is not None else None
                self._metrics.slack_api_error(api_method, str(said or "unknown"))
            raise


class MaskedApp(AsyncApp):
    """Bolt's app; the answer to every request (command replies, form errors) is masked, and
    how long each took is counted by kind."""

    def __init__(self, *, redact: Redactor, metrics: Metrics | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._redact = redact
        self._metrics = metrics

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Bolt's dispatch, its answer's body masked (HTTP and Socket Mode alike)."""
        started = time.monotonic()
        answer = await super().async_dispatch(req)
        if isinstance(answer.body, str):
            answer.body = self._redact(answer.body)
        if self._metrics is not None:
            self._metrics.slack_request(_kind(req.body), time.monotonic() - started)
        return answer


def _kind(body: Mapping[str, Any]) -> SlackRequestKind:
    """What Slack sent: a slash command, an event, or an interaction (buttons, forms)."""
    if "command" in body:
        return SlackRequestKind.COMMAND
    if "event" in body or body.get("type") == "url_verification":
        return SlackRequestKind.EVENT
    return SlackRequestKind.INTERACTION
