"""The subscription state matrix: for every state the sandbox can produce, the buttons on the
subscription page and on Home are what the policy allows, every action the policy allows succeeds end
to end against the sandbox, and every other one is refused on POST with a message and without a
single write reaching Zoho. On SQLite and PostgreSQL (``conftest.portal``).

The expectations come from the policy itself (``services.policy``), fed with the subscription as the
sandbox's API returns it; the hand-written ``PINNED`` table below says what that is today, so that a
change of the policy is a deliberate change of this file too.

Zoho Billing has no ``paused`` state (no status, no pause endpoint: /work/shared/zoho-billing-api.md
§4.5), so the matrix has none. ``creation_failed`` is Zoho's, but nothing in the sandbox produces it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import pytest

from services.policy import Action
from services.policy import cards as card_policy
from services.policy import invoices as invoice_policy
from services.policy import subscriptions as policy
from tests.matrix.support import (
    ACME, ATHINA, BRIGHTSIDE, FRESH, KOWALSKI, MUELLER, NORTHWIND, OLGA, RETENTION_COUPON, TOKYO, PageButton, Zoho,
    action_buttons, messages,
)
from zoho_client.models import Card, Invoice, Subscription

A = Action


# -- the states ------------------------------------------------------------------------------------------


def _seeded(status: str) -> Callable[[Zoho, str], str]:
    """The demo customer's subscription that the seed left in ``status``."""
    def find(zoho: Zoho, customer_id: str) -> str:
        return next(s["subscription_id"] for s in zoho.subscription_rows(customer_id) if s["status"] == status)

    return find


def _trial_expired(zoho: Zoho, customer_id: str) -> str:
    """Fresh Start's trial has no card: when the sandbox's clock reaches its end, Zoho ends it."""
    sid = _seeded(policy.TRIAL)(zoho, customer_id)
    ends = zoho.subscription(sid)["trial_ends_at"]
    zoho.sandbox.advance_clock(days=(date.fromisoformat(ends) - zoho.today()).days)
    return sid


def _future(zoho: Zoho, customer_id: str) -> str:
    """Acme orders a second subscription that starts in ten days (the card on file will pay for it)."""
    starts = zoho.today() + timedelta(days=10)
    created = zoho.write("POST", "/subscriptions", {"customer_id": customer_id, "plan": {"plan_code": "pro-monthly"},
                                                    "starts_at": starts.isoformat()})
    return created["subscription"]["subscription_id"]


# Kowalski's renewal was declined two days ago; Zoho retries for seven days in all.
DUNNING_DAYS = 7


def _cancelled_from_dunning(zoho: Zoho, customer_id: str) -> str:
    """Kowalski's renewal was declined (card 0002) and the organization's dunning setting says "cancel
    the subscription" when the retries run out: the sandbox's clock runs past the dunning period. Its
    declining card would make any paid restart fail at the gateway, which is the card's doing and not
    the state's, so the merchant's team first puts a working card (typed on the secure page) on it."""
    sid = _seeded(policy.DUNNING)(zoho, customer_id)
    card = zoho.add_card(customer_id)
    zoho.write("PUT", f"/subscriptions/{sid}", {"card_id": card["card_id"]})
    zoho.sandbox.control("POST", "dunning", json={"ends_with": "cancel"})
    zoho.sandbox.advance_clock(days=DUNNING_DAYS)
    assert zoho.subscription(sid)["status"] == policy.CANCELLED_FROM_DUNNING
    return sid


@dataclass(frozen=True)
class State:
    name: str
    email: str
    status: str  # what Zoho calls it
    produce: Callable[[Zoho, str], str]  # (sandbox, customer id) → the subscription's id, in that state


