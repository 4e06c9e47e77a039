"""Paying invoices with the card on file: one charge per confirmation, however often it is submitted.

Zoho Billing has no idempotency key for ``POST /invoices/{id}/collect``, so every charge goes through
a payment intent (``services/payment_intents.py``, committed in transactions of its own):

1. The confirmation page (``quote_invoice`` / ``quote_all``) reads the invoice, its balance and the
   card **live** from Zoho and embeds a fresh random intent key. Nothing is stored for a GET.
2. The submit (``pay_invoice``) inserts the intent under that key (first submit) or finds it (any
   later one). The same key with a different invoice, amount, currency or customer is refused
   (``IntentMismatch`` → 422) before any Zoho call.
3. A conditional update claims it (``pending`` → ``processing``): exactly one submit, in any worker,
   may charge. The others see ``processing`` (``in_progress`` → 409) or the stored result.
4. Before charging, earlier attempts at the same invoice whose outcome is unknown are reconciled
   (the invoice and the customer's payments re-read from Zoho). The invoice is re-read live and the
   invoices policy decides whether it may be paid (already paid → refused); a balance different
   from what the page showed → re-confirm; then one ``collect``.
5. ``ZohoOutcomeUnknown`` (sent, reply lost) → state ``unknown`` and **no retry**. The next attempt —
   the same form again or a new confirmation — re-reads Zoho first: paid → success without a charge.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Iterable

from zoho_client.errors import (
    ZohoBadResponse, ZohoForbidden, ZohoOutcomeUnknown, ZohoRateLimited, ZohoUnauthorized, ZohoUnavailable,
    ZohoValidationError,
)
from zoho_client.models import Card, Money

from db.payments import PaymentIntent
from db.types import utcnow
from services import payment_intents as intents
from services.billing import every_item
from services.context import CustomerContext
from services.ownership import require_customer
from services.policy import Action, ActorRefused
from services.policy import cards as card_policy, invoices as invoice_policy, subscriptions as subscription_policy

log = logging.getLogger(__name__)

INTENT_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Zoho codes (sandbox readings, docs/sandbox-seed.md): 1003 not allowed now (paid), 1004 no card, 1005 declined.
CODE_NOT_ALLOWED, CODE_NO_CARD, CODE_DECLINED = 1003, 1004, 1005
# Amounts are kept to the cent (the organization bills in USD, EUR and INR; a 3-decimal currency would need Numeric(18, 3)).
CENT = Decimal("0.01")
OPEN_INVOICES_PER_PAGE = 200


class InvalidIntent(ValueError):
    """The form's intent fields are missing or malformed (422)."""


class IntentMismatch(ValueError):
    """The intent key was already used for another invoice, amount, currency or customer (422)."""


class NotPayable(Exception):
    """The invoice has nothing to pay (already paid, void or a draft)."""

    def __init__(self, invoice_number: str | None) -> None:
        super().__init__("invoice not payable")
        self.invoice_number = invoice_number


# -- what the pages show ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardOnFile:
    card_id: str
    last_four: str
    expiry_month: int | None
    expiry_year: int | None
    expires_this_month: bool = False
    declined: bool = False  # the invoice's subscription failed a payment on this very card
    subscription_id: str | None = None  # the invoice's subscription: where a new card goes


@dataclass(frozen=True)
class InvoiceQuote:
    invoice_id: str
    invoice_number: str | None
    due_date: date | None
    amount: Money


@dataclass(frozen=True)
class PayQuote:
    """The confirmation page for one invoice: live amount, the card Zoho will charge, a fresh key."""

    invoice: InvoiceQuote
    card: CardOnFile | None
    intent_key: str


@dataclass(frozen=True)
class PayAllQuote:
    invoices: tuple[InvoiceQuote, ...]  # due-date order: the order they are charged in
    totals: tuple[Money, ...]  # one per currency
    card: CardOnFile | None
    batch_key: str


