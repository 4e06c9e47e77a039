"""Subscriptions: Zoho's states, what each allows, and how each reads to a customer.

Zoho Billing's subscription statuses are ``trial``, ``live``, ``future``, ``dunning`` (a renewal
payment failed and Zoho is retrying), ``unpaid`` (retries are over, the invoice stays open),
``non_renewing`` (cancelled at the end of the term), ``cancelled``, ``cancelled_from_dunning``,
``expired``, ``trial_expired`` (the trial ended without a card) and ``creation_failed``. Zoho has
no paused state. This module is the only place outside the Zoho client that names them.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping

from zoho_client.models import Subscription

from services.actors import Actor
from services.policy import Action, Decision, StatusView, decide as _decide
from services.texts import subscriptions as words

TRIAL, LIVE, FUTURE = "trial", "live", "future"
DUNNING, UNPAID, NON_RENEWING = "dunning", "unpaid", "non_renewing"
CANCELLED, CANCELLED_FROM_DUNNING, EXPIRED = "cancelled", "cancelled_from_dunning", "expired"
TRIAL_EXPIRED, CREATION_FAILED = "trial_expired", "creation_failed"

STATUSES = (TRIAL, LIVE, FUTURE, DUNNING, UNPAID, NON_RENEWING, CANCELLED, CANCELLED_FROM_DUNNING, EXPIRED,
            TRIAL_EXPIRED, CREATION_FAILED)
# Still running: it gives access, may charge the card on file, and counts on Home.
RUNNING = frozenset({TRIAL, LIVE, FUTURE, DUNNING, UNPAID, NON_RENEWING})
ENDED = frozenset({CANCELLED, CANCELLED_FROM_DUNNING, EXPIRED, TRIAL_EXPIRED, CREATION_FAILED})
PAYMENT_TROUBLE = frozenset({DUNNING, UNPAID})
NOT_YET_BILLED = frozenset({TRIAL, FUTURE})

# The catalog: what may be offered, and Zoho's list filters for it.
CATALOG_ACTIVE = "active"
ACTIVE_PLANS_FILTER = "PlanStatus.ACTIVE"
ACTIVE_ADDONS_FILTER = "AddonStatus.ACTIVE"
RECURRING = "recurring"

# The states each action can start from.
_STARTS_FROM: Mapping[Action, frozenset[str]] = {
    Action.SUBSCRIBE: frozenset({TRIAL}) | ENDED,
    Action.CHANGE_PLAN: frozenset({TRIAL, LIVE, FUTURE}),
    Action.CHANGE_ITEMS: frozenset({TRIAL, LIVE, FUTURE}),
    Action.CANCEL_AT_TERM_END: frozenset({TRIAL, LIVE}),
    Action.CANCEL_NOW: RUNNING,
    Action.UNDO_CANCELLATION: frozenset({NON_RENEWING}),
    Action.REACTIVATE: frozenset({CANCELLED, CANCELLED_FROM_DUNNING, EXPIRED}),
    Action.DROP_SCHEDULED_CHANGE: frozenset({TRIAL, LIVE, FUTURE, NON_RENEWING}),
    Action.ACCEPT_RETENTION_OFFER: frozenset({LIVE, NON_RENEWING, DUNNING}),
}
ACTIONS = tuple(_STARTS_FROM)


def status_of(sub: Subscription) -> str:
    return sub.status or ""


def is_running(sub: Subscription) -> bool:
    return status_of(sub) in RUNNING


def is_ended(sub: Subscription) -> bool:
    return status_of(sub) in ENDED


def is_trial(sub: Subscription) -> bool:
    return status_of(sub) == TRIAL


def is_cancellation_scheduled(sub: Subscription) -> bool:
    return status_of(sub) == NON_RENEWING


def has_payment_trouble(sub: Subscription) -> bool:
    return status_of(sub) in PAYMENT_TROUBLE


def stopped_for_unpaid_bill(sub: Subscription) -> bool:
    """Zoho's retries are over: the subscription no longer renews until its invoice is paid."""
    return status_of(sub) == UNPAID


