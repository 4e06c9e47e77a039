"""The sandbox's in-memory state: every entity, the indexes the endpoints need, and the timeline.

One re-entrant lock guards everything; handlers and the time-driven transitions take it through
``store.transaction()``, which also holds back the events raised inside it and hands them to the
event bus once the lock is released (a slow webhook consumer must never stall the API).

The store is a container with lookups; the rules (billing, subscription lifecycle, hosted pages)
live in ``zoho_sandbox.domain``. The methods at the bottom are the contract with S1's server and
browser UI (``docs/sandbox-interfaces.md``).
"""
from __future__ import annotations

import hashlib
import heapq
import itertools
import threading
from contextlib import contextmanager
from datetime import date, datetime
from typing import Callable, Iterator

from .clock import Clock
from .core import ApiError
from .domain.models import (
    Addon, Card, ContactPerson, Coupon, CreditNote, Customer, HostedPage, Invoice, Organization,
    Payment, Plan, Product, Refund, Subscription, Tax, TaxExemption,
)

Emit = Callable[[str, dict], None]

# Zoho ids are 18-digit numeric strings that share an organization-specific prefix
# ("187955000000050001"); the counter starts where the recorded responses' ids do.
ID_BASE = 187955000000000000
FIRST_ID = 50001
# The tax catalogue takes its ids from a range of its own, below FIRST_ID: adding a tax never shifts the
# ids of customers, subscriptions or invoices, which the demo documents and other tests rely on.
FIRST_TAX_ID = 30001
# Ids the demo seed did not use to draw when its ids were fixed (subscription activities, the ids of
# credits applied to invoices) come from ranges of their own, far above the main counter's: adding
# them never shifts an id the demo documents and tests rely on.
FIRST_ACTIVITY_ID = 800_000_001
FIRST_LINK_ID = 900_000_001
# The demo customers added after the demo's ids were fixed take their ids, invoice and credit note
# numbers from ranges of their own, so that neither the seed's older objects nor what the tests create
# afterwards (a renewal's invoice, its number) move.
LATER_DEMO_FIRST_ID = 90_001
LATER_DEMO_FIRST_INVOICE_NUMBER = 10_001
LATER_DEMO_FIRST_CREDITNOTE_NUMBER = 10_001


def unknown_customer() -> ApiError:
    """Zoho's answer for a customer id (or CRM reference) it does not know: 400, not 404 (recorded)."""
    return ApiError(400, 3004, "Please enter a valid reference for the customer")


class IdGenerator:
    def __init__(self, base: int = ID_BASE, start: int = FIRST_ID) -> None:
        self._base = base
        self._counter = itertools.count(start)

    def next(self) -> str:
        return str(self._base + next(self._counter))


