"""Stale-if-error against the sandbox's fault injection (checklist U 32): warm → last-good data with an
"as of" moment; cold → the outage is raised (the error page shows the calm 503)."""
from __future__ import annotations

import time

import pytest

from services.cache import begin_request, stale_as_of
from zoho_client.errors import ZohoRateLimited, ZohoUnavailable



def test_warm_data_is_served_with_an_as_of_when_zoho_fails(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Northwind Traders"].customer_id, ttl=0.2)
    before = billing.invoices()
    summary = billing.summary()
    time.sleep(0.3)  # past the TTL: the next read goes upstream
    sandbox.add_fault(path="/billing/v1/invoices*", kind="status", status=503, count=-1)
    begin_request()
    assert billing.invoices() == before
    assert billing.summary().outstanding == summary.outstanding
    as_of = stale_as_of()
    assert as_of is not None and as_of.tzinfo is not None
    assert any(c["status"] == 503 for c in sandbox.calls()["calls"])  # Zoho really was asked

    sandbox.clear_faults()
    time.sleep(0.3)
    begin_request()
    billing.invoices()
    assert stale_as_of() is None


def test_a_cold_cache_raises_the_outage(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Lone Wolf Freelance"].customer_id)
    sandbox.add_fault(path="/billing/v1/invoices*", kind="status", status=503, count=-1)
    with pytest.raises(ZohoUnavailable):
        billing.invoices()
    with pytest.raises(ZohoUnavailable):
        billing.summary()
    assert stale_as_of() is None


def test_rate_limiting_also_serves_last_good_data(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Café Zürich AG"].customer_id, ttl=0.2)
    subscriptions = billing.subscriptions()
    time.sleep(0.3)
    sandbox.add_fault(path="/billing/v1/subscriptions*", kind="status", status=429, count=-1)
    begin_request()
    assert billing.subscriptions() == subscriptions
    assert stale_as_of() is not None


def test_cold_rate_limiting_is_raised(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Café Zürich AG"].customer_id)
    sandbox.add_fault(path="/billing/v1/subscriptions*", kind="status", status=429, count=-1)
    with pytest.raises(ZohoRateLimited):
        billing.subscriptions()
