"""The bench's world: loopback fakes with fixed latencies, the real bot process, the null server."""

import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from bench.driver import BenchError, Driver
from bench.probe import StoredFirstProbe
from tests.e2e.harness import BotProcess, Stack, free_port, stored_update_id
from tests.fakes.checkly import ChecklyFake
from tests.fakes.phare import PhareFake
from tests.fakes.slack import FakeSlack
from tests.slack.signing import SignedRequest, slash_command

PHARE_LATENCY = 0.080
CHECKLY_LATENCY = 0.120
START_LIMIT_SECONDS = 30.0
POLL_SECONDS = 0.005
# Replies to `response_url` stay on loopback: the fake Slack answers them (`unknown_method`).
RESPONSE_URL_METHOD = "bench.response_url"
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Channel:
    """A Slack channel bound to one Phare and one Checkly incident of its own."""

    channel_id: str
    phare_incident: int
    checkly_incident: str

    @property
    def link_text(self) -> str:
        """The `/incident-update` text that binds the channel."""
        return f"link phare:{self.phare_incident} checkly:{self.checkly_incident}"


def make_channels(count: int) -> list[Channel]:
    """`count` channels, each with its own incidents (so no incident's list grows long)."""
    return [
        Channel(
            channel_id=f"CBENCH{n:04d}",
            phare_incident=5000 + n,
            checkly_incident=str(uuid.UUID(int=0xBE0C << 64 | n)),
        )
        for n in range(count)
    ]


def wait_healthy(url: str, limit: float = START_LIMIT_SECONDS) -> float:
    """Poll `url/healthz` until 200; the monotonic time it first answered 200."""
    deadline = time.monotonic() + limit
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(url + "/healthz").status_code == 200:
                    return time.monotonic()
            except httpx.TransportError:
                pass
            time.sleep(POLL_SECONDS)
    raise BenchError(f"{url} did not answer /healthz within {limit} s")


class NullServer:
    """`python -m bench.null_server` in its own process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.null_server", str(self.port)],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        wait_healthy(self.url)

    def stop(self) -> None:
        """Terminate and reap the process."""
        self._process.terminate()
        self._process.wait(timeout=10)


class BenchStack:
    """Fakes (Phare 80 ms, Checkly 120 ms, Slack at once) and bot processes pointed at them."""

    def __init__(self, home: Path, channels: list[Channel]) -> None:
        self.channels = channels
        self._stack = Stack(home)
        self.slack: FakeSlack = self._stack.slack
        self.phare: PhareFake = self._stack.phare
        self.checkly: ChecklyFake = self._stack.checkly
        self.checkly.success_shape = "object"
        for channel in channels:
            self.phare.add_incident(channel.phare_incident)
            self.checkly.add_incident(channel.checkly_incident)
        self.set_provider_latency(PHARE_LATENCY, CHECKLY_LATENCY)

    @property
    def signing_secret(self) -> str:
        """The secret the bot verifies requests with."""
        return self._stack.signing_secret

    @property
    def database_url(self) -> str:
        """The database the next (or last) bot stores into."""
        return self._stack.database_url

    @property
    def database_path(self) -> Path:
        """The SQLite file the next (or last) bot stores into."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    def use_new_database(self, name: str) -> Path:
        """Point bots started from now on at a new, empty SQLite file."""
        self.use_database_url(f"sqlite:///{self._stack.home / (name + '.db')}")
        return self.database_path

    def use_database_url(self, url: str) -> None:
        """Point bots started from now on at this database."""
        self._stack.database_url = url

    def provider_urls(self) -> tuple[str, str]:
        """The base URLs of the Phare and Checkly fakes."""
        phare, checkly = self._stack.env(0)["PHARE_API_URL"], self._stack.env(0)["CHECKLY_API_URL"]
        return phare, checkly

    def install_probe(self, probe: StoredFirstProbe) -> None:
        """Let the probe see each create request the provider fakes receive."""
        probe.install(self.phare.app)
        probe.install(self.checkly.app)

    def set_provider_latency(self, phare: float, checkly: float) -> None:
        """The fixed time each provider fake waits before answering."""
        self.phare.latency = phare
        self.checkly.latency = checkly

    def launch(self, command: Sequence[str] = ("serve",)) -> BotProcess:
        """Start `incident-bot serve` (or another command) without waiting for it."""
        return self._stack.start_bot(wait=False, command=command)

    def start_bot(self, command: Sequence[str] = ("serve",)) -> tuple[BotProcess, float]:
        """Start a bot process; the process and its seconds from start to /healthz 200."""
        started = time.monotonic()
        bot = self.launch(command)
        healthy_at = wait_healthy(bot.url)
        return bot, healthy_at - started

    async def link_all(self, url: str) -> None:
        """Bind every bench channel to its incidents, through the bot at `url`."""
        async with Driver(url, 1) as driver:
            for index, channel in enumerate(self.channels):
                request = self.command(channel.link_text, channel.channel_id)
                sample = await driver.send(index, request)
                if b"now publishes" not in sample.body:
                    raise BenchError(f"link failed in {channel.channel_id}: {sample.body!r}")

    def publish(self, bot: BotProcess, text: str, channel: str) -> int:
        """`/incident-update TEXT` in `channel` through `bot`; the stored update's id."""
        response = bot.post(self.command(text, channel))
        if response.status_code != 200 or "Stored update #" not in response.text:
            raise BenchError(f"not stored: {response.status_code} {response.text[:200]}")
        return stored_update_id(response.json()["text"])

    def command(self, text: str, channel: str, trigger_id: str | None = None) -> SignedRequest:
        """A signed `/incident-update` typed in `channel`."""
        return slash_command(
            self.signing_secret,
            text=text,
            channel_id=channel,
            trigger_id=trigger_id,
            response_url=self.slack.api_url + RESPONSE_URL_METHOD,
        )

    def __enter__(self) -> "BenchStack":
        self._stack.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.__exit__(exc_type, exc, tb)
