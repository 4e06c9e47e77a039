"""Subscription operations: subscribe (convert a trial, or start again), change plan with a preview,
cancel with a reason and an optional retention offer, keep a subscription set to end, reactivate.

Each operation reads the subscription fresh from Zoho (after checking that its id is one of the
customer's: ``NotOwned`` → 404, before any call carrying it), asks the subscriptions policy whether
the action may run, and only then writes. Plans, add-ons and coupons come from the catalog through
the portal's allow-list; no amount is ever sent to Zoho. Every write invalidates the customer's
cached data, whatever Zoho answered (``services.operations.zoho_write``).

The ``*_context`` functions are what each action's page shows before the customer confirms.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Collection

from zoho_client.errors import ZohoError, ZohoNotFound, ZohoValidationError
from zoho_client.models import Addon, Card, ChurnMessage, Subscription

from services import catalog
from services.catalog import PlanOffer
from services.context import CustomerContext
from services.operations import zoho_write
from services.ownership import require_customer, require_listed
from services.plan_preview import END_OF_TERM, FirstCharge, Preview, Selection, estimate, first_charge
from services.policy import Action, ActionRefused, require_actor
from services.policy import cards as card_policy, subscriptions as policy
from services.policy.cards import PageOutcome
from services.texts import subscriptions as words

log = logging.getLogger(__name__)

REASON_TEXT_MAX = 500
NOTE_MAX = 2000
MAX_QUANTITY = 10_000
CANCEL_ACTIONS = {"end_of_term": Action.CANCEL_AT_TERM_END, "immediately": Action.CANCEL_NOW}


@dataclass(frozen=True)
class ActionResult:
    message: str
    subscription_id: str | None
    details: dict[str, Any] = field(default_factory=dict)  # for the audit event: ids and codes, no free text


@dataclass(frozen=True)
class HostedCheckout:
    hostedpage_id: str
    url: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubscribeContext:
    subscription: Subscription | None  # the trial (or ended subscription) this is about, if any
    plans: tuple[PlanOffer, ...]
    card: Card | None
    org_currency: str | None
    customer_currency: str | None
    trial_applies: bool  # a first subscription gets the plan's free trial; a return does not
    converts_trial: bool  # True: the trial keeps running and continues on the chosen plan
    first_charges: dict[str, FirstCharge] = field(default_factory=dict)  # by plan code

    @property
    def prices_known(self) -> bool:
        return all(charge.amount is not None for charge in self.first_charges.values())


@dataclass(frozen=True)
class ChangePlanContext:
    subscription: Subscription
    plans: tuple[PlanOffer, ...]
    addons: tuple[Addon, ...]
    scheduled_changes: tuple  # services.billing_models.ScheduledChange
    has_scheduled_change: bool
    org_currency: str | None


@dataclass(frozen=True)
class CancelOption:
    value: str
    label: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class RetentionOffer:
    coupon_code: str
    title: str
    sentence: str
    reason_id: str | None = None  # the cancellation reason this offer answers (None: any reason)


@dataclass(frozen=True)
class CancelContext:
    subscription: Subscription
    options: tuple[CancelOption, ...]
    reasons: tuple[ChurnMessage, ...]
    reason_required: bool
    retention: RetentionOffer | None


@dataclass(frozen=True)
class ReactivateContext:
    subscription: Subscription
    sentences: tuple[str, ...]


def subscription(ctx: CustomerContext, subscription_id: str) -> Subscription:
    """One of the customer's subscriptions, read fresh from Zoho (ownership checked first)."""
    require_listed("subscription", subscription_id, {s.subscription_id for s in ctx.billing.subscriptions()})
    found = ctx.zoho.subscriptions.get(subscription_id)
    require_customer("subscription", subscription_id, found.customer_id, ctx.customer_id)
    return found


