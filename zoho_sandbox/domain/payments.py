"""Payments recorded, changed and deleted through the API (payments.yml), and their refunds
(refunds.yml). A payment's amount is split into its shares of invoices and its excess (the
customer's credit); a refund comes out of the excess first and goes through a credit note for the
rest, as refunds.yml describes ("a new credit note is created for the amount to be refunded").
"""
from __future__ import annotations

from decimal import Decimal

from . import activities, billing, custom_fields, errors, fields
from .models import CreditNote, CreditNoteRefund, Customer, Invoice, Payment, PaymentRefund, Refund
from .money import ZERO

# Offline modes a client may record. ``autotransaction`` is what charging a card records
# (POST /invoices/{id}/collect, hosted pages); it cannot be typed in.
OFFLINE_MODES = ("check", "cash", "creditcard", "banktransfer", "bankremittance", "others")
REFUND_MODES = OFFLINE_MODES + ("autotransaction",)


def _mode(body: dict, allowed: tuple[str, ...], default: str = "") -> str:
    mode = fields.text(body, "payment_mode").strip().lower() or default
    if not mode:
        raise errors.missing_field("payment_mode")
    if mode not in allowed:
        raise errors.invalid_field("payment_mode")
    return mode


def _amount(body: dict, name: str = "amount", default: Decimal | None = None) -> Decimal:
    amount = fields.money(body, name, default)
    if amount is None:
        raise errors.missing_field(name)
    if amount <= 0:
        raise errors.invalid_field(name)
    return amount


def shares_of(store, customer: Customer, entries: list[dict], payment: Payment | None = None) -> list[tuple[Invoice, Decimal]]:
    """``invoices[{invoice_id, amount_applied}]`` checked against each invoice's balance (plus what
    ``payment`` already pays of it, when the payment is being changed)."""
    shares, seen = [], set()
    for entry in entries:
        invoice_id = fields.required_ident(entry, "invoice_id")
        inv = store.get_invoice(invoice_id)
        if inv.customer_id != customer.customer_id or inv.is_void or invoice_id in seen:
            raise errors.invalid_field("invoice_id")
        seen.add(invoice_id)
        already = sum((p.amount for p in inv.payments if payment and p.payment_id == payment.payment_id), ZERO)
        share = _amount(entry, "amount_applied")
        if share > inv.balance + already:
            raise errors.invalid_field("amount_applied")
        shares.append((inv, share))
    return shares


def create(store, body: dict) -> Payment:
    customer_id = fields.required_ident(body, "customer_id")
    customer = store.get_customer(customer_id)
    mode = _mode(body, OFFLINE_MODES)
    amount = _amount(body)
    shares = shares_of(store, customer, fields.objects(body, "invoices"))
    if sum((share for _, share in shares), ZERO) > amount:
        raise errors.invalid_field("amount")
    return billing.new_payment(
        store, customer, amount, shares, mode=mode, description=fields.text(body, "description"),
        reference_number=fields.text(body, "reference_number"), payment_date=fields.day(body, "date"),
        bank_charges=fields.money(body, "bank_charges", ZERO), custom_fields=custom_fields.as_sent(body.get("custom_fields")))


def update(store, payment: Payment, body: dict) -> Payment:
    """PUT /payments/{id}: the fields sent replace the payment's, ``invoices`` its shares. A card
    payment's amount and mode are what the gateway charged and cannot change."""
    customer_id = fields.ident(body, "customer_id")
    if customer_id and customer_id != payment.customer_id:
        raise errors.invalid_field("customer_id")
    customer = store.customers[payment.customer_id]
    online = payment.payment_mode == "autotransaction"
    mode = _mode(body, REFUND_MODES if online else OFFLINE_MODES, payment.payment_mode)
    amount = _amount(body, default=payment.amount)
    if online and (mode != payment.payment_mode or amount != payment.amount):
        raise errors.not_allowed("The amount and mode of an online payment cannot be changed.")
    if "invoices" in body:
        shares = shares_of(store, customer, fields.objects(body, "invoices"), payment)
    else:
        shares = [(store.invoices[a.invoice_id], a.amount_applied) for a in payment.applications]
    refunded_from_excess = sum((r.from_excess for r in payment.refunds), ZERO)
    if amount < sum((share for _, share in shares), ZERO) + refunded_from_excess or amount < payment.amount_refunded:
        raise errors.invalid_field("amount")
    payment.payment_mode, payment.amount = mode, amount
    payment.date = fields.day(body, "date") or payment.date
    payment.reference_number = fields.text(body, "reference_number", payment.reference_number)
    payment.description = fields.text(body, "description", payment.description)
    payment.bank_charges = fields.money(body, "bank_charges", payment.bank_charges)
    if "custom_fields" in body:
        payment.custom_fields = custom_fields.as_sent(body["custom_fields"])
    if "invoices" in body:
        billing.replace_shares(store, payment, shares)
    payment.updated_time = store.now()
    return payment


