"""Every write call of the zoho against the sandbox over HTTP."""
import pytest

from zoho_client import ZohoError, ZohoNotFound, ZohoOutcomeUnknown, ZohoUnavailable, ZohoValidationError

from tests.support.sandbox_api import upstream_calls

from .conftest import find_customer


def acme_subscription(zoho, acme):
    return zoho.subscriptions.list(customer_id=acme.customer_id).items[0]


def test_customer_update(zoho, acme):
    updated = zoho.customers.update(acme.customer_id, phone="+1 503 555 0111",
                                      billing_address={"street": "1 New St", "city": "Salem", "zip": "97301"})
    assert updated.phone == "+1 503 555 0111"
    again = zoho.customers.get(acme.customer_id)
    assert again.phone == "+1 503 555 0111" and again.billing_address.city == "Salem"


def test_customer_update_refuses_unknown_fields_locally(zoho, acme):
    with pytest.raises(ValueError):
        zoho.customers.update(acme.customer_id, status="inactive")


def test_contact_person_create_update_delete(zoho, acme):
    person = zoho.contactpersons.create(acme.customer_id, email="new.person@acme.example", first_name="New",
                                          last_name="Person")
    assert person.contactperson_id and person.email == "new.person@acme.example"
    changed = zoho.contactpersons.update(acme.customer_id, person.contactperson_id, phone="+1 503 555 0123")
    assert changed.phone == "+1 503 555 0123"
    zoho.contactpersons.delete(acme.customer_id, person.contactperson_id)
    with pytest.raises(ZohoNotFound):
        zoho.contactpersons.get(acme.customer_id, person.contactperson_id)


def test_card_delete(zoho):
    olga = find_customer(zoho, "olga@sibir-tech.example")  # cancelled: her card is no longer in use
    card = zoho.cards.list(olga.customer_id)[0]
    zoho.cards.delete(olga.customer_id, card.card_id)
    assert card.card_id not in [c.card_id for c in zoho.cards.list(olga.customer_id)]


def test_subscription_create(zoho):
    olga = find_customer(zoho, "olga@sibir-tech.example")
    created = zoho.subscriptions.create(customer_id=olga.customer_id, plan="starter-monthly")
    assert created.subscription_id and created.plan.plan_code == "starter-monthly"
    assert created.customer_id == olga.customer_id
    assert zoho.subscriptions.get(created.subscription_id).subscription_id == created.subscription_id


def test_subscription_create_with_unknown_plan_is_refused(zoho):
    olga = find_customer(zoho, "olga@sibir-tech.example")
    with pytest.raises((ZohoNotFound, ZohoValidationError)):
        zoho.subscriptions.create(customer_id=olga.customer_id, plan="no-such-plan")


def test_subscription_update_now_and_at_end_of_term(zoho, acme):
    sub = acme_subscription(zoho, acme)
    changed = zoho.subscriptions.update(sub.subscription_id, plan={"plan_code": "pro-monthly", "quantity": 2})
    assert changed.plan.quantity == 2
    zoho.subscriptions.update(sub.subscription_id, plan="business-monthly", end_of_term=True)
    pending = zoho.subscriptions.scheduled_changes(sub.subscription_id)
    assert pending is not None and pending.plan.plan_code == "business-monthly"


def test_delete_scheduled_changes(zoho, acme):
    sub = acme_subscription(zoho, acme)
    zoho.subscriptions.delete_scheduled_changes(sub.subscription_id)
    assert zoho.subscriptions.scheduled_changes(sub.subscription_id) is None


def test_cancel_at_end_then_reactivate(zoho, acme):
    sub = acme_subscription(zoho, acme)
    cancelled = zoho.subscriptions.cancel(sub.subscription_id, at_end=True)
    assert cancelled.status == "non_renewing"
    assert zoho.subscriptions.reactivate(sub.subscription_id).status == "live"


def test_cancel_now(zoho, acme):
    sub = acme_subscription(zoho, acme)
    assert zoho.subscriptions.cancel(sub.subscription_id, at_end=False).status == "cancelled"


def test_add_note(zoho, acme):
    sub = acme_subscription(zoho, acme)
    note = zoho.subscriptions.add_note(sub.subscription_id, "Called about invoices")
    assert note.note_id and note.description == "Called about invoices"
    assert note.note_id in [n.note_id for n in zoho.subscriptions.get(sub.subscription_id).notes]


def test_collect_unpaid_invoice_with_a_good_card(zoho, sandbox):
    # Olga's old card is still on file; an offline subscription leaves its first invoice unpaid.
    olga = find_customer(zoho, "olga@sibir-tech.example")
    card = zoho.cards.list(olga.customer_id)[0]
    zoho.subscriptions.create(customer_id=olga.customer_id, plan={"plan_code": "starter-monthly",
                                                                    "exclude_trial": True}, auto_collect=False)
    invoice = zoho.invoices.list(customer_id=olga.customer_id, status="Unpaid").items[0]
    payment = zoho.invoices.collect(invoice.invoice_id, card.card_id)
    assert payment.payment_id and payment.amount == invoice.balance
    assert zoho.invoices.get(invoice.invoice_id).status == "paid"
    assert len(upstream_calls(sandbox, "/collect", "POST")) == 1


def test_collect_with_a_declined_card_raises_once(zoho, sandbox):
    bright = find_customer(zoho, "accounts@brightside-dental.example")
    declining = [c for c in zoho.cards.list(bright.customer_id) if c.last_four_digits == "0002"][0]
    invoice = zoho.invoices.list(customer_id=bright.customer_id, status="Unpaid").items[0]
    with pytest.raises(ZohoError) as info:
        zoho.invoices.collect(invoice.invoice_id, declining.card_id)
    assert not isinstance(info.value, (ZohoUnavailable, ZohoOutcomeUnknown))
    assert len(upstream_calls(sandbox, "/collect", "POST")) == 1
    assert zoho.invoices.get(invoice.invoice_id).balance == invoice.balance


@pytest.mark.parametrize("make", [
    lambda c, acme, sub, inv: c.hostedpages.new_subscription(customer_id=acme.customer_id, plan="starter-monthly",
                                                             redirect_url="https://portal.example/done"),
    lambda c, acme, sub, inv: c.hostedpages.update_subscription(sub.subscription_id, plan="business-monthly"),
    lambda c, acme, sub, inv: c.hostedpages.update_card(sub.subscription_id),
    lambda c, acme, sub, inv: c.hostedpages.invoice_payment(
        c.invoices.list(customer_id=find_customer(c, "accounts@brightside-dental.example").customer_id,
                        status="Unpaid").items[0].invoice_id),
    lambda c, acme, sub, inv: c.hostedpages.add_payment_method(acme.customer_id),
], ids=["new_subscription", "update_subscription", "update_card", "invoice_payment", "add_payment_method"])
def test_hosted_page_creation(zoho, acme, make):
    sub = acme_subscription(zoho, acme)
    invoice = zoho.invoices.list(customer_id=acme.customer_id).items[0]
    page = make(zoho, acme, sub, invoice)
    assert page.hostedpage_id and page.url and page.url.startswith("http")
    assert page.status == "fresh" and page.expiring_time.tzinfo is not None