def subscription_to_subscribe(ctx: CustomerContext) -> Subscription | None:
    """What a "Subscribe" that names no subscription is about: the customer's running subscription
    (a trial to convert, or one already paid for), so that it never starts a second one; None when
    every subscription has ended (or there is none) and a new one may start."""
    running = [row for row in ctx.billing.subscriptions() if policy.is_running(row)]
    # List rows leave out the card: the trial's own page tells whether it still needs one.
    details = [ctx.billing.subscription(row.subscription_id).subscription for row in running]
    needs_card = [sub for sub in details if policy.decide(sub, Action.SUBSCRIBE, ctx.actor).applies]
    return (needs_card or details or [None])[0]


# -- subscribe ------------------------------------------------------------------------------------------


def subscribe_context(ctx: CustomerContext, subscription_id: str | None) -> SubscribeContext:
    sub = subscription(ctx, subscription_id) if subscription_id else None
    if sub is not None:
        policy.decide(sub, Action.SUBSCRIBE, ctx.actor).require_applies()
    converts = sub is not None and policy.is_trial(sub)
    trial_applies = not ctx.billing.subscriptions()
    offers = catalog.offers(ctx)
    prices = catalog.prices_for(ctx)
    customer_tax = _customer_tax(ctx)
    addons = {line.addon_code: catalog.addon(ctx, line.addon_code) for line in sub.addons} if converts else {}
    coupon = catalog.coupon(ctx, sub.coupon.coupon_code) if converts and sub.coupon else None
    charges = {offer.plan_code: first_charge(
        offer.plan, trial=sub if converts else None, prices=prices, addons=addons, coupon=coupon,
        customer_tax=customer_tax, today=ctx.today(),
        trial_days=(offer.plan.trial_period or 0) if trial_applies else 0) for offer in offers}
    return SubscribeContext(
        subscription=sub, plans=offers, card=ctx.billing.card_on_file(sub),
        org_currency=ctx.billing.organization().currency_code, customer_currency=prices.currency,
        trial_applies=trial_applies, converts_trial=converts, first_charges=charges,
    )


def _customer_tax(ctx: CustomerContext) -> Decimal | None:
    """The customer's own tax rate (charged on every line billed to it), 0 when it is not taxed."""
    customer = ctx.billing.customer()
    if customer.is_taxable is False:
        return Decimal(0)
    return customer.tax_percentage if customer.tax_id else None


def subscribe_with_card(ctx: CustomerContext, subscription_id: str | None, plan_code: str) -> ActionResult:
    """Subscribe with the card on file: a trial keeps running and continues on ``plan_code`` with that
    card; otherwise a new subscription starts today and its first term is charged now."""
    require_actor(ctx.actor, Action.SUBSCRIBE)
    context = subscribe_context(ctx, subscription_id)
    plan = catalog.offered_plan(ctx, plan_code)
    card = context.card
    if card is None:
        raise ActionRefused(words.NO_CARD_ON_FILE, field="payment")
    details = {"plan_code": plan.plan_code, "payment": "card_on_file"}
    sub = context.subscription
    if context.converts_trial:
        changes: dict[str, Any] = {"card_id": card.card_id, "auto_collect": True}
        if sub.plan is None or sub.plan.plan_code != plan.plan_code:
            changes["plan"] = {"plan_code": plan.plan_code}
        updated = zoho_write(ctx, lambda: ctx.zoho.subscriptions.update(sub.subscription_id, **changes))
        return ActionResult(_welcome(updated), updated.subscription_id, {**details, "mode": "convert_trial"})
    plan_body: dict[str, Any] = {"plan_code": plan.plan_code}
    if not context.trial_applies:
        plan_body["exclude_trial"] = True
    created = zoho_write(ctx, lambda: ctx.zoho.subscriptions.create(
        customer_id=ctx.customer_id, plan=plan_body, card_id=card.card_id, auto_collect=True))
    return ActionResult(_welcome(created), created.subscription_id,
                        {**details, "mode": "new", "previous_subscription_id": sub.subscription_id if sub else None})


