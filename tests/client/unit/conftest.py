from __future__ import annotations

import pytest

from zoho_client import ZohoClient, ZohoConfig

from .fakes import ACCOUNTS, API, scripted_session, token_reply

SECRET = "sandbox-unit-secret-XYZ"
REFRESH = "1000.unit.refresh.SECRETREFRESH"


class FakeClock:
    """Monotonic time that only moves when the code under test sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def config() -> ZohoConfig:
    return ZohoConfig(api_base=API, accounts_url=ACCOUNTS, client_id="1000.UNITCLIENT", client_secret=SECRET,
                      refresh_token=REFRESH, organization_id="10234695")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def transport():
    return scripted_session()


@pytest.fixture
def adapter(transport):
    return transport[1]


@pytest.fixture
def make_client(config, clock, transport):
    session, adapter = transport

    def make(**overrides) -> ZohoClient:
        cfg = config.with_changes(**overrides) if overrides else config
        return ZohoClient(cfg, session=session, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)

    return make


@pytest.fixture
def client(make_client, adapter):
    """A client whose first token refresh succeeds with ``1000.access.one``."""
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply("1000.access.one"))
    return make_client()