STATES = (
    State("trial_with_card", MUELLER, policy.TRIAL, _seeded(policy.TRIAL)),
    State("trial_without_card", FRESH, policy.TRIAL, _seeded(policy.TRIAL)),
    State("live", ACME, policy.LIVE, _seeded(policy.LIVE)),
    State("non_renewing", ATHINA, policy.NON_RENEWING, _seeded(policy.NON_RENEWING)),
    State("dunning", KOWALSKI, policy.DUNNING, _seeded(policy.DUNNING)),
    State("unpaid", BRIGHTSIDE, policy.UNPAID, _seeded(policy.UNPAID)),
    State("cancelled", OLGA, policy.CANCELLED, _seeded(policy.CANCELLED)),
    State("cancelled_from_dunning", KOWALSKI, policy.CANCELLED_FROM_DUNNING, _cancelled_from_dunning),
    State("expired", TOKYO, policy.EXPIRED, _seeded(policy.EXPIRED)),
    State("trial_expired", FRESH, policy.TRIAL_EXPIRED, _trial_expired),
    State("future", ACME, policy.FUTURE, _future),
)
BY_NAME = {state.name: state for state in STATES}
NOT_PRODUCED = {policy.CREATION_FAILED}  # Zoho's, but nothing in the sandbox makes one

# Every action of the subscription policy, and the card's: a new one joins the matrix by itself.
ACTIONS = (*policy.ACTIONS, A.UPDATE_CARD)


@dataclass(frozen=True)
class Pinned:
    allowed: frozenset[Action]  # what the policy allows in this state (this demo customer, the matrix's settings)
    page: frozenset[str]  # the subscription page's buttons (data-action)
    home: frozenset[str]  # Home's buttons (data-action)


def pin(allowed, page, home=()) -> Pinned:
    return Pinned(frozenset(allowed), frozenset(page), frozenset(home))


CHANGE = (A.CHANGE_PLAN, A.CHANGE_ITEMS)
PINNED = {
    "trial_with_card": pin({*CHANGE, A.CANCEL_AT_TERM_END, A.CANCEL_NOW, A.UPDATE_CARD},
                           {"update_card", "change_plan", "cancel_at_term_end"}),
    "trial_without_card": pin({A.SUBSCRIBE, *CHANGE, A.CANCEL_AT_TERM_END, A.CANCEL_NOW},
                              {"subscribe", "change_plan", "cancel_at_term_end"}, {"subscribe"}),
    "live": pin({*CHANGE, A.CANCEL_AT_TERM_END, A.CANCEL_NOW, A.DROP_SCHEDULED_CHANGE, A.ACCEPT_RETENTION_OFFER,
                 A.UPDATE_CARD},
                {"update_card", "change_plan", "cancel_at_term_end", "drop_scheduled_change"}),
    "non_renewing": pin({A.CANCEL_NOW, A.UNDO_CANCELLATION, A.ACCEPT_RETENTION_OFFER, A.UPDATE_CARD},
                        {"undo_cancellation", "update_card", "cancel_now"}),
    # A failed payment's banner (page and Home): a new card, or paying now on the secure page (the
    # card the payment was declined on is not offered again).
    "dunning": pin({A.CANCEL_NOW, A.ACCEPT_RETENTION_OFFER, A.UPDATE_CARD},
                   {"update_card", "cancel_now", "pay_on_payment_page"}, {"update_card", "pay_on_payment_page"}),
    "unpaid": pin({A.CANCEL_NOW, A.UPDATE_CARD}, {"update_card", "cancel_now", "pay_on_payment_page"},
                  {"update_card", "pay_on_payment_page"}),
    "cancelled": pin({A.SUBSCRIBE, A.REACTIVATE}, {"subscribe", "reactivate"}),
    "cancelled_from_dunning": pin({A.SUBSCRIBE, A.REACTIVATE}, {"subscribe", "reactivate"}, {"pay_invoice"}),
    "expired": pin({A.SUBSCRIBE, A.REACTIVATE}, {"subscribe", "reactivate"}),
    "trial_expired": pin({A.SUBSCRIBE}, {"subscribe"}),
    "future": pin({*CHANGE, A.CANCEL_NOW, A.UPDATE_CARD}, {"update_card", "change_plan", "cancel_now"}),
}


# -- one case: a state reached in the sandbox, and what the policy says about it ---------------------------


@dataclass
class Case:
    portal: object
    state: State
    customer_id: str
    subscription_id: str
    before: dict  # the subscription as the sandbox's API returned it before the request
    decisions: dict  # Action → Decision, from the policy
    ids_before: frozenset[str] = frozenset()  # the customer's subscriptions before the request (subscribe)

    @property
    def zoho(self) -> Zoho:
        return self.portal.zoho

    @property
    def page(self) -> str:
        return f"/subscriptions/{self.subscription_id}"

    def path(self, action: Action) -> str:
        return self.page + FORMS[action][0]