@dataclass(frozen=True)
class PaymentResult:
    """How one charge attempt ended.

    ``status``: ``succeeded`` (charged now, or found paid by an earlier attempt), ``declined``,
    ``already_paid``, ``in_progress``, ``unknown`` (sent, reply lost: do not pay again yet),
    ``reconfirm`` (the amount or card changed: ``quote`` has the new page), ``no_card``,
    ``not_charged`` (an earlier unknown attempt turned out not to have gone through), ``refused``.
    """

    status: str
    invoice_id: str
    invoice_number: str | None = None
    amount: Money | None = None
    payment_id: str | None = None
    intent_key: str | None = None
    quote: PayQuote | None = None
    shown_amount: Money | None = None
    subscription_id: str | None = None  # the invoice's subscription: where "update my card" goes

    @property
    def charged(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class PayAllResult:
    results: tuple[PaymentResult, ...]  # in the order tried; stops at the first one that isn't a success
    not_attempted: tuple[InvoiceQuote, ...]
    quote: PayAllQuote | None = None  # set when the list changed and the customer must confirm again

    @property
    def paid(self) -> tuple[PaymentResult, ...]:
        return tuple(r for r in self.results if r.status == "succeeded")

    @property
    def stopped_at(self) -> PaymentResult | None:
        return next((r for r in self.results if r.status != "succeeded"), None)


@dataclass
class ShownInvoice:
    """What the confirmation form said about one invoice (compared with Zoho, never charged)."""

    invoice_id: str
    amount: str
    currency: str


# -- confirmation pages ----------------------------------------------------------------------------


def new_intent_key() -> str:
    return secrets.token_urlsafe(24)


def quote_invoice(ctx: CustomerContext, invoice_id: str) -> PayQuote:
    """The live amount and the card for the confirmation page (NotOwned / NotPayable)."""
    invoice = live_invoice(ctx, invoice_id)
    if not invoice_policy.is_owed(invoice):
        raise NotPayable(invoice.invoice_number)
    return PayQuote(invoice=_quote_of(invoice), card=card_for(ctx, invoice), intent_key=new_intent_key())


def quote_all(ctx: CustomerContext) -> PayAllQuote:
    """Every open invoice of the customer, live, in the order they will be charged (oldest due first)."""
    invoices = open_invoices(ctx)
    card = card_for(ctx, invoices[0] if invoices else None)
    quotes = tuple(_quote_of(inv) for inv in invoices)
    return PayAllQuote(invoices=quotes, totals=_totals(q.amount for q in quotes), card=card,
                       batch_key=new_intent_key())


def card_for(ctx: CustomerContext, invoice=None) -> CardOnFile | None:
    """The card Zoho charges for ``invoice``, read live (the cards policy says which card that is)."""
    customer_id = ctx.customer_id
    cards = [c for c in ctx.zoho.cards.list(customer_id) if c.customer_id in (None, customer_id)]
    subscription = None
    if invoice is not None and not invoice.subscription_ids:
        invoice = live_invoice(ctx, invoice.invoice_id)  # list rows leave out the subscription
    if invoice is not None and invoice.subscription_ids:
        found = ctx.zoho.subscriptions.get(invoice.subscription_ids[0])
        subscription = found if found.customer_id == customer_id else None
    chosen: Card | None = card_policy.card_on_file(cards, subscription)
    if chosen is None:
        return None
    today = ctx.today()
    return CardOnFile(
        card_id=chosen.card_id, last_four=chosen.last_four_digits or "····",
        expiry_month=chosen.expiry_month, expiry_year=chosen.expiry_year,
        expires_this_month=(chosen.expiry_year, chosen.expiry_month) == (today.year, today.month),
        declined=subscription_policy.card_was_declined(subscription, chosen.card_id),
        subscription_id=subscription.subscription_id if subscription is not None else None,
    )


# -- paying one invoice ---------------------------------------------------------------------------------


def pay_invoice(ctx: CustomerContext, invoice_id: str, *, intent_key: str, shown_amount: str, shown_currency: str,
                card_id: str | None, batch_key: str | None = None) -> PaymentResult:
    """Charge ``invoice_id`` once for this intent (see the module docstring for the steps).

    Raises ``InvalidIntent`` / ``IntentMismatch`` (422, nothing called), ``NotOwned`` (404),
    ``ZohoUnavailable`` / ``ZohoRateLimited`` when Zoho cannot be reached before the charge was sent
    (the intent is released, nothing charged).
    """
    customer_id = ctx.customer_id
    amount = _parse_amount(shown_amount)
    currency = _parse_currency(shown_currency)
    if not isinstance(intent_key, str) or not INTENT_KEY.fullmatch(intent_key):
        raise InvalidIntent("intent key")
    if card_id is not None and (not isinstance(card_id, str) or len(card_id) > 64):
        raise InvalidIntent("card")
    intent = intents.find_or_create(intent_key=intent_key, customer_id=customer_id, invoice_id=invoice_id,
                                    amount=amount, currency=currency, card_id=card_id, batch_key=batch_key)
    _check_same(intent, customer_id, invoice_id, amount, currency, card_id, batch_key)
    shown = Money(amount, currency)

    if not intents.claim(intent, "pending"):
        intent = intents.get(intent_key)
        if intent.state == "processing" and not intents.is_stale(intent):
            return _result(intent, "in_progress", shown)
        if intent.state in ("unknown", "processing"):
            return _reconcile_own(ctx, intent, shown)
        return _stored_result(intent, shown)

    try:
        reconciled = _reconcile_earlier(ctx, invoice_id, exclude=intent.intent_key)
        invoice = live_invoice(ctx, invoice_id)
        card = card_for(ctx, invoice)
        decision = invoice_policy.decide_pay(invoice, ctx.actor, has_card=card is not None,
                                             card_declined=card is not None and card.declined)[Action.PAY_INVOICE]
        if decision.applies and decision.reason is not None:
            raise ActorRefused(decision.reason)
        if not invoice_policy.is_owed(invoice):
            paid_by = reconciled[0] if reconciled else None
            if paid_by is not None:
                # An earlier attempt whose answer was lost did go through: show it, charge nothing.
                intents.finish(intent, "succeeded", payment_id=paid_by.zoho_payment_id, error="paid_earlier")
                ctx.invalidate()
                return _result(intents.get(intent_key), "succeeded", shown, number=invoice.invoice_number)
            intents.finish(intent, "failed", error="already_paid")
            return _result(intent, "already_paid", shown, number=invoice.invoice_number)
        if card is None:
            intents.finish(intent, "failed", error="no_card")
            return _result(intent, "no_card", shown, number=invoice.invoice_number)
        if card.declined:
            # The same card again would be declined again: nothing is sent; a new card is the way on.
            intents.finish(intent, "failed", error="declined")
            return replace(_result(intent, "declined", shown, number=invoice.invoice_number),
                           subscription_id=card.subscription_id)
        live = invoice.balance
        if live != shown or (card_id is not None and card.card_id != card_id):
            # The page showed something else than Zoho has now: ask again with the live values.
            intents.finish(intent, "failed", error="amount_changed" if live != shown else "card_changed")
            quote = PayQuote(invoice=_quote_of(invoice), card=card, intent_key=new_intent_key())
            return _result(intent, "reconfirm", shown, number=invoice.invoice_number, quote=quote)
    except (ZohoUnavailable, ZohoRateLimited, ZohoBadResponse):
        intents.release(intent)  # nothing was sent to collect: the same form may be submitted again
        raise
    except Exception:  # NotOwned, ZohoNotFound, a refusal, a bug: this intent is over, nothing was charged
        intents.finish(intent, "failed", error="not_owned_or_error")
        raise

    try:
        payment = ctx.zoho.invoices.collect(invoice_id, card.card_id)
    except ZohoValidationError as error:
        return _refused(ctx, intent, invoice, error, shown)
    except (ZohoRateLimited, ZohoUnauthorized, ZohoForbidden):
        # Refused before Zoho did anything (429, credentials): nothing charged, the form can be sent again.
        intents.release(intent)
        raise
    except ZohoUnavailable as error:
        if error.status is None:
            # Never sent (circuit open, connection refused, connect timeout): nothing charged.
            intents.release(intent)
            raise
        return _unknown(ctx, intent, invoice, shown)  # Zoho answered 5xx after receiving it
    except (ZohoOutcomeUnknown, ZohoBadResponse):
        # Sent, and the answer was lost or garbled: never retried; the next attempt asks Zoho first.
        return _unknown(ctx, intent, invoice, shown)
    intents.finish(intent, "succeeded", payment_id=payment.payment_id)
    ctx.invalidate()
    return _result(intent, "succeeded", shown, number=invoice.invoice_number, payment_id=payment.payment_id)


def _check_same(intent: PaymentIntent, customer_id, invoice_id, amount, currency, card_id, batch_key) -> None:
    same = (intent.customer_id == customer_id and intent.invoice_id == invoice_id
            and Decimal(intent.amount) == amount and intent.currency == currency
            and intent.card_id == card_id and intent.batch_key == batch_key)
    if not same:
        # Never say whose it is or what it was for: the key may have been guessed or replayed.
        raise IntentMismatch("intent")


def _unknown(ctx: CustomerContext, intent, invoice, shown) -> PaymentResult:
    log.warning("payment outcome unknown", extra={"intent_id": intent.id})
    intents.finish(intent, "unknown", error="outcome_unknown")
    ctx.invalidate()
    return _result(intent, "unknown", shown, number=invoice.invoice_number)


def pay_all(ctx: CustomerContext, *, batch_key: str, shown: list[ShownInvoice], card_id: str | None) -> PayAllResult:
    """One charge per open invoice, oldest due first, each with its own intent; stop at the first failure.

    The list is re-read live first. A new batch asks the invoices policy (``ActionRefused`` when nothing
    is owed or there is no card to charge); when the list differs from what the page showed (an invoice
    paid or added meanwhile, an amount changed) nothing is charged and ``quote`` holds the new page —
    unless this batch was already started, in which case its stored results are shown.
    """
    if not isinstance(batch_key, str) or not INTENT_KEY.fullmatch(batch_key):
        raise InvalidIntent("batch key")
    started = intents.of_batch(batch_key)
    live = open_invoices(ctx)
    if not started:
        # A new batch asks the policy first: nothing owed, or no card to charge, is a refusal (a 303 back
        # with its sentence), before the form's list is even compared with Zoho's.
        card = card_for(ctx, live[0] if live else None)
        invoice_policy.decide_pay_all(live, ctx.actor, has_card=card is not None,
                                      card_declined=card is not None and card.declined).require()
    if not shown or len(shown) > 200 or len({s.invoice_id for s in shown}) != len(shown):
        raise InvalidIntent("invoices")
    shown_by_id = {s.invoice_id: s for s in shown}
    if any(intent.customer_id != ctx.customer_id for intent in started):
        raise IntentMismatch("batch")
    if started and {i.invoice_id for i in started} - set(shown_by_id):
        raise IntentMismatch("batch")
    live_by_id = {inv.invoice_id: inv for inv in live}
    if not started:
        same = set(live_by_id) == set(shown_by_id) and all(
            _same_money(live_by_id[i].balance, s.amount, s.currency) for i, s in shown_by_id.items())
        if not same:
            quote = quote_all(ctx)
            return PayAllResult(results=(), not_attempted=quote.invoices, quote=quote)
    # The order comes from Zoho's due dates (the form only says which invoices were confirmed).
    order = sorted(shown_by_id, key=lambda i: _due_key(live_by_id.get(i), i))
    results: list[PaymentResult] = []
    for invoice_id in order:
        item = shown_by_id[invoice_id]
        result = pay_invoice(ctx, invoice_id, intent_key=batch_intent_key(batch_key, invoice_id),
                             shown_amount=item.amount, shown_currency=item.currency, card_id=card_id,
                             batch_key=batch_key)
        results.append(result)
        if result.status != "succeeded":
            break
    rest = tuple(_quote_of(live_by_id[i]) for i in order[len(results):] if i in live_by_id)
    return PayAllResult(results=tuple(results), not_attempted=rest)


def batch_intent_key(batch_key: str, invoice_id: str) -> str:
    """Each invoice of a pay-all confirmation has its own intent, derived from the batch key and the invoice."""
    digest = hashlib.sha256(f"{batch_key}:{invoice_id}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:40]


# -- unknown outcomes ------------------------------------------------------------------------------------


def _reconcile_own(ctx: CustomerContext, intent: PaymentIntent, shown: Money) -> PaymentResult:
    """This intent's charge was sent but its answer was lost (or its worker died): ask Zoho, never charge."""
    if not intents.claim(intent, "unknown", stale_before=utcnow() - intents.STALE_PROCESSING):
        return _result(intents.get(intent.intent_key), "in_progress", shown)
    try:
        paid = _find_payment(ctx, intent)
    except (ZohoUnavailable, ZohoRateLimited):
        intents.finish(intent, "unknown", error="outcome_unknown")
        raise
    if paid is not None:
        intents.finish(intent, "succeeded", payment_id=paid or None, error="confirmed_later")
        ctx.invalidate()
        return _result(intents.get(intent.intent_key), "succeeded", shown)
    intents.finish(intent, "failed", error="not_charged")
    return _result(intents.get(intent.intent_key), "not_charged", shown)


def _reconcile_earlier(ctx: CustomerContext, invoice_id: str, *, exclude: str) -> list[PaymentIntent]:
    """Before a new charge: settle every earlier attempt at this invoice whose outcome is unknown.

    Returns those found to have been paid (so the caller does not charge again).
    """
    cutoff = utcnow() - intents.STALE_PROCESSING
    open_ones = [i for i in intents.for_invoice(ctx.customer_id, invoice_id) if i.intent_key != exclude
                 and (i.state == "unknown" or (i.state == "processing" and i.claimed_at and i.claimed_at < cutoff))]
    paid: list[PaymentIntent] = []
    for earlier in open_ones:
        if not intents.claim(earlier, "unknown", stale_before=cutoff):
            continue
        found = _find_payment(ctx, earlier)
        if found is not None:
            intents.finish(earlier, "succeeded", payment_id=found or None, error="confirmed_later")
            paid.append(intents.get(earlier.intent_key))
        else:
            intents.finish(earlier, "failed", error="not_charged")
    return paid


def _find_payment(ctx: CustomerContext, intent: PaymentIntent) -> str | None:
    """Whether ``intent``'s lost charge went through: the Zoho payment id ("" when paid but unnamed), or None.

    Re-reads the invoice and the customer's payments from Zoho. ``collect`` charges the whole balance,
    so an invoice that is still owed was not charged by it.
    """
    invoice = live_invoice(ctx, intent.invoice_id)
    if invoice_policy.is_owed(invoice):
        return None
    since = intent.created_at.date() - timedelta(days=1)
    recent = [p.payment_id for p in invoice.payments if p.date is None or p.date >= since]
    customer_payments = {row.transaction_id for row in ctx.zoho.payments.list_for_customer(ctx.customer_id).items}
    for payment_id in reversed(recent):
        if payment_id in customer_payments:
            return payment_id
    return ""


def _refused(ctx: CustomerContext, intent, invoice, error: ZohoValidationError, shown: Money) -> PaymentResult:
    code = error.code
    number = invoice.invoice_number
    if code == CODE_DECLINED or "declin" in (error.message or "").lower():
        intents.finish(intent, "failed", error="declined")
        ctx.invalidate()  # Zoho records the decline (dunning, events)
        return replace(_result(intent, "declined", shown, number=number),
                       subscription_id=invoice.subscription_ids[0] if invoice.subscription_ids else None)
    if code == CODE_NO_CARD:
        intents.finish(intent, "failed", error="no_card")
        return _result(intent, "no_card", shown, number=number)
    if code == CODE_NOT_ALLOWED:
        intents.finish(intent, "failed", error="already_paid")
        ctx.invalidate()
        return _result(intent, "already_paid", shown, number=number)
    log.warning("payment refused by zoho", extra={"intent_id": intent.id, "zoho_code": code})
    intents.finish(intent, "failed", error=f"refused_{code}"[:64])
    return _result(intent, "refused", shown, number=number)


def _stored_result(intent: PaymentIntent, shown: Money) -> PaymentResult:
    if intent.state == "succeeded":
        return _result(intent, "succeeded", shown, payment_id=intent.zoho_payment_id)
    status = {"declined": "declined", "already_paid": "already_paid", "no_card": "no_card",
              "not_charged": "not_charged", "amount_changed": "reconfirm_expired",
              "card_changed": "reconfirm_expired"}.get(intent.error or "", "refused")
    return _result(intent, status, shown)


def _result(intent, status, shown, *, number=None, payment_id=None, quote=None) -> PaymentResult:
    return PaymentResult(status=status, invoice_id=intent.invoice_id, invoice_number=number,
                         amount=Money(Decimal(intent.amount), intent.currency),
                         payment_id=payment_id or intent.zoho_payment_id, intent_key=intent.intent_key,
                         quote=quote, shown_amount=shown)


# -- Zoho reads --------------------------------------------------------------------------------------------


def live_invoice(ctx: CustomerContext, invoice_id: str):
    """The invoice straight from Zoho, after the ownership check on the customer's own invoice ids."""
    billing = ctx.billing
    if not isinstance(invoice_id, str) or billing.invoice_index().find(invoice_id) is None:
        # A brand-new invoice may be missing from a cached index: the billing read model looks once more.
        billing.invoice(invoice_id)  # NotOwned when it is not this customer's
    invoice = ctx.zoho.invoices.get(invoice_id)
    require_customer("invoice", invoice_id, invoice.customer_id, ctx.customer_id)
    return invoice


def open_invoices(ctx: CustomerContext) -> list:
    """Every invoice the customer owes, live from Zoho, oldest due first."""
    customer_id = ctx.customer_id
    rows = every_item(lambda page: ctx.zoho.invoices.list(customer_id=customer_id, status=invoice_policy.OPEN_FILTER,
                                                          page=page, per_page=OPEN_INVOICES_PER_PAGE))
    owed = [inv for inv in rows if inv.customer_id in (None, customer_id) and invoice_policy.is_owed(inv)]
    return sorted(owed, key=lambda inv: _due_key(inv, inv.invoice_id))


def _quote_of(invoice) -> InvoiceQuote:
    balance = Money(invoice.balance.amount.quantize(CENT), invoice.balance.currency)
    return InvoiceQuote(invoice_id=invoice.invoice_id, invoice_number=invoice.invoice_number,
                        due_date=invoice.due_date, amount=balance)


def _due_key(invoice, invoice_id: str):
    due = invoice.due_date if invoice is not None and invoice.due_date else date.max
    invoice_date = invoice.invoice_date if invoice is not None and invoice.invoice_date else date.max
    return (due, invoice_date, invoice_id)


def _totals(amounts: Iterable[Money]) -> tuple[Money, ...]:
    by_currency: dict[str, Decimal] = {}
    for money in amounts:
        by_currency[money.currency] = by_currency.get(money.currency, Decimal(0)) + money.amount
    return tuple(Money(total, cur) for cur, total in sorted(by_currency.items()))


def _same_money(live: Money | None, amount: str, currency: str) -> bool:
    try:
        return live is not None and live == Money(_parse_amount(amount), _parse_currency(currency))
    except InvalidIntent:
        return False


def _parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidIntent("amount") from None
    if not amount.is_finite() or amount <= 0 or amount > Decimal("1e12") or amount != amount.quantize(CENT):
        raise InvalidIntent("amount")
    return amount.quantize(CENT)


def _parse_currency(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise InvalidIntent("currency")
    return value