def start_checkout(ctx: CustomerContext, subscription_id: str | None, plan_code: str,
                   redirect_url: str) -> HostedCheckout:
    """The secure payment page for subscribing with a new card; it sends the customer back to
    ``redirect_url`` with ``hostedpage_id``."""
    require_actor(ctx.actor, Action.SUBSCRIBE)
    context = subscribe_context(ctx, subscription_id)
    plan = catalog.offered_plan(ctx, plan_code)
    sub = context.subscription
    if context.converts_trial:
        page = zoho_write(ctx, lambda: ctx.zoho.hostedpages.update_subscription(
            sub.subscription_id, plan={"plan_code": plan.plan_code}, redirect_url=redirect_url), invalidate=False)
    else:
        plan_body: dict[str, Any] = {"plan_code": plan.plan_code}
        if not context.trial_applies:
            plan_body["exclude_trial"] = True
        page = zoho_write(ctx, lambda: ctx.zoho.hostedpages.new_subscription(
            customer_id=ctx.customer_id, plan=plan_body, redirect_url=redirect_url), invalidate=False)
    if not page.url:
        raise ActionRefused(words.NO_PAYMENT_PAGE)
    return HostedCheckout(page.hostedpage_id, page.url,
                          {"plan_code": plan.plan_code, "payment": "hosted_page",
                           "mode": "convert_trial" if context.converts_trial else "new", "hostedpage_id": page.hostedpage_id})


def finish_checkout(ctx: CustomerContext, hostedpage_id: str, issued_ids: Collection[str]) -> ActionResult:
    """The customer is back from the secure payment page: what happened there (the page id must be
    one we issued to this session, checked before Zoho is asked about it)."""
    require_listed("hosted page", hostedpage_id, issued_ids)
    try:
        page = ctx.zoho.hostedpages.get(hostedpage_id)
    finally:
        ctx.invalidate()
    outcome = card_policy.page_outcome(page.status)
    # The page's ``data`` names the subscription it created or changed; read that one fresh (and
    # check it is this customer's) rather than parse the embedded copy.
    embedded = (page.data or {}).get("subscription") if outcome is PageOutcome.COMPLETED else None
    sub = None
    if embedded is not None and hasattr(embedded, "get") and embedded.get("subscription_id"):
        sub = ctx.zoho.subscriptions.get(str(embedded["subscription_id"]))
        require_customer("hosted page", hostedpage_id, sub.customer_id, ctx.customer_id)
    details = {"hostedpage_id": hostedpage_id, "hostedpage_outcome": outcome.value}
    if outcome is PageOutcome.COMPLETED and sub is not None:
        return ActionResult(_welcome(sub), sub.subscription_id, {**details, "subscription_id": sub.subscription_id})
    if outcome is PageOutcome.DECLINED:
        raise ActionRefused(words.CHECKOUT_DECLINED, field="payment")
    if outcome is PageOutcome.LEFT:
        raise ActionRefused(words.CHECKOUT_LEFT, field="payment")
    raise ActionRefused(words.CHECKOUT_UNFINISHED, field="payment")


def _welcome(sub: Subscription) -> str:
    name = (sub.plan.name if sub.plan else None) or sub.plan_name
    if policy.converts_at_trial_end(sub):
        return words.trial_continues(sub.trial_ends_at or sub.next_billing_at, name, sub.card.last_four_digits,
                                     sub.amount)
    if policy.is_trial(sub):
        return words.welcome_trial(name, sub.trial_ends_at)
    if policy.shows_next_bill(sub):
        return words.welcome_subscribed(name, sub.next_billing_at)
    return words.welcome_recorded(name, policy.status_view(sub).label)


# -- change plan ------------------------------------------------------------------------------------------


def change_plan_context(ctx: CustomerContext, subscription_id: str, plan_code: str | None = None) -> ChangePlanContext:
    sub = subscription(ctx, subscription_id)
    _require_changeable(ctx, sub)
    plans = catalog.offers(ctx)
    current = sub.plan.plan_code if sub.plan else None
    chosen = plan_code or (current if any(p.plan_code == current for p in plans) else (plans[0].plan_code if plans else None))
    detail = ctx.billing.subscription(subscription_id)
    return ChangePlanContext(subscription=sub, plans=plans, addons=catalog.addons_for(ctx, chosen) if chosen else (),
                             scheduled_changes=detail.scheduled_changes,
                             has_scheduled_change=detail.has_scheduled_change,
                             org_currency=ctx.billing.organization().currency_code)


