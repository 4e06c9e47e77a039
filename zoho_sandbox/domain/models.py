"""The sandbox's entities as plain dataclasses.

They hold facts only. Anything that can be derived (an invoice's balance and status, a customer's
outstanding amount and unused credits, a subscription's amount) is computed from these facts when
asked, so the endpoints can never disagree with each other. ``slots=True`` keeps the ``large`` seed
(tens of thousands of invoices) small in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .money import ZERO, line_tax


def _address() -> dict:
    return {"attention": "", "street": "", "city": "", "state": "", "state_code": "", "zip": "", "country": "", "fax": ""}


@dataclass(slots=True)
class Organization:
    organization_id: str
    name: str
    contact_name: str
    email: str
    phone: str
    fax: str
    website: str
    address: dict
    country: str
    country_code: str
    time_zone: str
    time_zone_formatted: str
    currency_code: str
    language_code: str = "en"
    date_format: str = "dd MMM yyyy"
    field_separator: str = " "
    fiscal_year_start_month: int = 0
    account_created_date: date | None = None
    mode: str = "test"
    plan_name: str = "PREMIUM"
    industry_type: str = "Software"
    price_precision: int = 2
    created_time: datetime | None = None


@dataclass(slots=True)
class Tax:
    """One rate of the organization's tax catalogue (``GET /settings/taxes``). Exclusive taxes only:
    the amount is added on top of the line (``is_inclusive_tax`` is always false)."""

    tax_id: str
    tax_name: str
    tax_percentage: Decimal
    tax_authority_id: str
    tax_authority_name: str
    tax_type: str = "tax"
    is_default_tax: bool = False


@dataclass(slots=True)
class TaxExemption:
    tax_exemption_id: str
    tax_exemption_code: str
    description: str
    type: str = "customer"  # "customer" | "item"


@dataclass(slots=True)
class Product:
    product_id: str
    name: str
    description: str
    status: str
    email_ids: str
    redirect_url: str
    created_time: datetime
    updated_time: datetime


@dataclass(slots=True)
class Plan:
    plan_code: str
    name: str
    description: str
    product_id: str
    recurring_price: Decimal
    interval: int
    interval_unit: str  # "months" | "years"
    status: str = "active"
    unit: str = ""
    billing_cycles: int = -1
    trial_period: int = 0
    setup_fee: Decimal = ZERO
    store_markup_description: str = ""
    addon_codes: list[str] = field(default_factory=list)
    # The item's default tax: charged to taxable customers in the organization's country who have no tax of their own.
    tax_id: str = ""
    # Prices in other currencies (Zoho price lists); missing ones convert from the base price.
    prices: dict[str, Decimal] = field(default_factory=dict)
    created_time: datetime | None = None
    updated_time: datetime | None = None


@dataclass(slots=True)
class PriceBracket:
    """One row of an addon's ``price_brackets``: the unit price from ``start_quantity`` up to
    ``end_quantity`` (-1: no upper end)."""

    start_quantity: int
    end_quantity: int
    price: Decimal

    def holds(self, quantity: Decimal) -> bool:
        return quantity >= self.start_quantity and (self.end_quantity == -1 or quantity <= self.end_quantity)


@dataclass(slots=True)
class Addon:
    addon_code: str
    name: str
    description: str
    product_id: str
    price: Decimal  # the unit price (``unit``) or the first bracket's (``volume``), in the base currency
    type: str  # "recurring" | "one_time"
    unit_name: str
    interval_unit: str = "monthly"
    status: str = "active"
    pricing_scheme: str = "unit"  # "unit" | "volume"
    applicable_to_all_plans: bool = True
    plan_codes: list[str] = field(default_factory=list)
    tax_id: str = ""
    prices: dict[str, Decimal] = field(default_factory=dict)
    # Volume pricing: the bracket the subscribed quantity falls in prices every unit. Empty for ``unit``.
    brackets: list[PriceBracket] = field(default_factory=list)
    created_time: datetime | None = None
    updated_time: datetime | None = None


@dataclass(slots=True)
class Coupon:
    coupon_code: str
    name: str
    description: str
    product_id: str
    type: str  # "one_time" | "duration" | "forever"
    duration: int
    discount_by: str  # "flat" | "percentage"
    discount_value: Decimal
    status: str = "active"  # what the organization set: "active" | "inactive" (mark as active/inactive)
    max_redemption: int = 0  # 0: no limit
    redemption_count: int = 0
    expiry_at: date | None = None
    apply_to_plans: str = "all"  # "all" | "select" | "none"
    plan_codes: list[str] = field(default_factory=list)
    apply_to_addons: str = "all"  # "all" | "select" | "none" | "all_recurring" | "all_onetime"
    addon_codes: list[str] = field(default_factory=list)
    created_time: datetime | None = None
    updated_time: datetime | None = None

    def status_on(self, today: date) -> str:
        """Zoho's coupon status, derived: an expiry date or the redemption limit ends it by itself."""
        if self.status == "inactive":
            return "inactive"
        if self.expiry_at is not None and self.expiry_at < today:
            return "expired"
        if self.max_redemption and self.redemption_count >= self.max_redemption:
            return "maxed_out"
        return "active"


