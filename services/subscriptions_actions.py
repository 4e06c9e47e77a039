"""The subscription write side: subscribe (after a trial, or again after a cancellation or expiry),
change plan with a preview, cancel with a reason and an optional retention offer, reactivate.

Every operation takes the signed-in customer's id (never one from a form) and, for an existing
subscription, checks the id against the customer's own subscriptions **before** any call carrying
it (``NotOwned`` → 404). Plans, add-ons and coupons come from Zoho's catalog through the portal's
allow-list; no amount is ever sent to Zoho. After any write that reached Zoho, whatever its outcome,
the customer's cached billing data is dropped so that the next page shows Zoho's new state.

Zoho's refusals become ``ActionRefused`` (Zoho's own sentence, and the form field it concerns when
there is one);
outages (``ZohoUnavailable``, ``ZohoRateLimited``) and a write whose reply was lost
(``ZohoOutcomeUnknown``) propagate to ``views.write_actions``, which says so calmly.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Collection, TypeVar

from zoho_client.errors import (
    ZohoError,
    ZohoForbidden,
    ZohoNotFound,
    ZohoValidationError,
)
from zoho_client.models import Addon, Card, ChurnMessage, Coupon, Money, Plan, Subscription

from services.billing import CustomerBilling
from services.cache import BillingCache
from services.formatting import format_date, format_money
from services.ownership import NotOwned, require_customer, require_listed
from services.plan_preview import END_OF_TERM, Preview, Selection, catalog_total, estimate

log = logging.getLogger(__name__)

T = TypeVar("T")

CATALOG_TTL = 600  # plans, add-ons, coupons and churn reasons: design.md §4, 10 minutes
REASON_TEXT_MAX = 500
NOTE_MAX = 2000

# What each action may start from (Zoho's statuses).
SUBSCRIBABLE_AGAIN = frozenset({"cancelled", "cancelled_from_dunning", "expired", "trial_expired", "creation_failed"})
CHANGEABLE = frozenset({"live", "trial", "future", "non_renewing"})
CANCELLABLE = frozenset({"live", "trial", "future", "non_renewing", "dunning", "unpaid"})
REACTIVATABLE = frozenset({"non_renewing", "cancelled", "cancelled_from_dunning", "expired"})
RETAINABLE = frozenset({"live", "non_renewing", "dunning"})

CANCEL_LABELS = {"end_of_term": "At the end of the current term", "immediately": "Immediately"}


class ActionRefused(Exception):
    """Zoho (or the portal's own rules) refused the action; ``message`` is meant for the customer."""

    def __init__(self, message: str, *, field: str | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


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
class PlanOffer:
    """A plan the portal offers, with its catalog prices as money in the organization's currency."""

    plan: Plan
    price: Money | None
    setup_fee: Money | None

    @property
    def plan_code(self) -> str:
        return self.plan.plan_code


@dataclass(frozen=True)
class SubscribeContext:
    subscription: Subscription | None  # the trial (or ended subscription) this is about, if any
    plans: tuple[PlanOffer, ...]
    card: Card | None
    org_currency: str | None
    customer_currency: str | None
    trial_applies: bool  # a first subscription gets the plan's free trial; a return does not
    mode: str  # "trial" (keep the trial, then continue) or "new" (a new subscription, charged now)


@dataclass(frozen=True)
class ChangePlanContext:
    subscription: Subscription
    plans: tuple[PlanOffer, ...]
    addons: tuple[Addon, ...]
    scheduled_changes: tuple  # services.billing_models.ScheduledChange
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


@dataclass(frozen=True)
class CancelContext:
    subscription: Subscription
    options: tuple[CancelOption, ...]
    reasons: tuple[ChurnMessage, ...]
    reason_required: bool
    retention: RetentionOffer | None
    already_ending_on: date | None


@dataclass(frozen=True)
class ReactivateContext:
    subscription: Subscription
    sentences: tuple[str, ...]
    allowed: bool


def _today_utc() -> date:
    return datetime.now(timezone.utc).date()


def _money(value: Money | None) -> str:
    return format_money(value) if value is not None else "the current price"


def _day(value: date | None) -> str:
    # The pages show dates the same way ("Dec 1, 2026"); a sentence must not switch to another form.
    return format_date(value) if value else "the end of the current term"


def actions_for(customer_id: str) -> "SubscriptionActions":
    """The signed-in customer's subscription actions, on the app's Zoho client, cache and settings."""
    from flask import current_app

    from services.billing import billing_for
    from services.zoho import get_zoho

    return SubscriptionActions(customer_id, get_zoho(), current_app.extensions["billing"].cache,
                               billing_for(customer_id), current_app.extensions["settings"])


class SubscriptionActions:
    def __init__(self, customer_id: str, client, cache: BillingCache, billing: CustomerBilling, settings,
                 today: Callable[[], date] = _today_utc) -> None:
        if not isinstance(customer_id, str) or not customer_id:
            raise ValueError("a customer id is required")
        self.customer_id = customer_id
        self._zoho = client
        self._cache = cache
        self._billing = billing
        self._settings = settings
        self._today = today

    # -- reads the forms need -----------------------------------------------------------------------

    def offered_plans(self) -> tuple[Plan, ...]:
        """The plans the portal offers: the allow-list in its order, else the product's active plans."""
        codes = self._settings.portal_plan_codes
        product = self._settings.PORTAL_PRODUCT_ID

        def load() -> tuple[Plan, ...]:
            if codes:
                found = []
                for code in codes:
                    try:
                        plan = self._zoho.plans.get(code)
                    except ZohoNotFound:
                        log.warning("PORTAL_PLAN_CODES names a plan Zoho does not have", extra={"plan_code": code})
                        continue
                    if (plan.status or "active") == "active":
                        found.append(plan)
                return tuple(found)
            filters: dict[str, Any] = {"filter_by": "PlanStatus.ACTIVE"}
            if product:
                filters["product_id"] = product
            return tuple(self._zoho.plans.iter_all(**filters))

        return self._org_cached(("portal-plans", ",".join(codes), product or "-"), load)

    def offers(self) -> tuple[PlanOffer, ...]:
        currency = self._billing.organization().currency_code
        return tuple(PlanOffer(
            plan,
            Money(plan.recurring_price, currency) if plan.recurring_price is not None and currency else None,
            Money(plan.setup_fee, currency) if plan.setup_fee and currency else None,
        ) for plan in self.offered_plans())

    def addons_for(self, plan_code: str) -> tuple[Addon, ...]:
        """The active recurring add-ons Zoho allows on ``plan_code`` (an offered plan)."""
        self._offered_plan(plan_code)

        def load() -> tuple[Addon, ...]:
            rows = self._zoho.addons.iter_all(filter_by="AddonStatus.ACTIVE", plan_code=plan_code)
            return tuple(a for a in rows if (a.type or "recurring") == "recurring")

        return self._org_cached(("portal-addons", plan_code), load)

    def card_on_file(self) -> Card | None:
        cards = [c for c in self._zoho.cards.list(self.customer_id)
                 if c.customer_id in (None, self.customer_id) and (c.status or "active") == "active"]
        return cards[0] if cards else None

    def subscription(self, subscription_id: str) -> Subscription:
        """One of the customer's subscriptions, read fresh from Zoho (ownership checked first)."""
        require_listed("subscription", subscription_id, {s.subscription_id for s in self._billing.subscriptions()})
        found = self._zoho.subscriptions.get(subscription_id)
        require_customer("subscription", subscription_id, found.customer_id, self.customer_id)
        return found

    # -- subscribe ------------------------------------------------------------------------------------

    def subscribe_context(self, subscription_id: str | None) -> SubscribeContext:
        sub = self.subscription(subscription_id) if subscription_id else None
        if sub is not None and sub.status not in SUBSCRIBABLE_AGAIN | {"trial"}:
            raise ActionRefused("This subscription is already running; change its plan instead.")
        had_any = bool(self._billing.subscriptions())
        customer = self._billing.customer()
        return SubscribeContext(
            subscription=sub, plans=self.offers(), card=self.card_on_file(),
            org_currency=self._billing.organization().currency_code, customer_currency=customer.currency_code,
            trial_applies=not had_any, mode="trial" if sub is not None and sub.status == "trial" else "new",
        )

    def subscribe_with_card(self, subscription_id: str | None, plan_code: str) -> ActionResult:
        """Subscribe with the card on file: a trial keeps running and continues on ``plan_code`` with
        that card; otherwise a new subscription starts today and its first term is charged now."""
        context = self.subscribe_context(subscription_id)
        plan = self._offered_plan(plan_code)
        card = context.card
        if card is None:
            raise ActionRefused("There is no card on file. Enter a card on the secure payment page.", field="payment")
        details = {"plan_code": plan.plan_code, "payment": "card_on_file"}
        sub = context.subscription
        if context.mode == "trial":
            changes: dict[str, Any] = {"card_id": card.card_id, "auto_collect": True}
            if sub.plan is None or sub.plan.plan_code != plan.plan_code:
                changes["plan"] = {"plan_code": plan.plan_code}
            updated = self._write(lambda: self._zoho.subscriptions.update(sub.subscription_id, **changes))
            return ActionResult(
                f"Done. Your trial continues until {_day(updated.trial_ends_at or updated.next_billing_at)}; "
                f"then {plan.name} starts and the card ending {card.last_four_digits} is charged.",
                updated.subscription_id, {**details, "mode": "trial"})
        plan_body: dict[str, Any] = {"plan_code": plan.plan_code}
        if not context.trial_applies:
            plan_body["exclude_trial"] = True
        created = self._write(lambda: self._zoho.subscriptions.create(
            customer_id=self.customer_id, plan=plan_body, card_id=card.card_id, auto_collect=True))
        return ActionResult(self._welcome(created), created.subscription_id,
                            {**details, "mode": "new", "previous_subscription_id": sub.subscription_id if sub else None})

    def start_checkout(self, subscription_id: str | None, plan_code: str, redirect_url: str) -> HostedCheckout:
        """A Zoho hosted payment page for subscribing with a new card; Zoho sends the customer back to
        ``redirect_url`` with ``hostedpage_id``."""
        context = self.subscribe_context(subscription_id)
        plan = self._offered_plan(plan_code)
        sub = context.subscription
        if context.mode == "trial":
            page = self._write(lambda: self._zoho.hostedpages.update_subscription(
                sub.subscription_id, plan={"plan_code": plan.plan_code}, redirect_url=redirect_url), invalidate=False)
        else:
            plan_body: dict[str, Any] = {"plan_code": plan.plan_code}
            if not context.trial_applies:
                plan_body["exclude_trial"] = True
            page = self._write(lambda: self._zoho.hostedpages.new_subscription(
                customer_id=self.customer_id, plan=plan_body, redirect_url=redirect_url), invalidate=False)
        if not page.url:
            raise ActionRefused("Zoho did not return a payment page. Please try again.")
        return HostedCheckout(page.hostedpage_id, page.url,
                              {"plan_code": plan.plan_code, "payment": "hosted_page", "mode": context.mode,
                               "hostedpage_id": page.hostedpage_id})

    def finish_checkout(self, hostedpage_id: str, issued_ids: Collection[str]) -> ActionResult:
        """The customer is back from Zoho's page: what happened there (the page id must be one we issued
        to this session, checked before Zoho is asked about it)."""
        require_listed("hosted page", hostedpage_id, issued_ids)
        try:
            page = self._zoho.hostedpages.get(hostedpage_id)
        finally:
            self._invalidate()
        status = page.status or ""
        # The page's ``data`` names the subscription it created or changed; read that one fresh (and
        # check it is this customer's) rather than parse the embedded copy.
        embedded = (page.data or {}).get("subscription") if status == "success" else None
        sub = None
        if embedded is not None and hasattr(embedded, "get") and embedded.get("subscription_id"):
            sub = self._zoho.subscriptions.get(str(embedded["subscription_id"]))
            require_customer("hosted page", hostedpage_id, sub.customer_id, self.customer_id)
        details = {"hostedpage_id": hostedpage_id, "hostedpage_status": status}
        if status == "success" and sub is not None:
            return ActionResult(self._welcome(sub), sub.subscription_id, {**details, "subscription_id": sub.subscription_id})
        if status == "failed":
            raise ActionRefused("The payment did not go through, so nothing was changed. "
                                "You can try again with another card.", field="payment")
        if status in ("cancelled", "force_cancelled"):
            raise ActionRefused("You left the payment page, so nothing was changed.", field="payment")
        raise ActionRefused("The payment page has not been completed yet, so nothing was changed.", field="payment")

    def _welcome(self, sub: Subscription) -> str:
        name = (sub.plan.name if sub.plan else None) or sub.plan_name or "your plan"
        if sub.status == "trial":
            return f"Welcome to {name}. Your free trial runs until {_day(sub.trial_ends_at)}."
        if sub.status == "live":
            return f"You're subscribed to {name}. The next bill is on {_day(sub.next_billing_at)}."
        return f"Your subscription to {name} is {(sub.status or 'recorded').replace('_', ' ')}."

    # -- change plan ------------------------------------------------------------------------------------

    def change_plan_context(self, subscription_id: str, plan_code: str | None = None) -> ChangePlanContext:
        sub = self.subscription(subscription_id)
        if sub.status not in CHANGEABLE:
            raise ActionRefused("This subscription's plan can't be changed in its current state.")
        plans = self.offers()
        current = sub.plan.plan_code if sub.plan else None
        chosen = plan_code or (current if any(p.plan_code == current for p in plans) else (plans[0].plan_code if plans else None))
        detail = self._billing.subscription(subscription_id)
        return ChangePlanContext(subscription=sub, plans=plans, addons=self.addons_for(chosen) if chosen else (),
                                 scheduled_changes=detail.scheduled_changes,
                                 org_currency=self._billing.organization().currency_code)

    def preview_change(self, subscription_id: str, selection: Selection) -> Preview:
        sub = self.subscription(subscription_id)
        if sub.status not in CHANGEABLE:
            raise ActionRefused("This subscription's plan can't be changed in its current state.")
        plan = self._offered_plan(selection.plan_code)
        if not 1 <= selection.quantity <= 10_000:
            raise ActionRefused("Enter a quantity between 1 and 10,000.", field="quantity")
        allowed = {a.addon_code: a for a in self.addons_for(plan.plan_code)}
        unknown = [code for code in selection.addon_quantities() if code not in allowed]
        if unknown:
            raise ActionRefused("One of the add-ons is not available with this plan.", field="addons")
        current_addons = dict(allowed)
        for line in sub.addons:
            if line.addon_code not in current_addons:
                current_addons[line.addon_code] = self._addon(line.addon_code)
        current_catalog = None
        if sub.plan is not None:
            current_catalog = catalog_total(
                self._catalog_plan(sub.plan.plan_code), sub.plan.quantity or 1, current_addons,
                {a.addon_code: a.quantity or 0 for a in sub.addons})
        coupon = self._coupon(sub.coupon.coupon_code) if sub.coupon else None
        return estimate(sub, plan, current_catalog, allowed, selection, coupon=coupon,
                        org_currency=self._billing.organization().currency_code, today=self._today(),
                        downgrade_at_end_of_term=self._settings.DOWNGRADE_AT_END_OF_TERM)

    def change_plan(self, subscription_id: str, selection: Selection) -> ActionResult:
        """Apply the change the customer previewed (worked out again here: nothing comes from the form
        but the plan code and quantities)."""
        preview = self.preview_change(subscription_id, selection)
        if preview.unchanged:
            raise ActionRefused("That is already your plan: nothing to change.", field="plan_code")
        at_end = preview.timing == END_OF_TERM
        addons = [{"addon_code": code, "quantity": qty} for code, qty in selection.addon_quantities().items()]
        self._write(lambda: self._zoho.subscriptions.update(
            subscription_id, plan={"plan_code": selection.plan_code, "quantity": selection.quantity},
            addons=addons, end_of_term=at_end))
        details = {"subscription_id": subscription_id, "plan_code": selection.plan_code,
                   "quantity": selection.quantity, "addons": dict(selection.addon_quantities()),
                   "timing": preview.timing, "direction": preview.direction}
        if at_end:
            message = (f"Your change to {preview.new_plan_name} is scheduled for {_day(preview.effective_on)}. "
                       "Until then nothing changes.")
        else:
            message = f"Your subscription is now on {preview.new_plan_name}."
            if preview.direction == "upgrade" and (preview.current_amount is not None):
                message += " Zoho has invoiced the difference for the rest of this term."
        return ActionResult(message, subscription_id, details)

    def drop_scheduled_change(self, subscription_id: str) -> ActionResult:
        self.subscription(subscription_id)
        self._write(lambda: self._zoho.subscriptions.delete_scheduled_changes(subscription_id))
        return ActionResult("The scheduled change has been removed; your subscription stays as it is.",
                            subscription_id, {"subscription_id": subscription_id})

    # -- cancel -------------------------------------------------------------------------------------

    def cancel_context(self, subscription_id: str) -> CancelContext:
        sub = self.subscription(subscription_id)
        if sub.status not in CANCELLABLE:
            raise ActionRefused("This subscription has already ended.")
        today = self._today()
        options = []
        for value in self._settings.cancel_options:
            if value == "end_of_term" and sub.status == "non_renewing":
                continue  # already set to end with the term
            options.append(CancelOption(value, CANCEL_LABELS[value], self._what_happens(sub, value, today)))
        churn = self._churn()
        return CancelContext(
            subscription=sub, options=tuple(options),
            reasons=tuple(sorted(churn.churn_messages, key=lambda m: (m.index is None, m.index or 0))),
            reason_required=bool(churn.is_reason_mandatory and churn.churn_messages),
            retention=self._retention_offer(sub),
            already_ending_on=(sub.current_term_ends_at or sub.expires_at) if sub.status == "non_renewing" else None,
        )

    def _what_happens(self, sub: Subscription, option: str, today: date) -> tuple[str, ...]:
        term_end = sub.trial_ends_at if sub.status == "trial" else sub.current_term_ends_at
        if option == "end_of_term":
            if sub.status == "trial":
                return (f"Your free trial continues until {_day(term_end)}, then the subscription ends.",
                        "You will not be charged.")
            return (f"You keep full access until {_day(term_end)}. The subscription then ends and does not renew.",
                    "Nothing more is charged. What you have already paid for the current term is not refunded.",
                    "You can undo this until then with Reactivate.")
        if sub.status == "trial":
            return ("Your free trial ends today and access stops now.", "You will not be charged.")
        remaining = max((term_end - today).days, 0) if term_end else 0
        unused = (f"The unused {remaining} day{'s' if remaining != 1 else ''} of the current term "
                  "(until " + _day(term_end) + ") are not refunded or credited.") if remaining else \
            "Nothing of the current term is refunded or credited."
        return ("The subscription ends today and access stops now; nothing more is charged.", unused,
                "Invoices already issued stay payable.")

    def cancel(self, subscription_id: str, option: str, reason_id: str | None, reason_text: str | None) -> ActionResult:
        context = self.cancel_context(subscription_id)
        chosen = next((o for o in context.options if o.value == option), None)
        if chosen is None:
            raise ActionRefused("Choose when the subscription should end.", field="when")
        reason = None
        if reason_id:
            reason = next((m for m in context.reasons if m.churn_message_id == reason_id), None)
            if reason is None:
                raise ActionRefused("Choose one of the reasons listed.", field="reason")
        elif context.reason_required:
            raise ActionRefused("Please tell us why you are cancelling.", field="reason")
        text = (reason_text or "").strip()[:REASON_TEXT_MAX]
        at_end = option == "end_of_term"
        cancelled = self._write(lambda: self._zoho.subscriptions.cancel(subscription_id, at_end))
        details = {"subscription_id": subscription_id, "when": option,
                   "churn_message_id": reason.churn_message_id if reason else None, "reason_text_given": bool(text)}
        if at_end:
            message = f"Your subscription will end on {_day(cancelled.current_term_ends_at or cancelled.expires_at)}."
        else:
            message = "Your subscription has been cancelled."
        if reason or text:
            note = "Cancellation reason (customer portal): " + " — ".join(
                part for part in (reason.label if reason else None, text) if part)
            try:
                self._write(lambda: self._zoho.subscriptions.add_note(subscription_id, note[:NOTE_MAX]))
                details["reason_recorded"] = True
            except (ActionRefused, ZohoError) as error:  # the cancellation stands; only the note is missing
                log.warning("cancellation reason not recorded on the subscription",
                            extra={"zoho_error": type(error).__name__})
                details["reason_recorded"] = False
                message += " (We couldn't save your reason with it, but the cancellation is done.)"
        return ActionResult(message, subscription_id, details)

    def _retention_offer(self, sub: Subscription) -> RetentionOffer | None:
        code = self._settings.RETENTION_COUPON_CODE
        if not code or sub.status not in RETAINABLE or sub.coupon is not None:
            return None
        try:
            coupon = self._coupon(code)
        except ZohoNotFound:
            log.warning("RETENTION_COUPON_CODE names a coupon Zoho does not have")
            return None
        except ZohoValidationError:
            return None
        if (coupon.status or "active") != "active":
            return None
        if coupon.discount_value is None:
            return None
        if (coupon.discount_by or "").lower().startswith("percent"):
            off = f"{coupon.discount_value.normalize():f}% off"
        else:
            off = f"{coupon.discount_value:,.2f} {self._billing.organization().currency_code or ''} off".rstrip()
        kind = (coupon.type or "").lower()
        if kind == "forever":
            span = "every bill from now on"
        elif kind == "duration" and coupon.duration:
            span = f"your next {coupon.duration} bills" if coupon.duration != 1 else "your next bill"
        else:
            span = "your next bill"
        return RetentionOffer(code, coupon.name or code, f"Stay with us and get {off} {span}.")

    def accept_retention(self, subscription_id: str) -> ActionResult:
        context = self.cancel_context(subscription_id)
        offer = context.retention
        if offer is None:
            raise ActionRefused("That offer is not available for this subscription.")
        self._write(lambda: self._zoho.subscriptions.update(subscription_id, coupon_code=offer.coupon_code))
        return ActionResult(f"Thank you for staying. {offer.title} has been applied to your subscription.",
                            subscription_id, {"subscription_id": subscription_id, "coupon_code": offer.coupon_code})

    # -- reactivate -------------------------------------------------------------------------------

    def reactivate_context(self, subscription_id: str) -> ReactivateContext:
        sub = self.subscription(subscription_id)
        if sub.status == "non_renewing":
            return ReactivateContext(sub, (
                f"Your subscription will renew as usual on {_day(sub.current_term_ends_at or sub.next_billing_at)} "
                f"at {_money(sub.amount)}.", "Nothing is charged now."), True)
        if sub.status in REACTIVATABLE:
            pay = (f"charged to the card ending {sub.card.last_four_digits}" if sub.card and sub.auto_collect
                   else "invoiced to you")
            return ReactivateContext(sub, (
                "A new term starts today.",
                f"Its price, {_money(sub.amount)} (Zoho's current price for this subscription), is {pay} now."), True)
        return ReactivateContext(sub, ("This subscription is active; there is nothing to reactivate.",), False)

    def reactivate(self, subscription_id: str) -> ActionResult:
        context = self.reactivate_context(subscription_id)
        if not context.allowed:
            raise ActionRefused("This subscription is active; there is nothing to reactivate.")
        previous = context.subscription.status
        sub = self._write(lambda: self._zoho.subscriptions.reactivate(subscription_id))
        return ActionResult(f"Your subscription is active again. The next bill is on {_day(sub.next_billing_at)}.",
                            subscription_id, {"subscription_id": subscription_id, "previous_status": previous})

    # -- plumbing ---------------------------------------------------------------------------------------

    def _offered_plan(self, plan_code: str | None) -> Plan:
        plan = next((p for p in self.offered_plans() if p.plan_code == plan_code), None)
        if plan is None:
            raise ActionRefused("Choose one of the plans offered.", field="plan_code")
        return plan

    def _catalog_plan(self, plan_code: str) -> Plan:
        for plan in self.offered_plans():
            if plan.plan_code == plan_code:
                return plan
        return self._org_cached(("plan", plan_code), lambda: self._zoho.plans.get(plan_code))

    def _addon(self, addon_code: str) -> Addon:
        return self._org_cached(("addon", addon_code), lambda: self._zoho.addons.get(addon_code))

    def _coupon(self, coupon_code: str) -> Coupon:
        return self._org_cached(("coupon", coupon_code), lambda: self._zoho.coupons.get(coupon_code))

    def _churn(self):
        return self._org_cached(("churn-messages",), self._zoho.settings.churn_messages)

    def _org_cached(self, parts: tuple, loader: Callable[[], T]) -> T:
        return self._cache.get_or_load(self._cache.org_key(*parts), loader, ttl=CATALOG_TTL)

    def _invalidate(self) -> None:
        self._cache.invalidate_customer(self.customer_id)

    def _write(self, call: Callable[[], T], *, invalidate: bool = True) -> T:
        """One write to Zoho: its refusals become ActionRefused; outages and a lost reply
        (``ZohoOutcomeUnknown``) go on to the write-action decorator. The customer's cache is dropped
        whatever happened, so that the next page reads Zoho's actual state."""
        try:
            return call()
        except (ZohoValidationError, ZohoForbidden, ZohoNotFound) as error:
            raise ActionRefused(error.message or "The billing system refused the change.", code=error.code) from error
        finally:
            if invalidate:
                self._invalidate()
