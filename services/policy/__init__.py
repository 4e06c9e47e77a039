"""Policies: the only code that knows Zoho's states and decides what a customer may do.

One module per resource: ``subscriptions``, ``invoices`` (with payments and credit notes),
``cards``, and ``customers`` (the account itself). Each module answers two questions with the same
rules, so that a page and an operation can never disagree:

- **which buttons** a page shows: ``decide(...)`` → a ``Decision`` per ``Action`` (shown or not,
  enabled or disabled with the reason);
- **may this operation run**: ``require(...)``, which raises ``ActionRefused`` with a sentence for
  the customer when it may not. Operations call it before any call to Zoho.

The actor's part of every answer (support staff may look but change nothing; a handoff session
has no portal password to change) is ``actor_refusal`` below, applied by every policy.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from services.actors import Actor
from services.texts import common as words


class Action(str, Enum):
    """Every change a customer can make from the portal. The value names it in the audit log."""

    SUBSCRIBE = "subscribe"  # convert a trial, or start again after one ended
    CHANGE_PLAN = "change_plan"
    CHANGE_ITEMS = "change_items"  # quantity or add-ons, same plan
    CANCEL_AT_TERM_END = "cancel_at_term_end"
    CANCEL_NOW = "cancel_now"
    UNDO_CANCELLATION = "undo_cancellation"
    REACTIVATE = "reactivate"
    DROP_SCHEDULED_CHANGE = "drop_scheduled_change"
    ACCEPT_RETENTION_OFFER = "accept_retention_offer"
    UPDATE_CARD = "update_card"
    ADD_CARD = "add_card"
    PAY_INVOICE = "pay_invoice"  # with the card on file
    PAY_ON_PAYMENT_PAGE = "pay_on_payment_page"  # with a card typed on the secure payment page
    PAY_ALL = "pay_all"
    UPDATE_PROFILE = "update_profile"
    ADD_CONTACT_PERSON = "add_contact_person"
    EDIT_CONTACT_PERSON = "edit_contact_person"
    REMOVE_CONTACT_PERSON = "remove_contact_person"
    INVITE_CONTACT_PERSON = "invite_contact_person"
    CONFIRM_PASSWORD = "confirm_password"  # before a payment, when the sign-in is not recent
    CHANGE_PASSWORD = "change_password"
    MANAGE_TWO_FACTOR = "manage_two_factor"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"


# What only a person with a portal password of their own may do.
CREDENTIAL_ACTIONS = frozenset({Action.CONFIRM_PASSWORD, Action.CHANGE_PASSWORD, Action.MANAGE_TWO_FACTOR})


class ActionRefused(Exception):
    """The action may not run (the object's state, the actor, or Zoho said no).

    ``message`` is for the customer; ``field`` names the form field it concerns, if any; ``code`` is
    Zoho's error code when Zoho refused.
    """

    def __init__(self, message: str, *, field: str | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ActorRefused(Exception):
    """The action is possible, but not for this actor (support staff viewing, a handoff session).

    Deliberately not an ``ActionRefused``: a form that shows refusals next to its fields must never
    catch this one; the pipeline answers it with 403 and the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Decision:
    """One action on one object for one actor.

    ``applies``: the object's state allows the action at all (the page shows its button).
    ``reason``: why this actor may not run it anyway (the button is shown disabled with it); None
    when nothing stands in the way.
    """

    action: Action
    applies: bool
    reason: str | None = None
    refusal: str | None = None  # what a POST is told when the state does not allow it

    @property
    def allowed(self) -> bool:
        return self.applies and self.reason is None

    def require(self) -> None:
        self.require_applies()
        if self.reason is not None:
            raise ActorRefused(self.reason)

    def require_applies(self) -> None:
        """The object's state allows the action: its page may be shown. Whether this person may submit
        it is the page's button (disabled with the reason) and the operation's own ``require``."""
        if not self.applies:
            raise ActionRefused(self.refusal or words.NOT_AVAILABLE)


@dataclass(frozen=True)
class StatusView:
    """A state in the customer's words: the badge, its colour, and (where there is one) a sentence."""

    label: str
    tone: str  # success, info, warning, danger, neutral (the stylesheet's badge kinds)
    sentence: str = ""


def actor_refusal(actor: Actor, action: Action) -> str | None:
    """The actor's part of every decision: None when this person may run ``action``."""
    if actor.is_staff:
        return words.SUPPORT_VIEW_READ_ONLY
    if action in CREDENTIAL_ACTIONS and not actor.has_portal_account:
        return words.NO_PORTAL_ACCOUNT
    return None


def require_actor(actor: Actor, action: Action) -> None:
    """Raise ``ActorRefused`` unless this person may run ``action`` (for operations that checked the
    object's state already, on their confirmation page's context)."""
    refusal = actor_refusal(actor, action)
    if refusal is not None:
        raise ActorRefused(refusal)


def decide(action: Action, actor: Actor, applies: bool, refusal: str | None = None) -> Decision:
    return Decision(action, applies, actor_refusal(actor, action) if applies else None, refusal)