def is_billed_yet(sub: Subscription) -> bool:
    """False while nothing has been charged for it (a trial, or one that starts later)."""
    return status_of(sub) not in NOT_YET_BILLED


def converts_at_trial_end(sub: Subscription) -> bool:
    """A trial that continues as a paid subscription by itself: a card on file that Zoho charges."""
    return is_trial(sub) and sub.card is not None and sub.auto_collect is not False


def needs_card_to_continue(sub: Subscription) -> bool:
    """A trial that ends without a charge unless the customer subscribes."""
    return is_trial(sub) and not converts_at_trial_end(sub)


def shows_next_bill(sub: Subscription) -> bool:
    """Whether a next bill is coming: running, not ending with this term, not stopped for an unpaid bill."""
    return status_of(sub) in (RUNNING - {NON_RENEWING, UNPAID}) and sub.next_billing_at is not None


def shows_recurring_price(sub: Subscription) -> bool:
    """An ended subscription bills nothing more: its price is history, not a price per term."""
    return not is_ended(sub)


def charges_card(sub: Subscription) -> bool:
    """Zoho charges the subscription's bills to its card by itself (else the customer pays each invoice)."""
    return sub.card is not None and sub.auto_collect is not False


def card_was_declined(sub: Subscription | None, card_id: str | None) -> bool:
    """The card ``card_id`` is the one this subscription's failed payment was declined on."""
    return (sub is not None and has_payment_trouble(sub) and sub.card is not None
            and card_id is not None and sub.card.card_id == card_id)


def next_bill(sub: Subscription, today: date, amount=None):
    """(amount, day) of the next charge, or None when none is coming. ``amount``: what the next term
    costs when a change is scheduled for it (else the subscription's own amount)."""
    if is_trial(sub):
        if not converts_at_trial_end(sub):
            return None
        return amount or sub.amount, sub.trial_ends_at or sub.next_billing_at
    if not shows_next_bill(sub) or sub.next_billing_at < today:
        return None
    return amount or sub.amount, sub.next_billing_at


def ends_on(sub: Subscription) -> date | None:
    """The last day of a subscription set to end (or of one that ended)."""
    if is_trial(sub):
        return sub.trial_ends_at
    return sub.expires_at or sub.current_term_ends_at


def trial_days_left(sub: Subscription, today: date) -> int | None:
    if not is_trial(sub) or sub.trial_ends_at is None:
        return None
    return max(0, (sub.trial_ends_at - today).days)


def status_view(sub: Subscription, today: date | None = None) -> StatusView:
    status = status_of(sub)
    if status == TRIAL:
        if converts_at_trial_end(sub):
            # Subscribed: the card on file is charged when the trial ends; no trial left to act on.
            return StatusView(words.SUBSCRIBED, "success", words.sentence_trial_converts(
                sub.trial_ends_at, sub.amount, sub.card.last_four_digits if sub.card else None))
        days = trial_days_left(sub, today) if today is not None else None
        label = words.trial_days_left(days) if days is not None else words.TRIAL
        return StatusView(label, "info", words.sentence_trial(sub.trial_ends_at))
    if status == LIVE:
        return StatusView(words.ACTIVE, "success", words.sentence_active(sub.next_billing_at))
    if status == FUTURE:
        return StatusView(words.STARTS_LATER, "info",
                          words.sentence_future(sub.activated_at or sub.current_term_starts_at))
    if status == NON_RENEWING:
        return StatusView(words.cancels_on(ends_on(sub)), "warning", words.sentence_non_renewing(ends_on(sub)))
    if status == DUNNING:
        return StatusView(words.PAYMENT_FAILED, "danger", words.SENTENCE_PAYMENT_FAILED)
    if status == UNPAID:
        return StatusView(words.UNPAID, "danger", words.SENTENCE_UNPAID)
    if status == CANCELLED:
        return StatusView(words.CANCELLED, "neutral", words.sentence_cancelled(sub.cancelled_at))
    if status == CANCELLED_FROM_DUNNING:
        return StatusView(words.CANCELLED_UNPAID, "neutral", words.sentence_cancelled(sub.cancelled_at))
    if status == EXPIRED:
        return StatusView(words.EXPIRED, "neutral", words.sentence_expired(sub.expires_at))
    if status == TRIAL_EXPIRED:
        return StatusView(words.TRIAL_ENDED, "neutral", words.sentence_trial_expired(sub.trial_ends_at))
    return StatusView(words.NOT_STARTED, "danger", words.SENTENCE_NOT_STARTED)


