"""The buttons a page shows, from the policies' decisions: one place maps an action to its page.

A decision that does not apply shows no button; one the actor may not use (support staff viewing)
shows the button disabled, with the reason next to it. URLs are built with ``url_for``, so an
endpoint name that does not exist fails loudly instead of hiding a button.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from flask import url_for

from services.policy import Action, Decision
from services.texts import cards as card_words, invoices as invoice_words, profile as profile_words
from services.texts import subscriptions as subscription_words

# action → (endpoint, label, method): "get" opens the action's page, "post" is a one-click form.
ACTION_PAGES: dict[Action, tuple[str, str, str]] = {
    Action.SUBSCRIBE: ("portal.subscribe", subscription_words.BUTTON_SUBSCRIBE, "get"),
    Action.CHANGE_PLAN: ("portal.change_plan", subscription_words.BUTTON_CHANGE_PLAN, "get"),
    Action.CHANGE_ITEMS: ("portal.change_plan", subscription_words.BUTTON_CHANGE_PLAN, "get"),
    Action.CANCEL_AT_TERM_END: ("portal.cancel_subscription", subscription_words.BUTTON_CANCEL, "get"),
    Action.CANCEL_NOW: ("portal.cancel_subscription", subscription_words.BUTTON_CANCEL, "get"),
    Action.UNDO_CANCELLATION: ("portal.keep_subscription", subscription_words.BUTTON_KEEP, "post"),
    Action.REACTIVATE: ("portal.reactivate_subscription", subscription_words.BUTTON_REACTIVATE, "get"),
    Action.DROP_SCHEDULED_CHANGE: ("portal.drop_scheduled_change", subscription_words.BUTTON_DROP_SCHEDULED_CHANGE,
                                   "post"),
    Action.ACCEPT_RETENTION_OFFER: ("portal.accept_retention_offer", "", "post"),
    Action.UPDATE_CARD: ("portal.update_card", card_words.BUTTON_UPDATE_CARD, "get"),
    Action.ADD_CARD: ("portal.add_card", card_words.BUTTON_ADD_CARD, "get"),
    Action.PAY_INVOICE: ("portal.pay_invoice", invoice_words.BUTTON_PAY, "get"),
    Action.PAY_ON_PAYMENT_PAGE: ("portal.pay_invoice", invoice_words.BUTTON_PAY, "get"),
    Action.PAY_ALL: ("portal.pay_all", invoice_words.BUTTON_PAY_ALL, "get"),
    Action.INVITE_CONTACT_PERSON: ("portal.invite_contact_person", profile_words.BUTTON_INVITE, "post"),
}
# The subscription page's buttons, in the order a customer needs them; actions sharing a page share a button.
SUBSCRIPTION_BUTTONS = (
    (Action.SUBSCRIBE,), (Action.UNDO_CANCELLATION,), (Action.REACTIVATE,), (Action.UPDATE_CARD,),
    (Action.CHANGE_PLAN, Action.CHANGE_ITEMS), (Action.CANCEL_AT_TERM_END, Action.CANCEL_NOW),
)
PRIMARY = frozenset({Action.SUBSCRIBE, Action.UNDO_CANCELLATION, Action.REACTIVATE, Action.PAY_INVOICE,
                     Action.PAY_ON_PAYMENT_PAGE, Action.PAY_ALL})


@dataclass(frozen=True)
class Button:
    label: str
    href: str
    method: str  # "get": a link; "post": a form with only a CSRF token
    primary: bool
    enabled: bool
    reason: str | None  # why it is disabled
    name: str  # the action, for stable selectors in tests and styles


def button(decisions: Iterable[Decision], label: str | None = None, **values: str) -> Button | None:
    """One button for actions that share a page: shown when any applies, enabled when any is allowed."""
    decisions = [d for d in decisions if d.applies]
    if not decisions:
        return None
    chosen = next((d for d in decisions if d.allowed), decisions[0])
    endpoint, default_label, method = ACTION_PAGES[chosen.action]
    return Button(label=label or default_label, href=url_for(endpoint, **values), method=method,
                  primary=chosen.action in PRIMARY, enabled=chosen.allowed, reason=chosen.reason,
                  name=chosen.action.value)


def subscription_buttons(decisions: dict[Action, Decision], subscription_id: str, *,
                         subscribe_label: str | None = None) -> tuple[Button, ...]:
    made = (button([decisions[action] for action in group if action in decisions],
                   subscribe_label if group == (Action.SUBSCRIBE,) else None, subscription_id=subscription_id)
            for group in SUBSCRIPTION_BUTTONS)
    return tuple(found for found in made if found is not None)
