"""Invoices, card charges, payments and credit notes, and the events they raise.

A payment or credit only ever changes the facts (an ``InvoicePayment``/``InvoiceCredit`` share);
balances and statuses are derived from them, so every endpoint sees the same numbers at once.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from . import activities, errors, serialize
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
    activities.record(store, activities.of_subscription(store, subscription_id), f"Invoice created - {inv.number}")
    if emit:
        store.emit("invoice_created", lambda: {"invoice": serialize.invoice(store, inv)})
    return inv


def new_item(store, code: str, name: str, description: str, price: Decimal, quantity: Decimal,
             discount: Decimal = ZERO, product_id: str = "", tax: Tax | None = None) -> InvoiceItem:
    return InvoiceItem(item_id=store.new_id(), code=code, name=name, description=description,
                       price=money(price), quantity=Decimal(quantity), discount_amount=money(discount),
                       product_id=product_id, **_tax_snapshot(tax))


def items_from(store, lines, product_id: str = "") -> list[InvoiceItem]:
    """Invoice items for priced lines (``pricing.Line``), in order."""
    return [new_item(store, line.code, line.name, line.description, line.price, line.quantity, line.discount,
                     product_id=product_id, tax=line.tax) for line in lines]


def _tax_snapshot(tax: Tax | None) -> dict:
    if tax is None:
        return {}
    return {"tax_id": tax.tax_id, "tax_name": tax.tax_name, "tax_percentage": tax.tax_percentage}


def gateway_reference(store, seed: str) -> str:
    return hashlib.sha1(f"{store.organization.organization_id}:{seed}".encode()).hexdigest()[:12].upper()


def record_payment(store, customer: Customer, amount: Decimal, invoices: list[Invoice], *, mode: str,
                   card: Card | None = None, description: str = "", reference_number: str = "",
                   payment_date: date | None = None) -> Payment:
    """A successful payment of exactly what it pays: applied to ``invoices`` in order up to each balance."""
    amount = money(amount)
    shares, remaining = [], amount
    for inv in invoices:
        share = min(remaining, inv.balance)
        if share > 0:
            shares.append((inv, share))
            remaining -= share
    if remaining > 0:
        raise errors.invalid_field("amount")
    return new_payment(store, customer, amount, shares, mode=mode, card=card, description=description,
                       reference_number=reference_number, payment_date=payment_date)


def new_payment(store, customer: Customer, amount: Decimal, shares: list[tuple[Invoice, Decimal]], *, mode: str,
                card: Card | None = None, description: str = "", reference_number: str = "",
                payment_date: date | None = None, bank_charges: Decimal = ZERO,
                custom_fields: list[dict] | None = None) -> Payment:
    """Record a successful payment of ``amount`` with its ``shares`` of invoices (checked by the
    caller); what no invoice takes is the payment's excess, the customer's credit."""
    now = store.now()
    payment_id = store.new_id()
    applications = [_apply_share(store, payment_id, inv, share, now) for inv, share in shares]
    first = shares[0][0] if shares else None
    payment = Payment(
        payment_id=payment_id,
        customer_id=customer.customer_id,
        payment_mode=mode,
        amount=amount,
        date=payment_date or store.today(),
        currency_code=customer.currency_code,
        reference_number=reference_number or (first.number if first else ""),
        description=description or (f"Payment has been added to {first.number}" if first else ""),
        applications=applications,
        created_time=now,
        updated_time=now,
        card_id=card.card_id if card else "",
        payment_gateway=card.payment_gateway if card else "",
        gateway_transaction_id=gateway_reference(store, payment_id) if card else "",
        autotransaction_id=store.new_id() if card else "",
        bank_charges=bank_charges,
        custom_fields=custom_fields or [],
    )
    store.add_payment(payment)

    def data() -> dict:
        body = {"payment": serialize.payment(store, payment)}
        if first is not None:
            body["invoice"] = serialize.invoice(store, first)
        return body

    store.emit("payment_thankyou", data)
    for inv, _ in shares:
        after_invoice_settled(store, inv)
    return payment


def _apply_share(store, payment_id: str, inv: Invoice, share: Decimal, now) -> PaymentApplication:
    """Put ``share`` of a payment on an invoice (both sides of the fact). Paying a draft sends it."""
    invoice_payment_id = store.new_id()
    inv.payments.append(InvoicePayment(invoice_payment_id, payment_id, share))
    inv.is_draft = False
    inv.updated_time = now
    activities.record(store, activities.of_subscription(store, inv.subscription_id),
                      f"Payment of {inv.currency_code} {share:.2f} received for {inv.number}")
    return PaymentApplication(inv.invoice_id, invoice_payment_id, share)


def apply_payment(store, payment: Payment, inv: Invoice, amount: Decimal) -> PaymentApplication:
    """Apply ``amount`` of a payment's excess to an invoice."""
    if amount <= 0 or amount > payment.unused or amount > inv.balance:
        raise errors.invalid_field("amount_applied")
    application = _apply_share(store, payment.payment_id, inv, amount, store.now())
    payment.applications.append(application)
    payment.updated_time = store.now()
    after_invoice_settled(store, inv)
    return application