class Store:
    def __init__(self, clock: Clock, emit: Emit, base_url: str, organization: Organization) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.base_url = base_url.rstrip("/")
        self.organization = organization
        clock.set_timezone(organization.time_zone)
        self._emit = emit
        self._pending_events: list[tuple[str, dict]] = []
        self._depth = 0
        # Seeding replays history: no events go out and "now" is the replayed moment.
        self.muted = False
        self.now_override: datetime | None = None
        self.ids = IdGenerator()
        self.tax_ids = IdGenerator(start=FIRST_TAX_ID)
        self.activity_ids = IdGenerator(start=FIRST_ACTIVITY_ID)
        self.link_ids = IdGenerator(start=FIRST_LINK_ID)
        self._hostedpage_counter = itertools.count(1)
        self._invoice_numbers = itertools.count(1)
        self._creditnote_numbers = itertools.count(1)

        self.taxes: dict[str, Tax] = {}
        self.tax_exemptions: dict[str, TaxExemption] = {}
        self.products: dict[str, Product] = {}
        self.plans: dict[str, Plan] = {}
        self.addons: dict[str, Addon] = {}
        self.coupons: dict[str, Coupon] = {}
        self.customers: dict[str, Customer] = {}
        self.contact_persons: dict[str, ContactPerson] = {}
        self.cards: dict[str, Card] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.invoices: dict[str, Invoice] = {}
        self.payments: dict[str, Payment] = {}
        self.creditnotes: dict[str, CreditNote] = {}
        self.hostedpages: dict[str, HostedPage] = {}
        self.refunds: dict[str, Refund] = {}
        # Every email the organization would have sent (invoices, credit notes), oldest first:
        # GET /__sandbox/outbox shows them.
        self.outbox: list[dict] = []
        # Organization-wide custom field definitions for customers: [{index, label, data_type}].
        self.customer_custom_fields: list[dict] = []
        self.churn_messages: dict = {}
        # Zoho's dunning setting "when the last retry fails": mark the subscription unpaid (the
        # default) or cancel it (then it is ``cancelled_from_dunning``). Set through /__sandbox/dunning.
        self.dunning_ends_with = "unpaid"

        # customer_id -> ids, in creation order: the per-customer lists stay cheap on 10,000 customers.
        self.by_customer: dict[str, dict[str, list[str]]] = {}

        # The timeline: (day, sequence, kind, object id). Entries are hints, re-checked when due,
        # so changing a subscription never has to find and remove its old entries.
        self._timeline: list[tuple[date, int, str, str]] = []
        self._timeline_seq = itertools.count()

    # ---- transactions and events -------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Hold the lock; emit the events raised inside once the outermost transaction ends."""
        events: list[tuple[str, dict]] = []
        try:
            with self.lock:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                    if self._depth == 0:
                        events, self._pending_events = self._pending_events, []
        finally:
            # Also when the operation ends in a Zoho error: a declined card is still an event.
            for event_type, data in events:
                self._emit(event_type, data)

    def emit(self, event_type: str, data: "dict | Callable[[], dict]") -> None:
        """Queue a Zoho event. ``data`` is the affected objects in REST shape, or a function that
        builds them: it runs at once (a snapshot of this moment) unless events are muted, which
        keeps seeding history cheap."""
        if self.muted:
            return
        if callable(data):
            data = data()
        if self._depth:
            self._pending_events.append((event_type, data))
        else:
            self._emit(event_type, data)

    # ---- ids and numbers -----------------------------------------------------------------------

    def new_id(self) -> str:
        return self.ids.next()

    def new_tax_id(self) -> str:
        return self.tax_ids.next()

    def new_hostedpage_id(self) -> str:
        # 64 hex characters like Zoho's, deterministic for a given seed and call order.
        n = next(self._hostedpage_counter)
        return hashlib.sha256(f"{self.organization.organization_id}:hostedpage:{n}".encode()).hexdigest()

    @contextmanager
    def numbered_apart(self):
        """Ids and document numbers from the later demo customers' own ranges while the block runs."""
        saved = self.ids, self._invoice_numbers, self._creditnote_numbers
        self.ids = IdGenerator(start=LATER_DEMO_FIRST_ID)
        self._invoice_numbers = itertools.count(LATER_DEMO_FIRST_INVOICE_NUMBER)
        self._creditnote_numbers = itertools.count(LATER_DEMO_FIRST_CREDITNOTE_NUMBER)
        try:
            yield
        finally:
            self.ids, self._invoice_numbers, self._creditnote_numbers = saved

    def next_invoice_number(self) -> str:
        return f"INV-{next(self._invoice_numbers):06d}"

    def next_creditnote_number(self) -> str:
        return f"CN-{next(self._creditnote_numbers):05d}"

    # ---- time --------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.now_override or self.clock.now()

    def today(self) -> date:
        return self.now().date()

    def schedule(self, day: date | None, kind: str, object_id: str) -> None:
        if day is not None:
            heapq.heappush(self._timeline, (day, next(self._timeline_seq), kind, object_id))

    def next_due_day(self) -> date | None:
        return self._timeline[0][0] if self._timeline else None

    def pop_due(self, today: date) -> tuple[date, str, str] | None:
        if self._timeline and self._timeline[0][0] <= today:
            day, _, kind, object_id = heapq.heappop(self._timeline)
            return day, kind, object_id
        return None

    def run_due_transitions(self) -> None:
        """Apply what the clock made due (trial ends, renewals, term ends, dunning).

        Runs before every API request, so the common case is one comparison without the lock.
        """
        head = self._timeline[0][0] if self._timeline else None
        if head is None or head > self.today():
            return
        from .domain import lifecycle

        with self.transaction():
            lifecycle.run_due(self)

    # ---- indexes -----------------------------------------------------------------------------

    def customer_index(self, customer_id: str) -> dict[str, list[str]]:
        index = self.by_customer.get(customer_id)
        if index is None:
            index = {"subscriptions": [], "invoices": [], "payments": [], "creditnotes": [],
                     "refunds": [], "cards": [], "contact_persons": []}
            self.by_customer[customer_id] = index
        return index

    def add_customer(self, customer: Customer) -> Customer:
        self.customers[customer.customer_id] = customer
        self.customer_index(customer.customer_id)
        return customer

    def add_contact_person(self, person: ContactPerson) -> ContactPerson:
        self.contact_persons[person.contactperson_id] = person
        self.customer_index(person.customer_id)["contact_persons"].append(person.contactperson_id)
        return person

    def add_card(self, card: Card) -> Card:
        self.cards[card.card_id] = card
        self.customer_index(card.customer_id)["cards"].append(card.card_id)
        return card

    def add_subscription(self, sub: Subscription) -> Subscription:
        self.subscriptions[sub.subscription_id] = sub
        self.customer_index(sub.customer_id)["subscriptions"].append(sub.subscription_id)
        return sub

    def add_invoice(self, invoice: Invoice) -> Invoice:
        self.invoices[invoice.invoice_id] = invoice
        self.customer_index(invoice.customer_id)["invoices"].append(invoice.invoice_id)
        return invoice

    def add_payment(self, payment: Payment) -> Payment:
        self.payments[payment.payment_id] = payment
        self.customer_index(payment.customer_id)["payments"].append(payment.payment_id)
        return payment

    def add_creditnote(self, note: CreditNote) -> CreditNote:
        self.creditnotes[note.creditnote_id] = note
        self.customer_index(note.customer_id)["creditnotes"].append(note.creditnote_id)
        return note

    def add_refund(self, refund: Refund) -> Refund:
        self.refunds[refund.refund_id] = refund
        self.customer_index(refund.customer_id)["refunds"].append(refund.refund_id)
        return refund

    def forget(self, kind: str, table: dict, object_id: str, customer_id: str) -> None:
        """Remove a deleted object from its table and from its customer's index."""
        del table[object_id]
        self.customer_index(customer_id)[kind].remove(object_id)

    def force_cancel_hostedpages(self, **refs: str) -> None:
        """Open pages about an object that is gone (``subscription_id=…``, ``invoice_id=…``,
        ``customer_id=…``) can never be completed: Zoho's ``force_cancelled``."""
        for page in self.hostedpages.values():
            if page.status in ("fresh", "read", "failed") and all(getattr(page, k) == v for k, v in refs.items()):
                page.status = "force_cancelled"
                page.decided_time = self.now()

    def customer_objects(self, customer_id: str, kind: str, table: dict) -> list:
        return [table[i] for i in self.customer_index(customer_id)[kind] if i in table]

    # ---- lookups with Zoho's "not found" answers -------------------------------------------

    def get_customer(self, customer_id: str) -> Customer:
        customer = self.customers.get(str(customer_id))
        if customer is None:
            raise unknown_customer()
        return customer

    def get_plan(self, plan_code: str) -> Plan:
        plan = self.plans.get(str(plan_code))
        if plan is None:
            raise ApiError(400, 101002, "Invalid PlanCode.")
        return plan

    def get_addon(self, addon_code: str) -> Addon:
        addon = self.addons.get(str(addon_code))
        if addon is None:
            raise ApiError(400, 102001, "Invalid AddonCode.")
        return addon

    def get_product(self, product_id: str) -> Product:
        product = self.products.get(str(product_id))
        if product is None:
            raise ApiError(400, 2006, "Invalid Product ID.")
        return product

    def get_coupon(self, coupon_code: str) -> Coupon:
        coupon = self.coupons.get(str(coupon_code))
        if coupon is None:
            # Coupons follow the plan/addon pattern (400 + module code); the code itself is a guess.
            raise ApiError(400, 103001, "Invalid CouponCode.")
        return coupon

    def get_subscription(self, subscription_id: str) -> Subscription:
        sub = self.subscriptions.get(str(subscription_id))
        if sub is None:
            raise ApiError(404, 1002, "Subscription ID does not exist.")
        return sub

    # Modules without a recorded "not found": the generic 404/1002 "does not exist" pattern that
    # subscriptions show (and Zoho Books uses), with the module's name in the sentence.
    def get_invoice(self, invoice_id: str) -> Invoice:
        invoice = self.invoices.get(str(invoice_id))
        if invoice is None:
            raise ApiError(404, 1002, "Invoice does not exist.")
        return invoice

    def get_payment(self, payment_id: str) -> Payment:
        payment = self.payments.get(str(payment_id))
        if payment is None:
            raise ApiError(404, 1002, "Payment does not exist.")
        return payment

    def get_creditnote(self, creditnote_id: str) -> CreditNote:
        note = self.creditnotes.get(str(creditnote_id))
        if note is None:
            raise ApiError(404, 1002, "Credit note does not exist.")
        return note

    def get_refund(self, refund_id: str) -> Refund:
        refund = self.refunds.get(str(refund_id))
        if refund is None:
            raise ApiError(404, 1002, "Refund does not exist.")
        return refund

    def get_hostedpage(self, hostedpage_id: str) -> HostedPage:
        page = self.hostedpages.get(str(hostedpage_id))
        if page is None:
            raise ApiError(404, 1002, "Hosted page does not exist.")
        return page

    def get_card(self, customer_id: str, card_id: str) -> Card:
        self.get_customer(customer_id)
        card = self.cards.get(str(card_id))
        if card is None or card.customer_id != customer_id or card.status != "active":
            raise ApiError(404, 1002, "Card does not exist.")
        return card

    def get_contact_person(self, customer_id: str, contactperson_id: str) -> ContactPerson:
        self.get_customer(customer_id)
        person = self.contact_persons.get(str(contactperson_id))
        if person is None or person.customer_id != customer_id:
            raise ApiError(404, 1002, "Contact person does not exist.")
        return person

    # ---- the hosted-page contract with S1's browser UI ---------------------------------------

    def _page_for_ui(self, hostedpage_id: str) -> HostedPage:
        page = self.hostedpages.get(str(hostedpage_id))
        if page is None:
            raise KeyError(hostedpage_id)
        return page

    def hostedpage_summary(self, hostedpage_id: str) -> dict | None:
        from .domain import hostedpages

        with self.transaction():
            page = self.hostedpages.get(str(hostedpage_id))
            return None if page is None else hostedpages.summary(self, page)

    def mark_hostedpage_read(self, hostedpage_id: str) -> None:
        from .domain import hostedpages

        with self.transaction():
            hostedpages.mark_read(self, self._page_for_ui(hostedpage_id))

    def complete_hostedpage(self, hostedpage_id: str, card: dict, approved: bool) -> dict:
        from .domain import hostedpages

        with self.transaction():
            return hostedpages.complete(self, self._page_for_ui(hostedpage_id), card, approved)

    def cancel_hostedpage(self, hostedpage_id: str) -> dict:
        from .domain import hostedpages

        with self.transaction():
            return hostedpages.cancel(self, self._page_for_ui(hostedpage_id))
