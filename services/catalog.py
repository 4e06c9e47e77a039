"""What the portal offers: plans, their add-ons, coupons and cancellation reasons, from Zoho's catalog.

Shared by every customer of the organization, cached for ten minutes (design: catalog data
changes rarely). The plans offered are ``PORTAL_PLAN_CODES`` in that order when set, else the active
plans (of ``PORTAL_PRODUCT_ID`` when set).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from zoho_client.errors import ZohoNotFound
from zoho_client.models import Addon, ChurnSettings, Coupon, Money, Plan

from services.context import CustomerContext
from services.policy import ActionRefused
from services.policy import subscriptions as subscription_policy
from services.texts import subscriptions as words

log = logging.getLogger(__name__)
T = TypeVar("T")

CATALOG_TTL = 600


@dataclass(frozen=True)
class PlanOffer:
    """A plan the portal offers, with its catalog prices as money in the organization's currency."""

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
    currency = ctx.billing.organization().currency_code
    return tuple(PlanOffer(
        plan,
        Money(plan.recurring_price, currency) if plan.recurring_price is not None and currency else None,
        Money(plan.setup_fee, currency) if plan.setup_fee and currency else None,
    ) for plan in offered_plans(ctx))


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
