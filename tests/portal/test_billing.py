"""The per-customer read model against the sandbox over HTTP: totals, lists, details, concurrency."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from services.billing import PER_PAGE
from services.billing_models import Summary
from services.cache import ensure_immutable
from services.fanout import FanOut
from tests.support.sandbox_api import upstream_calls



def test_outstanding_totals_equal_zohos_for_every_demo_customer(read_model, demo_customers):
    assert len(demo_customers) >= 5
    for customer in demo_customers.values():
        summary = read_model(customer.customer_id).summary()
        zoho_outstanding = customer.outstanding.amount if customer.outstanding else Decimal("0")
        totals = {m.currency: m.amount for m in summary.outstanding.totals}
        if zoho_outstanding == 0:
            assert totals == {}, customer.display_name
            assert summary.outstanding.count == 0
        else:
            assert totals == {customer.outstanding.currency: zoho_outstanding}, customer.display_name
            assert summary.outstanding.count >= 1
        for total in summary.outstanding.totals:
            assert isinstance(total.amount, Decimal)
        credits = customer.unused_credits.amount if customer.unused_credits else Decimal("0")
        assert sum((m.amount for m in summary.available_credits), Decimal("0")) == credits


def test_the_summary_is_immutable_and_complete(read_model, demo_customers):
    customer = demo_customers["Northwind Traders"]
    summary = read_model(customer.customer_id).summary()
    assert isinstance(summary, Summary)
    ensure_immutable(summary)
    assert summary.customer.customer_id == customer.customer_id
    assert summary.organization.name
    assert summary.last_payment is not None and summary.last_payment.invoices
    assert summary.last_payment.invoices[0].invoice_number.startswith("INV-")


def test_oldest_due_invoice_is_the_one_to_pay_first(read_model, demo_customers):
    for customer in demo_customers.values():
        billing = read_model(customer.customer_id)
        outstanding = billing.summary().outstanding
        owed = [r for r in billing.invoice_index().rows
                if r.status not in ("paid", "void", "draft") and r.balance and r.balance.amount > 0]
        if not owed:
            assert outstanding.oldest_invoice_id is None
            continue
        assert outstanding.oldest_due_date == min(r.due_date for r in owed)
        assert billing.invoice_index().find(outstanding.oldest_invoice_id).due_date == outstanding.oldest_due_date


def test_a_cold_summary_fans_out_one_call_per_resource(read_model, demo_customers, sandbox):
    customer = demo_customers["Northwind Traders"]
    sandbox.clear_calls()
    read_model(customer.customer_id).summary()
    counts = sandbox.calls()["counts"]
    assert counts == {
        "GET /billing/v1/customers/{customer_id}": 1,
        "GET /billing/v1/organizations/{organization_id}": 1,
        "GET /billing/v1/invoices": 1,
        "GET /billing/v1/transactions": 1,
        "GET /billing/v1/subscriptions": 1,
        "GET /billing/v1/customers/{customer_id}/cards": 1,
    }


class AllAtOnce(FanOut):
    """The real pool, with each call of one ``all()`` made to wait until every one of them has started:
    calls run one after another would leave the first waiting in vain, and the barrier would break."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def all(self, calls):
        self.batches.append(sorted(calls))
        started = threading.Barrier(len(calls))

        def together(call):
            started.wait(timeout=30)
            return call()

        return super().all({name: (lambda call=call: together(call)) for name, call in calls.items()})


def test_a_cold_summary_makes_its_six_zoho_reads_at_the_same_time(zoho, sandbox, demo_customers):
    """So a cold Home costs about one Zoho round trip (bench/run.py measures it: P2)."""
    from services.billing import CustomerBilling
    from services.cache import BillingCache

    customer = demo_customers["Northwind Traders"]
    pool = AllAtOnce()
    try:
        summary = CustomerBilling(customer.customer_id, zoho, BillingCache(sandbox.ORGANIZATION_ID), pool).summary()
    finally:
        pool.shutdown()
    assert summary.customer.customer_id == customer.customer_id
    assert pool.batches[0] == ["cards", "customer", "index", "organization", "payments", "subscriptions"]


