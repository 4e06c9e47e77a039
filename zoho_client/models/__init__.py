"""Typed, frozen models of Zoho Billing objects, each built with ``Model.from_api(json_object)``."""
from .catalog import Addon, CodeRef, Coupon, Plan, PriceBook, PriceBookItem, PriceBracket, Product
from .common import Address, CustomField, Tax
from .customers import Card, ContactPerson, Customer, CustomerRef, Organization, UnusedCredit
from .invoices import Invoice, InvoiceCoupon, InvoiceCredit, InvoiceItem, InvoicePayment
from .misc import ChurnMessage, ChurnSettings, Event, EventWebhook, HostedPage
from .money import Money
from .payments import (
    AutoTransaction,
    CreditNote,
    CreditNoteInvoice,
    CreditNoteItem,
    Payment,
    PaymentInvoice,
    Transaction,
)
from ._parse import parse_timestamp
from .subscriptions import (
    CardSummary,
    Note,
    Subscription,
    SubscriptionAddon,
    SubscriptionCoupon,
    SubscriptionPlan,
)

__all__ = [
    "Addon", "Address", "AutoTransaction", "Card", "CardSummary", "ChurnMessage", "ChurnSettings",
    "CodeRef", "ContactPerson", "Coupon", "CreditNote", "CreditNoteInvoice", "CreditNoteItem",
    "CustomField", "Customer", "CustomerRef", "Event", "EventWebhook", "HostedPage", "Invoice",
    "InvoiceCoupon", "InvoiceCredit", "InvoiceItem", "InvoicePayment", "Money", "Note", "Organization",
    "Payment", "PaymentInvoice", "Plan", "PriceBook", "PriceBookItem", "PriceBracket", "Product", "Subscription", "SubscriptionAddon",
    "SubscriptionCoupon", "SubscriptionPlan", "Tax", "Transaction", "UnusedCredit", "parse_timestamp",
]
