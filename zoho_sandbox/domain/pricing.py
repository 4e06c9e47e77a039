"""What a subscription costs: plan and addon lines, the coupon's discount, the total per term."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import taxes
from .models import Addon, Coupon, Customer, Plan, Subscription, SubscriptionItem, Tax
from .money import BASE_CURRENCY, CENT, ZERO, convert_from_usd, line_tax, money


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


def coupon_covers_addon(coupon: Coupon, addon: Addon | None) -> bool:
    """Whether a coupon's discount reaches an addon's line (``apply_to_addons``)."""
    scope = coupon.apply_to_addons
    if addon is None or scope == "none":
        return False
    if scope == "select":
        return addon.addon_code in coupon.addon_codes
    return scope == "all" or (scope == "all_recurring") == (addon.type == "recurring")


def coupon_applies(store, coupon: Coupon, plan_code: str) -> bool:
    """Whether a coupon may be used with a plan: the coupon's product, and ``apply_to_plans``
    all / select (the listed plans) / none."""
    plan = store.plans.get(plan_code)
    if plan is None or (coupon.product_id and coupon.product_id != plan.product_id):
        return False
    return coupon.apply_to_plans == "all" or (coupon.apply_to_plans == "select" and plan_code in coupon.plan_codes)


def line_total(item: SubscriptionItem) -> Decimal:
    return money(item.price * item.quantity)


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


def term_amounts(store, coupon: Coupon | None, plan: SubscriptionItem,
                 addons: list[SubscriptionItem]) -> tuple[Decimal, Decimal, Decimal]:
    """(sub_total, discount, amount) of one term of these lines: the coupon discounts the plan and
    the addons it covers (``apply_to_addons``), as the term's invoice will (``priced_lines``)."""
    total = line_total(plan) + sum((line_total(a) for a in addons), ZERO)
    if coupon is None:
        return total, ZERO, total
    base = line_total(plan) + sum((line_total(a) for a in addons
                                   if coupon_covers_addon(coupon, store.addons.get(a.code))), ZERO)
    discount = coupon_discount(coupon, base)
    return total, discount, total - discount


def amounts(store, sub: Subscription) -> tuple[Decimal, Decimal, Decimal]:
    """(sub_total, discount, amount) for one term at the current lines."""
    return term_amounts(store, active_coupon(store, sub), sub.plan, sub.addons)


@dataclass(frozen=True)
class Line:
    """One line of an invoice about to be raised: what the invoice will say and charge for it."""

    code: str
    name: str
    description: str
    price: Decimal
    quantity: Decimal
    discount: Decimal
    tax: Tax | None

    @property
    def amount(self) -> Decimal:
        # The same arithmetic as InvoiceItem.item_total, so a preview always equals the invoice.
        return (self.price * self.quantity - self.discount).quantize(CENT)

    @property
    def tax_amount(self) -> Decimal:
        return line_tax(self.amount, self.tax.tax_percentage) if self.tax else ZERO


def priced_lines(store, customer: Customer, plan: SubscriptionItem | None, addons: list[SubscriptionItem],
                 description: str, *, setup_fee: Decimal = ZERO, coupon: Coupon | None = None) -> tuple[list[Line], Decimal]:
    """The lines of an invoice for a plan (with its setup fee) and addons, each with its tax, and the
    coupon's discount. Zoho shows the coupon on the invoice and spreads it over the lines; the sandbox
    takes it off the first line, which keeps the lines' sum equal to the invoice total."""
    lines: list[Line] = []
    covered: list[bool] = []
    if plan is not None:
        plan_tax = taxes.line_tax_for(store, customer, plan.code)
        lines.append(Line(plan.code, plan.name, description, plan.price, plan.quantity, ZERO, plan_tax))
        covered.append(True)
        if setup_fee > 0:
            # Zoho has a separate setup_fee_tax_id; the sandbox taxes the setup fee like the plan.
            lines.append(Line(plan.code, f"{plan.name} - Setup fee", "Setup fee", setup_fee, Decimal(1), ZERO, plan_tax))
            covered.append(True)
    for addon in addons:
        lines.append(Line(addon.code, addon.name, addon.description or description, addon.price, addon.quantity, ZERO,
                          taxes.line_tax_for(store, customer, addon.code)))
        covered.append(coupon is not None and coupon_covers_addon(coupon, store.addons.get(addon.code)))
    discount = ZERO
    if coupon is not None and any(covered):
        discount = coupon_discount(coupon, sum((line.amount for line, c in zip(lines, covered) if c), ZERO))
        at = covered.index(True)
        first = lines[at]
        lines[at] = Line(first.code, first.name, first.description, first.price, first.quantity,
                         min(discount, first.price * first.quantity), first.tax)
    return lines, discount
