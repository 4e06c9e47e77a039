"""Cards through Zoho's hosted pages, end to end with the test client against the sandbox: the
checkout form is filled over real HTTP with the sandbox's test cards (success, decline, expiring)."""
from __future__ import annotations

import pytest

from tests.support.audit import audit_events
from tests.support.checkout import add_card, collects, complete_checkout
from tests.support.demo import (
    BRIGHTSIDE_ID, BRIGHTSIDE_INVOICE, DECLINED_CARD, EXPIRING_CARD, LONE_WOLF_INVOICE, SUCCESS_CARD,
)
from tests.support.forms import CSRF, local_path

pytestmark = pytest.mark.both_databases


def _subscription_of(app, customer_id):
    from services.zoho import get_zoho

    with app.app_context():
        return get_zoho().subscriptions.list(customer_id=customer_id).items[0].subscription_id


def _start(client, path):
    token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)
    started = client.post(path, data={"csrf_token": token})
    assert started.status_code == 303, started.status_code
    return started.headers["Location"]


def test_add_card_where_there_is_none(app, signed_in, sandbox):
    client = signed_in("hello@lonewolf.example")
    assert "no card on file" in client.get("/cards/add").get_data(as_text=True)
    page = add_card(client, SUCCESS_CARD)
    assert "Card added" in page and "ending 1111" in page
    assert "ending <strong>1111" in client.get("/cards/add").get_data(as_text=True)
    kinds = [(e[0], e[4].get("outcome")) for e in audit_events(app) if e[0] in ("write.add_card", "hosted_page_returned")]
    assert kinds == [("write.add_card", "page_created"), ("hosted_page_returned", "completed")]


def test_update_card_success_pays_the_overdue_invoice(app, signed_in, sandbox):
    client = signed_in("accounts@brightside-dental.example")
    subscription_id = _subscription_of(app, BRIGHTSIDE_ID)
    assert "ending <strong>0002" in client.get(f"/subscriptions/{subscription_id}/card").get_data(as_text=True)
    url = _start(client, f"/subscriptions/{subscription_id}/card")
    back = complete_checkout(url, SUCCESS_CARD)
    result = client.get(local_path(back))
    body = result.get_data(as_text=True)
    assert result.status_code == 200 and "Card updated" in body and "ending 1111" in body
    # D49: the overdue invoice the new card paid shows as paid on the next page.
    assert "Pay now" not in client.get(f"/invoices/{BRIGHTSIDE_INVOICE}").get_data(as_text=True)


def test_update_card_declined_is_plain_and_offers_a_retry(app, signed_in, sandbox):
    client = signed_in("accounts@brightside-dental.example")
    subscription_id = _subscription_of(app, BRIGHTSIDE_ID)
    url = _start(client, f"/subscriptions/{subscription_id}/card")
    assert complete_checkout(url, DECLINED_CARD) == ""  # the sandbox keeps the person on its page
    back = complete_checkout(url, "", action="cancel")
    body = client.get(local_path(back)).get_data(as_text=True)
    # A page that failed once and then was left: Zoho says failed (nothing changed).
    assert "declined" in body or "Cancelled" in body
    assert "Try again" in body or "Nothing was changed" in body


def test_expiring_card_is_accepted_with_a_warning(app, signed_in, sandbox):
    client = signed_in("hello@lonewolf.example")
    page = add_card(client, EXPIRING_CARD)
    assert "Card added" in page and "expires at the end of this month" in page


def test_cancel_on_the_hosted_page_changes_nothing(app, signed_in, sandbox):
    client = signed_in("hello@lonewolf.example")
    url = _start(client, "/cards/add")
    back = complete_checkout(url, "", action="cancel")
    body = client.get(local_path(back)).get_data(as_text=True)
    assert "Cancelled" in body and "Nothing was changed" in body
    assert "no card on file" in client.get("/cards/add").get_data(as_text=True)


