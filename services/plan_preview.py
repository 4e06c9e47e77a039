"""What a plan change will cost: an estimate worked out from Zoho's catalog prices and term dates.

Zoho Billing documents ``POST /subscriptions/compute`` only in its Postman collection (no reply
shape), and the sandbox does not offer it; so the portal estimates, and every page that shows these
figures says that they are an estimate and that Zoho works out the exact amounts (taxes, credits,
rounding) when the customer confirms. Nothing here is ever sent to Zoho: amounts reach Zoho only as
Zoho's own catalog, never from a form or from this module.

The estimate follows how Zoho prorates an immediate change (and how the sandbox reproduces it): a
credit for the unused part of the current term at the current price, and a charge for the new lines
over the same remaining days; a change of billing interval starts a new term today and charges it in
full. A change applied at the end of the term charges nothing now.

Catalog prices are in the organization's currency. When the subscription is billed in another
currency the portal cannot convert (Zoho uses its own price lists), so the money figures are left
out and the page says so; the direction of the change (upgrade or downgrade) still comes from the
catalog, where both plans are priced in the same currency.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from zoho_client.models import Addon, Coupon, Money, Plan, Subscription

from services.policy import subscriptions as subscription_policy

CENT = Decimal("0.01")
ZERO = Decimal("0")

NOW = "now"
END_OF_TERM = "end_of_term"


@dataclass(frozen=True)
class Selection:
    """What the customer picked: a plan code, its quantity, and add-on quantities (0 = none)."""

    plan_code: str
    quantity: int
    addons: tuple[tuple[str, int], ...]

    def addon_quantities(self) -> dict[str, int]:
        return {code: qty for code, qty in self.addons if qty > 0}


@dataclass(frozen=True)
class Preview:
    subscription_id: str
    selection: Selection
    current_plan_name: str
    new_plan_name: str
    direction: str  # "upgrade", "downgrade" or "same"
    timing: str  # NOW or END_OF_TERM
    effective_on: date | None
    current_amount: Money | None  # Zoho's figure for the current term
    new_amount: Money | None  # estimate, per term (None when it cannot be estimated)
    charge_now: Money | None
    credit_now: Money | None
    net_now: Money | None
    next_billing_on: date | None
    new_interval: int | None
    new_interval_unit: str | None
    unchanged: bool
    notes: tuple[str, ...]
    is_estimate: bool = True

    @property
    def applies_now(self) -> bool:
        return self.timing == NOW


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_interval(start: date, interval: int, unit: str | None) -> date:
    unit = (unit or "months").lower()
    interval = max(int(interval or 1), 1)
    if unit.startswith("week"):
        return start + timedelta(weeks=interval)
    if unit.startswith("day"):
        return start + timedelta(days=interval)
    months = interval * (12 if unit.startswith("year") else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def addon_line_price(addon: Addon, quantity: int) -> Decimal | None:
    """An add-on's price for ``quantity`` units under its pricing scheme (None when not priced)."""
    brackets = [b for b in addon.price_brackets if b.price is not None]
    if not brackets or quantity <= 0:
        return ZERO if quantity <= 0 else None

    def contains(b, q: int) -> bool:
        return (b.start_quantity or 1) <= q and (b.end_quantity in (None, -1) or q <= b.end_quantity)

    scheme = (addon.pricing_scheme or "unit").lower()
    if scheme == "tier":
        total = ZERO
        for b in brackets:
            low = b.start_quantity or 1
            high = quantity if b.end_quantity in (None, -1) else min(quantity, b.end_quantity)
            if high >= low:
                total += b.price * (high - low + 1)
        return total
    bracket = next((b for b in brackets if contains(b, quantity)), brackets[-1])
    if scheme == "package":
        return bracket.price
    return bracket.price * quantity  # unit and volume


def catalog_total(plan: Plan, quantity: int, addons: Mapping[str, Addon], quantities: Mapping[str, int]) -> Decimal | None:
    """Per-term price in the organization's currency, before any coupon; None when a price is missing."""
    if plan.recurring_price is None:
        return None
    total = plan.recurring_price * quantity
    for code, qty in quantities.items():
        addon = addons.get(code)
        price = addon_line_price(addon, qty) if addon is not None else None
        if price is None:
            return None
        total += price
    return total


def coupon_discount(coupon: Coupon | None, amount: Decimal) -> Decimal:
    if coupon is None or coupon.discount_value is None:
        return ZERO
    if (coupon.discount_by or "").lower().startswith("percent"):
        return cents(amount * coupon.discount_value / Decimal(100))
    return min(coupon.discount_value, amount)


