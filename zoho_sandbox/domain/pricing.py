"""What a subscription costs: plan and addon lines, the coupon's discount, the total per term."""
from __future__ import annotations

from decimal import Decimal

from .models import Addon, Coupon, Plan, Subscription, SubscriptionItem
from .money import BASE_CURRENCY, ZERO, convert_from_usd, money


def plan_price(plan: Plan, currency_code: str) -> Decimal:
    """The plan's price in the customer's currency: the catalogue price in the base currency, else
    its price list entry, else converted (so an updated ``recurring_price`` is what new terms bill)."""
    if currency_code != BASE_CURRENCY and currency_code in plan.prices:
        return plan.prices[currency_code]
    return convert_from_usd(plan.recurring_price, currency_code)


def addon_price(addon: Addon, currency_code: str, quantity: Decimal = Decimal(1)) -> Decimal:
    """The addon's unit price for ``quantity`` units in the customer's currency. Volume pricing
    prices every unit at the bracket the quantity falls in (past the last bracket: the last one)."""
    if addon.pricing_scheme == "volume" and addon.brackets:
        bracket = next((b for b in addon.brackets if b.holds(quantity)), addon.brackets[-1])
        return convert_from_usd(bracket.price, currency_code)
    if currency_code != BASE_CURRENCY and currency_code in addon.prices:
        return addon.prices[currency_code]
    return convert_from_usd(addon.price, currency_code)


def addon_applies(addon: Addon, plan_code: str) -> bool:
    return addon.applicable_to_all_plans or plan_code in addon.plan_codes


def coupon_applies(store, coupon: Coupon, plan_code: str) -> bool:
    """Whether a coupon may be used with a plan: the coupon's product, and ``apply_to_plans``
    all / select (the listed plans) / none."""
    plan = store.plans.get(plan_code)
    if plan is None or (coupon.product_id and coupon.product_id != plan.product_id):
        return False
    return coupon.apply_to_plans == "all" or (coupon.apply_to_plans == "select" and plan_code in coupon.plan_codes)


def line_total(item: SubscriptionItem) -> Decimal:
    return money(item.price * item.quantity)


def sub_total(sub: Subscription, plan: SubscriptionItem | None = None, addons: list[SubscriptionItem] | None = None) -> Decimal:
    plan = plan if plan is not None else sub.plan
    addons = addons if addons is not None else sub.addons
    return line_total(plan) + sum((line_total(a) for a in addons), ZERO)


def coupon_discount(coupon: Coupon | None, amount: Decimal) -> Decimal:
    if coupon is None:
        return ZERO
    if coupon.discount_by == "percentage":
        return money(amount * coupon.discount_value / Decimal(100))
    return min(money(coupon.discount_value), amount)


def active_coupon(store, sub: Subscription) -> Coupon | None:
    """The coupon while it still applies (``coupon_cycles_left`` > 0, or -1 for forever)."""
    if not sub.coupon_code or sub.coupon_cycles_left == 0:
        return None
    return store.coupons.get(sub.coupon_code)


def amounts(store, sub: Subscription) -> tuple[Decimal, Decimal, Decimal]:
    """(sub_total, discount, amount) for one term at the current lines."""
    total = sub_total(sub)
    discount = coupon_discount(active_coupon(store, sub), total)
    return total, discount, total - discount
