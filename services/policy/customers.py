"""The customer account itself: whether it may use the portal, and who may change its details.

Zoho's customer statuses are ``active`` and ``inactive``; this module is the only place outside the
Zoho client that names them.
"""
from __future__ import annotations

from services.actors import Actor
from services.policy import Action, Decision, StatusView, decide as _decide
from services.texts import staff as staff_words

ACTIVE = "active"
ACTIVE_FILTER = "Status.Active"
PROFILE_ACTIONS = (Action.UPDATE_PROFILE, Action.ADD_CONTACT_PERSON, Action.EDIT_CONTACT_PERSON,
                   Action.REMOVE_CONTACT_PERSON, Action.INVITE_CONTACT_PERSON)
ACCOUNT_ACTIONS = (Action.CHANGE_PASSWORD, Action.MANAGE_TWO_FACTOR, Action.SIGN_OUT_EVERYWHERE)


def is_active(customer) -> bool:
    """An inactive customer (switched off in Zoho) may not sign in, be invited or be handed off."""
    return (customer.status or ACTIVE) == ACTIVE


def decide(action: Action, actor: Actor) -> Decision:
    """The profile and the sign-in settings depend on who is acting, not on any state in Zoho."""
    return _decide(action, actor, True)


def decide_invite(actor: Actor, *, has_email: bool, has_access: bool) -> Decision:
    """Inviting a contact person to the portal: offered to one with an email and no access to this
    customer yet (a pending invitation can be sent again); never to one who has access or had it
    switched off."""
    return _decide(Action.INVITE_CONTACT_PERSON, actor, has_email and not has_access)


def status_view(customer) -> StatusView:
    """The customer's own state as the staff console shows it."""
    if is_active(customer):
        return StatusView(staff_words.CUSTOMER_ACTIVE, "success")
    return StatusView(staff_words.CUSTOMER_SWITCHED_OFF, "neutral")
