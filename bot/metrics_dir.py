"""The directory `serve` and its worker child keep their counters in (prometheus_client's
multiprocess mode): one per `serve`, named after its pid; what a killed `serve` left is removed
by the next one."""

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Read by prometheus_client when first imported (bot.metrics.MULTIPROC_DIR).
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "incident-bot-metrics-"
_OWNED = re.compile(re.escape(PREFIX) + r"([0-9]{1,10})-.+")


@contextlib.contextmanager
def shared_metrics_directory(parent: Path | None = None) -> Iterator[Path]:
    """A new directory set as PROMETHEUS_MULTIPROC_DIR while the block runs, removed after.

    Set it before prometheus_client is imported. Directories of a `serve` whose process is gone
    (killed: it could not remove its own) are removed first.
    """
    base = parent or Path(tempfile.gettempdir())
    remove_abandoned(base)
    before = os.environ.get(MULTIPROC_DIR)
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-", dir=base) as directory:
        os.environ[MULTIPROC_DIR] = directory
        try:
            yield Path(directory)
        finally:
            if before is None:
                os.environ.pop(MULTIPROC_DIR, None)
            else:
                os.environ[MULTIPROC_DIR] = before


def remove_abandoned(base: Path) -> list[Path]:
    """Remove this user's metrics directories whose `serve` is no longer running; those."""
    removed = []
    for found in base.glob(f"{PREFIX}*"):
        owner = _OWNED.fullmatch(found.name)
        if owner is None or not found.is_dir() or _alive(int(owner.group(1))):
            continue
        with contextlib.suppress(OSError):
            if found.stat().st_uid == os.getuid():
                shutil.rmtree(found)
                removed.append(found)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this pid exists (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
