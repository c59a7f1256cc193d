"""Typing slash commands at a running bot over HTTP, signed as Slack signs them."""

import json
from typing import Any

import aiohttp

from tests.slack import signing


class SlashClient:
    """Mixed into a test's bot handle: needs `session`, `url`, `response_url` and `secret`."""

    session: aiohttp.ClientSession
    url: str
    response_url: str
    secret: str

    async def post(self, request: signing.SignedRequest) -> tuple[int, str]:
        """POST a signed request to /slack/events; the status and the body."""
        async with self.session.post(
            f"{self.url}/slack/events", data=request.body, headers=request.headers
        ) as answer:
            return answer.status, await answer.text()

    async def command(self, text: str, **fields: Any) -> dict[str, Any]:
        """Run the slash command; the JSON Slack would show (empty for an empty ack)."""
        fields.setdefault("response_url", self.response_url)
        status, body = await self.post(signing.slash_command(self.secret, text=text, **fields))
        assert status == 200, body
        answer: dict[str, Any] = json.loads(body) if body else {}
        return answer

    async def reply(self, text: str, **fields: Any) -> str:
        """The ephemeral text only the caller sees."""
        answer = await self.command(text, **fields)
        assert answer.get("response_type") == "ephemeral", answer
        return str(answer["text"])
