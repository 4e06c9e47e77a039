"""Subscriptions with their plan, addons, coupon, card, customer, taxes and notes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._parse import Fields, currency_of
from .common import CustomField, Tax
from .customers import CustomerRef, last_four
from .money import Money


@dataclass(frozen=True)
class SubscriptionPlan:
    plan_code: str
    name: str | None
    description: str | None
    price: Money | None
    quantity: int | None
    discount: Money | None
    total: Money | None
    setup_fee: Money | None
    tax_id: str | None
    tax_percentage: Decimal | None  # the tax the line's next term carries ("" when untaxed)
    trial_days: int | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "SubscriptionPlan":
        f = Fields(data, "subscription.plan")
        return cls(
            plan_code=f.id("plan_code"),
            name=f.str("name"),
            description=f.str("plan_description") or f.str("description"),
            price=f.money("price", currency),
            quantity=f.int("quantity"),
            discount=f.money("discount", currency),
            total=f.money("total", currency),
            setup_fee=f.money("setup_fee", currency),
            tax_id=f.str("tax_id"),
            tax_percentage=f.decimal("tax_percentage"),
            trial_days=f.int("trial_days"),
        )


@dataclass(frozen=True)
class SubscriptionAddon:
    addon_code: str
    name: str | None
    description: str | None
    price: Money | None
    quantity: int | None
    discount: Money | None
    total: Money | None
    tax_id: str | None
    tax_percentage: Decimal | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "SubscriptionAddon":
        f = Fields(data, "subscription.addon")
        return cls(
            addon_code=f.id("addon_code"),
            name=f.str("name"),
            description=f.str("addon_description") or f.str("description"),
            price=f.money("price", currency),
            quantity=f.int("quantity"),
            discount=f.money("discount", currency),
            total=f.money("total", currency),
            tax_id=f.str("tax_id"),
            tax_percentage=f.decimal("tax_percentage"),
        )


@dataclass(frozen=True)
class SubscriptionCoupon:
    coupon_code: str
    name: str | None
    discount_amount: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "SubscriptionCoupon":
        f = Fields(data, "subscription.coupon")
        return cls(
            coupon_code=f.id("coupon_code"),
            name=f.str("coupon_name") or f.str("name"),
            discount_amount=f.money("discount_amount", currency),
        )


@dataclass(frozen=True)
class CardSummary:
    card_id: str
    last_four_digits: str | None
    payment_gateway: str | None
    expiry_month: int | None
    expiry_year: int | None

    @classmethod
    def from_api(cls, data: Any) -> "CardSummary":
        f = Fields(data, "subscription.card")
        return cls(
            card_id=f.id("card_id"),
            last_four_digits=last_four(f),
            payment_gateway=f.str("payment_gateway"),
            expiry_month=f.int("expiry_month"),
            expiry_year=f.int("expiry_year"),
        )


@dataclass(frozen=True)
class Note:
    note_id: str
    description: str | None
    commented_by: str | None
    commented_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Note":
        f = Fields(data, "subscription.note")
        return cls(
            note_id=f.id("note_id"),
            description=f.str("description"),
            commented_by=f.str("commented_by"),
            commented_time=f.datetime("commented_time"),
        )


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    name: str | None
    status: str | None
    customer_id: str | None
    customer_name: str | None
    email: str | None
    plan_name: str | None
    amount: Money | None
    sub_total: Money | None
    interval: int | None
    interval_unit: str | None
    auto_collect: bool | None
    end_of_term: bool | None
    reference_id: str | None
    currency_code: str | None
    currency_symbol: str | None
    product_id: str | None
    product_name: str | None
    created_at: date | None
    activated_at: date | None
    current_term_starts_at: date | None
    current_term_ends_at: date | None
    last_billing_at: date | None
    next_billing_at: date | None
    expires_at: date | None
    cancelled_at: date | None
    trial_starts_at: date | None
    trial_ends_at: date | None
    plan: SubscriptionPlan | None
    addons: tuple[SubscriptionAddon, ...]
    coupon: SubscriptionCoupon | None
    card: CardSummary | None
    customer: CustomerRef | None
    taxes: tuple[Tax, ...]
    notes: tuple[Note, ...]
    custom_fields: tuple[CustomField, ...]
    payment_terms: int | None
    payment_terms_label: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Subscription":
        f = Fields(data, "subscription")
        cur = currency_of(data)
        customer = f.obj("customer", CustomerRef.from_api)
        return cls(
            subscription_id=f.id("subscription_id"),
            name=f.str("name"),
            status=f.str("status"),
            # List rows carry customer_id at the top; full objects nest it under "customer".
            customer_id=f.str("customer_id") or (customer.customer_id if customer else None),
            customer_name=f.str("customer_name") or (customer.display_name if customer else None),
            email=f.str("email") or (customer.email if customer else None),
            plan_name=f.str("plan_name"),
            amount=f.money("amount", cur),
            sub_total=f.money("sub_total", cur),
            interval=f.int("interval"),
            interval_unit=f.str("interval_unit"),
            auto_collect=f.bool("auto_collect"),
            end_of_term=f.bool("end_of_term"),
            reference_id=f.str("reference_id"),
            currency_code=cur,
            currency_symbol=f.str("currency_symbol"),
            product_id=f.str("product_id"),
            product_name=f.str("product_name"),
            created_at=f.date("created_at"),
            activated_at=f.date("activated_at"),
            current_term_starts_at=f.date("current_term_starts_at"),
            current_term_ends_at=f.date("current_term_ends_at"),
            last_billing_at=f.date("last_billing_at"),
            next_billing_at=f.date("next_billing_at"),
            expires_at=f.date("expires_at"),
            cancelled_at=f.date("cancelled_at"),
            trial_starts_at=f.date("trial_starts_at"),
            trial_ends_at=f.date("trial_ends_at"),
            plan=f.obj("plan", lambda d: SubscriptionPlan.from_api(d, cur)),
            addons=f.list("addons", lambda d: SubscriptionAddon.from_api(d, cur)),
            # An offline subscription or one without a coupon may send {"card_id": ""} / {"coupon_code": ""}.
            coupon=f.obj("coupon", lambda d: SubscriptionCoupon.from_api(d, cur) if d.get("coupon_code") else None),
            card=f.obj("card", lambda d: CardSummary.from_api(d) if d.get("card_id") else None),
            customer=customer,
            taxes=f.list("taxes", lambda d: Tax.from_api(d, cur)),
            notes=f.list("notes", Note.from_api),
            custom_fields=f.list("custom_fields", CustomField.from_api),
            payment_terms=f.int("payment_terms"),
            payment_terms_label=f.str("payment_terms_label"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )
