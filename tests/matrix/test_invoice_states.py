"""The invoice state matrix: for every invoice state (draft, sent, overdue, partially paid, paid,
void) the invoice page offers "Pay now" exactly when the invoices policy allows it, and paying with a
fresh confirmation charges the card once when the invoice is owed and is refused with a message,
without a charge, otherwise. Pay all is offered when something is owed and a card is on file, pays
every owed invoice oldest due first, and is refused with the policy's sentence otherwise. On SQLite
and PostgreSQL (``conftest.portal``).

Expectations come from ``services.policy.invoices`` fed with the invoice as the sandbox's API returns
it; ``PINNED`` says what that is today.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

import pytest

from services.policy import Action
from services.policy import cards as card_policy
from services.policy import invoices as invoice_policy
from tests.matrix.support import (
    ACME, LONE_WOLF, PRIYA, PageButton, Zoho, action_buttons, form_fields, messages, new_key,
)
from zoho_client.models import Card, Invoice

A = Action


# -- the states ------------------------------------------------------------------------------------------


def _open(zoho: Zoho, customer_id: str) -> str:
    """The customer's one open invoice (Lone Wolf's is not due yet: ``sent``)."""
    (found,) = [i["invoice_id"] for i in zoho.invoices(customer_id) if i["status"] in ("sent", "partially_paid")]
    return found


def _overdue(zoho: Zoho, customer_id: str) -> str:
    """Lone Wolf's open invoice once the sandbox's clock has passed its due date."""
    invoice_id = _open(zoho, customer_id)
    due = date.fromisoformat(zoho.invoice(invoice_id)["due_date"])
    zoho.sandbox.advance_clock(days=(due - zoho.today()).days + 1)
    return invoice_id


def _paid(zoho: Zoho, customer_id: str) -> str:
    return next(i["invoice_id"] for i in zoho.invoices(customer_id) if i["status"] == "paid")


def _void(zoho: Zoho, customer_id: str) -> str:
    """The merchant voids the open invoice (Zoho's ``POST /invoices/{id}/void``)."""
    invoice_id = _open(zoho, customer_id)
    zoho.write("POST", f"/invoices/{invoice_id}/void")
    return invoice_id


def _draft(zoho: Zoho, customer_id: str) -> str:
    """The merchant raises an invoice through the API without sending it: Zoho keeps it a draft."""
    created = zoho.write("POST", "/invoices", {"customer_id": customer_id,
                                               "invoice_items": [{"name": "Consulting", "price": 120, "quantity": 1}]})
    assert created["invoice"]["status"] == "draft"
    return created["invoice"]["invoice_id"]


@dataclass(frozen=True)
class InvoiceState:
    name: str  # Zoho's status
    email: str
    produce: Callable[[Zoho, str], str]  # (sandbox, customer id) → the invoice's id, in that state
    add_card: bool  # the seed has no card for this customer: one is typed on Zoho's secure page first


STATES = (
    InvoiceState("draft", LONE_WOLF, _draft, True),
    InvoiceState("sent", LONE_WOLF, _open, True),
    InvoiceState("overdue", LONE_WOLF, _overdue, True),
    InvoiceState("partially_paid", PRIYA, _open, True),
    InvoiceState("paid", ACME, _paid, False),
    InvoiceState("void", LONE_WOLF, _void, True),
)
# Every state has a card on file, so that only the invoice's state decides; "Pay now" is paying with it.
PINNED = {
    "draft": frozenset(),  # never shown: its page is a 404
    "sent": frozenset({"pay_invoice"}),
    "overdue": frozenset({"pay_invoice"}),
    "partially_paid": frozenset({"pay_invoice"}),
    "paid": frozenset(),
    "void": frozenset(),
}


@dataclass
class Case:
    portal: object
    state: InvoiceState
    customer_id: str
    invoice_id: str
    before: dict  # the invoice as the sandbox's API returned it before the request
    decisions: dict  # PAY_INVOICE / PAY_ON_PAYMENT_PAGE → Decision

    @property
    def zoho(self) -> Zoho:
        return self.portal.zoho


def _has_card(zoho: Zoho, customer_id: str) -> bool:
    return card_policy.card_on_file([Card.from_api(c) for c in zoho.cards(customer_id)]) is not None


def reach(portal, state: InvoiceState) -> Case:
    portal.begin()
    zoho = portal.zoho
    customer_id = zoho.customer_id(state.email)
    if state.add_card:
        zoho.add_card(customer_id)
    invoice_id = state.produce(zoho, customer_id)
    before = zoho.invoice(invoice_id)
    assert before["status"] == state.name, f"{state.name}: the sandbox says {before['status']}"
    decisions = invoice_policy.decide_pay(Invoice.from_api(before), portal.actor(state.email),
                                          has_card=_has_card(zoho, customer_id))
    return Case(portal, state, customer_id, invoice_id, before, decisions)


def test_the_matrix_has_every_invoice_state_a_customer_can_meet():
    shown = set(invoice_policy.PAYABLE | invoice_policy.HIDDEN | {invoice_policy.PAID, invoice_policy.VOID})
    # Zoho's "viewed" and "unpaid" are list filters over open invoices; the sandbox's open ones are "sent".
    assert {s.name for s in STATES} == shown - {invoice_policy.VIEWED, invoice_policy.UNPAID}
    assert set(PINNED) == {s.name for s in STATES}


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_the_invoice_page_offers_pay_now_exactly_when_the_policy_allows(portal, state):
    case = reach(portal, state)
    client = portal.client(state.email)
    page = client.get(f"/invoices/{case.invoice_id}")
    if state.name in invoice_policy.HIDDEN:
        assert page.status_code == 404
        assert case.invoice_id not in client.get("/invoices").get_data(as_text=True)
        return
    assert page.status_code == 200
    shown = [case.decisions[a] for a in (A.PAY_INVOICE, A.PAY_ON_PAYMENT_PAGE) if case.decisions[a].applies]
    expected = set()
    if shown:
        chosen = next((d for d in shown if d.allowed), shown[0])
        expected.add(PageButton(chosen.action.value, f"/invoices/{case.invoice_id}/pay", chosen.allowed))
    assert action_buttons(page.get_data(as_text=True)) == expected
    assert {b.action for b in expected} == PINNED[state.name]


def _confirmation(client, case: Case) -> dict:
    """The confirmation form's fields: from the confirmation page when the invoice is owed, else the
    ones a page opened earlier (when it was still owed) would have had, with a fresh key."""
    page = client.get(f"/invoices/{case.invoice_id}/pay")
    if page.status_code == 200:
        return form_fields(page.get_data(as_text=True), f"/invoices/{case.invoice_id}/pay")
    assert page.status_code in (404, 409), page.status_code  # nothing to confirm: unknown, or nothing owed
    total = Decimal(str(case.before["total"])).quantize(Decimal("0.01"))
    return {"intent_key": new_key(), "amount": str(total), "currency": case.before["currency_code"],
            "csrf_token": case.portal.csrf(case.state.email)}


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_paying_an_invoice_charges_once_when_it_is_owed_and_is_refused_without_a_charge_otherwise(portal, state):
    case = reach(portal, state)
    client = portal.client(state.email)
    fields = _confirmation(client, case)
    portal.sandbox.clear_calls()

    response = client.post(f"/invoices/{case.invoice_id}/pay", data=fields)

    body = response.get_data(as_text=True)
    if case.decisions[A.PAY_INVOICE].allowed:
        assert response.status_code == 200 and 'data-status="succeeded"' in body, response.status_code
        assert case.zoho.collects() == [case.invoice_id]
        after = case.zoho.invoice(case.invoice_id)
        assert (after["status"], after["balance"]) == ("paid", 0)
        assert state.name in {"sent", "overdue", "partially_paid"}
        return
    assert state.name not in {"sent", "overdue", "partially_paid"}
    assert case.zoho.writes() == [], "nothing is charged"
    assert case.zoho.invoice(case.invoice_id) == case.before
    if state.name in invoice_policy.HIDDEN:
        assert response.status_code == 404
        return
    assert response.status_code == 409 and 'data-status="already_paid"' in body
    assert "Nothing was charged." in " ".join(body.split())


# -- pay all ---------------------------------------------------------------------------------------------


def _owed(zoho: Zoho, customer_id: str) -> list[Invoice]:
    rows = (Invoice.from_api(row) for row in zoho.invoices(customer_id))
    return sorted((i for i in rows if invoice_policy.is_owed(i)), key=lambda i: (i.due_date, i.invoice_date))


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    add_card: bool
    months_on: int  # the sandbox's clock moves a month per step: an offline subscription's next invoice


ACCOUNTS = (
    Account("one_owed_with_a_card", LONE_WOLF, True, 0),
    Account("two_owed_with_a_card", LONE_WOLF, True, 1),
    Account("owed_without_a_card", LONE_WOLF, False, 0),
    Account("nothing_owed", ACME, False, 0),
)
PAY_ALL_PINNED = {  # (the unpaid list, Home)
    "one_owed_with_a_card": ({"pay_all"}, set()),
    "two_owed_with_a_card": ({"pay_all"}, {"pay_all"}),
    "owed_without_a_card": (set(), set()),
    "nothing_owed": (set(), set()),
}


def _open_account(portal, account: Account) -> tuple[str, list[Invoice], object]:
    portal.begin()
    zoho = portal.zoho
    customer_id = zoho.customer_id(account.email)
    if account.add_card:
        zoho.add_card(customer_id)
    if account.months_on:
        zoho.sandbox.advance_clock(days=31 * account.months_on)
    owed = _owed(zoho, customer_id)
    decision = invoice_policy.decide_pay_all(owed, portal.actor(account.email),
                                             has_card=_has_card(zoho, customer_id))
    return customer_id, owed, decision


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.name)
def test_pay_all_is_offered_when_something_is_owed_and_a_card_is_on_file(portal, account):
    _, owed, decision = _open_account(portal, account)
    client = portal.client(account.email)
    offered = {PageButton(A.PAY_ALL.value, "/invoices/pay-all", decision.allowed)} if decision.applies else set()
    unpaid_list = client.get("/invoices?status=unpaid")
    assert unpaid_list.status_code == 200
    assert action_buttons(unpaid_list.get_data(as_text=True)) == offered
    # Home pays the oldest invoice with its own button; pay all joins it when there is more than one.
    home = {b for b in action_buttons(client.get("/").get_data(as_text=True)) if b.action == A.PAY_ALL.value}
    assert home == (offered if len(owed) > 1 else set())
    assert ({b.action for b in offered}, {b.action for b in home}) == PAY_ALL_PINNED[account.name]


