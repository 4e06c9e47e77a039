"""The per-customer read model: every page's data, from Zoho through the cache, as immutable models.

``CustomerContext.billing`` (``services/context.py``) is how controllers reach it. Each method returns a frozen model (Zoho's own
from ``zoho_client.models`` where it fits, else one of ``services.billing_models``); none takes a
request. Ids that come from URLs are checked against the customer's own id sets first
(``NotOwned`` → 404), so no upstream call ever carries another customer's id.

What is fetched, and shared between pages (all per customer, 60 s by default):

=====================================  ====================================================
cache key (after ``org:cust:<id>:``)   Zoho call
=====================================  ====================================================
``customer``                           ``GET /customers/{id}``
``invoices:<status>:<sort>:<order>:<chunk>``  ``GET /invoices?customer_id&filter_by&sort_column&sort_order&page&per_page=200``
``invoices:detail:<id>``               ``GET /invoices/{id}``
``payments:index``                     ``GET /transactions?filter_by=TransactionType.PAYMENT`` (all pages)
``payments:detail:<id>``               ``GET /payments/{id}``
``creditnotes:index``                  ``GET /transactions?filter_by=TransactionType.CREDIT`` (all pages)
``creditnotes:detail:<id>``            ``GET /creditnotes/{id}``
``subscriptions:list``                 ``GET /subscriptions?customer_id&filter_by=SubscriptionStatus.All`` (all pages)
``subscriptions:detail:<id>``          ``GET /subscriptions/{id}`` + ``…/scheduledchanges``
``cards``                              ``GET /customers/{id}/cards``
``org:organization`` (10 min)          ``GET /organizations/{org}``
=====================================  ====================================================

Invoice list pages are cut from Zoho pages of 200 (Zoho's maximum): the 25-row pages the customer
clicks through share one upstream call per 200 invoices, and the first "all, newest first" chunk is
also what Home's totals and the ownership check read.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Callable, Iterable, TypeVar

from cachetools import LRUCache

from zoho_client.errors import ZohoNotFound
from zoho_client.models import (
    Card,
    ContactPerson,
    CreditNote,
    Customer,
    Invoice,
    Money,
    Organization,
    Payment,
    Subscription,
    Transaction,
)
from zoho_client.pagination import MAX_PER_PAGE, Page, ZohoPageCapReached, iterate_pages

from services.billing_models import (
    CardNotice,
    CreditNoteListing,
    CreditNoteView,
    InvoiceIndex,
    InvoicePage,
    InvoiceRef,
    InvoiceRow,
    Outstanding,
    PaymentPage,
    PaymentRow,
    Receipt,
    ScheduledChange,
    Statement,
    SubscriptionDetail,
    Summary,
    TrialNotice,
)
from services.cache import BillingCache, begin_request, build_cache, end_request
from services.fanout import FanOut
from services.ownership import NotOwned, require_customer, require_listed
from services.texts import cards as card_words
from services.texts import current_locale
from services.policy import cards as card_policy, invoices as invoice_policy, subscriptions as subscription_policy
from services.invoice_zip import build_invoice_zip
from services.statement import build_statement
from services.receipt_pdf import render_receipt_pdf
from services.statement_pdf import render_statement_pdf
from services.subscription_changes import describe_changes

__all__ = ["CustomerBilling", "NotOwned", "init_billing"]

T = TypeVar("T")

PER_PAGE = 25  # rows on a list page
CHUNK = MAX_PER_PAGE  # rows per Zoho call behind those pages
# 10,000 invoices, payments or subscriptions: far beyond any customer. A longer list fails loudly
# (ZohoPageCapReached) rather than being cut short without a word.
PAGE_CAP = 50
MAX_PAGE = 10_000

INVOICE_SORTS = {"date": "date", "due_date": "due_date", "number": "invoice_number", "total": "total",
                 "balance": "balance"}
SORT_ORDERS = {"desc": "D", "asc": "A"}

TAX_ID_LABEL = re.compile(r"\b(tax|vat|gst|abn|ein|tin)\b", re.IGNORECASE)


# -- app wiring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingRuntime:
    cache: BillingCache
    fanout: FanOut


def init_billing(app, settings) -> None:
    """Build the app's cache and fan-out pool, and reset the per-request "as of" notice each request."""
    from services.cache_sync import DatabaseBus

    cache = build_cache(settings, redis_client=app.extensions.get("redis"), bus=DatabaseBus())
    app.extensions["billing"] = BillingRuntime(cache=cache, fanout=FanOut())
    app.before_request(begin_request)
    app.teardown_request(end_request)