def decisions_for(portal, email: str, sub_json: dict) -> dict:
    """What the policy decides for this subscription, with the facts the portal has about it: whether
    Zoho holds a scheduled change, and whether the retention coupon is one Zoho offers."""
    zoho = portal.zoho
    sub = Subscription.from_api(sub_json)
    coupon = zoho.catalog(f"/coupons/{RETENTION_COUPON}", "coupon")
    facts = dict(scheduled_change=zoho.scheduled_change(sub.subscription_id) is not None,
                 retention_offer=coupon["status"] == "active" and coupon.get("discount_value") is not None)
    actor = portal.actor(email)
    with portal.app.test_request_context():
        found = policy.decisions(sub, actor, **facts)
        found[A.UPDATE_CARD] = card_policy.decide_update_card(sub, actor)
        return {action: _evaluated(decision) for action, decision in found.items()}


def _evaluated(decision):
    """The decision with its sentences read now (they may format dates for the request's locale)."""
    from dataclasses import replace

    return replace(decision, reason=None if decision.reason is None else str(decision.reason),
                   refusal=None if decision.refusal is None else str(decision.refusal))


def reach(portal, state: State) -> Case:
    portal.begin()
    zoho = portal.zoho
    customer_id = zoho.customer_id(state.email)
    subscription_id = state.produce(zoho, customer_id)
    before = zoho.subscription(subscription_id)
    assert before["status"] == state.status, f"{state.name}: the sandbox says {before['status']}"
    return Case(portal, state, customer_id, subscription_id, before, decisions_for(portal, state.email, before))


# -- the forms that perform each action (action → path under the subscription, form data) ---------------


def _plans(case: Case) -> list[str]:
    return [p["plan_code"] for p in case.zoho.catalog("/plans", "plans", filter_by="PlanStatus.ACTIVE")]


def _current_plan(case: Case) -> str:
    return case.before["plan"]["plan_code"]


def _other_plan(case: Case) -> str:
    return next(code for code in ("business-monthly", "pro-monthly") if code != _current_plan(case)
                and code in _plans(case))


def _addon_fields(case: Case) -> dict:
    return {f"addon__{a['addon_code']}": str(int(a["quantity"])) for a in case.before.get("addons", [])}


def _quantity(case: Case) -> int:
    return int(case.before["plan"].get("quantity") or 1)


def _card_on_file(case: Case):
    """The card a subscribe would charge (the subscription's own when active, else the newest)."""
    cards = [Card.from_api(c) for c in case.zoho.cards(case.customer_id)]
    return card_policy.card_on_file(cards, Subscription.from_api(case.before))


def _subscribe(case: Case) -> dict:
    plan = _current_plan(case) if _current_plan(case) in _plans(case) else _plans(case)[0]
    return {"plan_code": plan, "payment": "card_on_file" if _card_on_file(case) else "new_card"}


def _reason(case: Case) -> str:
    churn = case.zoho.catalog("/settings/preferences/churnmessages", "churn_messages_settings")
    return churn["churn_messages"][0]["churn_message_id"]


FORMS: dict[Action, tuple[str, Callable[[Case], dict]]] = {
    A.SUBSCRIBE: ("/subscribe", _subscribe),
    A.CHANGE_PLAN: ("/change-plan", lambda c: {"plan_code": _other_plan(c), "quantity": "1"}),
    A.CHANGE_ITEMS: ("/change-plan", lambda c: {"plan_code": _current_plan(c), "quantity": str(_quantity(c) + 1),
                                                **_addon_fields(c)}),
    A.CANCEL_AT_TERM_END: ("/cancel", lambda c: {"when": "end_of_term", "reason": _reason(c)}),
    A.CANCEL_NOW: ("/cancel", lambda c: {"when": "immediately", "reason": _reason(c)}),
    A.UNDO_CANCELLATION: ("/keep", lambda c: {}),
    A.REACTIVATE: ("/reactivate", lambda c: {}),
    A.DROP_SCHEDULED_CHANGE: ("/scheduled-change/remove", lambda c: {}),
    A.ACCEPT_RETENTION_OFFER: ("/stay", lambda c: {}),
    A.UPDATE_CARD: ("/card", lambda c: {}),
}


