"""What `make run` starts: `incident-bot serve`, refusing clearly without Slack credentials.

`make run` itself creates a virtualenv (too slow to test); it ends in `.venv/bin/incident-bot
serve`, so both that console script and `python -m bot serve` are run here, in a clean
environment and an empty working directory (no `.env` is read).
"""

import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from tests.cli.process import clean_env
from tests.e2e.harness import free_port
from tests.fakes.server import LoopbackServer

BOT_TOKEN = "xoxb-e2e-make-run-token"
APP_TOKEN = "xapp-1-A0APP00001-0000-e2e"
SIGNING_SECRET = "e2e-make-run-signing-secret"
CONSOLE_SCRIPT = Path(sys.executable).with_name("incident-bot")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def serve_commands() -> list[list[str]]:
    """`python -m bot serve`, and the console script `make run` starts."""
    return [[sys.executable, "-m", "bot", "serve"], [str(CONSOLE_SCRIPT), "serve"]]


def run_serve(
    command: list[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run serve to completion (it must exit by itself) and capture its output."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=clean_env(env, cwd),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(params=["python -m bot", "console script"])
def serve_command(request: pytest.FixtureRequest) -> list[str]:
    """Each way of starting serve."""
    if request.param == "console script" and not CONSOLE_SCRIPT.exists():
        pytest.skip(f"{CONSOLE_SCRIPT} is not installed (run `make test` to install it)")
    return serve_commands()[0 if request.param == "python -m bot" else 1]


def test_without_slack_credentials_serve_exits_2_naming_both(
    serve_command: list[str], tmp_path: Path
) -> None:
    result = run_serve(serve_command, tmp_path, {})

    assert result.returncode == 2
    first_line = result.stderr.splitlines()[0]
    assert first_line == "incident-bot serve: missing SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET."
    assert "manifest.yml" in result.stderr
    assert "Signing Secret" in result.stderr
    assert result.stdout == ""


def test_with_only_the_bot_token_only_the_signing_secret_is_missing(tmp_path: Path) -> None:
    result = run_serve(serve_commands()[0], tmp_path, {"SLACK_BOT_TOKEN": BOT_TOKEN})

    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "incident-bot serve: missing SLACK_SIGNING_SECRET."
    assert BOT_TOKEN not in result.stderr
    assert "manifest.yml" in result.stderr


class ServeProcess:
    """A running serve whose output is kept in a file."""

    def __init__(self, command: list[str], cwd: Path, env: Mapping[str, str]) -> None:
        self.port = int(env["PORT"])
        self.log = cwd / "serve.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=clean_env(env, cwd), stdout=out, stderr=subprocess.STDOUT
            )

    def healthz(self) -> httpx.Response:
        """`GET /healthz`, waiting (with a deadline) for the port to open."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited {self.process.returncode}:\n{self.output()}")
            try:
                return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5)
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError(f"/healthz never answered:\n{self.output()}")

    def stop(self) -> int:
        """SIGTERM, and the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode

    def output(self) -> str:
        """What the process printed so far."""
        return self.log.read_text(errors="replace")


def test_http_mode_serves_healthz_as_json(tmp_path: Path, serving: list[ServeProcess]) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",  # unreachable: start anyway
        "PORT": str(free_port()),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    if not CONSOLE_SCRIPT.exists():
        pytest.skip(f"{CONSOLE_SCRIPT} is not installed (run `make test` to install it)")
    serving.append(process := ServeProcess([str(CONSOLE_SCRIPT), "serve"], tmp_path, env))

    health = process.healthz()

    assert health.status_code == 200
    assert health.headers["content-type"].startswith("application/json")
    assert health.json() == {"ok": True, "store": "reachable"}
    assert process.stop() == 0
    assert BOT_TOKEN not in process.output()
    assert SIGNING_SECRET not in process.output()


class SocketModeSlack:
    """Just enough of Slack for a Socket Mode connection: open a socket, say hello, stay."""

    def __init__(self) -> None:
        self.server = LoopbackServer(self._app())
        self.opened = 0

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/apps.connections.open", self._open)
        app.router.add_post("/api/auth.test", self._auth_test)
        app.router.add_get("/socket", self._socket)
        return app

    async def _open(self, request: web.Request) -> web.Response:
        self.opened += 1
        url = self.server.url.replace("http://", "ws://") + "/socket"
        return web.json_response({"ok": True, "url": url})

    async def _auth_test(self, request: web.Request) -> web.Response:
        body = {
            "ok": True,
            "user_id": "U0BOT00001",
            "bot_id": "B0BOT00001",
            "team_id": "T0TEAM0001",
        }
        return web.json_response(body)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})
        async for _message in socket:
            pass
        return socket


def test_socket_mode_needs_no_signing_secret(tmp_path: Path, serving: list[ServeProcess]) -> None:
    slack = SocketModeSlack()
    with slack.server:
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": f"{slack.server.url}/api/",
            "PORT": str(free_port()),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        }
        serving.append(process := ServeProcess(serve_commands()[0], tmp_path, env))

        health = process.healthz()
        _wait_for(lambda: slack.opened >= 1, process)

        assert health.status_code == 200
        assert health.json() == {"ok": True, "store": "reachable"}
        assert "missing" not in process.output()
        assert process.stop() == 0


def test_an_unreachable_database_stops_serve_with_a_clear_message(tmp_path: Path) -> None:
    closed = free_port()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",  # unreachable: start anyway
        "PORT": str(free_port()),
        "DATABASE_URL": f"postgresql://bot:db-password-77@127.0.0.1:{closed}/incidents",
    }

    result = run_serve(serve_commands()[0], tmp_path, env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "db-password-77" not in result.stderr
    assert f"cannot open the database at postgresql://bot:***@127.0.0.1:{closed}/incidents" in (
        result.stderr
    )
    assert "DATABASE_URL" in result.stderr


def _wait_for(predicate: Callable[[], bool], process: ServeProcess) -> None:
    """Poll a condition with a deadline, failing with the process output."""
    deadline = time.monotonic() + START_TIMEOUT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met:\n{process.output()}")
        time.sleep(0.05)
