"""Pay all outstanding: one charge per invoice in due-date order, each with its own intent, stopping at
the first failure with a summary (end to end against the sandbox, SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from tests.support.audit import audit_events
from tests.support.checkout import add_card, collects
from tests.support.demo import LONE_WOLF_INVOICE as FIRST, LONE_WOLF_NEXT_INVOICE as SECOND
from tests.support.forms import csrf_of, form_fields

pytestmark = pytest.mark.both_databases


@pytest.fixture
def lone_wolf_two_open(signed_in, sandbox):
    """Lone Wolf with a card and a second open invoice (the sandbox clock moved a month on)."""
    sandbox.advance_clock(days=31)
    client = signed_in("hello@lonewolf.example")
    add_card(client)
    sandbox.clear_calls()
    return client


def _collect_order(sandbox):
    return [c["path"].split("/")[-2] for c in sandbox.calls()["calls"] if c["path"].endswith("/collect")]


def _confirm_all(client):
    page = client.get("/invoices/pay-all")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html, form_fields(html, "/invoices/pay-all")


def test_pay_all_charges_each_invoice_once_oldest_due_first(app, lone_wolf_two_open, sandbox):
    html, fields = _confirm_all(lone_wolf_two_open)
    assert "INV-000276" in html and "INV-000289" in html and "$38.00" in html
    assert fields["invoice_id"] == [FIRST, SECOND] or sorted(fields["invoice_id"]) == sorted([FIRST, SECOND])
    done = lone_wolf_two_open.post("/invoices/pay-all", data=fields)
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "All invoices paid" in body
    assert _collect_order(sandbox) == [FIRST, SECOND]
    # Double submit of the same confirmation: the stored results, no new charge.
    again = lone_wolf_two_open.post("/invoices/pay-all", data=fields)
    assert again.status_code == 200 and collects(sandbox) == 2
    assert "no open invoices" in lone_wolf_two_open.get("/invoices/pay-all").get_data(as_text=True)
    event = audit_events(app, "write.pay_all")[0]
    assert event[4]["outcome"] == "succeeded" and event[4]["paid"] == [FIRST, SECOND]


def test_pay_all_stops_at_the_first_failure_with_a_summary(app, lone_wolf_two_open, sandbox):
    _, fields = _confirm_all(lone_wolf_two_open)
    sandbox.add_fault(path=f"/billing/v1/invoices/{SECOND}/collect", kind="status", status=500, count=1)
    done = lone_wolf_two_open.post("/invoices/pay-all", data=fields)
    body = done.get_data(as_text=True)
    assert "Some invoices weren&#39;t paid" in body or "Some invoices weren't paid" in body
    assert "INV-000276" in body[body.index("Paid</h2>"):body.index("Not paid</h2>")]
    assert "INV-000289" in body[body.index("Not paid</h2>"):]
    assert _collect_order(sandbox) == [FIRST, SECOND]
    # The second one's outcome is unknown: the next try asks Zoho (not paid) and charges it once.
    _, fresh = _confirm_all(lone_wolf_two_open)
    assert fresh["invoice_id"] == SECOND
    assert lone_wolf_two_open.post("/invoices/pay-all", data=fresh).status_code == 200
    assert _collect_order(sandbox) == [FIRST, SECOND, SECOND]


def test_pay_all_offers_to_update_a_declined_card_and_never_tries_it_again(app, signed_in, sandbox):
    """Kowalski's renewal was declined on the card ending 0002: pay all leads to a new card, and a
    forged confirmation for that card is refused before any charge."""
    client = signed_in("owner@kowalski-bakery.example")
    html = client.get("/invoices/pay-all").get_data(as_text=True)
    assert "Your card ending 0002 was declined." in html and 'data-action="update_card"' in html
    assert 'action="/invoices/pay-all"' not in html  # no confirmation form for the declined card
    forged = client.post("/invoices/pay-all", data={"csrf_token": csrf_of(html), "batch_key": "k" * 32,
                                                    "invoice_id": ["1"], "amount_1": "19.00", "currency_1": "USD"})
    assert forged.status_code == 303
    assert "Your card on file was declined" in client.get(forged.headers["Location"]).get_data(as_text=True)
    assert collects(sandbox) == 0


def test_pay_all_list_changed_asks_to_confirm_again(app, lone_wolf_two_open, sandbox):
    _, fields = _confirm_all(lone_wolf_two_open)
    changed = lone_wolf_two_open.post("/invoices/pay-all", data={**fields, f"amount_{FIRST}": "5.00"})
    assert changed.status_code == 409 and "Your open invoices have changed" in changed.get_data(as_text=True)
    dropped = {**fields, "invoice_id": [FIRST]}
    assert lone_wolf_two_open.post("/invoices/pay-all", data=dropped).status_code == 409
    assert collects(sandbox) == 0
