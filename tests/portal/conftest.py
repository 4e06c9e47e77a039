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


@pytest.fixture
def zoho_sandbox(sandbox):
    """The session's sandbox with no faults and an empty call log (cleaned up after the test too)."""
    sandbox.clear_faults()
    sandbox.clear_calls()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def zoho(zoho_sandbox):
    """A fresh client (its own breaker and token) against the sandbox, with quick retries."""
    from tests.conftest import sandbox_zoho_config
    from zoho_client import ZohoClient

    with ZohoClient(sandbox_zoho_config(zoho_sandbox)) as client:
        client.organization.get()  # the token grant, so that call counts below are Zoho reads only
        zoho_sandbox.clear_calls()
        yield client


@pytest.fixture
def read_model(zoho, zoho_sandbox):
    """``read_model(customer_id, **cache_options)``: a CustomerBilling on a fresh cache and pool."""
    from services.billing import CustomerBilling
    from services.cache import BillingCache, begin_request
    from services.fanout import FanOut

    begin_request()
    caches: dict[tuple, BillingCache] = {}
    pools: list[FanOut] = []

    def make(customer_id: str, cache: BillingCache | None = None, **cache_options) -> CustomerBilling:
        if cache is None:
            key = tuple(sorted(cache_options.items()))
            cache = caches.setdefault(key, BillingCache(zoho_sandbox.ORGANIZATION_ID, **cache_options))
        pools.append(FanOut())
        return CustomerBilling(customer_id, zoho, cache, pools[-1])

    yield make
    for pool in pools:
        pool.shutdown()


@pytest.fixture
def demo_customers(zoho):
    return tuple(zoho.customers.iter_all())


def calls_carrying(sandbox, value: str) -> list[dict]:
    """Every recorded upstream call whose path or query string contains ``value``."""
    return [c for c in sandbox.calls()["calls"] if value in c["path"] or value in c["query_string"]]
