"""Fixtures for the portal's read side: a real Redis when the test command provides one."""
from __future__ import annotations

import os
import secrets

import pytest


@pytest.fixture
def redis_client():
    """A client for the test command's Redis (``TEST_REDIS_URL``); on CI its absence is a failure."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is not set: the test command starts a Redis server for these tests")
        pytest.skip("TEST_REDIS_URL is not set (run through scripts/test.sh)")
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    client.ping()
    yield client
    client.close()


@pytest.fixture
def org_id() -> str:
    """A fresh numeric organization id per test, so tests sharing one Redis never see each other's keys."""
    return str(10_000_000 + secrets.randbelow(89_999_999))
