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