# -- what success looks like in the sandbox ----------------------------------------------------------------


def _new_secure_page(case: Case, response, action: str) -> None:
    """The customer was sent to Zoho's secure page: one new page of that kind, not yet used."""
    pages = [p for p in case.zoho.hosted_pages(case.customer_id) if p["action"] == action]
    assert len(pages) == 1, pages
    assert response.headers["Location"] == pages[0]["url"] and pages[0]["status"] == "fresh"


def _subscribed(case: Case, response) -> None:
    if _subscribe(case)["payment"] == "new_card":
        _new_secure_page(case, response, "update_subscription" if policy.is_trial(Subscription.from_api(case.before))
                         else "new_subscription")
        return
    subs = case.zoho.subscriptions(case.customer_id)
    if case.before["status"] == policy.TRIAL:
        (now,) = [s for s in subs if s["subscription_id"] == case.subscription_id]
        assert now["card"] and now["auto_collect"] is True
    else:
        (new,) = [s for s in subs if s["subscription_id"] not in case.ids_before]
        assert new["status"] == policy.LIVE and new["plan"]["plan_code"] == _subscribe(case)["plan_code"]
        assert response.headers["Location"] == f"/subscriptions/{new['subscription_id']}"


def _plan_now_or_scheduled(case: Case, check: Callable[[dict], bool]) -> None:
    now = case.zoho.subscription(case.subscription_id)
    scheduled = case.zoho.scheduled_change(case.subscription_id)
    assert check(now["plan"]) or (scheduled is not None and check(scheduled["plan"])), (now["plan"], scheduled)


def _status(status: str) -> Callable[[Case, object], None]:
    def check(case: Case, response) -> None:
        assert case.zoho.subscription(case.subscription_id)["status"] == status

    return check


def _no_scheduled_change(case: Case, response) -> None:
    assert case.zoho.scheduled_change(case.subscription_id) is None


def _retention_coupon_applied(case: Case, response) -> None:
    assert case.zoho.subscription(case.subscription_id).get("coupon", {}).get("coupon_code") == RETENTION_COUPON


SUCCEEDED: dict[Action, Callable[[Case, object], None]] = {
    A.SUBSCRIBE: _subscribed,
    A.CHANGE_PLAN: lambda c, r: _plan_now_or_scheduled(c, lambda plan: plan["plan_code"] == _other_plan(c)),
    A.CHANGE_ITEMS: lambda c, r: _plan_now_or_scheduled(
        c, lambda plan: plan["plan_code"] == _current_plan(c) and int(plan["quantity"]) == _quantity(c) + 1),
    A.CANCEL_AT_TERM_END: _status(policy.NON_RENEWING),
    A.CANCEL_NOW: _status(policy.CANCELLED),
    A.UNDO_CANCELLATION: _status(policy.LIVE),
    A.REACTIVATE: _status(policy.LIVE),
    A.DROP_SCHEDULED_CHANGE: _no_scheduled_change,
    A.ACCEPT_RETENTION_OFFER: _retention_coupon_applied,
    A.UPDATE_CARD: lambda c, r: _new_secure_page(c, r, "update_card"),
}


# -- the matrix -------------------------------------------------------------------------------------------


def test_the_matrix_has_every_state_the_policy_knows():
    assert {state.status for state in STATES} | NOT_PRODUCED == set(policy.STATUSES)
    assert set(PINNED) == set(BY_NAME)
    assert set(FORMS) == set(SUCCEEDED) == set(ACTIONS), "every action needs its form and its outcome"


def _page_buttons_from_policy(case: Case) -> dict[str, set[Action]]:
    """URL → the actions the policy lets this page offer there. The retention offer is made inside
    the cancellation (the cancel page), not on the subscription page."""
    offered: dict[str, set[Action]] = {}
    for action, decision in case.decisions.items():
        if decision.applies and action is not A.ACCEPT_RETENTION_OFFER:
            offered.setdefault(case.path(action), set()).add(action)
    return offered


def _owed(case: Case) -> list[Invoice]:
    """The customer's invoices owed, oldest first, in full (their details name their subscription)."""
    rows = [Invoice.from_api(row) for row in case.zoho.invoices(case.customer_id)]
    owed = [Invoice.from_api(case.zoho.invoice(row.invoice_id)) for row in rows if invoice_policy.is_owed(row)]
    return sorted(owed, key=lambda i: (i.due_date, i.invoice_date))


