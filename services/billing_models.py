"""The portal's own view models: what pages need that Zoho's objects do not say in one place.

All are frozen dataclasses of immutable parts, so the cache can share them between requests.
Zoho's objects themselves (``zoho_client.models.Invoice``, ``Payment``, ``Subscription``…) are
handed to pages unchanged wherever they already fit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zoho_client.models import (
    Card,
    CardSummary,
    CreditNoteInvoice,
    CreditNoteItem,
    Customer,
    Invoice,
    Money,
    Organization,
    Payment,
    Subscription,
    Tax,
)


@dataclass(frozen=True)
class InvoiceRef:
    """An invoice as the portal links to it: its id and the number people read."""

    invoice_id: str
    invoice_number: str | None


@dataclass(frozen=True)
class InvoiceRow:
    """One line of the customer's invoice index (every invoice, newest first; used for ownership,
    totals, the zip and the statement)."""

    invoice_id: str
    invoice_number: str | None
    status: str | None
    invoice_date: date | None
    due_date: date | None
    total: Money | None
    balance: Money | None


@dataclass(frozen=True)
class InvoiceIndex:
    rows: tuple[InvoiceRow, ...]

    def ids(self) -> frozenset[str]:
        return frozenset(row.invoice_id for row in self.rows)

    def find(self, invoice_id: str) -> InvoiceRow | None:
        return next((row for row in self.rows if row.invoice_id == invoice_id), None)


@dataclass(frozen=True)
class Outstanding:
    """Unpaid invoices at a glance: how many, how much per currency, and the one to pay first."""

    count: int
    totals: tuple[Money, ...]  # one per currency, sorted by currency code
    oldest_due_date: date | None
    oldest_invoice_id: str | None


@dataclass(frozen=True)
class PaymentRow:
    """A payment as the list shows it, from Zoho's transaction rows (no per-payment call).

    ``reference_number`` and ``payment_mode`` are on the payment's own page; ``invoices`` names the
    invoice the payment was applied to first, which is what Zoho's row tells.
    """

    payment_id: str
    date: date | None
    amount: Money | None
    status: str | None
    invoices: tuple[InvoiceRef, ...]
    reference_number: str | None = None
    payment_mode: str | None = None


@dataclass(frozen=True)
class PaymentPage:
    items: tuple[PaymentRow, ...]
    page: int
    per_page: int
    has_more: bool


@dataclass(frozen=True)
class InvoicePage:
    items: tuple[Invoice, ...]  # Zoho's list rows: no line items (those are on invoice())
    status: str
    sort: str
    order: str
    page: int
    per_page: int
    has_more: bool


@dataclass(frozen=True)
class TrialNotice:
    subscription_id: str
    plan_name: str | None
    trial_ends_at: date
    days_left: int


@dataclass(frozen=True)
class CardNotice:
    """A card on file that expires within 30 days (or has expired)."""

    subscription_id: str
    card_id: str
    last_four_digits: str | None
    expiry_month: int
    expiry_year: int
    expires_on: date  # the last day of the expiry month
    expired: bool
    expiry_text: str  # "at the end of December 2026" / "at the end of this month" / "— it has expired"


@dataclass(frozen=True)
class Summary:
    """Home: everything the summary page shows, fetched in one concurrent round trip."""

    customer: Customer
    organization: Organization
    outstanding: Outstanding
    available_credits: tuple[Money, ...]  # non-zero unused credits, one per currency
    no_credit: Money | None  # zero in the customer's currency, when there is no credit
    last_payment: PaymentRow | None
    tax_id: str | None
    trials: tuple[TrialNotice, ...]  # every trial (list rows: whether it has a card is on its detail)
    subscriptions: tuple[Subscription, ...]
    card_on_file: Card | None


@dataclass(frozen=True)
class CreditNoteView:
    """A credit note with what was used of it; never shown as a negative invoice."""

    creditnote_id: str
    creditnote_number: str | None
    date: date | None
    status: str | None
    reference_number: str | None
    total: Money | None
    balance: Money | None  # still available
    used: Money | None  # total − balance
    currency_code: str | None
    items: tuple[CreditNoteItem, ...]
    invoices: tuple[CreditNoteInvoice, ...]
    taxes: tuple[Tax, ...]
    notes: str | None
    customer_id: str | None


@dataclass(frozen=True)
class CreditNoteListing:
    items: tuple[CreditNoteView, ...]  # newest first
    available: tuple[Money, ...]  # what is still available, one per currency (non-zero only)


@dataclass(frozen=True)
class ScheduledChange:
    description: str  # "Plan changes from Pro to Team", "Quantity changes from 5 to 8"…
    effective_on: date | None
    cancels: bool = False  # the subscription ends (rather than changes) on that day
    is_price: bool = False  # what the next term will cost (the overview says it as the next bill)


@dataclass(frozen=True)
class SubscriptionDetail:
    subscription: Subscription
    scheduled_changes: tuple[ScheduledChange, ...]
    card: CardSummary | Card | None  # the card the subscription charges, if any
    has_scheduled_change: bool = False  # a plan or add-on change waits for the end of the term
    next_amount: Money | None = None  # one term after the scheduled change (None: none scheduled)


@dataclass(frozen=True)
class Receipt:
    payment: Payment
    customer: Customer
    organization: Organization


@dataclass(frozen=True)
class StatementLine:
    """One dated movement on the account. ``charge`` raises the balance, ``payment`` lowers it."""

    date: date
    kind: str  # "invoice" | "payment" | "credit_note"
    document_id: str
    number: str | None
    description: str
    charge: Money | None
    payment: Money | None
    balance: Money  # running balance after this line


@dataclass(frozen=True)
class CurrencyStatement:
    currency: str
    opening_balance: Money
    invoiced: Money
    paid: Money
    credited: Money
    closing_balance: Money
    lines: tuple[StatementLine, ...]


@dataclass(frozen=True)
class Statement:
    """A statement of account for ``start``..``end`` (inclusive), computed live, never stored.

    ``currencies`` has one section per currency the customer was billed in; the top-level fields
    repeat the customer's main currency section (the first) for the common one-currency case.
    """

    start: date
    end: date
    currencies: tuple[CurrencyStatement, ...]
    currency: str
    opening_balance: Money
    invoiced: Money
    paid: Money
    credited: Money
    closing_balance: Money
    lines: tuple[StatementLine, ...]


def money_sum(values, currency: str) -> Money:
    return Money(sum((v.amount for v in values), Decimal("0")), currency)
