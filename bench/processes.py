"""The bot's processes as /proc shows them: each started command, and the children it starts.

`serve` starts its worker as a child program, so a figure of "the bot" is the started process
and every process below it. CPU counts children that have exited and been reaped (Linux adds
their time to the parent's `cutime`/`cstime`), so a child restarted during a phase is counted.
"""

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tests.e2e.harness import BotProcess

SAMPLE_SECONDS = 0.25
CHILD_MARK = " > "


@dataclass(frozen=True)
class Memory:
    """One kind of bot process: its highest peak RSS, and its highest PSS seen."""

    peak_rss_mb: float
    pss_mb: float

    def max(self, other: "Memory | None") -> "Memory":
        """The higher of each figure."""
        if other is None:
            return self
        return Memory(max(self.peak_rss_mb, other.peak_rss_mb), max(self.pss_mb, other.pss_mb))


def _proc_field(pid: int, name: str, field: str) -> int | None:
    """A `kB` figure from /proc/<pid>/<name> (None: the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def memory_of(pid: int) -> Memory | None:
    """The process's peak resident set (VmHWM) and PSS now, in MB (None: it is gone)."""
    peak, pss = _proc_field(pid, "status", "VmHWM"), _proc_field(pid, "smaps_rollup", "Pss")
    if peak is None or pss is None:
        return None
    return Memory(peak / 1024, pss / 1024)


def _stat_ticks(pid: int) -> list[int]:
    """utime, stime, cutime, cstime of the process, in clock ticks (zeros: it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return [0, 0, 0, 0]
    return [int(f) for f in fields[11:15]]


def child_pids(pid: int) -> list[int]:
    """The process's live children, from /proc/<pid>/task/*/children."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(p) for p in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def command_of(pid: int) -> str:
    """The process's arguments after `-m bot` (or its whole command line)."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except (FileNotFoundError, ProcessLookupError):
        return "?"
    args = [a for a in args if a]
    return " ".join(args[args.index("bot") + 1 :] if "bot" in args else args)


def cpu_by_process(name: str, pid: int) -> dict[str, float]:
    """User + system CPU seconds so far: the process itself, and (when it has or had any) its
    children together, live ones and those reaped, under `name > child command`."""
    utime, stime, cutime, cstime = _stat_ticks(pid)
    tick = os.sysconf("SC_CLK_TCK")
    figures = {name: (utime + stime) / tick}
    children = child_pids(pid)
    below = (cutime + cstime) / tick + sum(_tree_seconds(child) for child in children)
    if children or below:
        label = name + CHILD_MARK + (command_of(children[0]) if children else "children")
        figures[label] = below
    return figures


def _tree_seconds(pid: int) -> float:
    """CPU seconds of the process and everything below it, reaped children included."""
    ticks = sum(_stat_ticks(pid)) / os.sysconf("SC_CLK_TCK")
    return ticks + sum(_tree_seconds(child) for child in child_pids(pid))


class MemoryWatch:
    """Samples, in a thread, the memory of bot processes and of each child they start."""

    def __init__(self, bots: Sequence[BotProcess]) -> None:
        self._roots = [(" ".join(bot.command), bot.process.pid) for bot in bots]
        self.seen: dict[str, Memory] = {}
        self.child_pids: dict[str, set[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="memory-watch", daemon=True)

    def sample(self) -> None:
        """Read every process once; keep the highest figures for each kind."""
        for name, pid in self._roots:
            self._keep(name, pid)
            for child in child_pids(pid):
                label = name + CHILD_MARK + command_of(child)
                self.child_pids.setdefault(label, set()).add(child)
                self._keep(label, child)

    def _keep(self, label: str, pid: int) -> None:
        """Fold one reading into the figures for `label`."""
        memory = memory_of(pid)
        if memory is not None:
            self.seen[label] = memory.max(self.seen.get(label))

    def _loop(self) -> None:
        """Sample until asked to stop."""
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