def _pay_button(case: Case, invoice: Invoice, subscriptions: list[Subscription], cards: list[Card]) -> PageButton:
    """Paying ``invoice``: with the card on file, unless its subscription's payment was declined on that
    card (then, like without a card, on the secure page)."""
    actor = case.portal.actor(case.state.email)
    declined = False
    for sub in subscriptions:
        if sub.subscription_id in invoice.subscription_ids:
            card = card_policy.card_on_file(cards, sub)
            declined = declined or policy.card_was_declined(sub, card.card_id if card else None)
    pay = invoice_policy.decide_pay(invoice, actor, has_card=card_policy.card_on_file(cards) is not None,
                                    card_declined=declined)
    shown = [pay[a] for a in (A.PAY_INVOICE, A.PAY_ON_PAYMENT_PAGE) if pay[a].applies]
    chosen = next((d for d in shown if d.allowed), shown[0])
    return PageButton(chosen.action.value, f"/invoices/{invoice.invoice_id}/pay", chosen.allowed)


def _banner_buttons(case: Case, sub: Subscription, owed: list[Invoice], subscriptions, cards) -> set[PageButton]:
    """A subscription whose payment failed carries a banner: a new card (the cards policy), and paying
    its oldest open invoice now."""
    if not policy.has_payment_trouble(sub):
        return set()
    found = set()
    update = card_policy.decide_update_card(sub, case.portal.actor(case.state.email))
    if update.applies:
        found.add(PageButton(A.UPDATE_CARD.value, f"/subscriptions/{sub.subscription_id}/card", update.allowed))
    its_own = [invoice for invoice in owed if invoice.subscription_ids[:1] == (sub.subscription_id,)]
    if its_own:
        found.add(_pay_button(case, its_own[0], subscriptions, cards))
    return found


def _home_buttons_from_policy(case: Case) -> set[PageButton]:
    zoho, actor = case.zoho, case.portal.actor(case.state.email)
    subscriptions = [Subscription.from_api(s) for s in zoho.subscriptions(case.customer_id)]
    cards = [Card.from_api(c) for c in zoho.cards(case.customer_id)]
    assert not card_policy.expiring(cards, zoho.today()), "the matrix's customers have no card about to expire"
    expected = set()
    owed = _owed(case)
    for sub in subscriptions:
        if policy.is_trial(sub):
            decision = policy.decide(sub, A.SUBSCRIBE, actor)
            if decision.applies:
                expected.add(PageButton(A.SUBSCRIBE.value, f"/subscriptions/{sub.subscription_id}/subscribe",
                                        decision.allowed))
        expected |= _banner_buttons(case, sub, owed, subscriptions, cards)
    has_card = card_policy.card_on_file(cards) is not None
    if owed:  # the oldest invoice owed: paid with the card on file, or on the secure page
        expected.add(_pay_button(case, owed[0], subscriptions, cards))
    card = card_policy.card_on_file(cards)
    declined = card is not None and any(policy.card_was_declined(sub, card.card_id) for sub in subscriptions)
    pay_all = invoice_policy.decide_pay_all(owed, actor, has_card=has_card, card_declined=declined)
    if pay_all.applies and len(owed) > 1:  # Home offers pay all beside the oldest invoice's button
        expected.add(PageButton(A.PAY_ALL.value, "/invoices/pay-all", pay_all.allowed))
    return expected


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_buttons_on_the_subscription_page_and_home_are_what_the_policy_allows(portal, state):
    case = reach(portal, state)
    client = portal.client(state.email)
    page = client.get(case.page)
    assert page.status_code == 200
    found = action_buttons(page.get_data(as_text=True))
    subscriptions = [Subscription.from_api(s) for s in case.zoho.subscriptions(case.customer_id)]
    cards = [Card.from_api(c) for c in case.zoho.cards(case.customer_id)]
    banner = _banner_buttons(case, Subscription.from_api(case.before), _owed(case), subscriptions, cards)
    paying = {button for button in found if button.href.startswith("/invoices/")}
    assert paying == {button for button in banner if button.href.startswith("/invoices/")}
    found -= paying
    offered = _page_buttons_from_policy(case)
    assert {button.href for button in found} == set(offered), "one button per page the policy offers"
    assert len(found) == len(offered)
    for button in found:
        action = Action(button.action)
        assert action in offered[button.href], button
        assert button.enabled == case.decisions[action].allowed, button
    assert {b.action for b in found | paying} == PINNED[state.name].page
    allowed = {action for action, decision in case.decisions.items() if decision.allowed}
    assert allowed == PINNED[state.name].allowed
    # The retention offer is made on the cancel page, inside the cancellation.
    cancel = case.page + FORMS[A.CANCEL_NOW][0]
    if cancel in offered:
        offer = f'action="{case.path(A.ACCEPT_RETENTION_OFFER)}"' in client.get(cancel).get_data(as_text=True)
        assert offer == case.decisions[A.ACCEPT_RETENTION_OFFER].applies

    home = client.get("/")
    assert home.status_code == 200
    with portal.app.test_request_context():
        expected_home = _home_buttons_from_policy(case)
    assert action_buttons(home.get_data(as_text=True)) == expected_home
    assert {b.action for b in expected_home} == PINNED[state.name].home


