"""Run the real `incident-bot` command in a subprocess with a clean, explicit environment."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, PHARE_TOKEN

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


def vendors_env(phare_url: str, checkly_url: str, **extra: str) -> dict[str, str]:
    """The variables pointing the bot at loopback vendors holding the fixtures' credentials."""
    return {
        "PHARE_API_TOKEN": PHARE_TOKEN,
        "PHARE_API_URL": phare_url,
        "CHECKLY_API_KEY": CHECKLY_KEY,
        "CHECKLY_ACCOUNT_ID": CHECKLY_ACCOUNT,
        "CHECKLY_API_URL": checkly_url,
        **extra,
    }