def test_pay_on_zohos_page_round_trip(app, signed_in, sandbox):
    client = signed_in("hello@lonewolf.example")
    token = CSRF.search(client.get(f"/invoices/{LONE_WOLF_INVOICE}/pay").get_data(as_text=True)).group(1)
    started = client.post(f"/invoices/{LONE_WOLF_INVOICE}/pay/hosted", data={"csrf_token": token})
    assert started.status_code == 303
    back = complete_checkout(started.headers["Location"], SUCCESS_CARD)
    body = client.get(local_path(back)).get_data(as_text=True)
    assert "Payment received" in body and "$19.00" in body and "INV-000276" in body
    assert collects(sandbox) == 0  # Zoho's page took the payment, not a collect
    assert client.get(f"/invoices/{LONE_WOLF_INVOICE}/pay").status_code == 409


def test_declined_on_zohos_payment_page(app, signed_in, sandbox):
    client = signed_in("accounts@brightside-dental.example")
    token = CSRF.search(client.get(f"/invoices/{BRIGHTSIDE_INVOICE}/pay").get_data(as_text=True)).group(1)
    url = client.post(f"/invoices/{BRIGHTSIDE_INVOICE}/pay/hosted", data={"csrf_token": token}).headers["Location"]
    assert complete_checkout(url, DECLINED_CARD) == ""
    hostedpage_id = url.split("/2-")[1].split("/")[0]
    body = client.get(f"/hosted/return?hostedpage_id={hostedpage_id}").get_data(as_text=True)
    assert "Your card was declined" in body and "nothing was charged" in body and "Try again" in body


def test_return_for_a_page_this_session_did_not_start_shows_nothing(app, signed_in, sandbox):
    victim = signed_in("hello@lonewolf.example")
    url = _start(victim, "/cards/add")
    hostedpage_id = url.split("/2-")[1].split("/")[0]
    attacker = signed_in("billing@acme.example")
    sandbox.clear_calls()
    forged = attacker.get(f"/hosted/return?hostedpage_id={hostedpage_id}")
    assert forged.status_code == 404 and "couldn't match" in forged.get_data(as_text=True)
    assert sandbox.calls()["total"] == 0


def test_Z24_update_card_for_another_customers_subscription_is_404(app, signed_in, sandbox):
    subscription_id = _subscription_of(app, BRIGHTSIDE_ID)
    client = signed_in("billing@acme.example")
    token = CSRF.search(client.get("/cards/add").get_data(as_text=True)).group(1)
    sandbox.clear_calls()
    assert client.get(f"/subscriptions/{subscription_id}/card").status_code == 404
    assert client.post(f"/subscriptions/{subscription_id}/card", data={"csrf_token": token}).status_code == 404
    assert not [c for c in sandbox.calls()["calls"] if subscription_id in c["path"] or c["method"] == "POST"]


def test_zoho_down_when_starting_a_page_changes_nothing(app, signed_in, sandbox):
    client = signed_in("hello@lonewolf.example")
    token = CSRF.search(client.get("/cards/add").get_data(as_text=True)).group(1)
    sandbox.add_fault(path="/billing/v1/hostedpages/*", method="POST", kind="status", status=503, count=-1)
    response = client.post("/cards/add", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/cards/add")
    assert "nothing was changed" in client.get("/cards/add").get_data(as_text=True)
    assert audit_events(app, "write.add_card")[-1][4]["outcome"] == "zoho_unavailable"


@pytest.mark.parametrize("path", ["/cards/add", "/invoices/pay-all"])
def test_S10_start_without_csrf_is_refused(signed_in, sandbox, path):
    client = signed_in("hello@lonewolf.example")
    assert client.post(path).status_code == 400
    assert sandbox.calls()["counts"].get("POST /billing/v1/hostedpages/addpaymentmethod", 0) == 0


def test_only_pages_whose_forms_go_to_zoho_allow_its_checkout_in_form_action(signed_in, sandbox):
    client = signed_in("hello@lonewolf.example")
    sandbox_origin = sandbox.base_url
    checkout_page = client.get("/cards/add").headers["Content-Security-Policy"]
    assert f"form-action 'self' {sandbox_origin}" in checkout_page
    for ordinary in ("/", "/invoices", "/account"):
        policy = client.get(ordinary).headers["Content-Security-Policy"]
        assert "form-action 'self';" in policy and sandbox_origin not in policy
