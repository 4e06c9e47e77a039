"""Invoices with line items, taxes, coupons, applied credits and payments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._parse import Fields, currency_of
from .common import Address, CustomField, Tax, address_or_none
from .money import Money


@dataclass(frozen=True)
class InvoiceItem:
    item_id: str | None
    code: str | None
    name: str | None
    description: str | None
    price: Money | None
    quantity: Decimal | None
    discount_amount: Money | None
    item_total: Money | None
    tax_id: str | None
    tax_name: str | None
    tax_percentage: Decimal | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "InvoiceItem":
        f = Fields(data, "invoice.invoice_item")
        return cls(
            item_id=f.str("item_id"),
            code=f.str("code"),
            name=f.str("name"),
            description=f.str("description"),
            price=f.money("price", currency),
            quantity=f.decimal("quantity"),
            discount_amount=f.money("discount_amount", currency),
            item_total=f.money("item_total", currency),
            tax_id=f.str("tax_id"),
            tax_name=f.str("tax_name"),
            tax_percentage=f.decimal("tax_percentage"),
        )


@dataclass(frozen=True)
class InvoiceCoupon:
    coupon_code: str | None
    coupon_name: str | None
    discount_amount: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "InvoiceCoupon":
        f = Fields(data, "invoice.coupon")
        return cls(
            coupon_code=f.str("coupon_code"),
            coupon_name=f.str("coupon_name"),
            discount_amount=f.money("discount_amount", currency),
        )


@dataclass(frozen=True)
class InvoiceCredit:
    creditnote_id: str
    creditnote_number: str | None
    credited_date: date | None
    credited_amount: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "InvoiceCredit":
        f = Fields(data, "invoice.credit")
        return cls(
            creditnote_id=f.id("creditnote_id"),
            # Zoho's spelling is "creditnotes_number"; accept the singular too.
            creditnote_number=f.str("creditnotes_number") or f.str("creditnote_number"),
            credited_date=f.date("credited_date"),
            credited_amount=f.money("credited_amount", currency),
        )


@dataclass(frozen=True)
class InvoicePayment:
    payment_id: str
    payment_mode: str | None
    invoice_payment_id: str | None
    gateway_transaction_id: str | None
    date: date | None
    reference_number: str | None
    amount: Money | None
    amount_refunded: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "InvoicePayment":
        f = Fields(data, "invoice.payment")
        return cls(
            payment_id=f.id("payment_id"),
            payment_mode=f.str("payment_mode"),
            invoice_payment_id=f.str("invoice_payment_id"),
            gateway_transaction_id=f.str("gateway_transaction_id"),
            date=f.date("date"),
            reference_number=f.str("reference_number"),
            amount=f.money("amount", currency),
            amount_refunded=f.money("amount_refunded", currency),
        )


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    invoice_number: str | None
    status: str | None
    invoice_date: date | None
    due_date: date | None
    payment_expected_date: date | None
    customer_id: str | None
    customer_name: str | None
    email: str | None
    currency_code: str | None
    currency_symbol: str | None
    total: Money | None
    balance: Money | None
    sub_total: Money | None
    tax_total: Money | None
    payment_made: Money | None
    credits_applied: Money | None
    write_off_amount: Money | None
    transaction_type: str | None
    reference_number: str | None
    invoice_url: str | None
    has_attachment: bool | None
    subscription_ids: tuple[str, ...]
    invoice_items: tuple[InvoiceItem, ...]
    taxes: tuple[Tax, ...]
    coupons: tuple[InvoiceCoupon, ...]
    credits: tuple[InvoiceCredit, ...]
    payments: tuple[InvoicePayment, ...]
    billing_address: Address | None
    shipping_address: Address | None
    custom_fields: tuple[CustomField, ...]
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Invoice":
        f = Fields(data, "invoice")
        cur = currency_of(data)
        # List rows say "number"/"invoice_date"; the full object says "invoice_number"/"date".
        return cls(
            invoice_id=f.id("invoice_id"),
            invoice_number=f.str("invoice_number") or f.str("number"),
            status=f.str("status"),
            invoice_date=f.date("date") if f.str("date") else f.date("invoice_date"),
            due_date=f.date("due_date"),
            payment_expected_date=f.date("payment_expected_date"),
            customer_id=f.str("customer_id"),
            customer_name=f.str("customer_name"),
            email=f.str("email"),
            currency_code=cur,
            currency_symbol=f.str("currency_symbol"),
            total=f.money("total", cur),
            balance=f.money("balance", cur),
            sub_total=f.money("sub_total", cur),
            tax_total=f.money("tax_total", cur),
            payment_made=f.money("payment_made", cur),
            credits_applied=f.money("credits_applied", cur),
            write_off_amount=f.money("write_off_amount", cur),
            transaction_type=f.str("transaction_type"),
            reference_number=f.str("reference_number"),
            invoice_url=f.str("invoice_url"),
            has_attachment=f.bool("has_attachment"),
            subscription_ids=_subscription_ids(data),
            invoice_items=f.list("invoice_items", lambda d: InvoiceItem.from_api(d, cur)),
            taxes=f.list("taxes", lambda d: Tax.from_api(d, cur)),
            coupons=f.list("coupons", lambda d: InvoiceCoupon.from_api(d, cur)),
            credits=f.list("credits", lambda d: InvoiceCredit.from_api(d, cur)),
            payments=f.list("payments", lambda d: InvoicePayment.from_api(d, cur)),
            billing_address=f.obj("billing_address", address_or_none),
            shipping_address=f.obj("shipping_address", address_or_none),
            custom_fields=f.list("custom_fields", CustomField.from_api),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )

    @property
    def is_payable(self) -> bool:
        return self.status in ("sent", "overdue", "partially_paid", "unpaid") and bool(
            self.balance and self.balance.amount > 0
        )


def _subscription_ids(data: Any) -> tuple[str, ...]:
    value = data.get("subscriptions")
    ids: list[str] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item.get("subscription_id"):
                ids.append(str(item["subscription_id"]))
    single = data.get("subscription_id")
    if isinstance(single, str) and single and single not in ids:
        ids.append(single)
    return tuple(ids)
