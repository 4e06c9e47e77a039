"""Every read call of the zoho against the sandbox over HTTP."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from zoho_client import ZohoNotFound
from zoho_client.models import Money

from tests.support.sandbox_api import upstream_calls

from .conftest import find_customer


def test_organization_get_and_list(zoho, sandbox):
    org = zoho.organization.get()
    assert org.organization_id == sandbox.ORGANIZATION_ID
    assert org.name and org.currency_code
    assert sandbox.ORGANIZATION_ID in [o.organization_id for o in zoho.organization.list()]


def test_customers_list_get_and_filters(zoho, acme):
    page = zoho.customers.list(per_page=200)
    assert acme.customer_id in [c.customer_id for c in page.items]
    assert page.page == 1 and page.has_more_page is False
    full = zoho.customers.get(acme.customer_id)
    assert full.display_name == "Acme Studio" and full.currency_code == "USD"
    assert full.billing_address and full.billing_address.city == "Portland"
    assert isinstance(full.created_time, datetime) and full.created_time.tzinfo is not None
    assert full.outstanding is None or full.outstanding.currency == "USD"
    by_email = zoho.customers.list(email="billing@acme.example")
    assert [c.customer_id for c in by_email.items] == [acme.customer_id]


def test_customers_paging_one_by_one_matches_the_full_list(zoho):
    everyone = [c.customer_id for c in zoho.customers.list(per_page=200).items]
    first = zoho.customers.list(page=1, per_page=2)
    assert first.has_more_page is (len(everyone) > 2)
    assert [c.customer_id for c in zoho.customers.iter_all(per_page=2)] == everyone


def test_unknown_customer_is_not_found(zoho):
    with pytest.raises(ZohoNotFound):
        zoho.customers.get("999999999999999")


def test_unused_credits(zoho):
    north = find_customer(zoho, "ap@northwind.example")  # a downgrade left a credit note with a balance
    credits = zoho.customers.unused_credits(north.customer_id)
    assert credits
    assert all(c.creditnote_id and c.balance.currency == "USD" and c.balance.amount > 0 for c in credits)


def test_unused_credits_empty_for_a_customer_without_credit(zoho, acme):
    assert zoho.customers.unused_credits(acme.customer_id) == []


def test_contact_persons_list_and_get(zoho, acme):
    people = zoho.contactpersons.list(acme.customer_id)
    emails = {p.email for p in people}
    assert {"marcus.lee@acme.example", "priyanka@acme.example"} <= emails
    one = zoho.contactpersons.get(acme.customer_id, people[0].contactperson_id)
    assert one.contactperson_id == people[0].contactperson_id and one.email == people[0].email


def test_cards_list_and_get(zoho, acme):
    cards = zoho.cards.list(acme.customer_id)
    assert "4242" in [c.last_four_digits for c in cards]
    card = zoho.cards.get(acme.customer_id, cards[0].card_id)
    assert card.card_id == cards[0].card_id and card.expiry_year >= date.today().year


@pytest.mark.parametrize("namespace,key", [("plans", "plan_code"), ("addons", "addon_code"),
                                           ("products", "product_id"), ("coupons", "coupon_code")])
def test_catalog_list_and_get(zoho, namespace, key):
    resource = getattr(zoho, namespace)
    items = resource.list().items
    assert items
    first = getattr(items[0], key)
    assert getattr(resource.get(first), key) == first


def test_plan_prices_are_decimals(zoho):
    plan = zoho.plans.get("pro-monthly")
    assert isinstance(plan.recurring_price, Decimal) and plan.recurring_price > 0


def test_subscriptions_list_defaults_to_all_statuses(zoho, sandbox):
    athina = find_customer(zoho, "athina@parthenon-design.example")
    subs = zoho.subscriptions.list(customer_id=athina.customer_id).items
    assert [s.status for s in subs] == ["non_renewing"]
    sent = upstream_calls(sandbox, "/subscriptions", "GET")[-1]["query_string"]
    assert "filter_by=SubscriptionStatus.All" in sent


def test_subscription_get_with_nested_objects(zoho, acme):
    sub = zoho.subscriptions.list(customer_id=acme.customer_id).items[0]
    full = zoho.subscriptions.get(sub.subscription_id)
    assert full.customer_id == acme.customer_id
    assert full.plan and full.plan.plan_code == "pro-monthly"
    assert {a.addon_code for a in full.addons} >= {"extra-storage"}
    assert full.amount and full.amount.currency == "USD" and isinstance(full.amount.amount, Decimal)
    assert isinstance(full.current_term_ends_at, date)
    assert full.card and full.card.last_four_digits == "4242"
    assert any("SSO" in (n.description or "") for n in full.notes)


def test_scheduled_changes(zoho, acme):
    sub = zoho.subscriptions.list(customer_id=acme.customer_id).items[0]
    pending = zoho.subscriptions.scheduled_changes(sub.subscription_id)
    assert pending is not None and pending.plan.plan_code == "business-monthly"


def test_unknown_subscription_is_not_found(zoho):
    with pytest.raises(ZohoNotFound):
        zoho.subscriptions.get("999999999999999")


def test_invoices_list_get_and_pdf(zoho, acme):
    page = zoho.invoices.list(customer_id=acme.customer_id, sort_column="date", sort_order="D")
    assert page.items and all(i.customer_id == acme.customer_id for i in page.items)
    dates = [i.invoice_date for i in page.items]
    assert dates == sorted(dates, reverse=True)
    invoice = zoho.invoices.get(page.items[0].invoice_id)
    assert invoice.invoice_number and invoice.total and invoice.total.currency == "USD"
    assert invoice.invoice_items and invoice.invoice_items[0].item_total.currency == "USD"
    pdf = zoho.invoices.pdf(invoice.invoice_id)
    assert pdf.startswith(b"%PDF")


def test_invoices_status_filter(zoho):
    bright = find_customer(zoho, "accounts@brightside-dental.example")
    unpaid = zoho.invoices.list(customer_id=bright.customer_id, status="Unpaid").items
    assert unpaid and all(i.balance.amount > 0 for i in unpaid)
    paid = zoho.invoices.list(customer_id=bright.customer_id, status="Paid").items
    assert all(i.status == "paid" for i in paid)


def test_unknown_invoice_is_not_found(zoho):
    with pytest.raises(ZohoNotFound):
        zoho.invoices.get("999999999999999")


def test_transactions_payments_and_payment_detail(zoho, acme):
    rows = zoho.transactions.list(acme.customer_id).items
    assert rows and {r.type for r in rows} >= {"invoice", "payment"}
    payments = zoho.payments.list_for_customer(acme.customer_id).items
    assert payments and all(r.type == "payment" for r in payments)
    detail = zoho.payments.get(payments[0].transaction_id)
    assert detail.customer_id == acme.customer_id
    assert isinstance(detail.amount, Money) and detail.amount.amount == payments[0].amount


def test_credit_notes_list_get_and_pdf(zoho):
    north = find_customer(zoho, "ap@northwind.example")
    rows = zoho.creditnotes.list(north.customer_id).items
    assert len(rows) >= 2
    note = zoho.creditnotes.get(rows[0].transaction_id)
    assert note.creditnote_number and note.customer_id == north.customer_id
    assert note.total.currency == "USD" and note.total.amount == rows[0].amount
    assert zoho.creditnotes.pdf(note.creditnote_id).startswith(b"%PDF")


def test_unknown_credit_note_payment_and_hosted_page_are_not_found(zoho):
    for call in (zoho.creditnotes.get, zoho.payments.get, zoho.hostedpages.get):
        with pytest.raises(ZohoNotFound):
            call("999999999999999")


def test_churn_messages(zoho):
    settings = zoho.settings.churn_messages()
    assert settings.churn_messages and all(m.churn_message_id and m.label for m in settings.churn_messages)


def test_events_list_and_get(zoho, acme):
    sub = zoho.subscriptions.list(customer_id=acme.customer_id).items[0]
    zoho.subscriptions.cancel(sub.subscription_id, at_end=True)  # an action that Zoho records as an event
    events = zoho.events.list().items
    assert events
    event = zoho.events.get(events[0].event_id)
    assert event.event_type == events[0].event_type and event.event_time.tzinfo is not None
    assert event.payload is None or hasattr(event.payload, "keys")


def test_hosted_pages_list_and_get(zoho, acme):
    created = zoho.hostedpages.add_payment_method(acme.customer_id, redirect_url="https://portal.example/done")
    listed = zoho.hostedpages.list().items
    assert created.hostedpage_id in [p.hostedpage_id for p in listed]
    fetched = zoho.hostedpages.get(created.hostedpage_id)
    assert fetched.hostedpage_id == created.hostedpage_id and fetched.status == "fresh"


def test_call_counter_matches_what_the_sandbox_saw(zoho, sandbox, acme):
    sandbox.clear_calls()
    before = zoho.metrics.snapshot().get("GET /customers/{customer_id}", 0)
    zoho.customers.get(acme.customer_id)
    zoho.customers.get(acme.customer_id)
    assert zoho.metrics.snapshot()["GET /customers/{customer_id}"] == before + 2
    assert len(upstream_calls(sandbox, f"/customers/{acme.customer_id}", "GET")) == 2


def test_iter_all_walks_more_than_one_page_of_invoices(zoho, sandbox):
    ledger = find_customer(zoho, "finance@bigledger.example")  # weekly plan for years: > 200 invoices
    first = zoho.invoices.list(customer_id=ledger.customer_id)
    assert first.has_more_page and len(first.items) == 200
    every = list(zoho.invoices.iter_all(customer_id=ledger.customer_id))
    assert len(every) > 200
    assert len({i.invoice_id for i in every}) == len(every)
    pages = [c for c in upstream_calls(sandbox, "/invoices", "GET") if "page=" in c["query_string"]]
    assert len(pages) >= 3  # the single page above, then at least two for iter_all


def test_price_lists_list_and_get(zoho):
    cafe = zoho.customers.get(find_customer(zoho, "finanzen@cafe-zuerich.example").customer_id)  # EUR
    assert cafe.pricebook_id and cafe.currency_code == "EUR"
    lists = {book.pricebook_id: book for book in zoho.pricebooks.iter_all()}
    assert lists[cafe.pricebook_id].currency_code == "EUR" and lists[cafe.pricebook_id].items == ()
    book = zoho.pricebooks.get(cafe.pricebook_id)
    assert book.currency_code == "EUR" and book.pricebook_type == "per_item"
    assert book.rate("pro-monthly") == Decimal("45") and book.rate("no-such-plan") is None
    with pytest.raises(ZohoNotFound):
        zoho.pricebooks.get("187955000000040097")
