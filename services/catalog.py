"""What the portal offers: plans, their add-ons, coupons and cancellation reasons, from Zoho's catalog,
and their prices in the customer's currency.

Shared by every customer of the organization, cached for ten minutes (design: catalog data
changes rarely). The plans offered are ``PORTAL_PLAN_CODES`` in that order when set, else the active
plans (of ``PORTAL_PRODUCT_ID`` when set).

Zoho's catalog prices are in the organization's currency. A customer billed in another currency is
billed from a price list (Zoho's ``/pricebooks``; the customer's ``pricebook_id`` names it), so that
is where the portal reads its prices (``prices_for``). Without a price list Zoho converts at its own
exchange rate, which the portal cannot know: those prices are left out rather than guessed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, TypeVar

from zoho_client.errors import ZohoNotFound
from zoho_client.models import Addon, ChurnSettings, Coupon, Money, Plan, PriceBook

from services.context import CustomerContext
from services.policy import ActionRefused
from services.policy import subscriptions as subscription_policy
from services.texts import subscriptions as words

log = logging.getLogger(__name__)
T = TypeVar("T")

CATALOG_TTL = 600


PER_ITEM, FIXED_PERCENTAGE, NO_ROUNDING = "per_item", "fixed_percentage", "no_rounding"


@dataclass(frozen=True)
class CustomerPrices:
    """The catalogue's prices in one customer's currency: the catalogue's own when the customer is
    billed in the organization's currency, else its price list's; None where neither says."""

    currency: str | None
    base_currency: str | None
    price_list: PriceBook | None

    @property
    def known(self) -> bool:
        return bool(self.currency) and (self.currency == self.base_currency or self.price_list is not None)

    def _listed(self, code: str, base: Decimal | None) -> Decimal | None:
        if not self.currency:
            return None
        if self.currency == self.base_currency:
            return base
        book = self.price_list
        if book is None:
            return None
        if (book.pricebook_type or PER_ITEM) == FIXED_PERCENTAGE:
            if base is None or book.percentage is None or (book.rounding_type or NO_ROUNDING) != NO_ROUNDING:
                return None
            factor = 1 + (book.percentage if book.is_increase else -book.percentage) / Decimal(100)
            places = Decimal(1).scaleb(-(book.decimal_place if book.decimal_place is not None else 2))
            return (base * factor).quantize(places, rounding=ROUND_HALF_UP)
        return book.rate(code)

    def plan(self, plan: Plan) -> Decimal | None:
        """One unit of ``plan`` for one term."""
        return self._listed(plan.plan_code, plan.recurring_price)

    def setup_fee(self, plan: Plan) -> Decimal | None:
        if not plan.setup_fee:
            return None
        return plan.setup_fee if self.currency and self.currency == self.base_currency else None

    def addon_unit(self, addon: Addon, quantity: int) -> Decimal | None:
        """The unit price of ``quantity`` units of ``addon`` (its bracket's, under volume pricing).
        Price lists hold one rate per add-on, so bracket pricing is known in the base currency only."""
        brackets = [b for b in addon.price_brackets if b.price is not None]
        scheme = (addon.pricing_scheme or "unit").lower()
        if scheme != "unit" and len(brackets) > 1:
            if self.currency != self.base_currency or scheme != "volume":
                return None
            bracket = next((b for b in brackets if (b.start_quantity or 1) <= quantity
                            and (b.end_quantity in (None, -1) or quantity <= b.end_quantity)), brackets[-1])
            return bracket.price
        return self._listed(addon.addon_code, brackets[0].price if brackets else None)

    def money(self, amount: Decimal | None) -> Money | None:
        return Money(amount, self.currency) if amount is not None and self.currency else None


@dataclass(frozen=True)
class PlanOffer:
    """A plan the portal offers, with its price and setup fee in the customer's currency (None when
    the portal cannot know them)."""

    plan: Plan
    price: Money | None
    setup_fee: Money | None

    @property
    def plan_code(self) -> str:
        return self.plan.plan_code


def _cached(ctx: CustomerContext, parts: tuple, loader: Callable[[], T]) -> T:
    return ctx.cache.get_or_load(ctx.cache.org_key(*parts), loader, ttl=CATALOG_TTL)


def offered_plans(ctx: CustomerContext) -> tuple[Plan, ...]:
    codes = ctx.settings.portal_plan_codes
    product = ctx.settings.PORTAL_PRODUCT_ID

    def load() -> tuple[Plan, ...]:
        if codes:
            found = []
            for code in codes:
                try:
                    plan = ctx.zoho.plans.get(code)
                except ZohoNotFound:
                    log.warning("PORTAL_PLAN_CODES names a plan Zoho does not have", extra={"plan_code": code})
                    continue
                if subscription_policy.is_offerable(plan):
                    found.append(plan)
            return tuple(found)
        filters: dict[str, Any] = {"filter_by": subscription_policy.ACTIVE_PLANS_FILTER}
        if product:
            filters["product_id"] = product
        return tuple(ctx.zoho.plans.iter_all(**filters))

    return _cached(ctx, ("portal-plans", ",".join(codes), product or "-"), load)


def offers(ctx: CustomerContext) -> tuple[PlanOffer, ...]:
    prices = prices_for(ctx)
    return tuple(PlanOffer(plan, prices.money(prices.plan(plan)), prices.money(prices.setup_fee(plan)))
                 for plan in offered_plans(ctx))


def prices_for(ctx: CustomerContext) -> CustomerPrices:
    """The catalogue's prices in the customer's currency (its price list when it is billed in
    another currency than the organization's)."""
    customer = ctx.billing.customer()
    base = ctx.billing.organization().currency_code
    currency = customer.currency_code or base
    book = None
    if currency != base and customer.pricebook_id:
        try:
            book = price_list(ctx, customer.pricebook_id)
        except ZohoNotFound:
            log.warning("the customer's price list is missing", extra={"pricebook_id": customer.pricebook_id})
    if book is not None and book.currency_code not in (None, currency):
        book = None  # a list in another currency cannot price this customer's invoices
    return CustomerPrices(currency, base, book)


def price_list(ctx: CustomerContext, pricebook_id: str) -> PriceBook:
    return _cached(ctx, ("pricebook", pricebook_id), lambda: ctx.zoho.pricebooks.get(pricebook_id))


def offered_plan(ctx: CustomerContext, plan_code: str | None) -> Plan:
    plan = next((p for p in offered_plans(ctx) if p.plan_code == plan_code), None)
    if plan is None:
        raise ActionRefused(words.CHOOSE_OFFERED_PLAN, field="plan_code")
    return plan


def plan(ctx: CustomerContext, plan_code: str) -> Plan:
    """Any plan of the catalog (the subscription's current one may no longer be offered)."""
    for offered in offered_plans(ctx):
        if offered.plan_code == plan_code:
            return offered
    return _cached(ctx, ("plan", plan_code), lambda: ctx.zoho.plans.get(plan_code))


def addons_for(ctx: CustomerContext, plan_code: str) -> tuple[Addon, ...]:
    """The active recurring add-ons Zoho allows on ``plan_code`` (an offered plan)."""
    offered_plan(ctx, plan_code)

    def load() -> tuple[Addon, ...]:
        rows = ctx.zoho.addons.iter_all(filter_by=subscription_policy.ACTIVE_ADDONS_FILTER, plan_code=plan_code)
        return tuple(a for a in rows if subscription_policy.is_recurring_addon(a))

    return _cached(ctx, ("portal-addons", plan_code), load)


def addon(ctx: CustomerContext, addon_code: str) -> Addon:
    return _cached(ctx, ("addon", addon_code), lambda: ctx.zoho.addons.get(addon_code))


def coupon(ctx: CustomerContext, coupon_code: str) -> Coupon:
    return _cached(ctx, ("coupon", coupon_code), lambda: ctx.zoho.coupons.get(coupon_code))


def churn(ctx: CustomerContext) -> ChurnSettings:
    return _cached(ctx, ("churn-messages",), ctx.zoho.settings.churn_messages)