def _require_changeable(ctx: CustomerContext, sub: Subscription) -> None:
    """The change page serves both a plan change and a change of quantity or add-ons."""
    decisions = [policy.decide(sub, action, ctx.actor) for action in (Action.CHANGE_PLAN, Action.CHANGE_ITEMS)]
    if not any(d.applies for d in decisions):
        decisions[0].require_applies()


def change_action(sub: Subscription, selection: Selection) -> Action:
    """A new plan is a plan change; the same plan with other quantities or add-ons is not."""
    return Action.CHANGE_ITEMS if sub.plan is not None and sub.plan.plan_code == selection.plan_code \
        else Action.CHANGE_PLAN


def preview_change(ctx: CustomerContext, subscription_id: str, selection: Selection) -> Preview:
    sub = subscription(ctx, subscription_id)
    policy.decide(sub, change_action(sub, selection), ctx.actor).require_applies()
    plan = catalog.offered_plan(ctx, selection.plan_code)
    if not 1 <= selection.quantity <= MAX_QUANTITY:
        raise ActionRefused(words.QUANTITY_RANGE, field="quantity")
    allowed = {a.addon_code: a for a in catalog.addons_for(ctx, plan.plan_code)}
    if any(code not in allowed for code in selection.addon_quantities()):
        raise ActionRefused(words.ADDON_NOT_AVAILABLE, field="addons")
    customer = ctx.billing.customer()
    return estimate(
        sub, plan, selection, current_plan=catalog.plan(ctx, sub.plan.plan_code) if sub.plan else None,
        prices=catalog.prices_for(ctx), addons=allowed,
        coupon=catalog.coupon(ctx, sub.coupon.coupon_code) if sub.coupon else None, customer_tax=_customer_tax(ctx),
        unused_credits=customer.unused_credits, today=ctx.today(),
        downgrade_at_end_of_term=ctx.settings.DOWNGRADE_AT_END_OF_TERM)


def change_plan(ctx: CustomerContext, subscription_id: str, selection: Selection) -> ActionResult:
    """Apply the change the customer previewed (worked out again here: nothing comes from the form
    but the plan code and quantities)."""
    # Who may is asked first: the actor's rule is the same for a plan change and a change of items.
    require_actor(ctx.actor, Action.CHANGE_PLAN)
    preview = preview_change(ctx, subscription_id, selection)
    if preview.unchanged:
        raise ActionRefused(words.ALREADY_YOUR_PLAN, field="plan_code")
    at_end = preview.timing == END_OF_TERM
    addons = [{"addon_code": code, "quantity": qty} for code, qty in selection.addon_quantities().items()]
    zoho_write(ctx, lambda: ctx.zoho.subscriptions.update(
        subscription_id, plan={"plan_code": selection.plan_code, "quantity": selection.quantity},
        addons=addons, end_of_term=at_end))
    details = {"subscription_id": subscription_id, "plan_code": selection.plan_code,
               "quantity": selection.quantity, "addons": dict(selection.addon_quantities()),
               "timing": preview.timing, "direction": preview.direction, "changes_plan": preview.changes_plan,
               "estimate_invoice": str(preview.invoice_now.amount) if preview.invoice_now else None}
    invoiced = preview.invoice_now is not None and preview.invoice_now.amount > 0
    if at_end:
        scheduled = words.change_scheduled if preview.changes_plan else words.items_change_scheduled
        message = scheduled(preview.new_plan_name, preview.effective_on)
    elif preview.changes_plan:
        message = words.changed_now(preview.new_plan_name, invoiced=invoiced)
    else:
        message = words.changed_items(preview.new_plan_name, invoiced=invoiced)
    return ActionResult(message, subscription_id, details)


def drop_scheduled_change(ctx: CustomerContext, subscription_id: str) -> ActionResult:
    sub = subscription(ctx, subscription_id)
    detail = ctx.billing.subscription(subscription_id)
    policy.require(sub, Action.DROP_SCHEDULED_CHANGE, ctx.actor, scheduled_change=detail.has_scheduled_change)
    zoho_write(ctx, lambda: ctx.zoho.subscriptions.delete_scheduled_changes(subscription_id))
    return ActionResult(words.SCHEDULED_CHANGE_REMOVED, subscription_id, {"subscription_id": subscription_id})