def test_pay_all_pays_every_owed_invoice_oldest_due_first(portal):
    customer_id, owed, decision = _open_account(portal, ACCOUNTS[1])
    assert decision.allowed and len(owed) == 2
    client = portal.client(LONE_WOLF)
    fields = form_fields(client.get("/invoices/pay-all").get_data(as_text=True), "/invoices/pay-all")
    portal.sandbox.clear_calls()
    done = client.post("/invoices/pay-all", data=fields)
    assert done.status_code == 200 and "All invoices paid" in done.get_data(as_text=True)
    assert portal.zoho.collects() == [i.invoice_id for i in owed]
    assert _owed(portal.zoho, customer_id) == []


@pytest.mark.parametrize("account", [a for a in ACCOUNTS if a.name in ("owed_without_a_card", "nothing_owed")],
                         ids=lambda a: a.name)
def test_pay_all_is_refused_with_the_policys_sentence_when_it_may_not_run(portal, account):
    customer_id, owed, decision = _open_account(portal, account)
    assert not decision.applies
    client = portal.client(account.email)
    # What a confirmation page opened earlier would post: a fresh batch key and an invoice it listed.
    listed = owed[0] if owed else Invoice.from_api(portal.zoho.invoice(_paid(portal.zoho, customer_id)))
    fields = {"csrf_token": portal.csrf(account.email), "batch_key": new_key(), "invoice_id": listed.invoice_id,
              f"amount_{listed.invoice_id}": str(listed.total.amount.quantize(Decimal("0.01"))),
              f"currency_{listed.invoice_id}": listed.total.currency}
    portal.sandbox.clear_calls()
    refused = client.post("/invoices/pay-all", data=fields)
    assert refused.status_code == 303 and refused.headers["Location"] == "/invoices"
    assert portal.zoho.writes() == []
    shown = messages(client.get("/invoices").get_data(as_text=True))
    assert [text for kind, text in shown if kind == "alert-error"] == [str(decision.refusal)]
