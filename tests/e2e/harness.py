"""The real `incident-bot serve` process against loopback fakes of Slack, Phare and Checkly.

    with Stack(tmp_path) as stack:               # fakes on loopback, env pointing at them
        bot = stack.start_bot()                  # `python -m bot serve`; waits for /healthz 200
        bot.post(slash_command(stack.signing_secret, text="link phare:42"))
        bot.kill()                               # SIGKILL; `stack.start_bot()` again to restart
        stack.phare.applied(42)

Each bot process gets a free port; several may run at once on one DATABASE_URL.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import httpx

from tests.cli.process import clean_env
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import (
    CHECKLY_ACCOUNT,
    CHECKLY_INCIDENT,
    CHECKLY_KEY,
    CHECKLY_PAGE_INCIDENT,
    PHARE_INCIDENT,
    PHARE_TOKEN,
)
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.slack import FakeSlack
from tests.slack.signing import CHANNEL_ID, SignedRequest, slash_command

SIGNING_SECRET = "e2e-signing-secret-0f9a8b7c"
START_TIMEOUT = 30.0
LINK_BOTH = f"link phare:{PHARE_INCIDENT} checkly:{CHECKLY_INCIDENT}"
_STORED = re.compile(r"Stored update #([0-9]+)")


def stored_update_id(answer: str) -> int:
    """The id in an answer that says an update was stored."""
    found = _STORED.search(answer)
    assert found is not None, answer
    return int(found.group(1))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class BotProcess:
    """One running `incident-bot serve`."""

    def __init__(
        self, env: Mapping[str, str], cwd: Path, log: Path, command: Sequence[str] = ("serve",)
    ) -> None:
        self.port = int(env["PORT"])
        self.command = tuple(command)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *command],
            cwd=cwd,
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.http = httpx.Client(base_url=self.url, timeout=10.0)

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Poll /healthz until it answers 200; fail with the log if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"bot exited {self.process.returncode}:\n{self.log()}")
            try:
                if self.http.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"bot not healthy after {timeout} s:\n{self.log()}")

    def post(self, request: SignedRequest) -> httpx.Response:
        """Send a signed Slack request to /slack/events."""
        return self.http.post("/slack/events", content=request.body, headers=request.headers)

    def kill(self) -> None:
        """SIGKILL to the process and its worker child, as a platform stops a container."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        """SIGTERM, then wait for a clean exit."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._close()

    def log(self) -> str:
        """Everything the process printed."""
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def _close(self) -> None:
        self.http.close()
        self._log.close()


class Stack:
    """Fakes of Slack, Phare and Checkly on loopback, and bots pointed at them."""

    def __init__(self, home: Path, database_url: str | None = None, **env: str) -> None:
        self.home = home
        self.signing_secret = SIGNING_SECRET
        self.slack = FakeSlack()
        self.phare = PhareFake(token=PHARE_TOKEN, incidents={int(PHARE_INCIDENT)})
        self.checkly = ChecklyFake(
            key=CHECKLY_KEY,
            account=CHECKLY_ACCOUNT,
            incidents={CHECKLY_INCIDENT},
            page_incidents={CHECKLY_PAGE_INCIDENT},
        )
        self._servers = [LoopbackServer(self.phare.app), LoopbackServer(self.checkly.app)]
        self.database_url = database_url or f"sqlite:///{home / 'bot.db'}"
        self.extra_env = env
        self.bots: list[BotProcess] = []

    def env(self, port: int) -> dict[str, str]:
        """The environment a bot process runs with."""
        phare, checkly = self._servers
        return clean_env(
            {
                "SLACK_BOT_TOKEN": self.slack.token,
                "SLACK_SIGNING_SECRET": self.signing_secret,
                "SLACK_API_URL": self.slack.api_url,
                "PHARE_API_TOKEN": PHARE_TOKEN,
                "PHARE_API_URL": phare.url,
                "CHECKLY_API_KEY": CHECKLY_KEY,
                "CHECKLY_ACCOUNT_ID": CHECKLY_ACCOUNT,
                "CHECKLY_API_URL": checkly.url,
                "DATABASE_URL": self.database_url,
                "PORT": str(port),
                **self.extra_env,
            },
            self.home,
        )

    def command(self, bot: BotProcess, text: str, channel: str = CHANNEL_ID) -> str:
        """Type `/incident-update TEXT` in a channel; the text only the caller sees."""
        response = bot.post(slash_command(self.signing_secret, text=text, channel_id=channel))
        assert response.status_code == 200, response.text
        answer: str = response.json()["text"]
        return answer

    def publish(self, bot: BotProcess, text: str, channel: str = CHANNEL_ID) -> int:
        """`/incident-update TEXT` that must store an update; its update id."""
        return stored_update_id(self.command(bot, text, channel))

    def start_bot(self, wait: bool = True, command: Sequence[str] = ("serve",)) -> BotProcess:
        """Start one more `incident-bot serve` (or another command) on a free port."""
        port = free_port()
        bot = BotProcess(self.env(port), self.home, self.home / f"bot-{port}.log", command)
        self.bots.append(bot)
        if wait:
            bot.wait_healthy()
        return bot

    def __enter__(self) -> "Stack":
        self.slack.start()
        for server in self._servers:
            server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for bot in self.bots:
            if bot.process.poll() is None:
                bot.stop()
        for server in self._servers:
            server.stop()
        self.slack.stop()


def wait_until(
    predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.05
) -> None:
    """Poll a zero-argument callable until it returns truthy, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