def estimate(sub: Subscription, new_plan: Plan, current_catalog: Decimal | None, addons: Mapping[str, Addon],
             selection: Selection, *, coupon: Coupon | None, org_currency: str | None, today: date,
             downgrade_at_end_of_term: bool) -> Preview:
    """The preview of changing ``sub`` to ``selection`` (``current_catalog``: today's lines at list price)."""
    quantities = selection.addon_quantities()
    new_catalog = catalog_total(new_plan, selection.quantity, addons, quantities)
    notes: list[str] = []
    current_lines = {a.addon_code: a.quantity or 0 for a in sub.addons}
    unchanged = (sub.plan is not None and sub.plan.plan_code == new_plan.plan_code
                 and (sub.plan.quantity or 1) == selection.quantity and current_lines == quantities)

    if new_catalog is None or current_catalog is None or new_catalog == current_catalog:
        direction = "same"
    else:
        direction = "upgrade" if new_catalog > current_catalog else "downgrade"

    billed_yet = subscription_policy.is_billed_yet(sub)
    if not billed_yet:
        timing = NOW
    elif direction == "downgrade" and downgrade_at_end_of_term:
        timing = END_OF_TERM
    else:
        timing = NOW

    currency = sub.currency_code or (sub.amount.currency if sub.amount else None)
    same_currency = bool(currency and org_currency and currency == org_currency)
    new_amount = None
    if new_catalog is not None and same_currency:
        new_amount = Money(cents(new_catalog - coupon_discount(coupon, new_catalog)), currency)
        if coupon is not None:
            notes.append(f"The new price assumes your coupon {coupon.name or coupon.coupon_code} still applies.")
    elif new_catalog is not None and not same_currency:
        notes.append(f"You are billed in {currency}; the list prices shown are in {org_currency}. "
                     f"Zoho works out the amounts in {currency} when you confirm.")

    interval_changes = (new_plan.interval, (new_plan.interval_unit or "").lower()) != (
        sub.interval, (sub.interval_unit or "").lower())
    term_start, term_end = sub.current_term_starts_at, sub.current_term_ends_at
    charge = credit = None
    effective_on: date | None = today
    next_billing = sub.next_billing_at

    if not billed_yet:
        charge = credit = Money(ZERO, currency) if currency else None
        first = sub.trial_ends_at or sub.next_billing_at
        notes.append("Nothing is charged now: the new plan's first charge is on "
                     f"{first:%d %B %Y}." if first else "Nothing is charged now.")
        next_billing = first
    elif timing == END_OF_TERM:
        effective_on = term_end or sub.next_billing_at
        charge = credit = Money(ZERO, currency) if currency else None
        next_billing = effective_on
        notes.append("Nothing is charged or credited now: the change happens when the current term ends.")
    elif term_start and term_end and currency:
        term_days = max((term_end - term_start).days, 1)
        remaining = min(max((term_end - today).days, 0), term_days)
        fraction = Decimal(remaining) / Decimal(term_days)
        current_amount = sub.amount.amount if sub.amount else None
        if current_amount is not None:
            credit = Money(cents(current_amount * fraction), currency)
        if new_amount is not None:
            if interval_changes:
                charge = Money(new_amount.amount, currency)
            else:
                charge = Money(cents(new_amount.amount * fraction), currency)
        if interval_changes:
            next_billing = add_interval(today, new_plan.interval or 1, new_plan.interval_unit)
            notes.append("The billing period changes, so a new term starts today.")
        notes.append(f"{remaining} of the current term's {term_days} days are left; "
                     "the unused part is credited and the new price is charged for them.")

    net = None
    if charge is not None and credit is not None:
        net = Money(cents(charge.amount - credit.amount), charge.currency)
    return Preview(
        subscription_id=sub.subscription_id, selection=selection,
        current_plan_name=(sub.plan.name if sub.plan else None) or sub.plan_name or "your current plan",
        new_plan_name=new_plan.name or new_plan.plan_code, direction=direction, timing=timing,
        effective_on=effective_on, current_amount=sub.amount, new_amount=new_amount,
        charge_now=charge if new_amount is not None or timing == END_OF_TERM or not billed_yet else None,
        credit_now=credit, net_now=net if new_amount is not None or timing == END_OF_TERM or not billed_yet else None,
        next_billing_on=next_billing, new_interval=new_plan.interval, new_interval_unit=new_plan.interval_unit,
        unchanged=unchanged, notes=tuple(notes),
    )
