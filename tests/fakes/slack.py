"""A loopback fake of Slack's Web API that answers like Slack does.

Start it, point an `AsyncWebClient` (or `SLACK_API_URL` of a subprocess) at `api_url`::

    with FakeSlack() as slack:                      # serves on 127.0.0.1 in its own thread
        client = AsyncWebClient(token=slack.token, base_url=slack.api_url)
        slack.seed_message("C1", "1700000000.000100", "db is down", "U1")
        slack.fail_next("chat.postMessage", "not_in_channel")         # the next call fails
        slack.ratelimit_next("chat.update", times=2, retry_after=0)   # 429 + Retry-After
        ...
        assert slack.calls("chat.postMessage")[0].params["channel"] == "C1"

Wire behaviour (as Slack): every path `/api/<method>` takes GET or POST; parameters are merged
from the query string, a form-encoded body and a JSON body (slack_sdk sends chat.*/views.* as
JSON, auth.test as an empty form POST with query parameters, and conversations.replies,
users.info, usergroups.users.list, reactions.get as GET). The token comes from
`Authorization: Bearer ...` or a `token` parameter: none gives `not_authed`, a wrong one
`invalid_auth`. API errors are HTTP 200 with `{"ok": false, "error": ...}`; a scripted rate limit
is HTTP 429 with `Retry-After` and `{"ok": false, "error": "ratelimited"}`.

Methods: auth.test, bots.info (the bot's app_id), chat.postMessage (thread_ts; blocks <= 50, section
text <= 3000 else `invalid_blocks`; no text and no blocks gives `no_text`), chat.update and
chat.delete (the bot's own messages only), chat.postEphemeral, views.open / views.push (trigger ids
from `issue_trigger_id()` only, single use `exchanged_trigger_id`, `expired_trigger_id` after
`trigger_ttl` s; title/submit/close <= 24, <= 100 blocks, private_metadata <= 3000 else
`invalid_arguments`), views.update (`hash_conflict`), conversations.replies (a reply's ts returns
only that reply, with its thread_ts; a parent's ts returns the parent then its replies; `limit`
honoured), users.info, usergroups.users.list, reactions.get. Anything else answers `unknown_method`.

Helpers (thread-safe, callable from sync tests, async tests and other threads):
`issue_trigger_id()`, `seed_message(channel, ts, text, user, thread_ts=None)`, `seed_user(...)`,
`seed_usergroup(...)`, `seed_reaction(...)`, `set_channel_error(channel, error)` (every post to
that channel fails, e.g. `not_in_channel`), `fail_next(method, error, times=1)`,
`ratelimit_next(method, times=1, retry_after=1)`, `calls(method=None)`, `messages(channel)`,
`thread(channel, ts)`, `ephemeral()`, `views()`, `wait_for_calls(...)` (sync) and
`await_calls(...)` (async). `latency` (seconds) delays every answer.
"""

import asyncio
import contextlib
import json
import threading
import time
from typing import Any

from aiohttp import web

from tests.fakes.server import LoopbackServer
from tests.fakes.slack_methods import METHODS, Workspace
from tests.fakes.slack_state import JSON, ApiError, Call, Message, SlackState

__all__ = ["ApiError", "Call", "FakeSlack", "Workspace"]

DEFAULT_TOKEN = "xoxb-fake-0000-token"
# How long a call scripted by `stall_next` waits before it is answered.
STALL_SECONDS = 30.0