def test_home_offers_to_update_a_card_about_to_expire_as_the_policy_allows(portal):
    """Northwind's card expires this month: Home's notice carries the button the cards policy gives
    the subscription that card pays for (the matrix's customers have no such notice)."""
    portal.begin()
    zoho = portal.zoho
    customer_id = zoho.customer_id(NORTHWIND)
    cards = [Card.from_api(c) for c in zoho.cards(customer_id)]
    assert card_policy.expiring(cards, zoho.today())
    (running,) = [s for s in map(Subscription.from_api, zoho.subscriptions(customer_id)) if policy.is_running(s)]
    decision = card_policy.decide_update_card(running, portal.actor(NORTHWIND))
    expected = {PageButton(A.UPDATE_CARD.value, f"/subscriptions/{running.subscription_id}/card", decision.allowed)}
    home = portal.client(NORTHWIND).get("/")
    assert action_buttons(home.get_data(as_text=True)) == (expected if decision.applies else set())
    assert decision.allowed


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.value)
@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_an_action_succeeds_when_the_policy_allows_it_and_is_refused_without_a_write_otherwise(
        portal, state, action):
    case = reach(portal, state)
    decision = case.decisions[action]
    assert decision.allowed == (action in PINNED[state.name].allowed)
    client, token = portal.client(state.email), portal.csrf(state.email)
    data = FORMS[action][1](case)
    if action is A.SUBSCRIBE:
        case.ids_before = frozenset(s["subscription_id"] for s in case.zoho.subscription_rows(case.customer_id))
    portal.sandbox.clear_calls()

    response = client.post(case.path(action), data={**data, "csrf_token": token})

    if decision.allowed:
        assert response.status_code == 303, (response.status_code, messages(response.get_data(as_text=True)))
        location = response.headers["Location"]
        if location.startswith("/"):  # back on a subscription page, which says it worked
            shown = messages(client.get(location).get_data(as_text=True))
            assert any(kind == "alert-success" for kind, _ in shown), shown
            assert not any(kind == "alert-error" for kind, _ in shown), shown
        else:  # on Zoho's secure page
            assert location.startswith(portal.sandbox.base_url + "/hostedpage/"), location
        SUCCEEDED[action](case, response)
        return

    assert response.status_code != 200 and response.status_code < 500, response.status_code
    assert case.zoho.writes() == [], "a refused action must not reach Zoho"
    if response.status_code == 303:
        assert response.headers["Location"] == case.page
        shown = messages(client.get(case.page).get_data(as_text=True))
        same_form = {d.refusal for a, d in case.decisions.items() if case.path(a) == case.path(action) and d.refusal}
        assert [text for kind, text in shown if kind == "alert-error"] in [[refusal] for refusal in same_form], shown
    else:
        assert 400 <= response.status_code < 500
        shown = messages(response.get_data(as_text=True))
        assert any(kind in ("alert-error", "field-error") for kind, _ in shown), shown
    assert case.zoho.subscription(case.subscription_id) == case.before, "nothing changed at Zoho"
