"""Socket Mode: commands arrive over a WebSocket, and /healthz is still served on the port."""

import asyncio
import json
import socket
import time
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.slack.app import build_bolt_app, build_web_client
from bot.slack.ports import SlackDeps
from bot.slack.socket_mode import serve_socket_mode
from bot.web import build_web_app
from tests.slack import signing
from tests.slack.memory_repo import MemoryRepo, RecordingPublisher
from tests.slack.test_commands import options

APP_TOKEN = "xapp-1-A0APP00001-0000-fake"
BOT_TOKEN = "xoxb-fake-socket"


class SocketSlack:
    """Just enough of Slack for Socket Mode: apps.connections.open, auth.test and the socket."""

    def __init__(self) -> None:
        self.url = ""
        self.answers: list[dict[str, Any]] = []
        self.opened_with: list[str] = []

    def app(self) -> web.Application:
        """The routes."""
        app = web.Application()
        app.router.add_post("/api/apps.connections.open", self._open)
        app.router.add_post("/api/auth.test", self._auth_test)
        app.router.add_get("/ws", self._socket)
        return app

    async def _open(self, request: web.Request) -> web.Response:
        self.opened_with.append(request.headers.get("Authorization", ""))
        return web.json_response({"ok": True, "url": self.url.replace("http", "ws") + "/ws"})

    async def _auth_test(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": True, "user_id": "U0BOT00001", "bot_id": "B0BOT00001", "team_id": "T0TEAM0001"}
        )

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        command = dict(parse_qsl(signing.slash_command_body(text="status")))
        envelope = {
            "envelope_id": "E0ENVELOPE1",
            "type": "slash_commands",
            "payload": command,
            "accepts_response_payload": True,
        }
        await ws.send_json(envelope)
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.answers.append(json.loads(message.data))
        return ws


def _free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _until(check: Any, within: float = 10.0) -> None:
    """Poll an async predicate until it holds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


async def test_socket_mode_answers_commands_and_serves_health() -> None:
    slack = SocketSlack()
    async with TestServer(slack.app(), host="127.0.0.1") as server:
        slack.url = str(server.make_url("")).rstrip("/")
        client = build_web_client(token=SecretStr(BOT_TOKEN), base_url=slack.url + "/api/")
        repo = MemoryRepo()
        bolt = build_bolt_app(
            client=client,
            deps=SlackDeps(RecordingPublisher(repo), repo, options()),
        )

        async def healthy() -> bool:
            return True

        port, stop = _free_port(), asyncio.Event()
        web_app = build_web_app(bolt_app=None, signing_secret=None, healthy=healthy)
        serving = asyncio.create_task(
            serve_socket_mode(
                bolt_app=bolt,
                app_token=SecretStr(APP_TOKEN),
                web_app=web_app,
                port=port,
                stop=stop,
                host="127.0.0.1",
            )
        )
        async with aiohttp.ClientSession() as session:

            async def health_ok() -> bool:
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                        return answer.status == 200 and (await answer.json())["ok"] is True
                except aiohttp.ClientConnectionError:
                    return False

            await _until(health_ok)

        async def answered() -> bool:
            return bool(slack.answers)

        await _until(answered)
        stop.set()
        await asyncio.wait_for(serving, 10)
    [answer] = slack.answers
    assert answer["envelope_id"] == "E0ENVELOPE1"
    assert "not linked to any incident yet" in answer["payload"]["text"]
    assert answer["payload"]["response_type"] == "ephemeral"
    assert slack.opened_with == [f"Bearer {APP_TOKEN}"]
