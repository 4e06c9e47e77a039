"""Cards on file and the secure payment page: which card is "the card on file", and when a card may
be updated or added.

Zoho's card statuses are ``active`` and ``expired`` (and, rarely, ``inactive``); a secure payment
page (a Zoho hosted page) is ``fresh``, ``read``, ``success``, ``failed``, ``cancelled``,
``force_cancelled`` or ``expired``. This module is the only place outside the Zoho client that
names them.
"""
from __future__ import annotations

import calendar
from datetime import date
from enum import Enum
from typing import Iterable

from zoho_client.models import Card, Subscription

from services.actors import Actor
from services.policy import Action, Decision, decide as _decide
from services.policy import subscriptions as subscription_policy
from services.texts import cards as words

ACTIVE = "active"
EXPIRY_WARNING_DAYS = 30


class PageOutcome(str, Enum):
    """How a visit to the secure payment page ended, in the portal's own terms."""

    COMPLETED = "completed"
    DECLINED = "declined"
    LEFT = "left"  # the customer cancelled on the page
    TIMED_OUT = "timed_out"  # the page expired before it was completed
    UNFINISHED = "unfinished"


_PAGE_OUTCOMES = {
    "success": PageOutcome.COMPLETED,
    "failed": PageOutcome.DECLINED,
    "cancelled": PageOutcome.LEFT,
    "force_cancelled": PageOutcome.LEFT,
    "expired": PageOutcome.TIMED_OUT,
}


def page_outcome(status: str | None) -> PageOutcome:
    return _PAGE_OUTCOMES.get(status or "", PageOutcome.UNFINISHED)


def is_active(card) -> bool:
    return (card.status or ACTIVE) == ACTIVE


def expires_on(card) -> date | None:
    """The last day a card can be charged (cards run to the end of their expiry month)."""
    month, year = card.expiry_month, card.expiry_year
    if not month or not year or not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def is_expired(card, today: date) -> bool:
    ends = expires_on(card)
    return ends is not None and ends < today


def card_on_file(cards: Iterable[Card], subscription: Subscription | None = None) -> Card | None:
    """The card Zoho charges: the subscription's own card when it is active, else the newest active card."""
    usable = [card for card in cards if is_active(card)]
    if not usable:
        return None
    if subscription is not None and subscription.card is not None:
        own = next((card for card in usable if card.card_id == subscription.card.card_id), None)
        if own is not None:
            return own
    return max(usable, key=lambda card: (card.created_time is not None, card.created_time or 0))


def expires_soon(card, today: date) -> bool:
    """The card expires within the warning window (or already has)."""
    ends = expires_on(card)
    return ends is not None and (ends - today).days <= EXPIRY_WARNING_DAYS


def expiring(cards: Iterable[Card], today: date) -> tuple[Card, ...]:
    """Active cards that expire within the warning window (or already have)."""
    return tuple(card for card in cards if is_active(card) and expires_soon(card, today))


def decide_update_card(subscription: Subscription, actor: Actor) -> Decision:
    applies = subscription_policy.is_running(subscription) and subscription.card is not None
    refusal = (words.REFUSED_UPDATE_CARD_NO_CARD if subscription_policy.is_running(subscription)
               else words.REFUSED_UPDATE_CARD_ENDED)
    return _decide(Action.UPDATE_CARD, actor, applies, None if applies else refusal)


def decide_add_card(actor: Actor) -> Decision:
    return _decide(Action.ADD_CARD, actor, True)
