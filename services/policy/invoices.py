"""Invoices, payments and credit notes: Zoho's states, what is owed, what may be paid.

Invoice statuses: ``draft`` (never shown to the customer), ``sent``/``viewed``/``unpaid`` (open),
``overdue``, ``partially_paid``, ``paid``, ``void``, and ``written_off``. A payment is ``success``,
``failure``/``failed``, ``refunded`` or ``pending``; a credit note ``open`` (credit left),
``closed`` (used up), ``void`` or ``draft``. This module is the only place outside the Zoho client
that names them.

"Owed" has one meaning everywhere (Home's outstanding tile, the unpaid list, pay, pay all, the
statement): an open, overdue or partly paid invoice with a balance above zero.
"""
from __future__ import annotations

from typing import Iterable

from zoho_client.models import Money

from services.actors import Actor
from services.policy import Action, Decision, StatusView, decide as _decide
from services.texts import common, invoices as words

PAID, SENT, VIEWED, UNPAID, OVERDUE = "paid", "sent", "viewed", "unpaid", "overdue"
PARTIALLY_PAID, VOID, DRAFT, PENDING, WRITTEN_OFF = "partially_paid", "void", "draft", "pending", "written_off"

PAYABLE = frozenset({SENT, VIEWED, UNPAID, OVERDUE, PARTIALLY_PAID})
HIDDEN = frozenset({DRAFT})
OFF_THE_BOOKS = frozenset({VOID, DRAFT})  # they move no money on a statement

# The invoice list's tabs → Zoho's list filter (``filter_by=Status.<value>``).
LIST_FILTERS = {"all": "All", "unpaid": "Unpaid", "overdue": "OverDue", "paid": "Paid", "void": "Void"}
OPEN_FILTER = LIST_FILTERS["unpaid"]

PAYMENT_FAILED_STATES = frozenset({"failure", "failed", "void"})
CREDIT_NOTE_VOID_STATES = frozenset({"void", "draft"})

_INVOICE_VIEWS = {
    PAID: (words.PAID, "success"),
    SENT: (words.UNPAID, "warning"),
    VIEWED: (words.UNPAID, "warning"),
    UNPAID: (words.UNPAID, "warning"),
    OVERDUE: (words.OVERDUE, "danger"),
    PARTIALLY_PAID: (words.PARTLY_PAID, "warning"),
    VOID: (words.VOID, "neutral"),
    DRAFT: (words.DRAFT, "neutral"),
    PENDING: (words.PENDING, "info"),
    WRITTEN_OFF: (words.WRITTEN_OFF, "neutral"),
}
_PAYMENT_VIEWS = {
    "success": (words.PAYMENT_RECEIVED, "success"),
    "failure": (words.PAYMENT_FAILED, "danger"),
    "failed": (words.PAYMENT_FAILED, "danger"),
    "refunded": (words.PAYMENT_REFUNDED, "neutral"),
    "pending": (words.PAYMENT_PENDING, "info"),
    "void": (words.VOID, "neutral"),
}
_CREDIT_NOTE_VIEWS = {
    "open": (words.CREDIT_AVAILABLE, "success"),
    "closed": (words.CREDIT_USED, "neutral"),
    "void": (words.VOID, "neutral"),
    "draft": (words.DRAFT, "neutral"),
}
_PAYMENT_MODES = {
    "autotransaction": words.MODE_CARD,
    "creditcard": words.MODE_CARD,
    "card": words.MODE_CARD,
    "banktransfer": words.MODE_BANK_TRANSFER,
    "bankremittance": words.MODE_BANK_REMITTANCE,
    "ach": words.MODE_ACH,
    "check": words.MODE_CHEQUE,
    "cash": words.MODE_CASH,
    "paypal": words.MODE_PAYPAL,
    "others": words.MODE_OTHER,
}


def _view(table, status: str | None) -> StatusView:
    label, tone = table.get((status or "").strip().lower(), (common.UNKNOWN_STATUS, "neutral"))
    return StatusView(label, tone, "")


def invoice_status(invoice) -> StatusView:
    return _view(_INVOICE_VIEWS, getattr(invoice, "status", invoice))


def payment_status(payment) -> StatusView:
    return _view(_PAYMENT_VIEWS, getattr(payment, "status", payment))


def credit_note_status(note) -> StatusView:
    return _view(_CREDIT_NOTE_VIEWS, getattr(note, "status", note))


def payment_mode_label(mode: str | None) -> str:
    return _PAYMENT_MODES.get((mode or "").strip().lower().replace(" ", ""), words.PAYMENT_MODE_UNKNOWN)


def is_shown(invoice) -> bool:
    """Drafts are the merchant's work in progress: the customer never sees them."""
    return invoice.status not in HIDDEN


def is_owed(invoice) -> bool:
    balance: Money | None = invoice.balance
    return invoice.status in PAYABLE and balance is not None and balance.amount > 0


def moves_balance(invoice) -> bool:
    """Whether the invoice counts on a statement of account."""
    return invoice.status not in OFF_THE_BOOKS


def payment_counts(transaction) -> bool:
    """Whether a payment row moves money (a failed or voided one does not)."""
    return (transaction.status or "") not in PAYMENT_FAILED_STATES


def credit_note_counts(note) -> bool:
    """Whether a credit note (or its transaction row) gives credit (a void or draft one does not)."""
    return (note.status or "") not in CREDIT_NOTE_VOID_STATES


def decide_pay(invoice, actor: Actor, *, has_card: bool, card_declined: bool = False) -> dict[Action, Decision]:
    """Paying one invoice: with the card on file, or on the secure payment page. ``card_declined``:
    the card on file is the one a payment of this invoice's subscription was just declined on, so it
    is not offered again (a new card is: updating the card pays what is owed)."""
    owed = is_owed(invoice)
    refusal = _card_refusal(owed, card_declined, words.REFUSED_PAY_NOTHING_DUE, words.REFUSED_PAY_NO_CARD)
    return {
        Action.PAY_INVOICE: _decide(Action.PAY_INVOICE, actor, owed and has_card and not card_declined, refusal),
        Action.PAY_ON_PAYMENT_PAGE: _decide(Action.PAY_ON_PAYMENT_PAGE, actor, owed, words.REFUSED_PAY_NOTHING_DUE),
    }


def decide_pay_all(invoices: Iterable, actor: Actor, *, has_card: bool, card_declined: bool = False) -> Decision:
    owed = any(is_owed(invoice) for invoice in invoices)
    refusal = _card_refusal(owed, card_declined, words.REFUSED_PAY_ALL_NOTHING_DUE, words.REFUSED_PAY_ALL_NO_CARD)
    return _decide(Action.PAY_ALL, actor, owed and has_card and not card_declined, refusal)


def _card_refusal(owed: bool, card_declined: bool, nothing_due, no_card):
    """Why paying with the card on file is refused, when it is: nothing owed, the card was just
    declined, or there is no card."""
    if not owed:
        return nothing_due
    return words.REFUSED_PAY_CARD_DECLINED if card_declined else no_card
