"""Run the real `incident-bot` command in a subprocess with a clean, explicit environment."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_OURS = ("SLACK_", "PHARE_", "CHECKLY_", "INCIDENT_BOT_", "DATABASE_URL", "PORT")


def clean_env(extra: Mapping[str, str], home: Path) -> dict[str, str]:
    """The test process's environment without any bot variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env.setdefault("DATABASE_URL", f"sqlite:///{home / 'cli.db'}")
    env.update(extra)
    return env


def run_cli(
    args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `cwd` (so no stray .env is read), capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(env or {}, cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
