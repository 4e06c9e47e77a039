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
def zoho_config() -> ZohoConfig:
    """A ``ZohoConfig`` for the scripted transport's made-up Zoho (nothing listens there)."""
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
def make_scripted_zoho(zoho_config, clock, transport):
    """``make_scripted_zoho(**config_changes)`` → a ``ZohoClient`` on the scripted transport, sleeping on ``clock``."""
    session, adapter = transport

    def make(**overrides) -> ZohoClient:
        cfg = zoho_config.with_changes(**overrides) if overrides else zoho_config
        return ZohoClient(cfg, session=session, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)

    return make


@pytest.fixture
def scripted_zoho(make_scripted_zoho, adapter):
    """A ``ZohoClient`` on the scripted transport whose first token refresh succeeds with ``1000.access.one``."""
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply("1000.access.one"))
    return make_scripted_zoho()
