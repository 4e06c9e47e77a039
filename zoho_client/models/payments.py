"""Payments, transactions and credit notes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._parse import Fields, currency_of
from .common import CustomField, Tax
from .customers import last_four
from .money import Money


@dataclass(frozen=True)
class AutoTransaction:
    autotransaction_id: str | None
    payment_gateway: str | None
    gateway_transaction_id: str | None
    gateway_error_message: str | None
    card_id: str | None
    last_four_digits: str | None
    expiry_month: int | None
    expiry_year: int | None

    @classmethod
    def from_api(cls, data: Any) -> "AutoTransaction":
        f = Fields(data, "payment.autotransaction")
        return cls(
            autotransaction_id=f.str("autotransaction_id"),
            payment_gateway=f.str("payment_gateway"),
            gateway_transaction_id=f.str("gateway_transaction_id"),
            gateway_error_message=f.str("gateway_error_message"),
            card_id=f.str("card_id"),
            last_four_digits=last_four(f),
            expiry_month=f.int("expiry_month"),
            expiry_year=f.int("expiry_year"),
        )


@dataclass(frozen=True)
class PaymentInvoice:
    invoice_id: str
    invoice_number: str | None
    date: date | None
    invoice_amount: Money | None
    amount_applied: Money | None
    balance_amount: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "PaymentInvoice":
        f = Fields(data, "payment.invoice")
        return cls(
            invoice_id=f.id("invoice_id"),
            invoice_number=f.str("invoice_number"),
            date=f.date("date"),
            invoice_amount=f.money("invoice_amount", currency),
            amount_applied=f.money("amount_applied", currency),
            balance_amount=f.money("balance_amount", currency),
        )


@dataclass(frozen=True)
class Payment:
    payment_id: str
    payment_mode: str | None
    amount: Money | None
    amount_refunded: Money | None
    bank_charges: Money | None
    date: date | None
    status: str | None
    reference_number: str | None
    description: str | None
    customer_id: str | None
    customer_name: str | None
    email: str | None
    autotransaction: AutoTransaction | None
    invoices: tuple[PaymentInvoice, ...]
    currency_code: str | None
    currency_symbol: str | None
    custom_fields: tuple[CustomField, ...]
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "Payment":
        f = Fields(data, "payment")
        cur = currency_of(data)
        return cls(
            payment_id=f.id("payment_id"),
            payment_mode=f.str("payment_mode"),
            amount=f.money("amount", cur),
            amount_refunded=f.money("amount_refunded", cur),
            bank_charges=f.money("bank_charges", cur),
            date=f.date("date"),
            status=f.str("status"),
            reference_number=f.str("reference_number"),
            description=f.str("description"),
            customer_id=f.str("customer_id"),
            customer_name=f.str("customer_name"),
            email=f.str("email"),
            autotransaction=f.obj("autotransaction", AutoTransaction.from_api),
            invoices=f.list("invoices", lambda d: PaymentInvoice.from_api(d, cur)),
            currency_code=cur,
            currency_symbol=f.str("currency_symbol"),
            custom_fields=f.list("custom_fields", CustomField.from_api),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )


@dataclass(frozen=True)
class Transaction:
    """A row of ``GET /transactions``. Zoho sends the amount as a string and without a currency."""

    transaction_id: str
    reference_id: str | None
    date: date | None
    type: str | None
    status: str | None
    amount: Decimal | None
    description: str | None
    currency_code: str | None

    @classmethod
    def from_api(cls, data: Any) -> "Transaction":
        f = Fields(data, "transaction")
        return cls(
            transaction_id=f.id("transaction_id"),
            reference_id=f.str("reference_id"),
            date=f.date("date"),
            type=f.str("type") or f.str("transaction_type"),
            status=f.str("status"),
            amount=f.decimal("amount"),
            description=f.str("description"),
            currency_code=f.str("currency_code"),
        )


@dataclass(frozen=True)
class CreditNoteItem:
    item_id: str | None
    code: str | None
    name: str | None
    description: str | None
    quantity: Decimal | None
    price: Money | None
    item_total: Money | None
    tax_id: str | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "CreditNoteItem":
        f = Fields(data, "credit_note.item")
        return cls(
            item_id=f.str("item_id"),
            code=f.str("code"),
            name=f.str("name"),
            description=f.str("description"),
            quantity=f.decimal("quantity"),
            price=f.money("price", currency),
            item_total=f.money("item_total", currency),
            tax_id=f.str("tax_id"),
        )


@dataclass(frozen=True)
class CreditNoteInvoice:
    invoice_id: str
    invoice_number: str | None
    amount: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "CreditNoteInvoice":
        f = Fields(data, "credit_note.invoice")
        return cls(
            invoice_id=f.id("invoice_id"),
            invoice_number=f.str("invoice_number"),
            amount=f.money("amount", currency) if "amount" in data else f.money("amount_applied", currency),
        )


@dataclass(frozen=True)
class CreditNote:
    creditnote_id: str
    creditnote_number: str | None
    date: date | None
    status: str | None
    customer_id: str | None
    customer_name: str | None
    email: str | None
    reference_number: str | None
    total: Money | None
    balance: Money | None
    currency_code: str | None
    currency_symbol: str | None
    items: tuple[CreditNoteItem, ...]
    invoices: tuple[CreditNoteInvoice, ...]
    taxes: tuple[Tax, ...]
    notes: str | None
    terms: str | None
    created_time: datetime | None
    updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "CreditNote":
        f = Fields(data, "credit_note")
        cur = currency_of(data)
        return cls(
            creditnote_id=f.id("creditnote_id"),
            creditnote_number=f.str("creditnote_number"),
            date=f.date("date"),
            status=f.str("status"),
            customer_id=f.str("customer_id"),
            customer_name=f.str("customer_name"),
            email=f.str("email"),
            reference_number=f.str("reference_number"),
            total=f.money("total", cur),
            balance=f.money("balance", cur),
            currency_code=cur,
            currency_symbol=f.str("currency_symbol"),
            items=f.list("creditnote_items", lambda d: CreditNoteItem.from_api(d, cur)),
            invoices=f.list("invoices", lambda d: CreditNoteInvoice.from_api(d, cur)),
            taxes=f.list("taxes", lambda d: Tax.from_api(d, cur)),
            notes=f.str("notes"),
            terms=f.str("terms"),
            created_time=f.datetime("created_time"),
            updated_time=f.datetime("updated_time"),
        )