# -- cancel -------------------------------------------------------------------------------------------


def cancel_context(ctx: CustomerContext, subscription_id: str) -> CancelContext:
    sub = subscription(ctx, subscription_id)
    today = ctx.today()
    options = tuple(
        CancelOption(value, words.CANCEL_OPTION_LABELS[value], _what_happens(sub, value, today))
        for value in ctx.settings.cancel_options
        if policy.decide(sub, CANCEL_ACTIONS[value], ctx.actor).applies
    )
    if not options:
        decisions = [policy.decide(sub, CANCEL_ACTIONS[value], ctx.actor) for value in ctx.settings.cancel_options]
        (decisions or [policy.decide(sub, Action.CANCEL_NOW, ctx.actor)])[0].require_applies()
    churn = catalog.churn(ctx)
    return CancelContext(
        subscription=sub, options=options,
        reasons=tuple(sorted(churn.churn_messages, key=lambda m: (m.index is None, m.index or 0))),
        reason_required=bool(churn.is_reason_mandatory and churn.churn_messages),
        retention=retention_offer(ctx, sub),
    )


def _what_happens(sub: Subscription, option: str, today: date) -> tuple[str, ...]:
    if option == "end_of_term":
        if policy.is_trial(sub):
            return words.cancel_trial_at_end(sub.trial_ends_at)
        return words.cancel_at_term_end(sub.current_term_ends_at)
    if policy.is_trial(sub):
        return words.CANCEL_TRIAL_NOW
    term_end = sub.current_term_ends_at
    remaining = max((term_end - today).days, 0) if term_end else 0
    return words.cancel_now(remaining, term_end)


def cancel(ctx: CustomerContext, subscription_id: str, option: str, reason_id: str | None,
           reason_text: str | None) -> ActionResult:
    context = cancel_context(ctx, subscription_id)
    chosen = next((o for o in context.options if o.value == option), None)
    if chosen is None:
        raise ActionRefused(words.CHOOSE_WHEN, field="when")
    require_actor(ctx.actor, CANCEL_ACTIONS[chosen.value])
    reason = _listed_reason(context.reasons, reason_id)
    if reason is None and context.reason_required:
        raise ActionRefused(words.REASON_REQUIRED, field="reason")
    text = (reason_text or "").strip()[:REASON_TEXT_MAX]
    at_end = option == "end_of_term"
    cancelled = zoho_write(ctx, lambda: ctx.zoho.subscriptions.cancel(subscription_id, at_end))
    details = {"subscription_id": subscription_id, "when": option, "policy_action": CANCEL_ACTIONS[option].value,
               "churn_message_id": reason.churn_message_id if reason else None, "reason_text_given": bool(text)}
    message = words.cancelled_at_end(policy.ends_on(cancelled)) if at_end else words.CANCELLED_NOW
    if reason or text:
        # A note for the merchant's team in Zoho, in the merchant's language.
        note = "Cancellation reason (customer portal): " + " — ".join(
            part for part in (reason.label if reason else None, text) if part)
        try:
            zoho_write(ctx, lambda: ctx.zoho.subscriptions.add_note(subscription_id, note[:NOTE_MAX]))
            details["reason_recorded"] = True
        except (ActionRefused, ZohoError) as error:  # the cancellation stands; only the note is missing
            log.warning("cancellation reason not recorded on the subscription",
                        extra={"zoho_error": type(error).__name__})
            details["reason_recorded"] = False
            message += " " + words.REASON_NOT_SAVED
    return ActionResult(message, subscription_id, details)


def _listed_reason(reasons, reason_id: str | None) -> ChurnMessage | None:
    """The cancellation reason ``reason_id`` names, when it is one Zoho lists (None for no reason)."""
    if not reason_id:
        return None
    reason = next((m for m in reasons if m.churn_message_id == reason_id), None)
    if reason is None:
        raise ActionRefused(words.CHOOSE_LISTED_REASON, field="reason")
    return reason