def test_twenty_concurrent_cold_summaries_make_one_call_per_resource(read_model, demo_customers, sandbox):
    customer = demo_customers["Northwind Traders"]
    sandbox.set_latency(100)
    barrier = threading.Barrier(20)
    billing = [read_model(customer.customer_id) for _ in range(20)]  # twenty requests, one shared cache
    sandbox.clear_calls()

    def request(i):
        barrier.wait()
        return billing[i].summary()

    try:
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(request, range(20)))
    finally:
        sandbox.set_latency(0)
    assert len({id(r.customer) for r in results}) == 1  # every request got the one loaded object
    assert set(sandbox.calls()["counts"].values()) == {1}


def test_a_warm_summary_makes_no_upstream_call(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Northwind Traders"].customer_id)
    billing.summary()
    billing.invoices()
    billing.payments()
    billing.subscriptions()
    sandbox.clear_calls()
    billing.summary()
    billing.invoices()
    billing.payments()
    billing.subscriptions()
    assert sandbox.calls()["total"] == 0


def test_invoice_pages_page_filter_and_sort_through_zoho(read_model, demo_customers):
    big = demo_customers["Big Ledger Corp"]
    billing = read_model(big.customer_id)
    all_rows = billing.invoice_index().rows
    assert len(all_rows) > 200  # more than one Zoho page of 200
    seen = []
    page = 1
    while True:
        current = billing.invoices(page=page)
        assert len(current.items) <= PER_PAGE
        seen.extend(i.invoice_id for i in current.items)
        if not current.has_more:
            break
        page += 1
    assert page > 200 // PER_PAGE  # paged past the first Zoho page
    assert seen == [r.invoice_id for r in all_rows]
    assert len(set(seen)) == len(seen)

    ascending = billing.invoices(sort="number", order="asc").items
    numbers = [i.invoice_number for i in ascending]
    assert numbers == sorted(numbers)
    newest_first = [i.invoice_date for i in billing.invoices().items]
    assert newest_first == sorted(newest_first, reverse=True)


@pytest.mark.parametrize("status, allowed", [
    ("paid", {"paid"}),
    ("void", {"void"}),
    ("overdue", {"overdue"}),
    ("unpaid", {"sent", "overdue", "partially_paid", "unpaid"}),
])
def test_invoice_status_filters(read_model, demo_customers, status, allowed):
    for customer in demo_customers.values():
        for invoice in read_model(customer.customer_id).invoices(status=status).items:
            assert invoice.status in allowed, (customer.display_name, invoice.invoice_number, invoice.status)


def test_unknown_list_arguments_are_refused_before_any_call(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Acme Studio"].customer_id)
    sandbox.clear_calls()
    for kwargs in ({"status": "Status.All"}, {"sort": "customer_name"}, {"order": "D"}):
        with pytest.raises(ValueError):
            billing.invoices(**kwargs)
    assert sandbox.calls()["total"] == 0


def test_invoice_detail_has_lines_payments_and_the_customer(read_model, demo_customers):
    customer = demo_customers["Northwind Traders"]
    billing = read_model(customer.customer_id)
    for row in billing.invoices().items:
        invoice = billing.invoice(row.invoice_id)
        assert invoice.customer_id == customer.customer_id
        assert invoice.invoice_items
        assert invoice.total == row.total
        ensure_immutable(invoice)


def test_invoice_pdf_comes_from_zoho_named_by_number(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Northwind Traders"].customer_id)
    row = billing.invoices().items[0]
    filename, content = billing.invoice_pdf(row.invoice_id)
    assert filename == f"{row.invoice_number}.pdf"
    assert content.startswith(b"%PDF")
    sandbox.clear_calls()
    billing.invoice_pdf(row.invoice_id)
    assert sandbox.calls()["counts"] == {"GET /billing/v1/invoices/{invoice_id}": 1}  # never cached


def test_payments_list_and_detail(read_model, demo_customers):
    customer = demo_customers["Priya Sharma Consulting"]
    billing = read_model(customer.customer_id)
    page = billing.payments()
    assert page.items
    dates = [p.date for p in page.items]
    assert dates == sorted(dates, reverse=True)
    first = page.items[0]
    payment = billing.payment(first.payment_id)
    assert payment.customer_id == customer.customer_id
    assert payment.amount == first.amount
    assert payment.payment_mode
    assert [i.invoice_id for i in payment.invoices][:1] == [i.invoice_id for i in first.invoices]
    receipt = billing.receipt(first.payment_id)
    assert receipt.payment == payment and receipt.customer.customer_id == customer.customer_id


def test_payment_pages_of_a_large_history(read_model, demo_customers):
    billing = read_model(demo_customers["Big Ledger Corp"].customer_id)
    first, second = billing.payments(1), billing.payments(2)
    assert first.has_more and len(first.items) == PER_PAGE
    assert not {p.payment_id for p in first.items} & {p.payment_id for p in second.items}


def test_credit_notes_show_what_is_still_available(read_model, demo_customers):
    customer = demo_customers["Northwind Traders"]
    billing = read_model(customer.customer_id)
    listing = billing.credit_notes()
    assert listing.items
    for note in listing.items:
        assert note.total.amount > 0  # a credit, never a negative invoice
        assert note.used.amount + note.balance.amount == note.total.amount
    assert sum((m.amount for m in listing.available), Decimal("0")) == customer.unused_credits.amount
    note = billing.credit_note(listing.items[0].creditnote_id)
    assert note == listing.items[0]
    filename, content = billing.credit_note_pdf(note.creditnote_id)
    assert content.startswith(b"%PDF") and filename == f"{note.creditnote_number}.pdf"


def test_subscriptions_and_detail(read_model, demo_customers):
    for customer in demo_customers.values():
        billing = read_model(customer.customer_id)
        for row in billing.subscriptions():
            detail = billing.subscription(row.subscription_id)
            assert detail.subscription.subscription_id == row.subscription_id
            assert detail.subscription.customer_id == customer.customer_id
            assert detail.subscription.plan is not None
            ensure_immutable(detail)


def test_a_trial_shows_the_days_left(read_model, demo_customers):
    customer = demo_customers["Fresh Start Bakery"]
    billing = read_model(customer.customer_id)
    (trial,) = billing.summary().trials
    subscription = billing.subscriptions()[0]
    assert trial.subscription_id == subscription.subscription_id
    assert trial.days_left == (subscription.trial_ends_at - billing._today()).days


def test_invoices_zip_holds_every_invoice_in_the_range(read_model, demo_customers):
    import io
    import zipfile
    from datetime import date

    customer = demo_customers["Northwind Traders"]
    billing = read_model(customer.customer_id)
    rows = billing.invoice_index().rows
    start, end = min(r.invoice_date for r in rows), max(r.invoice_date for r in rows)
    filename, content = billing.invoices_zip(start, end)
    assert filename == f"invoices-{start}-{end}.zip"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{r.invoice_number}.pdf" for r in rows)
        assert all(archive.read(n).startswith(b"%PDF") for n in names)

    from services.invoice_zip import NoInvoicesInRange, TooManyInvoices

    with pytest.raises(NoInvoicesInRange):
        billing.invoices_zip(date(1990, 1, 1), date(1990, 12, 31))
    big = read_model(demo_customers["Big Ledger Corp"].customer_id)
    with pytest.raises(TooManyInvoices, match="at most 100"):
        big.invoices_zip(date(1990, 1, 1), date(2100, 1, 1))


def test_invalidation_makes_the_next_read_go_upstream(read_model, demo_customers, sandbox):
    billing = read_model(demo_customers["Northwind Traders"].customer_id)
    billing.summary()
    billing._cache.invalidate(billing.customer_id, "invoices")
    sandbox.clear_calls()
    billing.summary()
    assert sandbox.calls()["counts"] == {"GET /billing/v1/invoices": 1}
    billing._cache.invalidate_customer(billing.customer_id)
    sandbox.clear_calls()
    billing.summary()
    counts = sandbox.calls()["counts"]
    assert "GET /billing/v1/organizations/{organization_id}" not in counts  # org-wide, not the customer's
    assert counts["GET /billing/v1/customers/{customer_id}"] == 1
    assert upstream_calls(sandbox, billing.customer_id)


def test_the_page_headers_organization_shares_homes_cached_entry(app, sandbox, demo_customers):
    """The layout's organization lookup (services.directory) and Home's fan-out make one call together."""
    from services.billing import CustomerBilling
    from services.directory import organization

    customer = demo_customers["Northwind Traders"]
    with app.app_context():
        sandbox.clear_calls()
        runtime = app.extensions["billing"]
        billing = CustomerBilling(customer.customer_id, app.extensions["zoho"], runtime.cache, runtime.fanout)
        summary = billing.summary()
        assert organization() is summary.organization
    assert sandbox.calls()["counts"]["GET /billing/v1/organizations/{organization_id}"] == 1
