"""Fixtures for the sandbox's own tests: one sandbox process with the infra test routes loaded."""
from __future__ import annotations

import pytest
import requests

from zoho_sandbox.testing import SandboxProcess


@pytest.fixture(scope="session")
def sandbox_proc():
    with SandboxProcess(seed="demo", extra_args=("--import", "tests.sandbox.infra_test_routes")) as process:
        yield process


@pytest.fixture
def sb(sandbox_proc):
    """The session sandbox, put back to its start state after the test (config included)."""
    yield sandbox_proc
    sandbox_proc.control("DELETE", "webhooks")
    sandbox_proc.set_latency(0)
    sandbox_proc.set_rate_limits(enabled=False, per_minute=100, per_day=5000, max_concurrent=10, token_throttle=10)
    sandbox_proc.reset()


@pytest.fixture
def token(sb) -> str:
    return sb.access_token()


@pytest.fixture
def auth(sb, token) -> dict[str, str]:
    return sb.auth_headers(token)


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def reader(sandbox_proc):
    """An API caller on the session sandbox without the reset after the test: only for tests that
    read, or are refused and so change nothing (a reset per parametrized case is most of their cost)."""
    from tests.sandbox.s2_helpers import Api

    return Api(sandbox_proc, sandbox_proc.auth_headers())
