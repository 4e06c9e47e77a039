"""Fixtures for the handoff tests: real Redis and PostgreSQL when the test command provides them."""
from __future__ import annotations

import os

import pytest


def _service_url(name: str) -> str:
    url = os.environ.get(name)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not set: the test command starts that server for these tests")
        pytest.skip(f"{name} is not set (run through scripts/test.sh)")
    return url


@pytest.fixture
def redis_url():
    url = _service_url("TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(url, socket_timeout=2).ping()
    return url


@pytest.fixture
def postgres_url():
    return _service_url("TEST_POSTGRES_URL")


@pytest.fixture
def dead_redis_url():
    """A Redis URL on a loopback port where nothing listens."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"
