"""Organization, customers, contact persons, cards and unused credits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._parse import Fields, currency_of
from .common import Address, CustomField, address_or_none
from .money import Money


@dataclass(frozen=True)
class Organization:
    organization_id: str
    name: str | None
    contact_name: str | None
    email: str | None
    is_default_org: bool | None
    country: str | None
    time_zone: str | None
    language_code: str | None
    currency_code: str | None
    currency_symbol: str | None
    currency_format: str | None
    price_precision: int | None
    date_format: str | None
    is_org_active: bool | None
    mode: str | None
    plan_name: str | None
    account_created_date: date | None
    address: Address | None
    phone: str | None
    website: str | None

    @classmethod
    def from_api(cls, data: Any) -> "Organization":
        f = Fields(data, "organization")
        return cls(
            organization_id=f.id("organization_id"),
            name=f.str("name"),
            contact_name=f.str("contact_name"),
            email=f.str("email"),
            is_default_org=f.bool("is_default_org"),
            country=f.str("country"),
            time_zone=f.str("time_zone"),
            language_code=f.str("language_code"),
            currency_code=f.str("currency_code"),
            currency_symbol=f.str("currency_symbol"),
            currency_format=f.str("currency_format"),
            price_precision=f.int("price_precision"),
            date_format=f.str("date_format"),
            is_org_active=f.bool("is_org_active"),
            mode=f.str("mode"),
            plan_name=f.str("plan_name"),
            account_created_date=f.date("account_created_date"),
            address=f.obj("address", address_or_none),
            phone=f.str("phone"),
            website=f.str("website"),
        )


@dataclass(frozen=True)
class Customer:
    customer_id: str
    display_name: str | None
    salutation: str | None
    first_name: str | None
    last_name: str | None
    company_name: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    website: str | None
    language_code: str | None  # the customer's portal language, as the merchant set it
    status: str | None
    source: str | None
    currency_code: str | None
    currency_symbol: str | None
    price_precision: int | None
    unused_credits: Money | None
    outstanding: Money | None
    outstanding_receivable_amount: Money | None
    unused_credits_receivable_amount: Money | None
    is_portal_enabled: bool | None
    payment_terms: int | None
    payment_terms_label: str | None
    primary_contactperson_id: str | None
    billing_address: Address | None
    shipping_address: Address | None
    custom_fields: tuple[CustomField, ...]
    notes: str | None
    can_add_card: bool | None
    pricebook_id: str | None  # the price list the customer is billed from (prices in its currency)
    is_taxable: bool | None
    tax_id: str | None  # the customer's own tax, charged on every line billed to it
    tax_percentage: Decimal | None
    zcrm_account_id: str | None
    zcrm_contact_id: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Customer":
        f = Fields(data, "customer")
        cur = currency_of(data)
        return cls(
            customer_id=f.id("customer_id"),
            display_name=f.str("display_name"),
            salutation=f.str("salutation"),
            first_name=f.str("first_name"),
            last_name=f.str("last_name"),
            company_name=f.str("company_name"),
            email=f.str("email"),
            phone=f.str("phone"),
            mobile=f.str("mobile"),
            website=f.str("website"),
            language_code=f.str("language_code"),
            status=f.str("status"),
            source=f.str("source"),
            currency_code=cur,
            currency_symbol=f.str("currency_symbol"),
            price_precision=f.int("price_precision"),
            unused_credits=f.money("unused_credits", cur),
            outstanding=f.money("outstanding", cur),
            outstanding_receivable_amount=f.money("outstanding_receivable_amount", cur),
            unused_credits_receivable_amount=f.money("unused_credits_receivable_amount", cur),
            is_portal_enabled=f.bool("is_portal_enabled"),
            payment_terms=f.int("payment_terms"),
            payment_terms_label=f.str("payment_terms_label"),
            primary_contactperson_id=f.str("primary_contactperson_id"),
            billing_address=f.obj("billing_address", address_or_none),
            shipping_address=f.obj("shipping_address", address_or_none),
            custom_fields=f.list("custom_fields", CustomField.from_api),
            notes=f.str("notes"),
            can_add_card=f.bool("can_add_card"),
            pricebook_id=f.str("pricebook_id"),
            is_taxable=f.bool("is_taxable"),
            tax_id=f.str("tax_id"),
            tax_percentage=f.decimal("tax_percentage"),
            zcrm_account_id=f.str("zcrm_account_id"),
            zcrm_contact_id=f.str("zcrm_contact_id"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


@dataclass(frozen=True)
class CustomerRef:
    """The customer summary embedded in subscriptions and other objects."""

    customer_id: str
    display_name: str | None
    email: str | None
    company_name: str | None
    billing_address: Address | None
    shipping_address: Address | None

    @classmethod
    def from_api(cls, data: Any) -> "CustomerRef":
        f = Fields(data, "customer")
        return cls(
            customer_id=f.id("customer_id"),
            display_name=f.str("display_name"),
            email=f.str("email"),
            company_name=f.str("company_name"),
            billing_address=f.obj("billing_address", address_or_none),
            shipping_address=f.obj("shipping_address", address_or_none),
        )


@dataclass(frozen=True)
class ContactPerson:
    contactperson_id: str
    customer_id: str | None
    salutation: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    designation: str | None
    department: str | None
    is_primary_contact: bool | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "ContactPerson":
        f = Fields(data, "contact_person")
        return cls(
            contactperson_id=f.id("contactperson_id"),
            customer_id=f.str("customer_id"),
            salutation=f.str("salutation"),
            first_name=f.str("first_name"),
            last_name=f.str("last_name"),
            email=f.str("email"),
            phone=f.str("phone"),
            mobile=f.str("mobile"),
            designation=f.str("designation"),
            department=f.str("department"),
            is_primary_contact=f.bool("is_primary_contact"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


def last_four(f: Fields, key: str = "last_four_digits") -> str | None:
    # Zoho's examples send the digits as a number, which drops leading zeros ("0123" → 123).
    value = f.int(key) if isinstance(f.data.get(key), int) else f.str(key)
    if isinstance(value, int):
        return f"{value:04d}"
    return value


@dataclass(frozen=True)
class Card:
    card_id: str
    customer_id: str | None
    status: str | None
    last_four_digits: str | None
    expiry_month: int | None
    expiry_year: int | None
    payment_gateway: str | None
    first_name: str | None
    last_name: str | None
    street: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Card":
        f = Fields(data, "card")
        return cls(
            card_id=f.id("card_id"),
            customer_id=f.str("customer_id"),
            status=f.str("status"),
            last_four_digits=last_four(f),
            expiry_month=f.int("expiry_month"),
            expiry_year=f.int("expiry_year"),
            payment_gateway=f.str("payment_gateway"),
            first_name=f.str("first_name"),
            last_name=f.str("last_name"),
            street=f.str("street"),
            city=f.str("city"),
            state=f.str("state"),
            zip=f.str("zip"),
            country=f.str("country"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


@dataclass(frozen=True)
class UnusedCredit:
    """One credit note with an unapplied balance, from ``GET /customers/{id}/unusedcredits``."""

    creditnote_id: str
    creditnote_number: str | None
    date: date | None
    total: Money | None
    balance: Money | None
    currency_code: str | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None = None) -> "UnusedCredit":
        f = Fields(data, "unused_credit")
        cur = currency_of(data, currency)
        return cls(
            creditnote_id=f.id("creditnote_id"),
            creditnote_number=f.str("creditnote_number"),
            date=f.date("date"),
            total=f.money("total", cur),
            balance=f.money("balance", cur) if "balance" in data else f.money("amount", cur),
            currency_code=cur,
        )
