"""The sandbox's own tests drive it over raw HTTP: an access token, its headers, and a session."""
from __future__ import annotations

import pytest
import requests


@pytest.fixture
def token(sandbox) -> str:
    """A fresh access token by the refresh-token grant."""
    return sandbox.access_token()


@pytest.fixture
def auth(sandbox, token) -> dict[str, str]:
    """The headers of an API call with ``token`` and the demo organization."""
    return sandbox.auth_headers(token)


@pytest.fixture
def http():
    """A ``requests`` session of the test's own."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def reader(sandbox_server):
    """An API caller on the session sandbox without the reset after the test: only for tests that
    read, or are refused and so change nothing (a reset per parametrized case is most of their cost)."""
    from tests.sandbox.s2_helpers import Api

    return Api(sandbox_server, sandbox_server.auth_headers())
