"""Upstream faults injected by the sandbox, seen through the client over real sockets."""
import threading
import time

import pytest

from zoho_client import (
    ZohoBadResponse, ZohoCircuitOpen, ZohoOutcomeUnknown, ZohoRateLimited, ZohoTimeout, ZohoUnavailable,
)

from .conftest import find_customer, upstream_calls

CUSTOMERS = "/billing/v1/customers*"


def refreshes(client):
    return client.metrics.snapshot().get("POST /oauth/v2/token", 0)


def test_expired_token_is_refreshed_once_and_the_call_retried(client, sandbox, acme):
    assert refreshes(client) == 1
    sandbox.expire_tokens()
    sandbox.clear_calls()
    assert client.customers.get(acme.customer_id).customer_id == acme.customer_id
    assert refreshes(client) == 2
    statuses = [c["status"] for c in upstream_calls(sandbox, f"/customers/{acme.customer_id}")]
    assert statuses == [401, 200]


def test_ten_threads_after_expiry_cause_one_refresh(client, sandbox, acme):
    sandbox.expire_tokens()
    errors = []

    def work():
        try:
            client.customers.get(acme.customer_id)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert refreshes(client) == 2  # the first token and exactly one refresh


def test_connection_reset_on_a_read_is_retried(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="reset", count=1)
    assert client.customers.get(acme.customer_id).customer_id == acme.customer_id
    assert client.metrics.snapshot()["GET /customers/{customer_id}"] == 2  # the reset one + the retry


def test_truncated_body_is_retried(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="truncate", count=1)
    assert client.customers.get(acme.customer_id).display_name == "Acme Studio"


def test_truncated_body_every_time_is_a_bad_response(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="truncate", count=-1)
    with pytest.raises(ZohoBadResponse):
        client.customers.get(acme.customer_id)


def test_non_json_page_is_a_bad_response_and_not_retried(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="non_json", count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoBadResponse):
        client.customers.get(acme.customer_id)
    assert len(upstream_calls(sandbox, "/customers/")) == 1


def test_html_503_from_a_load_balancer_is_unavailable_after_retries(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=503, count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoUnavailable) as info:
        client.customers.get(acme.customer_id)
    assert info.value.status == 503
    assert len(upstream_calls(sandbox, "/customers/")) == 1 + client.config.max_retries


def test_429_with_retry_after_2_waits_and_succeeds(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=429, retry_after=2, count=1)
    started = time.monotonic()
    assert client.customers.get(acme.customer_id).customer_id == acme.customer_id
    assert 2.0 <= time.monotonic() - started < 5.0


def test_429_with_retry_after_3600_fails_at_once(client, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=429, retry_after=3600, count=-1)
    sandbox.clear_calls()
    started = time.monotonic()
    with pytest.raises(ZohoRateLimited) as info:
        client.customers.get(acme.customer_id)
    assert time.monotonic() - started < 1.0
    assert info.value.retry_after == 3600
    assert len(upstream_calls(sandbox, "/customers/")) == 1


def test_slow_zoho_is_cut_off_by_the_total_deadline(sandbox_client_env, sandbox):
    with sandbox_client_env.client(read_timeout=1.0, total_deadline=2.5) as client:
        acme = find_customer(client, "billing@acme.example")
        sandbox.add_fault(path=CUSTOMERS, method="GET", kind="hang", seconds=30, count=-1)
        started = time.monotonic()
        with pytest.raises(ZohoTimeout):
            client.customers.get(acme.customer_id)
        assert time.monotonic() - started < 3.5


def test_circuit_opens_after_five_failures_and_stops_calling(sandbox_client_env, sandbox):
    with sandbox_client_env.client(max_retries=0) as client:
        acme = find_customer(client, "billing@acme.example")
        sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=500, count=-1)
        for _ in range(5):
            with pytest.raises(ZohoUnavailable):
                client.customers.get(acme.customer_id)
        sandbox.clear_calls()
        for _ in range(3):
            with pytest.raises(ZohoCircuitOpen):
                client.customers.get(acme.customer_id)
        assert sandbox.calls()["total"] == 0


def test_business_404s_do_not_trip_the_circuit(sandbox_client_env, sandbox):
    from zoho_client import ZohoNotFound
    with sandbox_client_env.client(max_retries=0) as client:
        for _ in range(8):
            with pytest.raises(ZohoNotFound):
                client.invoices.get("999999999999999")
        assert client.breaker.state == "closed"


def test_collect_reset_is_outcome_unknown_and_sent_once(client, sandbox):
    bright = find_customer(client, "accounts@brightside-dental.example")
    card = client.cards.list(bright.customer_id)[0]
    invoice = client.invoices.list(customer_id=bright.customer_id, status="Unpaid").items[0]
    sandbox.add_fault(path="/billing/v1/invoices/*/collect", method="POST", kind="reset", count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoOutcomeUnknown):
        client.invoices.collect(invoice.invoice_id, card.card_id)
    assert len(upstream_calls(sandbox, "/collect")) == 1


def test_collect_that_hangs_is_outcome_unknown(sandbox_client_env, sandbox):
    with sandbox_client_env.client(read_timeout=1.0) as client:
        bright = find_customer(client, "accounts@brightside-dental.example")
        card = client.cards.list(bright.customer_id)[0]
        invoice = client.invoices.list(customer_id=bright.customer_id, status="Unpaid").items[0]
        sandbox.add_fault(path="/billing/v1/invoices/*/collect", method="POST", kind="hang", seconds=10, count=-1)
        with pytest.raises(ZohoOutcomeUnknown):
            client.invoices.collect(invoice.invoice_id, card.card_id)
