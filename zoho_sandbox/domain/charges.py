"""One-time charges on a subscription (subscription.yml): a charge of an amount (``.../charge``) and
one-time addons (``.../buyonetimeaddon`` and its hosted page). Each raises an invoice of its own at
once, takes the customer's unused credits like every subscription invoice, and is collected from
the card when the subscription is online (or from the card a hosted page was paid with). A card
that would be declined refuses the request before anything is raised.
"""
from __future__ import annotations

from decimal import Decimal

from . import activities, billing, errors, fields, lifecycle, pricing, serialize
from .models import Card, Coupon, Invoice, Subscription
from .money import ZERO

CHARGE_CODE = ""  # a one-time charge is no catalogue item


def _open(sub: Subscription) -> None:
    if sub.status in lifecycle.ENDED_STATUSES:
        raise errors.not_allowed("A cancelled or expired subscription cannot be charged. Reactivate it first.")


def _no_unbilled(body: dict) -> None:
    # Unbilled charges are a module of their own (not among the operations the sandbox serves):
    # refused rather than invoiced at once behind the client's back.
    if fields.flag(body, "add_to_unbilled_charges"):
        raise errors.invalid_field("add_to_unbilled_charges")


def _collection_card(store, sub: Subscription, card: Card | None) -> Card | None:
    if card is None and sub.auto_collect and sub.card_id:
        card = store.cards.get(sub.card_id)
        if card is not None and card.status != "active":
            card = None
    lifecycle.precheck_card(store, card)
    return card


def _invoice_and_collect(store, sub: Subscription, lines: list[pricing.Line], *, card: Card | None,
                         coupon: Coupon | None = None, discount: Decimal = ZERO) -> Invoice:
    customer = store.customers[sub.customer_id]
    card = _collection_card(store, sub, card)
    inv = billing.create_invoice(store, customer, billing.items_from(store, lines, sub.product_id), "invoice",
                                 subscription_id=sub.subscription_id, coupon=coupon, coupon_discount=discount)
    billing.apply_open_credits(store, inv)
    if card is not None and inv.balance > 0:
        billing.charge_invoice(store, inv, card, raise_on_decline=True)
    return inv


def charge(store, sub: Subscription, body: dict) -> Invoice:
    _open(sub)
    _no_unbilled(body)
    amount = fields.money(body, "amount")
    if amount is None:
        raise errors.missing_field("amount")
    if amount <= 0:
        raise errors.invalid_field("amount")
    description = fields.text(body, "description").strip() or "One-time charge"
    line = pricing.Line(CHARGE_CODE, "One-time charge", description, amount, Decimal(1), ZERO, None)
    inv = _invoice_and_collect(store, sub, [line], card=None)
    activities.record(store, sub, f"One-time charge of {inv.currency_code} {amount:.2f} added - {inv.number}")
    return inv


def one_time_addons(store, sub: Subscription, body: dict) -> tuple[list, Coupon | None]:
    """The addon lines and coupon a buy-one-time-addon body asks for, checked (nothing changes)."""
    _open(sub)
    _no_unbilled(body)
    entries = fields.objects(body, "addons")
    if not entries:
        raise errors.missing_field("addons")
    customer = store.customers[sub.customer_id]
    items = lifecycle.addon_items(store, customer, entries, sub.plan.code)
    for item in items:
        if store.addons[item.code].type != "one_time":
            raise errors.not_allowed(f"The addon {item.code} is not a one-time addon.")
    coupon_code = fields.ident(body, "coupon_code")
    coupon = lifecycle.usable_coupon(store, coupon_code, sub.plan.code) if coupon_code else None
    if coupon is not None and not all(pricing.coupon_covers_addon(coupon, store.addons[i.code]) for i in items):
        raise errors.not_allowed(f"The coupon {coupon.coupon_code} cannot be applied to these addons.")
    return items, coupon


def buy_one_time_addons(store, sub: Subscription, body: dict, card: Card | None = None) -> Invoice:
    items, coupon = one_time_addons(store, sub, body)
    lines, discount = pricing.priced_lines(store, store.customers[sub.customer_id], None, items,
                                           "One-time addon", coupon=coupon)
    inv = _invoice_and_collect(store, sub, lines, card=card, coupon=coupon, discount=discount)
    if coupon is not None:
        coupon.redemption_count += 1
    activities.record(store, sub, f"One-time addon purchased - {', '.join(i.name for i in items)} - {inv.number}")
    store.emit("onetimeaddon_purchased", lambda: {"subscription": serialize.subscription(store, sub),
                                                  "invoice": serialize.invoice(store, inv)})
    return inv