@dataclass(slots=True)
class Customer:
    customer_id: str
    display_name: str
    email: str
    currency_code: str
    created_time: datetime
    updated_time: datetime
    salutation: str = ""
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    phone: str = ""
    mobile: str = ""
    fax: str = ""
    website: str = ""
    language_code: str = ""  # the customer's portal language ("de", "pt_br"…), as the merchant set it; empty when never set
    twitter: str = ""
    facebook: str = ""
    skype: str = ""
    department: str = ""
    designation: str = ""
    status: str = "active"
    source: str = "api"
    is_portal_enabled: bool = False
    payment_terms: int = 0
    payment_terms_label: str = "Due On Receipt"
    notes: str = ""
    billing_address: dict = field(default_factory=_address)
    shipping_address: dict = field(default_factory=_address)
    custom_fields: list[dict] = field(default_factory=list)
    primary_contactperson_id: str = ""
    # Regional tax fields are stored as sent (gst_no, vat_reg_no, tax_id, ...).
    tax_fields: dict = field(default_factory=dict)
    # Set by Zoho's CRM integration (never through the Billing API): GET /customers/reference/{id}.
    zcrm_account_id: str = ""
    zcrm_contact_id: str = ""


@dataclass(slots=True)
class ContactPerson:
    contactperson_id: str
    customer_id: str
    first_name: str
    last_name: str
    email: str
    created_time: datetime
    updated_time: datetime
    salutation: str = ""
    phone: str = ""
    mobile: str = ""
    fax: str = ""
    designation: str = ""
    department: str = ""
    is_primary_contact: bool = False


@dataclass(slots=True)
class Card:
    card_id: str
    customer_id: str
    first_name: str
    last_name: str
    last_four_digits: str  # a string: "0002" must keep its zeros
    expiry_month: int
    expiry_year: int
    payment_gateway: str
    created_time: datetime
    updated_time: datetime
    status: str = "active"
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""


@dataclass(slots=True)
class SubscriptionItem:
    """One priced line of a subscription: the plan or an addon."""

    code: str
    name: str
    description: str
    price: Decimal
    quantity: Decimal


@dataclass(slots=True)
class ScheduledChange:
    """A plan/quantity/addon change sent with ``end_of_term: true``, applied at the next renewal."""

    plan: SubscriptionItem
    addons: list[SubscriptionItem]
    requested_time: datetime


@dataclass(slots=True)
class Note:
    note_id: str
    description: str
    commented_by: str
    commented_time: datetime


@dataclass(slots=True)
class Activity:
    """One line of a subscription's recent activities (what happened, when, and by whom)."""

    activity_id: str
    description: str
    activity_time: datetime
    commented_by: str = "Zoho Billing"