class FakeSlack:
    """Slack's Web API on a loopback port, scriptable and recording every call."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        workspace: Workspace | None = None,
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.workspace = workspace or Workspace()
        self.latency = latency
        self._lock = threading.Lock()
        self._state = SlackState()
        self._script: dict[str, list[ApiError]] = {}
        self._calls: list[Call] = []
        self._stalls: dict[str, int] = {}
        self._released: asyncio.Event | None = None
        self._server: LoopbackServer | None = None

    # ---- serving -------------------------------------------------------------------------

    def web_app(self) -> web.Application:
        """An aiohttp application serving the API under /api/."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        return app

    def start(self) -> "FakeSlack":
        """Serve on 127.0.0.1 in a thread of its own."""
        self._server = LoopbackServer(self.web_app()).start()
        return self

    def stop(self) -> None:
        """Stop serving (a stalled call is let go first)."""
        if self._server is not None and self._released is not None:
            self._server.call_soon(self._released.set)
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def api_url(self) -> str:
        """The base URL to give slack_sdk (`base_url`) or SLACK_API_URL, with a trailing slash."""
        assert self._server is not None, "FakeSlack is not started"
        return f"{self._server.url}/api/"

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- scripting and seeding -----------------------------------------------------------

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `{"ok": false, "error": error}`."""
        with self._lock:
            self._script.setdefault(method, []).extend(ApiError(error) for _ in range(times))

    def ratelimit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and Retry-After."""
        error = ApiError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        with self._lock:
            self._script.setdefault(method, []).extend(error for _ in range(times))

    def stall_next(self, method: str) -> None:
        """Take the next call of `method` and answer it only after STALL_SECONDS (Slack being
        slow); the call is recorded (status 0) as soon as it arrives."""
        with self._lock:
            self._stalls[method] = self._stalls.get(method, 0) + 1

    def set_channel_error(self, channel: str, error: str | None) -> None:
        """Make every post/update in a channel fail with `error` (None clears it)."""
        with self._lock:
            if error is None:
                self._state.channel_errors.pop(channel, None)
            else:
                self._state.channel_errors[channel] = error

    def issue_trigger_id(self) -> str:
        """A fresh trigger id, valid once for `workspace.trigger_ttl` seconds from now."""
        with self._lock:
            trigger = f"{self._state.next_id('')}.{time.monotonic_ns()}.fake"
            self._state.triggers[trigger] = time.monotonic()
            return trigger

    def seed_message(
        self,
        channel: str,
        ts: str,
        text: str,
        user: str,
        thread_ts: str | None = None,
        *,
        bot_id: str | None = None,
        subtype: str | None = None,
    ) -> None:
        """Put a message (text exactly as Slack stores it, i.e. already escaped) in a channel;
        `bot_id` (and `subtype` "bot_message") for one an app posted."""
        with self._lock:
            self._state.add(
                Message(channel, ts, text, user, thread_ts, bot_id=bot_id, subtype=subtype)
            )

    def seed_user(
        self,
        user_id: str,
        name: str,
        real_name: str = "",
        display_name: str = "",
        *,
        is_bot: bool = False,
        is_app_user: bool = False,
    ) -> None:
        """A user that users.info returns (`is_bot`, `is_app_user` for an app's users)."""
        profile = {"real_name": real_name, "display_name": display_name}
        with self._lock:
            self._state.users[user_id] = {
                "id": user_id,
                "name": name,
                "real_name": real_name,
                "is_bot": is_bot,
                "is_app_user": is_app_user,
                "profile": profile,
            }

    def seed_usergroup(self, group_id: str, users: list[str]) -> None:
        """A user group that usergroups.users.list returns."""
        with self._lock:
            self._state.usergroups[group_id] = list(users)

    def seed_reaction(self, channel: str, ts: str, name: str, user: str) -> None:
        """A reaction that reactions.get returns on a message."""
        with self._lock:
            reactions = self._state.reactions.setdefault((channel, ts), [])
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None:
                reactions.append({"name": name, "users": [user], "count": 1})
            elif user not in entry["users"]:
                entry["users"].append(user)
                entry["count"] += 1

    # ---- inspection ----------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Every call received so far (of one method when given), oldest first."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str) -> list[JSON]:
        """Every message in a channel (top level and replies), in ts order, in API form."""
        with self._lock:
            return [self._state.api_message(m) for m in self._state.messages.get(channel, [])]

    def thread(self, channel: str, ts: str) -> list[JSON]:
        """A thread's parent then its replies, as conversations.replies returns them."""
        with self._lock:
            parent = self._state.find(channel, ts)
            if parent is None:
                return []
            replies = self._state.replies_to(channel, ts)
            return [self._state.api_message(m) for m in [parent, *replies]]

    def ephemeral(self) -> list[JSON]:
        """Every ephemeral message posted, oldest first."""
        with self._lock:
            return list(self._state.ephemeral)

    def views(self) -> list[JSON]:
        """Every modal view currently held (opened, pushed or updated), by view id order."""
        with self._lock:
            return [{**v.view, "id": v.id, "hash": v.hash} for v in self._state.views.values()]

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls of `method` arrived; raise AssertionError at the deadline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} {method} call(s), got {len(self.calls(method))}")

    async def await_calls(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait (without blocking the loop) until `count` calls of `method` arrived."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = self.calls(method)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(f"expected {count} {method} call(s), got {len(self.calls(method))}")

    # ---- HTTP ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        """Answer one Web API request like Slack."""
        method = request.match_info["method"]
        params, auth = await _read_params(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        await self._stall(method, params)
        with self._lock:
            status, body, headers = self._answer(method, params, auth)
            self._calls.append(Call(method, params, time.monotonic(), status, body))
        return web.json_response(body, status=status, headers=headers)

    async def _stall(self, method: str, params: JSON) -> None:
        """Hold a call scripted by `stall_next` (recorded at once) for STALL_SECONDS."""
        with self._lock:
            if not self._stalls.get(method):
                return
            self._stalls[method] -= 1
            self._calls.append(Call(method, dict(params), time.monotonic(), 0, {}))
        if self._released is None:
            self._released = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STALL_SECONDS):
                await self._released.wait()

    def _answer(
        self, method: str, params: JSON, auth: str | None
    ) -> tuple[int, JSON, dict[str, str]]:
        """Status, body and headers for one call; the caller holds the lock."""
        try:
            self._check_token(auth or params.pop("token", None))
            scripted = self._script.get(method)
            if scripted:
                raise scripted.pop(0)
            handler = METHODS.get(method)
            if handler is None:
                raise ApiError("unknown_method")
            return 200, {"ok": True, **handler(self._state, params, self.workspace)}, {}
        except ApiError as error:
            return error.status, error.body(), error.headers

    def _check_token(self, token: str | None) -> None:
        """`not_authed` without a token, `invalid_auth` with a wrong one."""
        if not token:
            raise ApiError("not_authed")
        if token != self.token:
            raise ApiError("invalid_auth")


async def _read_params(request: web.Request) -> tuple[JSON, str | None]:
    """Query, form and JSON parameters merged; and the bearer token if any."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                body = None
            if isinstance(body, dict):
                params.update(body)
        else:
            params.update(dict(await request.post()))
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer ") :] if header.startswith("Bearer ") else None
    return params, token
