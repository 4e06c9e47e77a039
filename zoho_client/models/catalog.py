"""Products, plans, addons and coupons.

Zoho sends catalog prices without a currency: they are in the organization's base currency
(``client.organization.get().currency_code``). So these models carry ``Decimal`` prices and a
``currency_code`` that is set only when Zoho includes one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._parse import Fields


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str | None
    description: str | None
    status: str | None
    redirect_url: str | None
    email_ids: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Product":
        f = Fields(data, "product")
        return cls(
            product_id=f.id("product_id"),
            name=f.str("name"),
            description=f.str("description"),
            status=f.str("status"),
            redirect_url=f.str("redirect_url"),
            email_ids=f.str("email_ids"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


@dataclass(frozen=True)
class CodeRef:
    """A plan or addon named by code inside another object (a plan's addons, a coupon's plans)."""

    code: str
    name: str | None

    @classmethod
    def parser(cls, key: str, model: str):
        def parse(data: Any) -> "CodeRef":
            f = Fields(data, model)
            return cls(code=f.id(key), name=f.str("name"))

        return parse


@dataclass(frozen=True)
class Plan:
    plan_code: str
    name: str | None
    description: str | None
    status: str | None
    product_id: str | None
    recurring_price: Decimal | None
    setup_fee: Decimal | None
    unit: str | None
    interval: int | None
    interval_unit: str | None
    billing_cycles: int | None
    trial_period: int | None
    tax_id: str | None
    tax_name: str | None
    tax_percentage: Decimal | None
    addons: tuple[CodeRef, ...]
    store_markup_description: str | None
    currency_code: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Plan":
        f = Fields(data, "plan")
        return cls(
            plan_code=f.id("plan_code"),
            name=f.str("name"),
            description=f.str("description"),
            status=f.str("status"),
            product_id=f.str("product_id"),
            recurring_price=f.decimal("recurring_price"),
            setup_fee=f.decimal("setup_fee"),
            unit=f.str("unit"),
            interval=f.int("interval"),
            interval_unit=f.str("interval_unit"),
            billing_cycles=f.int("billing_cycles"),
            trial_period=f.int("trial_period"),
            tax_id=f.str("tax_id"),
            tax_name=f.str("tax_name"),
            tax_percentage=f.decimal("tax_percentage"),
            addons=f.list("addons", CodeRef.parser("addon_code", "plan.addon")),
            store_markup_description=f.str("store_markup_description"),
            currency_code=f.str("currency_code"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )

    @property
    def renews_until_cancelled(self) -> bool:
        return self.billing_cycles is None or self.billing_cycles < 0


@dataclass(frozen=True)
class PriceBracket:
    start_quantity: int | None
    end_quantity: int | None
    price: Decimal | None

    @classmethod
    def from_api(cls, data: Any) -> "PriceBracket":
        f = Fields(data, "addon.price_bracket")
        return cls(start_quantity=f.int("start_quantity"), end_quantity=f.int("end_quantity"), price=f.decimal("price"))


@dataclass(frozen=True)
class Addon:
    addon_code: str
    name: str | None
    description: str | None
    unit_name: str | None
    type: str | None
    interval_unit: str | None
    pricing_scheme: str | None
    price_brackets: tuple[PriceBracket, ...]
    applicable_to_all_plans: bool | None
    plans: tuple[CodeRef, ...]
    status: str | None
    product_id: str | None
    tax_id: str | None
    currency_code: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Addon":
        f = Fields(data, "addon")
        return cls(
            addon_code=f.id("addon_code"),
            name=f.str("name"),
            description=f.str("description"),
            unit_name=f.str("unit_name"),
            type=f.str("type"),
            interval_unit=f.str("interval_unit"),
            pricing_scheme=f.str("pricing_scheme"),
            price_brackets=f.list("price_brackets", PriceBracket.from_api),
            applicable_to_all_plans=f.bool("applicable_to_all_plans"),
            plans=f.list("plans", CodeRef.parser("plan_code", "addon.plan")),
            status=f.str("status"),
            product_id=f.str("product_id"),
            tax_id=f.str("tax_id"),
            currency_code=f.str("currency_code"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


@dataclass(frozen=True)
class Coupon:
    coupon_code: str
    name: str | None
    description: str | None
    type: str | None
    duration: int | None
    status: str | None
    discount_by: str | None
    discount_value: Decimal | None
    product_id: str | None
    max_redemption: int | None
    redemption_count: int | None
    expiry_at: date | None
    apply_to_plans: str | None
    plans: tuple[CodeRef, ...]
    apply_to_addons: str | None
    addons: tuple[CodeRef, ...]
    currency_code: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Coupon":
        f = Fields(data, "coupon")
        return cls(
            coupon_code=f.id("coupon_code"),
            name=f.str("name"),
            description=f.str("description"),
            type=f.str("type"),
            duration=f.int("duration"),
            status=f.str("status"),
            discount_by=f.str("discount_by"),
            discount_value=f.decimal("discount_value"),
            product_id=f.str("product_id"),
            max_redemption=f.int("max_redemption"),
            redemption_count=f.int("redemption_count"),
            expiry_at=f.date("expiry_at"),
            apply_to_plans=f.str("apply_to_plans"),
            plans=f.list("plans", CodeRef.parser("plan_code", "coupon.plan")),
            apply_to_addons=f.str("apply_to_addons"),
            addons=f.list("addons", CodeRef.parser("addon_code", "coupon.addon")),
            currency_code=f.str("currency_code"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


@dataclass(frozen=True)
class PriceBookItem:
    """One plan's or addon's rate in a price list (``product_code`` is the plan or addon code)."""

    pricebook_item_id: str | None
    item_id: str | None
    product_code: str | None
    pricebook_rate: Decimal | None

    @classmethod
    def from_api(cls, data: Any) -> "PriceBookItem":
        f = Fields(data, "pricebook.item")
        return cls(pricebook_item_id=f.str("pricebook_item_id"), item_id=f.str("item_id"),
                   product_code=f.str("product_code"), pricebook_rate=f.decimal("pricebook_rate"))


@dataclass(frozen=True)
class PriceBook:
    """A price list: catalogue prices in one currency, per item (``per_item``) or as a percentage of
    the base price (``fixed_percentage``, marked up when ``is_increase``). List rows carry no items."""

    pricebook_id: str
    name: str | None
    currency_code: str | None
    status: str | None
    is_default: bool | None
    pricebook_type: str | None
    percentage: Decimal | None
    is_increase: bool | None
    rounding_type: str | None
    decimal_place: int | None
    items: tuple[PriceBookItem, ...]

    @classmethod
    def from_api(cls, data: Any) -> "PriceBook":
        f = Fields(data, "pricebook")
        return cls(
            pricebook_id=f.id("pricebook_id"),
            name=f.str("name"),
            currency_code=f.str("currency_code"),
            status=f.str("status"),
            is_default=f.bool("is_default"),
            pricebook_type=f.str("pricebook_type"),
            percentage=f.decimal("percentage"),
            is_increase=f.bool("is_increase"),
            rounding_type=f.str("rounding_type"),
            decimal_place=f.int("decimal_place"),
            items=f.list("pricebook_items", PriceBookItem.from_api),
        )

    def rate(self, code: str) -> Decimal | None:
        """The list's rate for the plan or addon ``code`` (``per_item`` lists), or None."""
        return next((item.pricebook_rate for item in self.items if item.product_code == code), None)