def delete(store, payment: Payment) -> None:
    """Deleting a payment reopens what it paid. A refunded payment keeps its history: refused."""
    if payment.refunds:
        raise errors.not_allowed("The payment has refunds and cannot be deleted.")
    for application in list(payment.applications):
        inv = store.invoices[application.invoice_id]
        billing.remove_payment_share(store, inv, application.invoice_payment_id)
        activities.record(store, activities.of_subscription(store, inv.subscription_id),
                          f"Payment of {inv.currency_code} {application.amount_applied:.2f} deleted for {inv.number}")
    store.forget("payments", store.payments, payment.payment_id, payment.customer_id)


# ---- refunds ------------------------------------------------------------------------------------

def _refund(store, customer_id: str, amount: Decimal, body: dict, *, mode: str, currency_code: str,
            reference_number: str, card_id: str = "", payment_gateway: str = "", **links) -> Refund:
    now = store.now()
    refund_id = store.new_id()
    online = mode == "autotransaction"
    refund = Refund(refund_id, customer_id, amount, fields.day(body, "date") or store.today(), mode, currency_code,
                    fields.text(body, "description"), fields.text(body, "reference_number") or reference_number, now,
                    card_id=card_id if online else "", payment_gateway=payment_gateway if online else "",
                    gateway_transaction_id=billing.gateway_reference(store, refund_id) if online else "",
                    autotransaction_id=store.new_id() if online else "", **links)
    return store.add_refund(refund)


def refund_payment(store, payment: Payment, body: dict) -> Refund:
    amount = _amount(body)
    if amount > payment.amount - payment.amount_refunded:
        raise errors.invalid_field("amount")
    from_excess = min(amount, payment.unused)
    through_note = amount - from_excess
    customer = store.customers[payment.customer_id]
    note = None
    if through_note > 0:
        note = billing.create_credit_note(
            store, customer, [billing.credit_item(store, "refund", "Refund",
                                                  f"Refund of payment {payment.reference_number or payment.payment_id}",
                                                  through_note)],
            reference_number=payment.reference_number, notes=fields.text(body, "description"))
    refund = _refund(store, customer.customer_id, amount, body, mode=payment.payment_mode,
                     currency_code=payment.currency_code, reference_number=payment.reference_number,
                     card_id=payment.card_id, payment_gateway=payment.payment_gateway,
                     payment_id=payment.payment_id, creditnote_id=note.creditnote_id if note else "")
    if note is not None:
        note.refunds.append(CreditNoteRefund(refund.refund_id, through_note))
    payment.refunds.append(PaymentRefund(refund.refund_id, amount, from_excess))
    payment.updated_time = store.now()
    _refunded(store, refund)
    return refund


def refund_creditnote(store, note: CreditNote, body: dict) -> Refund:
    amount = _amount(body)
    if note.is_void or amount > note.balance:
        raise errors.invalid_field("amount")
    mode = fields.text(body, "refund_mode").strip().lower() or "cash"
    if mode not in REFUND_MODES:
        raise errors.invalid_field("refund_mode")
    card = billing.primary_card(store, note.customer_id) if mode == "autotransaction" else None
    if mode == "autotransaction" and card is None:
        raise errors.no_payment_method()
    refund = _refund(store, note.customer_id, amount, body, mode=mode, currency_code=note.currency_code,
                     reference_number=note.number, card_id=card.card_id if card else "",
                     payment_gateway=card.payment_gateway if card else "", creditnote_id=note.creditnote_id)
    note.refunds.append(CreditNoteRefund(refund.refund_id, amount))
    note.updated_time = store.now()
    _refunded(store, refund)
    return refund


def _refunded(store, refund: Refund) -> None:
    from . import serialize

    store.emit("payment_refunded", lambda: {"refund": serialize.refund(store, refund)})
