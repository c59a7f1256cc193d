"""The directory `serve` shares counters with its worker child in: one per `serve`, and what a
killed `serve` left behind removed by the next."""

import os
import subprocess
from pathlib import Path

import pytest

from bot.metrics_dir import MULTIPROC_DIR, PREFIX, shared_metrics_directory


def gone_pid() -> int:
    """The pid of a process that has ended."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def test_the_directory_is_named_after_serve_set_for_the_child_and_removed_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_DIR, raising=False)

    with shared_metrics_directory(tmp_path) as directory:
        assert directory.is_dir()
        assert directory.parent == tmp_path
        assert directory.name.startswith(f"{PREFIX}{os.getpid()}-")
        assert os.environ[MULTIPROC_DIR] == str(directory)

    assert not directory.exists()
    assert MULTIPROC_DIR not in os.environ


def test_what_a_killed_serve_left_is_removed_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_DIR, raising=False)
    abandoned = tmp_path / f"{PREFIX}{gone_pid()}-k3x9"
    (abandoned / "sub").mkdir(parents=True)
    (abandoned / "counter_123.db").write_bytes(b"\0" * 64)
    running = tmp_path / f"{PREFIX}{os.getppid()}-a1b2"
    running.mkdir()
    unnamed = tmp_path / f"{PREFIX}j_mxlc3w"
    unnamed.mkdir()
    other = tmp_path / "incident-bot-postgres-1-x"
    other.mkdir()

    with shared_metrics_directory(tmp_path):
        assert not abandoned.exists()
        assert running.is_dir()
        assert unnamed.is_dir()
        assert other.is_dir()
