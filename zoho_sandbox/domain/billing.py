"""Invoices, card charges, payments and credit notes, and the events they raise.

A payment or credit only ever changes the facts (an ``InvoicePayment``/``InvoiceCredit`` share);
balances and statuses are derived from them, so every endpoint sees the same numbers at once.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from . import errors, serialize
from .models import (
    Card, CreditApplication, CreditNote, CreditNoteItem, Customer, Invoice, InvoiceCredit, InvoiceItem,
    InvoicePayment, Payment, PaymentApplication, Tax,
)
from .money import ZERO, money

# Test cards: a card ending in 0002 is declined, like the gateways' own "declined" test numbers.
DECLINED_LAST_FOUR = frozenset({"0002"})
DECLINE_MESSAGE = "Payment failed: the card was declined by the payment gateway (test card ending in 0002)."
EXPIRED_MESSAGE = "Payment failed: the card has expired."


def card_problem(card: Card, today: date) -> str | None:
    """Why the gateway would refuse this card today, or None."""
    if card.last_four_digits in DECLINED_LAST_FOUR:
        return DECLINE_MESSAGE
    if (card.expiry_year, card.expiry_month) < (today.year, today.month):
        return EXPIRED_MESSAGE
    return None


def primary_card(store, customer_id: str) -> Card | None:
    """The customer's newest active card (Zoho charges the card linked to the subscription first)."""
    for card_id in reversed(store.customer_index(customer_id)["cards"]):
        card = store.cards.get(card_id)
        if card is not None and card.status == "active":
            return card
    return None


def create_invoice(store, customer: Customer, items: list[InvoiceItem], transaction_type: str, *,
                   subscription_id: str = "", invoice_date: date | None = None, coupon=None,
                   coupon_discount: Decimal = ZERO, emit: bool = True) -> Invoice:
    invoice_date = invoice_date or store.today()
    now = store.now()
    inv = Invoice(
        invoice_id=store.new_id(),
        number=store.next_invoice_number(),
        customer_id=customer.customer_id,
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=customer.payment_terms),
        currency_code=customer.currency_code,
        transaction_type=transaction_type,
        items=items,
        created_time=now,
        updated_time=now,
        subscription_id=subscription_id,
        coupon_code=coupon.coupon_code if coupon else "",
        coupon_name=coupon.name if coupon else "",
        coupon_discount=coupon_discount,
    )
    store.add_invoice(inv)
    if emit:
        store.emit("invoice_created", lambda: {"invoice": serialize.invoice(store, inv)})
    return inv


def new_item(store, code: str, name: str, description: str, price: Decimal, quantity: Decimal,
             discount: Decimal = ZERO, product_id: str = "", tax: Tax | None = None) -> InvoiceItem:
    return InvoiceItem(item_id=store.new_id(), code=code, name=name, description=description,
                       price=money(price), quantity=Decimal(quantity), discount_amount=money(discount),
                       product_id=product_id, **_tax_snapshot(tax))


def _tax_snapshot(tax: Tax | None) -> dict:
    if tax is None:
        return {}
    return {"tax_id": tax.tax_id, "tax_name": tax.tax_name, "tax_percentage": tax.tax_percentage}


def _gateway_reference(store, seed: str) -> str:
    return hashlib.sha1(f"{store.organization.organization_id}:{seed}".encode()).hexdigest()[:12].upper()


def record_payment(store, customer: Customer, amount: Decimal, invoices: list[Invoice], *, mode: str,
                   card: Card | None = None, description: str = "", reference_number: str = "",
                   payment_date: date | None = None, emit: bool = True) -> Payment:
    """A successful payment, applied to ``invoices`` in order up to each balance."""
    amount = money(amount)
    now = store.now()
    payment_id = store.new_id()
    remaining = amount
    applications: list[PaymentApplication] = []
    for inv in invoices:
        if remaining <= 0:
            break
        share = min(remaining, inv.balance)
        if share <= 0:
            continue
        invoice_payment_id = store.new_id()
        inv.payments.append(InvoicePayment(invoice_payment_id, payment_id, share))
        inv.updated_time = now
        applications.append(PaymentApplication(inv.invoice_id, invoice_payment_id, share))
        remaining -= share
    if remaining > 0:
        raise errors.invalid_field("amount")
    payment = Payment(
        payment_id=payment_id,
        customer_id=customer.customer_id,
        payment_mode=mode,
        amount=amount,
        date=payment_date or store.today(),
        currency_code=customer.currency_code,
        reference_number=reference_number or (invoices[0].number if invoices else ""),
        description=description or (f"Payment has been added to {invoices[0].number}" if invoices else ""),
        applications=applications,
        created_time=now,
        updated_time=now,
        card_id=card.card_id if card else "",
        payment_gateway=card.payment_gateway if card else "",
        gateway_transaction_id=_gateway_reference(store, payment_id) if card else "",
        autotransaction_id=store.new_id() if card else "",
    )
    store.add_payment(payment)
    if emit:
        def data() -> dict:
            body = {"payment": serialize.payment(store, payment)}
            if invoices:
                body["invoice"] = serialize.invoice(store, invoices[0])
            return body

        store.emit("payment_thankyou", data)
        for inv in invoices:
            after_invoice_settled(store, inv)
    return payment


