"""The bench's world: loopback fakes with fixed latencies, the real bot process, the null server."""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from bench.driver import BenchError
from bench.probe import StoredFirstProbe
from tests.e2e.harness import BotProcess, Stack, free_port
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


def process_tree(pid: int) -> list[int]:
    """The process and its children (the bot forks one for deliveries)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


def _status_kb(pid: int, field: str) -> int:
    """A `kB` figure from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise BenchError(f"no {field} for process {pid}")


def peak_rss_mb(pid: int) -> float:
    """The sum of each bot process's peak resident set (VmHWM), in MB.

    Pages the forked processes still share are counted in each: an upper bound.
    """
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024


def pss_mb(pid: int) -> float:
    """The bot processes' proportional set size now (shared pages split between them), in MB."""
    total = 0
    for p in process_tree(pid):
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pid: int) -> list[float]:
    """User plus system CPU time each bot process (the web one first) has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = []
    for p in process_tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        used.append((int(fields[11]) + int(fields[12])) / ticks)
    return used


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
    def database_path(self) -> Path:
        """The SQLite file the next (or last) bot stores into."""
        return Path(self._stack.database_url.removeprefix("sqlite:///"))

    def use_new_database(self, name: str) -> Path:
        """Point bots started from now on at a new, empty SQLite file."""
        self._stack.database_url = f"sqlite:///{self._stack.home / (name + '.db')}"
        return self.database_path

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

    def start_bot(self) -> tuple[BotProcess, float]:
        """Start `incident-bot serve`; the process and its seconds from start to /healthz 200."""
        started = time.monotonic()
        bot = self._stack.start_bot(wait=False)
        healthy_at = wait_healthy(bot.url)
        return bot, healthy_at - started

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
