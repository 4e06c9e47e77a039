"""Ownership in one place (checklist Z 24, Z 27): another customer's ids are NotOwned, and Zoho never
receives a request carrying them."""
from __future__ import annotations

from dataclasses import replace

import pytest

from services.billing import CustomerBilling, NotOwned
from services.cache import BillingCache
from services.fanout import FanOut
from tests.support.sandbox_api import upstream_calls



@pytest.fixture
def two_customers(read_model, demo_customers):
    """Customer A (Northwind) and B (Priya), with B's ids of every kind."""
    a = read_model(demo_customers["Northwind Traders"].customer_id)
    b = read_model(demo_customers["Priya Sharma Consulting"].customer_id)
    b_ids = {
        "invoice": b.invoices().items[0].invoice_id,
        "payment": b.payments().items[0].payment_id,
        "subscription": b.subscriptions()[0].subscription_id,
    }
    other = read_model(demo_customers["Big Ledger Corp"].customer_id)
    return a, b, b_ids, other


FOREIGN_READS = [
    ("invoice", lambda billing, i: billing.invoice(i)),
    ("invoice", lambda billing, i: billing.invoice_pdf(i)),
    ("payment", lambda billing, i: billing.payment(i)),
    ("payment", lambda billing, i: billing.receipt(i)),
    ("subscription", lambda billing, i: billing.subscription(i)),
]


@pytest.mark.parametrize("kind, read", FOREIGN_READS)
def test_another_customers_id_is_not_owned_and_never_reaches_zoho(two_customers, sandbox, kind, read):
    a, _b, b_ids, _ = two_customers
    foreign = b_ids[kind]
    sandbox.clear_calls()
    with pytest.raises(NotOwned):
        read(a, foreign)
    assert upstream_calls(sandbox, foreign) == []


def test_another_customers_credit_note_is_not_owned(read_model, demo_customers, sandbox):
    owner = read_model(demo_customers["Northwind Traders"].customer_id)
    note_id = owner.credit_notes().items[0].creditnote_id
    stranger = read_model(demo_customers["Lone Wolf Freelance"].customer_id)
    sandbox.clear_calls()
    for read in (stranger.credit_note, stranger.credit_note_pdf):
        with pytest.raises(NotOwned):
            read(note_id)
    assert upstream_calls(sandbox, note_id) == []


@pytest.mark.parametrize("bad_id", ["999999999999999999", "", "../invoices", "1 OR 1=1", None, 42])
def test_unknown_or_malformed_ids_are_not_owned_either(read_model, demo_customers, sandbox, bad_id):
    billing = read_model(demo_customers["Northwind Traders"].customer_id)
    sandbox.clear_calls()
    for read in (billing.invoice, billing.invoice_pdf, billing.payment, billing.credit_note, billing.subscription):
        with pytest.raises(NotOwned):
            read(bad_id)
    if isinstance(bad_id, str) and bad_id:
        assert upstream_calls(sandbox, bad_id) == []


def test_a_cached_invoice_of_a_never_serves_b(two_customers, sandbox):
    """Checklist Z 27: A views invoice X (cached); B asks for X → NotOwned, nothing from the cache."""
    a, b, _, _ = two_customers
    x = a.invoices().items[0].invoice_id
    assert a.invoice(x).invoice_id == x
    sandbox.clear_calls()
    with pytest.raises(NotOwned):
        b.invoice(x)
    assert upstream_calls(sandbox, x) == []


def test_a_newly_created_invoice_is_found_after_one_refresh_of_the_index(read_model, demo_customers, sandbox):
    """An id missing from a cached index is looked up once more with the customer's own id, not X's."""
    billing = read_model(demo_customers["Northwind Traders"].customer_id)
    real = billing.invoices().items[0].invoice_id
    # Pretend the cached index predates the invoice: drop it from the cached first chunk.
    key = billing._cache.key(billing.customer_id, "invoices", "all", "date", "desc", 1)
    chunk = billing._cache.peek(key)
    billing._cache.forget(key)
    billing._cache.get_or_load(key, lambda: replace(chunk, items=tuple(i for i in chunk.items if i.invoice_id != real)))
    assert billing.invoice(real).invoice_id == real


class _LyingClient:
    """A client whose detail replies name another customer (defence in depth after the id check)."""

    def __init__(self, real, other_customer_id):
        self._real, self._other = real, other_customer_id
        self.customers, self.organization, self.cards, self.transactions = (
            real.customers, real.organization, real.cards, real.transactions)
        self.subscriptions, self.creditnotes = real.subscriptions, real.creditnotes
        outer = self

        class Invoices:
            def list(self, **kw):
                return real.invoices.list(**kw)

            def get(self, invoice_id):
                return replace(real.invoices.get(invoice_id), customer_id=outer._other)

            def pdf(self, invoice_id):
                return real.invoices.pdf(invoice_id)

        class Payments:
            def get(self, payment_id):
                return replace(real.payments.get(payment_id), customer_id=outer._other)

        self.invoices, self.payments = Invoices(), Payments()


def test_a_detail_naming_another_customer_is_not_owned(zoho, sandbox, demo_customers):
    owner = demo_customers["Priya Sharma Consulting"]
    lying = _LyingClient(zoho, demo_customers["Northwind Traders"].customer_id)
    cache = BillingCache(sandbox.ORGANIZATION_ID)
    billing = CustomerBilling(owner.customer_id, lying, cache, FanOut())
    invoice_id = billing.invoices().items[0].invoice_id
    payment_id = billing.payments().items[0].payment_id
    with pytest.raises(NotOwned):
        billing.invoice(invoice_id)
    with pytest.raises(NotOwned):
        billing.payment(payment_id)
    # Nothing about the refused objects was cached.
    assert cache.peek(cache.key(owner.customer_id, "invoices", "detail", invoice_id)) is None