def retention_offer(ctx: CustomerContext, sub: Subscription, reason: ChurnMessage | None = None) -> RetentionOffer | None:
    """The offer for a customer about to cancel: the one configured for the reason they gave
    (``RETENTION_OFFERS``), else the one for every reason (``RETENTION_COUPON_CODE``)."""
    by_reason = ctx.settings.retention_offers.get((reason.label or "").casefold()) if reason else None
    code = by_reason or ctx.settings.RETENTION_COUPON_CODE
    if not code or not policy.decide(sub, Action.ACCEPT_RETENTION_OFFER, ctx.actor, retention_offer=True).applies:
        return None
    try:
        coupon = catalog.coupon(ctx, code)
    except ZohoNotFound:
        log.warning("a retention offer names a coupon Zoho does not have", extra={"coupon_code": code})
        return None
    except ZohoValidationError:
        return None
    if not policy.is_offerable(coupon) or coupon.discount_value is None:
        return None
    return RetentionOffer(code, coupon.name or code, words.retention_sentence(coupon, sub.currency_code),
                          reason.churn_message_id if by_reason else None)


def offer_before_cancelling(ctx: CustomerContext, subscription_id: str, reason_id: str | None) -> RetentionOffer | None:
    """The offer that answers the reason just given, when the page has not shown it yet (the offer
    for every reason is on the page from the start): the customer sees it before anything changes."""
    context = cancel_context(ctx, subscription_id)
    reason = _listed_reason(context.reasons, reason_id)
    offer = retention_offer(ctx, context.subscription, reason) if reason is not None else None
    if offer is None or (context.retention is not None and offer.coupon_code == context.retention.coupon_code):
        return None
    return offer


def accept_retention(ctx: CustomerContext, subscription_id: str, reason_id: str | None = None) -> ActionResult:
    sub = subscription(ctx, subscription_id)
    reason = _listed_reason(catalog.churn(ctx).churn_messages, reason_id) if reason_id else None
    offer = retention_offer(ctx, sub, reason)
    policy.require(sub, Action.ACCEPT_RETENTION_OFFER, ctx.actor, retention_offer=offer is not None)
    zoho_write(ctx, lambda: ctx.zoho.subscriptions.update(subscription_id, coupon_code=offer.coupon_code))
    return ActionResult(words.retention_applied(offer.title), subscription_id,
                        {"subscription_id": subscription_id, "coupon_code": offer.coupon_code,
                         "churn_message_id": reason.churn_message_id if reason else None})


# -- keep (undo a scheduled cancellation) and reactivate ------------------------------------------------------


def keep(ctx: CustomerContext, subscription_id: str) -> ActionResult:
    """A subscription set to end with its term renews again; nothing is charged now."""
    sub = subscription(ctx, subscription_id)
    policy.require(sub, Action.UNDO_CANCELLATION, ctx.actor)
    kept = zoho_write(ctx, lambda: ctx.zoho.subscriptions.reactivate(subscription_id))
    return ActionResult(words.kept(kept.next_billing_at or sub.current_term_ends_at), subscription_id,
                        {"subscription_id": subscription_id})


def reactivate_context(ctx: CustomerContext, subscription_id: str) -> ReactivateContext:
    sub = subscription(ctx, subscription_id)
    policy.decide(sub, Action.REACTIVATE, ctx.actor).require_applies()
    card = sub.card if sub.card and sub.auto_collect else None
    return ReactivateContext(sub, words.reactivation_sentences(sub.amount, card.last_four_digits if card else None))


def reactivate(ctx: CustomerContext, subscription_id: str) -> ActionResult:
    require_actor(ctx.actor, Action.REACTIVATE)
    context = reactivate_context(ctx, subscription_id)
    previous = policy.status_of(context.subscription)
    sub = zoho_write(ctx, lambda: ctx.zoho.subscriptions.reactivate(subscription_id))
    return ActionResult(words.reactivated(sub.next_billing_at), subscription_id,
                        {"subscription_id": subscription_id, "previous_status": previous})