def charge_invoice(store, inv: Invoice, card: Card | None, *, raise_on_decline: bool) -> Payment | None:
    """Charge the invoice's balance to ``card``. A decline raises ``payment_declined`` and, for API
    callers, a 400; time-driven charges (renewals, trial ends) get None and move to dunning."""
    if inv.is_void or inv.balance <= 0:
        raise errors.not_allowed("The invoice has already been paid." if not inv.is_void else "The invoice is void.")
    if card is None:
        raise errors.no_payment_method()
    amount = inv.balance
    problem = card_problem(card, store.today())
    if problem:
        store.emit("payment_declined", lambda: {
            "payment": serialize.declined_payment(store, inv, card, amount, problem),
            "invoice": serialize.invoice(store, inv),
        })
        if raise_on_decline:
            raise errors.payment_declined(problem)
        return None
    customer = store.customers[inv.customer_id]
    return record_payment(store, customer, amount, [inv], mode="autotransaction", card=card,
                          description=f"Payment has been made for the invoice {inv.number}")


def after_invoice_settled(store, inv: Invoice) -> None:
    """A paid invoice can bring a subscription out of dunning (Zoho: back to live)."""
    if inv.balance > 0 or not inv.subscription_id:
        return
    sub = store.subscriptions.get(inv.subscription_id)
    if sub is None or sub.status not in ("dunning", "unpaid", "trial_expired"):
        return
    from . import lifecycle

    if lifecycle.open_invoices(store, sub):
        return

    lifecycle.back_to_live(store, sub)


def create_credit_note(store, customer: Customer, items: list[CreditNoteItem], *, reference_number: str = "",
                       subscription_id: str = "", note_date: date | None = None, notes: str = "",
                       emit: bool = True) -> CreditNote:
    now = store.now()
    note = CreditNote(
        creditnote_id=store.new_id(),
        number=store.next_creditnote_number(),
        customer_id=customer.customer_id,
        date=note_date or store.today(),
        currency_code=customer.currency_code,
        items=items,
        created_time=now,
        updated_time=now,
        reference_number=reference_number,
        subscription_id=subscription_id,
        notes=notes,
    )
    store.add_creditnote(note)
    if emit:
        store.emit("creditnote_added", lambda: {"creditnote": serialize.creditnote(store, note)})
    return note


def credit_item(store, code: str, name: str, description: str, amount: Decimal,
                tax: Tax | None = None) -> CreditNoteItem:
    return CreditNoteItem(item_id=store.new_id(), code=code, name=name, description=description,
                          price=money(amount), quantity=Decimal(1), **_tax_snapshot(tax))


def apply_credit(store, note: CreditNote, inv: Invoice, amount: Decimal | None = None) -> Decimal:
    """Apply up to ``amount`` (default: as much as possible) of the note's balance to the invoice."""
    amount = min(note.balance, inv.balance) if amount is None else money(amount)
    if amount <= 0:
        return ZERO
    if amount > note.balance or amount > inv.balance:
        raise errors.invalid_field("amount_applied")
    today = store.today()
    note.applications.append(CreditApplication(inv.invoice_id, amount, today))
    inv.credits.append(InvoiceCredit(note.creditnote_id, amount, today))
    note.updated_time = inv.updated_time = store.now()
    after_invoice_settled(store, inv)
    return amount


def apply_open_credits(store, inv: Invoice) -> None:
    """Zoho applies a customer's unused credits to new subscription invoices automatically."""
    for note in store.customer_objects(inv.customer_id, "creditnotes", store.creditnotes):
        if inv.balance <= 0:
            break
        if note.balance > 0 and note.currency_code == inv.currency_code:
            apply_credit(store, note, inv)