def _today_utc() -> date:
    return datetime.now(timezone.utc).date()


# -- the read model -----------------------------------------------------------------------------------


class CustomerBilling:
    """One customer's billing data. Cheap to build: everything lives in the shared cache."""

    def __init__(self, customer_id: str, client, cache: BillingCache, fanout: FanOut,
                 today: Callable[[], date] = _today_utc) -> None:
        if not isinstance(customer_id, str) or not customer_id:
            raise ValueError("a customer id is required")
        self.customer_id = customer_id
        self._zoho = client
        self._cache = cache
        self._fanout = fanout
        self._today = today

    # Home

    def _summary_specs(self) -> dict[str, tuple]:
        return {
            "customer": self._customer_spec(),
            "organization": self._organization_spec(),
            "index": self._invoice_chunk_spec("all", "date", "desc", 1),
            "payments": self._payment_transactions_spec(),
            "subscriptions": self._subscriptions_spec(),
            "cards": self._cards_spec(),
        }

    def summary_keys(self) -> list:
        """The cache entries Home's summary reads (the page header's organization among them)."""
        return [key for key, _ in self._summary_specs().values()]

    def home_keys(self) -> list:
        """Everything Home reads: the summary, and the details of the running subscriptions (as far
        as this process's latest copy of the list tells; a guess that is wrong costs a round trip)."""
        listed = self._cache.hint(self._subscriptions_spec()[0]) or ()
        return self.summary_keys() + [self._cache.key(self.customer_id, "subscriptions", "detail", s.subscription_id)
                                      for s in listed if subscription_policy.is_running(s)]

    def summary(self) -> Summary:
        """Home: outstanding, credits, last payment, billing and vendor details, trials.

        Six independent calls run concurrently: a cold Home costs about one Zoho round trip. A warm
        Home whose cached inputs are the very same objects as last time reuses the summary built from
        them (``_DERIVED``): the cache hands out immutable values, so equal identity is equal content.
        """
        got = self._gather(self._summary_specs())
        index = self._invoice_index(first_chunk=got["index"])
        today = self._today()
        inputs = (got["customer"], got["organization"], index, got["payments"], got["subscriptions"], got["cards"])
        # Per language too: the summary holds sentences (card notices), written in the reader's language.
        return _DERIVED.get(("summary", self.customer_id, today, current_locale()), inputs,
                            lambda: self._build_summary(got, index, today))

    def _build_summary(self, got: dict, index: InvoiceIndex, today: date) -> Summary:
        customer: Customer = got["customer"]
        payments = got["payments"]
        subscriptions = got["subscriptions"]
        currency = customer.currency_code or ""
        credits = customer.unused_credits
        return Summary(
            customer=customer,
            organization=got["organization"],
            outstanding=outstanding_of(index.rows),
            available_credits=(credits,) if credits is not None and credits.amount > 0 else (),
            no_credit=Money(Decimal("0"), currency) if currency and not (credits and credits.amount > 0) else None,
            last_payment=self._payment_row(payments[0], index, currency) if payments else None,
            tax_id=tax_id_of(customer),
            trials=trials_of(subscriptions, today),
            subscriptions=subscriptions,
            card_on_file=card_policy.card_on_file(got["cards"]),
        )

    def view(self, name: str, build: Callable[[], T], *, per: tuple = (),
             still_right: Callable[[T], bool] = lambda value: True) -> T:
        """What ``build`` makes of this customer's cached data, made again only once an entry it
        read has changed (``ReadsMemo``). What else it depends on the cache cannot know: ``per``
        names what is known before building (the person acting, the language), ``still_right``
        checks what the value itself says it was made for (the organization's day, which needs the
        organization's time zone: asking for it first would cost a cold page a round trip)."""
        return _VIEWS.get(self._cache, ("view", name, self.customer_id, *per), build, still_right)

    def cards(self) -> tuple[Card, ...]:
        return self._load(self._cards_spec())

    def card_on_file(self, subscription: Subscription | None = None) -> Card | None:
        """The card Zoho charges (for ``subscription`` when given); the cards policy says which."""
        return card_policy.card_on_file(self.cards(), subscription)

    def customer(self) -> Customer:
        return self._load(self._customer_spec())

    def cached_customer(self) -> Customer | None:
        """The customer's record if the cache holds it fresh, else None; never calls Zoho."""
        return self._cache.peek(self._customer_spec()[0])

    def contact_persons(self) -> tuple[ContactPerson, ...]:
        """The customer's contact persons (the profile page)."""
        def load() -> tuple[ContactPerson, ...]:
            return tuple(c for c in self._zoho.contactpersons.list(self.customer_id)
                         if c.customer_id in (None, self.customer_id))

        return self._cached(("contactpersons",), load)

    def organization(self) -> Organization:
        return self._load(self._organization_spec())

    # invoices

    def invoices(self, status: str = "all", sort: str = "date", order: str = "desc", page: int = 1) -> InvoicePage:
        """One page (``PER_PAGE`` rows) of the customer's invoices, filtered and sorted by Zoho."""
        if status not in invoice_policy.LIST_FILTERS or sort not in INVOICE_SORTS or order not in SORT_ORDERS:
            raise ValueError("unknown invoice status, sort column or order")
        page = max(1, min(int(page), MAX_PAGE))
        first_row = (page - 1) * PER_PAGE
        chunk = self._invoice_chunk(status, sort, order, first_row // CHUNK + 1)
        offset = first_row % CHUNK
        rows = chunk.items[offset:offset + PER_PAGE]
        has_more = offset + PER_PAGE < len(chunk.items) or chunk.has_more_page
        return InvoicePage(items=rows, status=status, sort=sort, order=order, page=page, per_page=PER_PAGE,
                           has_more=has_more)

    def invoice(self, invoice_id: str) -> Invoice:
        """An invoice with line items, taxes, coupons, credits and payments applied."""
        self._require_invoice(invoice_id)

        def load() -> Invoice:
            found = self._zoho.invoices.get(invoice_id)
            require_customer("invoice", invoice_id, found.customer_id, self.customer_id)
            return found

        return self._cached(("invoices", "detail", invoice_id), load)

    def invoice_pdf(self, invoice_id: str) -> tuple[str, bytes]:
        """``(filename, pdf bytes)`` straight from Zoho; never cached or stored."""
        row = self._require_invoice(invoice_id)
        return f"{row.invoice_number or invoice_id}.pdf", self._zoho.invoices.pdf(invoice_id)

    def invoices_zip(self, start: date, end: date) -> tuple[str, bytes]:
        """Every invoice dated ``start``..``end`` as one zip of Zoho's PDFs (``TooManyInvoices`` past the cap)."""
        rows = [r for r in self._invoice_index().rows
                if r.invoice_date is not None and start <= r.invoice_date <= end]
        return build_invoice_zip(rows, start, end, self._zoho.invoices.pdf, self._fanout)

    def invoice_index(self) -> InvoiceIndex:
        """Every invoice of the customer (newest first, drafts left out): ownership, totals, zip, statement."""
        return self._invoice_index()

    # payments

    def payments(self, page: int = 1) -> PaymentPage:
        """A page of payments, newest first, from Zoho's transaction rows (one call for all pages)."""
        page = max(1, min(int(page), MAX_PAGE))
        got = self._gather({"payments": self._payment_transactions_spec(),
                            "index": self._invoice_chunk_spec("all", "date", "desc", 1)})
        got["index"] = self._invoice_index(first_chunk=got["index"])
        rows = got["payments"]
        start = (page - 1) * PER_PAGE
        currency = self._fallback_currency(rows)
        items = tuple(self._payment_row(t, got["index"], currency) for t in rows[start:start + PER_PAGE])
        return PaymentPage(items=items, page=page, per_page=PER_PAGE, has_more=start + PER_PAGE < len(rows))

    def payment(self, payment_id: str) -> Payment:
        """A payment with its mode, card, reference and the invoices it paid."""
        require_listed("payment", payment_id, {t.transaction_id for t in self._payment_transactions()})

        def load() -> Payment:
            found = self._zoho.payments.get(payment_id)
            require_customer("payment", payment_id, found.customer_id, self.customer_id)
            return found

        return self._cached(("payments", "detail", payment_id), load)

    def receipt(self, payment_id: str) -> Receipt:
        payment = self.payment(payment_id)
        got = self._gather({"customer": self._customer_spec(), "organization": self._organization_spec()})
        return Receipt(payment=payment, customer=got["customer"], organization=got["organization"])

    def receipt_pdf(self, payment_id: str) -> tuple[str, bytes]:
        """``(filename, pdf bytes)`` of a payment's receipt, written on request; never stored."""
        found = self.receipt(payment_id)
        name = f"receipt-{found.payment.date.isoformat() if found.payment.date else payment_id}"
        return f"{name}.pdf", render_receipt_pdf(found.payment, found.customer, found.organization)

    # credit notes

    def credit_notes(self) -> CreditNoteListing:
        """Every credit note (newest first) with what is still available; details fetched concurrently."""
        ids = [t.transaction_id for t in self._credit_transactions()]
        notes = tuple(self._fanout.map(self._credit_note, ids))
        available: dict[str, Decimal] = {}
        for note in notes:
            if note.balance is not None and invoice_policy.credit_note_counts(note):
                available[note.balance.currency] = available.get(note.balance.currency, Decimal("0")) + note.balance.amount
        return CreditNoteListing(
            items=notes,
            available=tuple(Money(amount, cur) for cur, amount in sorted(available.items()) if amount > 0),
        )

    def credit_note(self, creditnote_id: str) -> CreditNoteView:
        require_listed("credit note", creditnote_id, {t.transaction_id for t in self._credit_transactions()})
        return self._credit_note(creditnote_id)

    def credit_note_pdf(self, creditnote_id: str) -> tuple[str, bytes]:
        note = self.credit_note(creditnote_id)
        return f"{note.creditnote_number or creditnote_id}.pdf", self._zoho.creditnotes.pdf(creditnote_id)

    # subscriptions

    def subscriptions(self) -> tuple[Subscription, ...]:
        """Every subscription of the customer, whatever its status (Zoho's list rows)."""
        return self._load(self._subscriptions_spec())

    def running_subscriptions(self) -> tuple[SubscriptionDetail, ...]:
        """The full detail of every subscription still running (list rows leave out the card, the
        plan and the add-ons that pages and policies need), fetched concurrently."""
        running = [s.subscription_id for s in self.subscriptions() if subscription_policy.is_running(s)]
        found = self._cache.peek_many([self._cache.key(self.customer_id, "subscriptions", "detail", sid)
                                       for sid in running])
        missing = [sid for sid, hit in zip(running, found) if hit is None]
        loaded = dict(zip(missing, self._fanout.map(self.subscription, missing)))
        return tuple(hit if hit is not None else loaded[sid] for sid, hit in zip(running, found))

    def subscription(self, subscription_id: str) -> SubscriptionDetail:
        """Plan, add-ons, coupon, card, term and the changes scheduled for the end of the term."""
        require_listed("subscription", subscription_id, {s.subscription_id for s in self.subscriptions()})

        def load() -> SubscriptionDetail:
            got = self._fanout.all({
                "subscription": lambda: self._zoho.subscriptions.get(subscription_id),
                "scheduled": lambda: _none_if_missing(lambda: self._zoho.subscriptions.scheduled_changes(subscription_id)),
            })
            found: Subscription = got["subscription"]
            require_customer("subscription", subscription_id, found.customer_id, self.customer_id)
            future: Subscription | None = got["scheduled"]
            return SubscriptionDetail(subscription=found, scheduled_changes=describe_changes(found, future),
                                      card=found.card, has_scheduled_change=future is not None,
                                      next_amount=future.amount if future is not None else None)

        return self._cached(("subscriptions", "detail", subscription_id), load)

    # statement of account

    def statement(self, start: date, end: date) -> Statement:
        """Opening balance, every invoice, payment and credit note in ``start``..``end``, closing balance.

        Computed from Zoho's data on each call; never stored.
        """
        if end < start:
            raise ValueError("the statement's end is before its start")
        got = self._gather({
            "customer": self._customer_spec(),
            "index": self._invoice_chunk_spec("all", "date", "desc", 1),
            "payments": self._payment_transactions_spec(),
            "credits": self._credit_transactions_spec(),
        })
        customer: Customer = got["customer"]
        index = self._invoice_index(first_chunk=got["index"])
        # Credit notes are few: their numbers (not on Zoho's transaction rows) come from their cached details.
        in_range = [t.transaction_id for t in got["credits"] if t.date is not None and start <= t.date <= end]
        numbers = {note.creditnote_id: note.creditnote_number
                   for note in self._fanout.map(self._credit_note, in_range) if note.creditnote_number}
        return build_statement(start, end, index.rows, got["payments"], got["credits"], customer.currency_code or "",
                               numbers)

    def statement_pdf(self, start: date, end: date) -> tuple[str, bytes]:
        statement = self.statement(start, end)
        got = self._gather({"customer": self._customer_spec(), "organization": self._organization_spec()})
        content = render_statement_pdf(statement, got["customer"], got["organization"])
        return f"statement-{start.isoformat()}-{end.isoformat()}.pdf", content

    # cache plumbing: a "spec" is (cache key, loader); _load reads one, _gather several at once

    def _cached(self, parts: tuple, loader: Callable[[], T]) -> T:
        return self._cache.get_or_load(self._cache.key(self.customer_id, *parts), loader)

    def _load(self, spec: tuple) -> T:
        return self._cache.get_or_load(*spec)

    def _gather(self, specs: dict[str, tuple]) -> dict[str, object]:
        """Several cached resources: one cache round trip when warm; misses load concurrently."""
        names = list(specs)
        found = self._cache.peek_many([specs[name][0] for name in names])
        results = {name: value for name, value in zip(names, found) if value is not None}
        missing = {name: (lambda spec=specs[name]: self._cache.get_or_load(*spec))
                   for name in names if name not in results}
        results.update(self._fanout.all(missing))
        return results

    def _customer_spec(self) -> tuple:
        def load() -> Customer:
            found = self._zoho.customers.get(self.customer_id)
            require_customer("customer", self.customer_id, found.customer_id, self.customer_id)
            return found

        return self._cache.key(self.customer_id, "customer"), load

    def _organization_spec(self) -> tuple:
        return self._cache.org_key("organization"), self._zoho.organization.get

    def _subscriptions_spec(self) -> tuple:
        def load() -> tuple[Subscription, ...]:
            rows = every_item(lambda n: self._zoho.subscriptions.list(customer_id=self.customer_id, page=n,
                                                                      per_page=CHUNK))
            return tuple(s for s in rows if s.customer_id in (None, self.customer_id))

        return self._cache.key(self.customer_id, "subscriptions", "list"), load

    def _invoice_chunk_spec(self, status: str, sort: str, order: str, chunk: int) -> tuple:
        def load() -> Page[Invoice]:
            found = self._zoho.invoices.list(
                customer_id=self.customer_id, status=invoice_policy.LIST_FILTERS[status], sort_column=INVOICE_SORTS[sort],
                sort_order=SORT_ORDERS[order], page=chunk, per_page=CHUNK)
            rows = tuple(i for i in found.items
                         if invoice_policy.is_shown(i) and i.customer_id in (None, self.customer_id))
            return Page(items=rows, page=found.page, per_page=found.per_page, has_more_page=found.has_more_page)

        return self._cache.key(self.customer_id, "invoices", status, sort, order, chunk), load

    def _invoice_chunk(self, status: str, sort: str, order: str, chunk: int) -> Page[Invoice]:
        return self._load(self._invoice_chunk_spec(status, sort, order, chunk))

    def _transactions_spec(self, kind: str, resource: str) -> tuple:
        def load() -> tuple[Transaction, ...]:
            return tuple(every_item(lambda n: self._zoho.transactions.list(self.customer_id, kind, page=n,
                                                                         per_page=CHUNK)))

        return self._cache.key(self.customer_id, resource, "index"), load

    def _payment_transactions_spec(self) -> tuple:
        return self._transactions_spec("PAYMENT", "payments")

    def _credit_transactions_spec(self) -> tuple:
        return self._transactions_spec("CREDIT", "creditnotes")

    def _payment_transactions(self) -> tuple[Transaction, ...]:
        return self._load(self._payment_transactions_spec())

    def _credit_transactions(self) -> tuple[Transaction, ...]:
        return self._load(self._credit_transactions_spec())

    def _cards_spec(self) -> tuple:
        def load() -> tuple[Card, ...]:
            return tuple(c for c in self._zoho.cards.list(self.customer_id) if c.customer_id in (None, self.customer_id))

        return self._cache.key(self.customer_id, "cards"), load

    def _invoice_index(self, first_chunk: Page[Invoice] | None = None) -> InvoiceIndex:
        chunks = [first_chunk if first_chunk is not None else self._invoice_chunk("all", "date", "desc", 1)]
        while chunks[-1].has_more_page:
            if len(chunks) >= PAGE_CAP:
                raise ZohoPageCapReached(f"Zoho list has more than {PAGE_CAP} pages")
            chunks.append(self._invoice_chunk("all", "date", "desc", len(chunks) + 1))
        return _DERIVED.get(("invoice_index", self.customer_id), tuple(chunks), lambda: InvoiceIndex(
            tuple(_invoice_row(i) for chunk in chunks for i in chunk.items)))

    def _require_invoice(self, invoice_id: str) -> InvoiceRow:
        if isinstance(invoice_id, str):
            row = self._invoice_index().find(invoice_id)
            if row is None:
                # A brand-new invoice may be missing from a cached index: look once more, with our own id.
                self._cache.forget(self._cache.key(self.customer_id, "invoices", "all", "date", "desc", 1))
                row = self._invoice_index().find(invoice_id)
            if row is not None:
                return row
        raise NotOwned("invoice", invoice_id)

    def _credit_note(self, creditnote_id: str) -> CreditNoteView:
        def load() -> CreditNoteView:
            found = self._zoho.creditnotes.get(creditnote_id)
            require_customer("credit note", creditnote_id, found.customer_id, self.customer_id)
            return credit_note_view(found)

        return self._cached(("creditnotes", "detail", creditnote_id), load)

    def _fallback_currency(self, transactions: Iterable[Transaction]) -> str:
        if all(t.currency_code for t in transactions):
            return ""
        return self.customer().currency_code or ""

    @staticmethod
    def _payment_row(t: Transaction, index: InvoiceIndex, currency: str) -> PaymentRow:
        invoices: tuple[InvoiceRef, ...] = ()
        if t.reference_id:
            row = index.find(t.reference_id)
            if row is not None:
                invoices = (InvoiceRef(row.invoice_id, row.invoice_number),)
        cur = t.currency_code or currency
        return PaymentRow(
            payment_id=t.transaction_id, date=t.date, status=t.status, invoices=invoices,
            amount=Money(t.amount, cur) if t.amount is not None and cur else None,
        )


# -- pure helpers (tested on their own) ------------------------------------------------------------------


class IdentityMemo:
    """Values derived from cached inputs, reused while the very same input objects come back.

    The cache hands out immutable values and returns the same object until the entry changes, so
    "the same objects" means "the same content". The memo keeps its inputs referenced, so that an
    object's id is never reused by another while it is remembered. Bounded, per process.
    """

    def __init__(self, size: int = 4096) -> None:
        self._entries: LRUCache = LRUCache(size)
        self._lock = threading.Lock()

    def get(self, key: tuple, inputs: tuple, build: Callable[[], T]) -> T:
        with self._lock:
            known = self._entries.get(key)
        if known is not None and len(known[0]) == len(inputs) and all(a is b for a, b in zip(known[0], inputs)):
            return known[1]
        value = build()
        with self._lock:
            self._entries[key] = (inputs, value)
        return value


_DERIVED = IdentityMemo()


class ReadsMemo:
    """Values computed from a customer's cached data (a page's view), reused while every cache entry
    the computation read still holds the very same object (``BillingCache.recording``/``unchanged``).

    Unlike ``IdentityMemo`` the inputs need not be listed: whatever the computation reads is what
    it is checked against, so a page that starts reading one more resource stays correct. Bounded,
    per process.
    """

    def __init__(self, size: int = 1024) -> None:
        self._entries: LRUCache = LRUCache(size)
        self._lock = threading.Lock()

    def get(self, cache: BillingCache, key: tuple, build: Callable[[], T], still_right: Callable[[T], bool]) -> T:
        with self._lock:
            known = self._entries.get(key)
        if known is not None and cache.unchanged(known[0]) and still_right(known[1]):
            return known[1]
        with cache.recording() as reads:
            value = build()
        if not reads.stale:
            with self._lock:
                self._entries[key] = (reads, value)
        return value


_VIEWS = ReadsMemo()


def every_item(fetch: Callable[[int], Page[T]]) -> list[T]:
    """Every row of a Zoho list, page by page (the one paging loop of the portal)."""
    return list(iterate_pages(fetch, PAGE_CAP))


def _none_if_missing(call: Callable[[], T]) -> T | None:
    try:
        return call()
    except ZohoNotFound:
        return None


def _invoice_row(invoice: Invoice) -> InvoiceRow:
    return InvoiceRow(invoice_id=invoice.invoice_id, invoice_number=invoice.invoice_number, status=invoice.status,
                      invoice_date=invoice.invoice_date, due_date=invoice.due_date, total=invoice.total,
                      balance=invoice.balance)


def outstanding_of(rows: Iterable[InvoiceRow]) -> Outstanding:
    """Count, per-currency totals (exact Decimals) and the oldest due of the invoices still owed."""
    owed = [r for r in rows if invoice_policy.is_owed(r)]
    totals: dict[str, Decimal] = {}
    for row in owed:
        totals[row.balance.currency] = totals.get(row.balance.currency, Decimal("0")) + row.balance.amount
    dated = [r for r in owed if r.due_date is not None]
    oldest = min(dated, key=lambda r: (r.due_date, r.invoice_date or r.due_date)) if dated else (owed[-1] if owed else None)
    return Outstanding(
        count=len(owed),
        totals=tuple(Money(amount, cur) for cur, amount in sorted(totals.items())),
        oldest_due_date=oldest.due_date if oldest else None,
        oldest_invoice_id=oldest.invoice_id if oldest else None,
    )


def tax_id_of(customer: Customer) -> str | None:
    for field in customer.custom_fields:
        if field.label and field.value and TAX_ID_LABEL.search(field.label.replace("_", " ")):
            return field.value
    return None


def trials_of(subscriptions: Iterable[Subscription], today: date) -> tuple[TrialNotice, ...]:
    return tuple(
        TrialNotice(subscription_id=s.subscription_id, plan_name=s.plan_name or (s.plan.name if s.plan else s.name),
                    trial_ends_at=s.trial_ends_at, days_left=max(0, (s.trial_ends_at - today).days))
        for s in subscriptions
        if subscription_policy.is_trial(s) and s.trial_ends_at is not None
    )


def expiring_cards(subscriptions: Iterable[Subscription], today: date) -> tuple[CardNotice, ...]:
    """The cards that running subscriptions charge, when they expire within the warning window (or
    have expired): one notice per card, tied to the first subscription it pays. ``subscriptions`` are
    full subscriptions (list rows leave the card out). A card nothing charges cannot fail a payment,
    and a card replaced on its subscription is no longer the one charged: neither is warned about."""
    notices: dict[str, CardNotice] = {}
    for sub in subscriptions:
        if not (subscription_policy.is_running(sub) and subscription_policy.charges_card(sub)):
            continue
        card = sub.card
        ends = card_policy.expires_on(card)
        if card.card_id in notices or not card_policy.expires_soon(card, today):
            continue
        notices[card.card_id] = CardNotice(
            subscription_id=sub.subscription_id, card_id=card.card_id, last_four_digits=card.last_four_digits,
            expiry_month=card.expiry_month, expiry_year=card.expiry_year, expires_on=ends,
            expired=ends < today, expiry_text=card_words.expiry_text(ends, today),
        )
    return tuple(notices.values())


def credit_note_view(note: CreditNote) -> CreditNoteView:
    used = None
    if note.total is not None and note.balance is not None:
        used = Money(note.total.amount - note.balance.amount, note.total.currency)
    return CreditNoteView(
        creditnote_id=note.creditnote_id, creditnote_number=note.creditnote_number, date=note.date,
        status=note.status, reference_number=note.reference_number, total=note.total, balance=note.balance,
        used=used, currency_code=note.currency_code, items=note.items, invoices=note.invoices, taxes=note.taxes,
        notes=note.notes, customer_id=note.customer_id,
    )
