"""The PostgreSQL the bench may use: named in the environment, or a local default that answers."""

import os

import psycopg

ENV_NAMES = ("BENCH_DATABASE_URL", "TEST_DATABASE_URL")
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_SECONDS = 3


def postgres_base_url() -> str | None:
    """BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the default; None if it does not answer."""
    url = next((os.environ[name] for name in ENV_NAMES if os.environ.get(name)), DEFAULT_URL)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS):
            pass
    except psycopg.Error:
        return None
    return url