def _refusal(sub: Subscription, action: Action) -> str:
    status = status_of(sub)
    if action is Action.SUBSCRIBE:
        return words.REFUSED_SUBSCRIBE
    if action in (Action.CHANGE_PLAN, Action.CHANGE_ITEMS):
        if status == NON_RENEWING:
            return words.refused_change_while_ending(ends_on(sub))
        if status in PAYMENT_TROUBLE:
            return words.REFUSED_CHANGE_PAYMENT_FAILED
        if status in ENDED:
            return words.REFUSED_CHANGE_ENDED
        return words.REFUSED_CHANGE
    if action in (Action.CANCEL_NOW, Action.CANCEL_AT_TERM_END):
        if status in ENDED:
            return words.REFUSED_CANCEL_ENDED
        if status == NON_RENEWING:
            return words.refused_cancel_already_ending(ends_on(sub))
        return words.REFUSED_CANCEL_AT_TERM_END
    if action is Action.UNDO_CANCELLATION:
        return words.REFUSED_UNDO
    if action is Action.REACTIVATE:
        return words.REFUSED_REACTIVATE
    if action is Action.DROP_SCHEDULED_CHANGE:
        return words.REFUSED_DROP_SCHEDULED_CHANGE
    return words.REFUSED_RETENTION


def decide(sub: Subscription, action: Action, actor: Actor, *, scheduled_change: bool = False,
           retention_offer: bool = False) -> Decision:
    """``scheduled_change``: Zoho holds a plan change for the end of the term.
    ``retention_offer``: the portal has an offer for customers about to cancel (and this one has no coupon)."""
    applies = status_of(sub) in _STARTS_FROM[action]
    if action is Action.SUBSCRIBE and is_trial(sub):
        applies = not converts_at_trial_end(sub)
    elif action is Action.DROP_SCHEDULED_CHANGE:
        applies = applies and scheduled_change
    elif action is Action.ACCEPT_RETENTION_OFFER:
        applies = applies and retention_offer and sub.coupon is None
    return _decide(action, actor, applies, None if applies else _refusal(sub, action))


def decide_first_subscription(actor: Actor) -> Decision:
    """A customer with no subscription at all may start one."""
    return _decide(Action.SUBSCRIBE, actor, True)


def decisions(sub: Subscription, actor: Actor, **facts: bool) -> dict[Action, Decision]:
    return {action: decide(sub, action, actor, **facts) for action in ACTIONS}


def require(sub: Subscription, action: Action, actor: Actor, **facts: bool) -> None:
    decide(sub, action, actor, **facts).require()


def is_offerable(item) -> bool:
    """A plan, add-on or coupon the merchant has not switched off."""
    return (item.status or CATALOG_ACTIVE) == CATALOG_ACTIVE


def is_recurring_addon(addon) -> bool:
    return (addon.type or RECURRING) == RECURRING


def opens_portal(sub: Subscription) -> bool:
    """A subscription Zoho has activated (paid and running): its customer is invited to the portal
    when it starts (services/webhooks.py). Trials and future starts wait for their activation."""
    return status_of(sub) in (LIVE, NON_RENEWING)
