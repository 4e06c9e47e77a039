"""Integration tests: the real client against the real sandbox, over HTTP on loopback.

One sandbox process serves the whole session; each test gets a fresh client (fresh breaker, metrics and
token store) and a sandbox reset to the demo seed with no faults, so tests do not see each other's writes.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import sandbox_zoho_config
from zoho_client import ZohoClient, ZohoConfig
from zoho_client.models import Customer


@dataclass(frozen=True)
class SandboxClientEnv:
    sandbox: object  # zoho_sandbox.testing.SandboxProcess
    config: ZohoConfig

    def client(self, **overrides) -> ZohoClient:
        return ZohoClient(self.config.with_changes(**overrides) if overrides else self.config)


@pytest.fixture(scope="session")
def sandbox_client_env():
    from zoho_sandbox.testing import SandboxProcess

    with SandboxProcess(seed="demo") as sb:
        yield SandboxClientEnv(sandbox=sb, config=sandbox_zoho_config(sb))


@pytest.fixture
def sandbox(sandbox_client_env):
    sb = sandbox_client_env.sandbox
    sb.reset()
    sb.clear_faults()
    sb.clear_calls()
    yield sb
    sb.clear_faults()


@pytest.fixture
def client(sandbox_client_env, sandbox) -> ZohoClient:
    with sandbox_client_env.client() as zoho:
        yield zoho


def find_customer(client: ZohoClient, email: str) -> Customer:
    for customer in client.customers.iter_all():
        if customer.email == email:
            return customer
    raise AssertionError(f"demo seed has no customer {email}")


@pytest.fixture
def acme(client) -> Customer:
    """Acme Studio (demo seed): USD, live Pro with addons and a coupon, card 4242, contact persons,
    a scheduled end-of-term upgrade."""
    return find_customer(client, "billing@acme.example")


def upstream_calls(sandbox, path_fragment: str, method: str | None = None) -> list[dict]:
    return [c for c in sandbox.calls()["calls"]
            if path_fragment in c["path"] and (method is None or c["method"] == method)]
