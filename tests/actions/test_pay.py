"""Paying invoices with the card on file, end to end through the test client against the sandbox
(checklist P40–P43, Z24, D49, D50), on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time

import pytest

from tests.support.audit import audit_events
from tests.support.checkout import add_card, collects
from tests.support.demo import BRIGHTSIDE_ID, BRIGHTSIDE_INVOICE, LONE_WOLF_ID, LONE_WOLF_INVOICE, PASSWORD
from tests.support.forms import CSRF, form_fields

pytestmark = pytest.mark.both_databases


def _confirm(client, invoice_id):
    page = client.get(f"/invoices/{invoice_id}/pay")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    return html, form_fields(html, f"/invoices/{invoice_id}/pay")


def _intents(app, invoice_id):
    from services.payment_intents import for_invoice as intents_for

    with app.app_context():
        return [(i.state, i.error, str(i.amount)) for i in intents_for(LONE_WOLF_ID if invoice_id == LONE_WOLF_INVOICE
                                                                      else BRIGHTSIDE_ID, invoice_id)]


@pytest.fixture
def lone_wolf(signed_in, sandbox):
    """Lone Wolf signed in, with a card added through the hosted page (4111), and an empty call log."""
    client = signed_in("hello@lonewolf.example")
    add_card(client)
    sandbox.clear_calls()
    return client


def test_confirmation_page_shows_live_amount_and_card(lone_wolf):
    html, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    assert "$19.00" in html and "card ending 1111" in html and "Pay with another card" in html
    assert fields["amount"] == "19.00" and fields["currency"] == "USD" and len(fields["intent_key"]) >= 20


def test_pay_succeeds_invalidates_cache_and_is_audited(app, lone_wolf, sandbox):
    before = lone_wolf.get(f"/invoices/{LONE_WOLF_INVOICE}").get_data(as_text=True)
    assert "Pay now" in before
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    response = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields, headers={"X-Request-ID": "req-pay-00001"})
    assert response.status_code == 200
    assert "Payment received" in response.get_data(as_text=True)
    assert collects(sandbox, LONE_WOLF_INVOICE) == 1
    # D49: the next page shows the new state (the cached invoice was dropped).
    after = lone_wolf.get(f"/invoices/{LONE_WOLF_INVOICE}").get_data(as_text=True)
    assert "Pay now" not in after
    (event,) = [e for e in audit_events(app, "write.pay_invoice")]
    assert event[1].startswith("user:") and event[2] == LONE_WOLF_ID and event[3] == "req-pay-00001"
    assert event[4]["outcome"] == "succeeded" and event[4]["amount"] == "19.00" and event[4]["payment_id"]
    assert _intents(app, LONE_WOLF_INVOICE) == [("succeeded", None, "19.00")]


def test_P40_double_submit_one_charge(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    first = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    second = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert first.status_code == second.status_code == 200
    assert "Payment received" in second.get_data(as_text=True)  # the stored result
    assert collects(sandbox) == 1


def test_P40_two_concurrent_pays_on_two_workers_one_charge(make_app, app, lone_wolf, signed_in, sandbox):
    other_worker = make_app()
    other = signed_in("hello@lonewolf.example", client_app=other_worker)
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    token_b = CSRF.search(other.get(f"/invoices/{LONE_WOLF_INVOICE}/pay").get_data(as_text=True)).group(1)
    sandbox.clear_calls()
    # The charge takes a second at Zoho, so both submits are in flight at once.
    sandbox.add_fault(path="/billing/v1/invoices/*/collect", kind="latency", latency_ms=1000, count=-1)
    answers = {}
    barrier = threading.Barrier(2)

    def submit(name, client, token):
        barrier.wait()
        answers[name] = client.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data={**fields, "csrf_token": token})

    threads = [threading.Thread(target=submit, args=("a", lone_wolf, fields["csrf_token"])),
               threading.Thread(target=submit, args=("b", other, token_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.status_code for r in answers.values()) == [200, 409]
    loser = next(r for r in answers.values() if r.status_code == 409).get_data(as_text=True)
    assert "being processed" in loser
    assert collects(sandbox) == 1
    # Then the stored result, for the one who saw "in progress".
    again = other.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data={**fields, "csrf_token": token_b})
    assert again.status_code == 200 and "Payment received" in again.get_data(as_text=True)
    assert collects(sandbox) == 1


def test_P41_same_intent_with_different_amount_or_invoice_is_422_without_upstream_call(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    sandbox.clear_calls()
    changed = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data={**fields, "amount": "1.00"})
    assert changed.status_code == 422
    other_invoice = lone_wolf.post("/invoices/187955000000051429/pay", data=fields)
    assert other_invoice.status_code == 422
    assert sandbox.calls()["total"] == 0


def test_P41_malformed_intent_is_422(lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    for bad in ({"intent_key": "short"}, {"amount": "-5"}, {"amount": "NaN"}, {"currency": "usd"}):
        assert lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data={**fields, **bad}).status_code == 422
    assert collects(sandbox) == 0


def test_P42_lost_reply_is_unknown_and_next_attempt_rereads_zoho(make_app, signed_in, sandbox):
    app = make_app(ZOHO_TIMEOUT_SECONDS=1.0)
    client = signed_in("hello@lonewolf.example", client_app=app)
    add_card(client)
    _, fields = _confirm(client, LONE_WOLF_INVOICE)
    sandbox.clear_calls()
    # Zoho takes the charge but the reply is cut off half way.
    sandbox.add_fault(path="/billing/v1/invoices/*/collect", kind="truncate", count=1)
    lost = client.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert lost.status_code == 202 and "Please don't pay again" in lost.get_data(as_text=True)
    assert _intents(app, LONE_WOLF_INVOICE) == [("unknown", "outcome_unknown", "19.00")]
    assert collects(sandbox) == 1
    # The same form again: Zoho is asked first; it was paid, so success without a second charge.
    again = client.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert again.status_code == 200 and "Payment received" in again.get_data(as_text=True)
    assert collects(sandbox) == 1
    assert _intents(app, LONE_WOLF_INVOICE)[0][0] == "succeeded"
    # And the invoice is not offered for payment any more.
    assert client.get(f"/invoices/{LONE_WOLF_INVOICE}/pay").status_code == 409


def test_P42_hang_then_new_confirmation_rereads_before_charging(make_app, signed_in, sandbox):
    app = make_app(ZOHO_TIMEOUT_SECONDS=1.0)
    client = signed_in("hello@lonewolf.example", client_app=app)
    add_card(client)
    _, fields = _confirm(client, LONE_WOLF_INVOICE)
    sandbox.clear_calls()
    sandbox.add_fault(path="/billing/v1/invoices/*/collect", kind="hang", seconds=3, count=1)
    lost = client.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert lost.status_code == 202  # the portal stopped waiting (1 s) and says the outcome is unknown
    assert collects(sandbox) == 1
    time.sleep(2.5)  # the hung request is over at the sandbox: it never reached the store
    # A new confirmation: the earlier unknown attempt is settled from Zoho (not charged), then one charge.
    _, fresh = _confirm(client, LONE_WOLF_INVOICE)
    paid = client.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fresh)
    assert paid.status_code == 200 and "Payment received" in paid.get_data(as_text=True)
    assert collects(sandbox) == 2
    states = _intents(app, LONE_WOLF_INVOICE)
    assert states[0][:2] == ("failed", "not_charged") and states[1][0] == "succeeded"
    # Zoho holds exactly one payment for the invoice.
    from services.zoho import get_zoho

    with app.app_context():
        invoice = get_zoho().invoices.get(LONE_WOLF_INVOICE)
    assert invoice.balance.is_zero and len([p for p in invoice.payments if p.payment_mode == "autotransaction"]) == 1


def test_zoho_down_before_the_charge_changes_nothing_and_the_form_still_works(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    sandbox.add_fault(path=f"/billing/v1/invoices/{LONE_WOLF_INVOICE}", method="GET", kind="status",
                           status=503, count=-1)
    refused = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert refused.status_code == 303
    assert collects(sandbox) == 0
    assert _intents(app, LONE_WOLF_INVOICE) == [("pending", None, "19.00")]
    sandbox.clear_faults()
    page = lone_wolf.get(refused.headers["Location"]).get_data(as_text=True)
    assert "nothing was changed" in page
    again = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert again.status_code == 200 and collects(sandbox) == 1
    outcomes = [e[4]["outcome"] for e in audit_events(app, "write.pay_invoice")]
    assert outcomes == ["zoho_unavailable", "succeeded"]


def test_P43_amount_differs_from_live_asks_to_reconfirm(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    stale = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data={**fields, "amount": "17.00"})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "The amount due has changed" in html and "$17.00" in html and "$19.00" in html
    assert collects(sandbox) == 0
    new_fields = form_fields(html, f"/invoices/{LONE_WOLF_INVOICE}/pay")
    assert new_fields["intent_key"] != fields["intent_key"] and new_fields["amount"] == "19.00"
    assert lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=new_fields).status_code == 200
    assert collects(sandbox) == 1


def test_P43_paying_a_paid_invoice_is_refused(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    assert lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields).status_code == 200
    assert lone_wolf.get(f"/invoices/{LONE_WOLF_INVOICE}/pay").status_code == 409
    forged = {**fields, "intent_key": "x" * 32}
    refused = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=forged)
    assert refused.status_code == 409 and "already paid" in refused.get_data(as_text=True)
    assert collects(sandbox) == 1


def test_P43_stale_sign_in_needs_the_password_again(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    with lone_wolf.session_transaction() as session:
        session["iat"] = int(time.time()) - 16 * 60
    refused = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert refused.status_code == 303 and "/confirm-password" in refused.headers["Location"]
    assert collects(sandbox) == 0
    prompt = lone_wolf.get(refused.headers["Location"])
    token = CSRF.search(prompt.get_data(as_text=True)).group(1)
    wrong = lone_wolf.post(refused.headers["Location"], data={"csrf_token": token, "password": "nope"})
    assert wrong.status_code == 400
    right = lone_wolf.post(refused.headers["Location"], data={"csrf_token": token, "password": PASSWORD})
    assert right.status_code == 303 and right.headers["Location"].endswith(f"/invoices/{LONE_WOLF_INVOICE}/pay")
    assert lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields).status_code == 200
    assert collects(sandbox) == 1
    kinds = [e[0] for e in audit_events(app) if e[0].startswith("reauth")]
    assert kinds == ["reauthentication_failed", "reauthenticated"]


def test_P43_stale_handoff_session_is_sent_back_to_the_product(app, lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    with lone_wolf.session_transaction() as session:
        session.update({"via": "handoff", "_user_id": f"handoff:{LONE_WOLF_ID}", "sv": 0,
                        "iat": int(time.time()) - 16 * 60})
    refused = lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields)
    assert refused.status_code == 401 and "open Billing again" in refused.get_data(as_text=True)
    assert collects(sandbox) == 0
    (event,) = audit_events(app, "write.pay_invoice")
    assert event[1] == f"handoff:{LONE_WOLF_ID}" and event[4]["outcome"] == "reauth_required"


def test_a_card_that_was_declined_is_not_offered_again_but_a_new_one_is(app, signed_in, sandbox):
    """Brightside's renewal was declined on the card ending 0002: paying leads to a new card first
    (updating it pays the invoice) or another card on the secure page, never that card again; a
    confirmation forged for it is answered as declined, with nothing sent to Zoho."""
    client = signed_in("accounts@brightside-dental.example")
    html = client.get(f"/invoices/{BRIGHTSIDE_INVOICE}/pay").get_data(as_text=True)
    assert "Your card ending 0002 was declined." in html and 'id="pay-with-card"' not in html
    assert html.index('data-action="update_card"') < html.index("Pay with another card")
    forged = {"csrf_token": form_fields(html, f"/invoices/{BRIGHTSIDE_INVOICE}/pay/hosted")["csrf_token"],
              "intent_key": "f" * 32, "amount": "99.00", "currency": "USD"}
    declined = client.post(f"/invoices/{BRIGHTSIDE_INVOICE}/pay", data=forged)
    body = declined.get_data(as_text=True)
    assert declined.status_code == 200 and "Your card was declined" in body and "Nothing was charged" in body
    assert "Update card" in body and "Pay with another card" in body
    assert body.index("Update card") < body.index("Pay with another card")  # a new card first
    assert collects(sandbox) == 0
    assert _intents(app, BRIGHTSIDE_INVOICE) == [("failed", "declined", "99.00")]
    assert audit_events(app, "write.pay_invoice")[-1][4]["outcome"] == "declined"


def test_Z24_another_customers_invoice_is_404_and_never_reaches_zoho(app, signed_in, sandbox):
    client = signed_in("billing@acme.example")
    token = CSRF.search(client.get("/invoices/pay-all").get_data(as_text=True)).group(1)
    sandbox.clear_calls()
    assert client.get(f"/invoices/{BRIGHTSIDE_INVOICE}/pay").status_code == 404
    forged = {"csrf_token": token, "intent_key": "y" * 32, "amount": "99.00", "currency": "USD"}
    assert client.post(f"/invoices/{BRIGHTSIDE_INVOICE}/pay", data=forged).status_code == 404
    assert client.post(f"/invoices/{BRIGHTSIDE_INVOICE}/pay/hosted", data={"csrf_token": token}).status_code == 404
    assert not [c for c in sandbox.calls()["calls"] if BRIGHTSIDE_INVOICE in c["path"]]


def test_S10_pay_without_csrf_token_is_refused(lone_wolf, sandbox):
    _, fields = _confirm(lone_wolf, LONE_WOLF_INVOICE)
    del fields["csrf_token"]
    assert lone_wolf.post(f"/invoices/{LONE_WOLF_INVOICE}/pay", data=fields).status_code == 400
    assert collects(sandbox) == 0
