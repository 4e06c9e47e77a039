"""Upstream faults injected by the sandbox, seen through the zoho over real sockets."""
import threading

import pytest

from zoho_client import (
    ZohoBadResponse, ZohoCircuitOpen, ZohoOutcomeUnknown, ZohoRateLimited, ZohoTimeout, ZohoUnavailable,
)

from tests.support.sandbox_api import upstream_calls

from .conftest import find_customer

CUSTOMERS = "/billing/v1/customers*"


def refreshes(zoho):
    return zoho.metrics.snapshot().get("POST /oauth/v2/token", 0)


def test_expired_token_is_refreshed_once_and_the_call_retried(zoho, sandbox, acme):
    assert refreshes(zoho) == 1
    sandbox.expire_tokens()
    sandbox.clear_calls()
    assert zoho.customers.get(acme.customer_id).customer_id == acme.customer_id
    assert refreshes(zoho) == 2
    statuses = [c["status"] for c in upstream_calls(sandbox, f"/customers/{acme.customer_id}")]
    assert statuses == [401, 200]


def test_ten_threads_after_expiry_cause_one_refresh(zoho, sandbox, acme):
    sandbox.expire_tokens()
    errors = []

    def work():
        try:
            zoho.customers.get(acme.customer_id)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert refreshes(zoho) == 2  # the first token and exactly one refresh


def test_connection_reset_on_a_read_is_retried(zoho, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="reset", count=1)
    assert zoho.customers.get(acme.customer_id).customer_id == acme.customer_id
    assert zoho.metrics.snapshot()["GET /customers/{customer_id}"] == 2  # the reset one + the retry


def test_truncated_body_is_retried(zoho, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="truncate", count=1)
    assert zoho.customers.get(acme.customer_id).display_name == "Acme Studio"


def test_truncated_body_every_time_is_a_bad_response(zoho, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="truncate", count=-1)
    with pytest.raises(ZohoBadResponse):
        zoho.customers.get(acme.customer_id)


def test_non_json_page_is_a_bad_response_and_not_retried(zoho, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="non_json", count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoBadResponse):
        zoho.customers.get(acme.customer_id)
    assert len(upstream_calls(sandbox, "/customers/")) == 1


def test_html_503_from_a_load_balancer_is_unavailable_after_retries(zoho, sandbox, acme):
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=503, count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoUnavailable) as info:
        zoho.customers.get(acme.customer_id)
    assert info.value.status == 503
    assert len(upstream_calls(sandbox, "/customers/")) == 1 + zoho.config.max_retries


def test_429_with_retry_after_2_waits_and_succeeds(make_zoho, sandbox, acme):
    waits: list[float] = []
    zoho = make_zoho(sleep=waits.append)
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=429, retry_after=2, count=1)
    sandbox.clear_calls()
    assert zoho.customers.get(acme.customer_id).customer_id == acme.customer_id
    assert waits == [2.0]  # Retry-After honoured, once
    assert [c["status"] for c in upstream_calls(sandbox, f"/customers/{acme.customer_id}")] == [429, 200]


def test_429_with_retry_after_3600_fails_at_once(make_zoho, sandbox, acme):
    waits: list[float] = []
    zoho = make_zoho(sleep=waits.append)
    sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=429, retry_after=3600, count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoRateLimited) as info:
        zoho.customers.get(acme.customer_id)
    assert waits == []  # no wait at all: an hour is past any deadline
    assert info.value.retry_after == 3600
    assert len(upstream_calls(sandbox, "/customers/")) == 1


def test_slow_zoho_is_cut_off_by_the_total_deadline(make_zoho, sandbox):
    # Ten retries allowed, each try cut off after 1 s: only the 2.5 s deadline can stop it after 3 tries.
    with make_zoho(read_timeout=1.0, total_deadline=2.5, max_retries=10) as zoho:
        acme = find_customer(zoho, "billing@acme.example")
        sandbox.add_fault(path=CUSTOMERS, method="GET", kind="hang", seconds=30, count=-1)
        with pytest.raises(ZohoTimeout):
            zoho.customers.get(acme.customer_id)
        assert 1 <= zoho.metrics.snapshot()["GET /customers/{customer_id}"] <= 3


def test_circuit_opens_after_five_failures_and_stops_calling(make_zoho, sandbox):
    with make_zoho(max_retries=0) as zoho:
        acme = find_customer(zoho, "billing@acme.example")
        sandbox.add_fault(path=CUSTOMERS, method="GET", kind="status", status=500, count=-1)
        for _ in range(5):
            with pytest.raises(ZohoUnavailable):
                zoho.customers.get(acme.customer_id)
        sandbox.clear_calls()
        for _ in range(3):
            with pytest.raises(ZohoCircuitOpen):
                zoho.customers.get(acme.customer_id)
        assert sandbox.calls()["total"] == 0


def test_business_404s_do_not_trip_the_circuit(make_zoho, sandbox):
    from zoho_client import ZohoNotFound
    with make_zoho(max_retries=0) as zoho:
        for _ in range(8):
            with pytest.raises(ZohoNotFound):
                zoho.invoices.get("999999999999999")
        assert zoho.breaker.state == "closed"


def test_collect_reset_is_outcome_unknown_and_sent_once(zoho, sandbox):
    bright = find_customer(zoho, "accounts@brightside-dental.example")
    card = zoho.cards.list(bright.customer_id)[0]
    invoice = zoho.invoices.list(customer_id=bright.customer_id, status="Unpaid").items[0]
    sandbox.add_fault(path="/billing/v1/invoices/*/collect", method="POST", kind="reset", count=-1)
    sandbox.clear_calls()
    with pytest.raises(ZohoOutcomeUnknown):
        zoho.invoices.collect(invoice.invoice_id, card.card_id)
    assert len(upstream_calls(sandbox, "/collect")) == 1


def test_collect_that_hangs_is_outcome_unknown(make_zoho, sandbox):
    with make_zoho(read_timeout=1.0) as zoho:
        bright = find_customer(zoho, "accounts@brightside-dental.example")
        card = zoho.cards.list(bright.customer_id)[0]
        invoice = zoho.invoices.list(customer_id=bright.customer_id, status="Unpaid").items[0]
        sandbox.add_fault(path="/billing/v1/invoices/*/collect", method="POST", kind="hang", seconds=10, count=-1)
        with pytest.raises(ZohoOutcomeUnknown):
            zoho.invoices.collect(invoice.invoice_id, card.card_id)