@dataclass(slots=True)
class Subscription:
    subscription_id: str
    customer_id: str
    product_id: str
    plan: SubscriptionItem
    addons: list[SubscriptionItem]
    status: str
    interval: int
    interval_unit: str
    currency_code: str
    created_at: date
    created_time: datetime
    updated_time: datetime
    activated_at: date | None = None
    trial_starts_at: date | None = None
    trial_ends_at: date | None = None
    current_term_starts_at: date | None = None
    current_term_ends_at: date | None = None
    last_billing_at: date | None = None
    next_billing_at: date | None = None
    expires_at: date | None = None
    cancelled_at: date | None = None
    auto_collect: bool = True
    card_id: str = ""
    reference_id: str = ""
    salesperson_id: str = ""
    salesperson_name: str = ""
    child_invoice_id: str = ""
    coupon_code: str = ""
    coupon_cycles_left: int = 0  # -1 = forever
    billing_cycles_left: int = -1  # -1 = until cancelled
    setup_fee: Decimal = ZERO
    payment_terms: int = 0
    payment_terms_label: str = "Due On Receipt"
    source: str = "api"
    end_of_term: bool = False
    custom_fields: list[dict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    contactperson_ids: list[str] = field(default_factory=list)
    scheduled_change: ScheduledChange | None = None
    cancel_reason: str = ""
    activities: list[Activity] = field(default_factory=list)


@dataclass(slots=True)
class InvoiceItem:
    item_id: str
    code: str
    name: str
    description: str
    price: Decimal
    quantity: Decimal
    discount_amount: Decimal
    product_id: str = ""
    # The tax as it was when the line was billed: later catalogue or customer changes never rewrite an invoice.
    tax_id: str = ""
    tax_name: str = ""
    tax_percentage: Decimal = ZERO

    @property
    def item_total(self) -> Decimal:
        return (self.price * self.quantity - self.discount_amount).quantize(Decimal("0.01"))

    @property
    def tax_amount(self) -> Decimal:
        return line_tax(self.item_total, self.tax_percentage)


@dataclass(slots=True)
class InvoicePayment:
    """A payment's share of one invoice (Zoho's ``invoice_payment_id``)."""

    invoice_payment_id: str
    payment_id: str
    amount: Decimal


@dataclass(slots=True)
class InvoiceCredit:
    """A credit note's share of one invoice; ``creditnote_invoice_id`` names the share itself
    (Zoho's ``creditnotes_invoice_id``, what ``DELETE .../creditsapplied/{id}`` takes)."""

    creditnote_id: str
    amount: Decimal
    credited_date: date
    creditnote_invoice_id: str = ""


@dataclass(slots=True)
class Attachment:
    file_name: str
    content_type: str
    content: bytes
    can_send_in_mail: bool
    created_time: datetime


@dataclass(slots=True)
class Invoice:
    invoice_id: str
    number: str
    customer_id: str
    invoice_date: date
    due_date: date
    currency_code: str
    transaction_type: str  # new | renewal | upgrade | downgrade | trial_end | reactivation
    items: list[InvoiceItem]
    created_time: datetime
    updated_time: datetime
    subscription_id: str = ""
    coupon_code: str = ""
    coupon_name: str = ""
    coupon_discount: Decimal = ZERO
    payments: list[InvoicePayment] = field(default_factory=list)
    credits: list[InvoiceCredit] = field(default_factory=list)
    write_off_amount: Decimal = ZERO
    is_void: bool = False
    is_draft: bool = False
    comments: list[dict] = field(default_factory=list)
    reference_number: str = ""
    notes: str = ""
    terms: str = ""
    salesperson_name: str = ""
    custom_fields: list[dict] = field(default_factory=list)
    # An address set on the invoice itself (PUT .../address); None: the customer's current one.
    billing_address: dict | None = None
    shipping_address: dict | None = None
    attachments: list[Attachment] = field(default_factory=list)
    emailed: bool = False

    @property
    def sub_total(self) -> Decimal:
        return sum((i.item_total for i in self.items), ZERO)

    @property
    def tax_total(self) -> Decimal:
        return sum((i.tax_amount for i in self.items), ZERO)

    @property
    def total(self) -> Decimal:
        return self.sub_total + self.tax_total

    @property
    def payment_made(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def credits_applied(self) -> Decimal:
        return sum((c.amount for c in self.credits), ZERO)

    @property
    def balance(self) -> Decimal:
        if self.is_void:
            return ZERO
        return self.total - self.payment_made - self.credits_applied - self.write_off_amount

    def status_on(self, today: date) -> str:
        """Zoho's invoice status, derived so it can never drift from the money (balance, due date)."""
        if self.is_void:
            return "void"
        if self.is_draft:
            return "draft"
        if self.balance <= 0:
            return "paid"
        if self.due_date < today:
            return "overdue"
        if self.payment_made > 0 or self.credits_applied > 0:
            return "partially_paid"
        return "sent"


@dataclass(slots=True)
class PaymentApplication:
    invoice_id: str
    invoice_payment_id: str
    amount_applied: Decimal


@dataclass(slots=True)
class PaymentRefund:
    """A refund's share of one payment. ``from_excess`` is the part that came out of the payment's
    unapplied (excess) amount; the rest went through a credit note (refunds.yml)."""

    refund_id: str
    amount: Decimal
    from_excess: Decimal


@dataclass(slots=True)
class Payment:
    payment_id: str
    customer_id: str
    payment_mode: str  # autotransaction | creditcard | cash | check | banktransfer | ...
    amount: Decimal
    date: date
    currency_code: str
    reference_number: str
    description: str
    applications: list[PaymentApplication]
    created_time: datetime
    updated_time: datetime
    status: str = "success"
    card_id: str = ""
    payment_gateway: str = ""
    gateway_transaction_id: str = ""
    autotransaction_id: str = ""
    bank_charges: Decimal = ZERO
    refunds: list[PaymentRefund] = field(default_factory=list)
    custom_fields: list[dict] = field(default_factory=list)

    @property
    def applied(self) -> Decimal:
        return sum((a.amount_applied for a in self.applications), ZERO)

    @property
    def amount_refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def unused(self) -> Decimal:
        """The excess: paid but applied to no invoice and not refunded. It is the customer's credit."""
        return self.amount - self.applied - sum((r.from_excess for r in self.refunds), ZERO)


@dataclass(slots=True)
class CreditNoteItem:
    item_id: str
    code: str
    name: str
    description: str
    price: Decimal
    quantity: Decimal
    tax_id: str = ""
    tax_name: str = ""
    tax_percentage: Decimal = ZERO

    @property
    def item_total(self) -> Decimal:
        return (self.price * self.quantity).quantize(Decimal("0.01"))

    @property
    def tax_amount(self) -> Decimal:
        return line_tax(self.item_total, self.tax_percentage)


@dataclass(slots=True)
class CreditApplication:
    invoice_id: str
    amount: Decimal
    date: date
    creditnote_invoice_id: str = ""


@dataclass(slots=True)
class CreditNoteRefund:
    refund_id: str
    amount: Decimal


@dataclass(slots=True)
class CreditNote:
    creditnote_id: str
    number: str
    customer_id: str
    date: date
    currency_code: str
    items: list[CreditNoteItem]
    created_time: datetime
    updated_time: datetime
    reference_number: str = ""
    subscription_id: str = ""
    notes: str = ""
    terms: str = ""
    applications: list[CreditApplication] = field(default_factory=list)
    refunds: list[CreditNoteRefund] = field(default_factory=list)
    is_void: bool = False
    custom_fields: list[dict] = field(default_factory=list)

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def sub_total(self) -> Decimal:
        return sum((i.item_total for i in self.items), ZERO)

    @property
    def tax_total(self) -> Decimal:
        return sum((i.tax_amount for i in self.items), ZERO)

    @property
    def total(self) -> Decimal:
        return self.sub_total + self.tax_total

    @property
    def balance(self) -> Decimal:
        if self.is_void:
            return ZERO
        return self.total - sum((a.amount for a in self.applications), ZERO) - self.refunded

    @property
    def status(self) -> str:
        if self.is_void:
            return "void"
        return "open" if self.balance > 0 else "closed"


@dataclass(slots=True)
class Refund:
    """Money given back: from a credit note's balance, or from a payment (refunds.yml). A payment's
    refund takes its excess first; any rest goes through a credit note raised and refunded at once."""

    refund_id: str
    customer_id: str
    amount: Decimal
    date: date
    refund_mode: str
    currency_code: str
    description: str
    reference_number: str
    created_time: datetime
    creditnote_id: str = ""
    payment_id: str = ""
    card_id: str = ""
    payment_gateway: str = ""
    gateway_transaction_id: str = ""
    autotransaction_id: str = ""
    status: str = "success"


@dataclass(slots=True)
class HostedPage:
    hostedpage_id: str
    # new_subscription | update_subscription | update_card | invoice_payment | add_payment_method
    # | one_time_addon | update_payment_method
    action: str
    status: str  # fresh | read | success | failed | cancelled
    created_time: datetime
    expiring_time: datetime
    request: dict  # the create body, kept to do the page's job on completion
    customer_id: str = ""
    subscription_id: str = ""
    invoice_id: str = ""
    card_id: str = ""  # update_payment_method: the card the page replaces
    redirect_url: str = ""
    data: dict = field(default_factory=dict)
    decided_time: datetime | None = None