def replace_shares(store, payment: Payment, shares: list[tuple[Invoice, Decimal]]) -> None:
    """Re-apply a payment: its old shares come off their invoices, the new ones go on."""
    touched = {a.invoice_id: store.invoices[a.invoice_id] for a in payment.applications}
    for application in list(payment.applications):
        remove_payment_share(store, store.invoices[application.invoice_id], application.invoice_payment_id)
    now = store.now()
    payment.applications = [_apply_share(store, payment.payment_id, inv, share, now) for inv, share in shares]
    touched.update({inv.invoice_id: inv for inv, _ in shares})
    for inv in touched.values():
        after_invoice_settled(store, inv)


def remove_payment_share(store, inv: Invoice, invoice_payment_id: str) -> None:
    """Take a payment's share off an invoice: the invoice owes it again, the payment keeps it as excess."""
    share = next((p for p in inv.payments if p.invoice_payment_id == invoice_payment_id), None)
    if share is None:
        raise errors.invalid_field("invoice_payment_id")
    payment = store.payments[share.payment_id]
    inv.payments.remove(share)
    payment.applications = [a for a in payment.applications if a.invoice_payment_id != invoice_payment_id]
    inv.updated_time = payment.updated_time = store.now()


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
        activities.record(store, activities.of_subscription(store, inv.subscription_id),
                          f"Payment of {inv.currency_code} {amount:.2f} declined for {inv.number}")
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
        announce_credit_note(store, note)
    return note


def announce_credit_note(store, note: CreditNote) -> None:
    store.emit("creditnote_added", lambda: {"creditnote": serialize.creditnote(store, note)})


def credit_item(store, code: str, name: str, description: str, amount: Decimal,
                tax: Tax | None = None) -> CreditNoteItem:
    return CreditNoteItem(item_id=store.new_id(), code=code, name=name, description=description,
                          price=money(amount), quantity=Decimal(1), **_tax_snapshot(tax))


def apply_credit(store, note: CreditNote, inv: Invoice, amount: Decimal | None = None) -> InvoiceCredit | None:
    """Apply up to ``amount`` (default: as much as possible) of the note's balance to the invoice;
    the credit's share of the invoice, or None when there was nothing to apply."""
    check_credit_target(note, inv)
    amount = min(note.balance, inv.balance) if amount is None else money(amount)
    if amount <= 0:
        return None
    if amount > note.balance or amount > inv.balance:
        raise errors.invalid_field("amount_applied")
    today = store.today()
    link_id = store.link_ids.next()
    note.applications.append(CreditApplication(inv.invoice_id, amount, today, link_id))
    credit = InvoiceCredit(note.creditnote_id, amount, today, link_id)
    inv.credits.append(credit)
    note.updated_time = inv.updated_time = store.now()
    after_invoice_settled(store, inv)
    return credit


def check_credit_target(note: CreditNote, inv: Invoice) -> None:
    if note.customer_id != inv.customer_id or note.currency_code != inv.currency_code:
        raise errors.not_allowed("Credits can only be applied to invoices of the same customer and currency.")
    if inv.is_void or inv.is_draft or note.is_void:
        raise errors.not_allowed("Credits can only be applied from an open credit note to an open invoice.")


def remove_credit_share(store, inv: Invoice, creditnote_invoice_id: str) -> None:
    """Take an applied credit off an invoice: the invoice owes it again, the credit note has it back."""
    credit = next((c for c in inv.credits if c.creditnote_invoice_id == creditnote_invoice_id), None)
    if credit is None:
        raise errors.invalid_field("creditnote_invoice_id")
    note = store.creditnotes[credit.creditnote_id]
    inv.credits.remove(credit)
    note.applications = [a for a in note.applications if a.creditnote_invoice_id != creditnote_invoice_id]
    inv.updated_time = note.updated_time = store.now()


def apply_open_credits(store, inv: Invoice) -> None:
    """Zoho applies a customer's unused credits (open credit notes, then excess payments) to new
    subscription invoices automatically."""
    for note in store.customer_objects(inv.customer_id, "creditnotes", store.creditnotes):
        if inv.balance <= 0:
            return
        if note.balance > 0 and note.currency_code == inv.currency_code:
            apply_credit(store, note, inv)
    for payment in store.customer_objects(inv.customer_id, "payments", store.payments):
        if inv.balance <= 0:
            return
        if payment.unused > 0 and payment.currency_code == inv.currency_code:
            apply_payment(store, payment, inv, min(payment.unused, inv.balance))
