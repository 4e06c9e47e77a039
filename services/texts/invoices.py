"""What customers read about invoices, payments and credit notes."""
from __future__ import annotations

from services.texts import _, _l

# Invoice states.
PAID = _l("Paid")
UNPAID = _l("Unpaid")
OVERDUE = _l("Overdue")
PARTLY_PAID = _l("Partly paid")
VOID = _l("Void")
DRAFT = _l("Draft")
PENDING = _l("Pending")
WRITTEN_OFF = _l("Written off")

# Payment states.
PAYMENT_RECEIVED = _l("Received")
PAYMENT_FAILED = _l("Failed")
PAYMENT_REFUNDED = _l("Refunded")
PAYMENT_PENDING = _l("Pending")

# Credit note states.
CREDIT_AVAILABLE = _l("Available")
CREDIT_USED = _l("Used")

# How a payment was made.
MODE_CARD_AUTOMATIC = _l("Card (automatic)")
MODE_CARD = _l("Card")
MODE_BANK_TRANSFER = _l("Bank transfer")
MODE_BANK_REMITTANCE = _l("Bank remittance")
MODE_ACH = _l("Bank debit (ACH)")
MODE_CHEQUE = _l("Cheque")
MODE_CASH = _l("Cash")
MODE_PAYPAL = _l("PayPal")
MODE_OTHER = _l("Other")
PAYMENT_MODE_UNKNOWN = _l("Payment")

BUTTON_PAY = _l("Pay now")
BUTTON_PAY_ALL = _l("Pay all")

REFUSED_PAY_NOTHING_DUE = _l("There is nothing left to pay on this invoice.")
REFUSED_PAY_NO_CARD = _l("There is no card on file. Add a card, or pay on the secure payment page.")
REFUSED_PAY_ALL_NOTHING_DUE = _l("You have no open invoices to pay.")
REFUSED_PAY_ALL_NO_CARD = _l("There is no card on file to pay with. Add a card first.")

# The invoice list's tabs, and what each says when it is empty.
TAB_ALL = _l("All")
TAB_UNPAID = _l("Unpaid")
TAB_OVERDUE = _l("Overdue")
TAB_PAID = _l("Paid")
TAB_VOID = _l("Void")
EMPTY_ALL_TITLE = _l("No invoices yet")
EMPTY_ALL_TEXT = _l("When we bill you, your invoices will show here.")
EMPTY_UNPAID_TITLE = _l("Nothing to pay")
EMPTY_UNPAID_TEXT = _l("You have no unpaid invoices. Thank you!")
EMPTY_OVERDUE_TITLE = _l("Nothing overdue")
EMPTY_OVERDUE_TEXT = _l("None of your invoices is past its due date.")
EMPTY_PAID_TITLE = _l("No paid invoices yet")
EMPTY_PAID_TEXT = _l("Invoices you've paid will show here.")
EMPTY_VOID_TITLE = _l("No void invoices")
EMPTY_VOID_TEXT = _l("Invoices we cancel are marked void and show here.")

# Lines of a statement of account.
_STATEMENT_KINDS = {"invoice": _l("Invoice"), "payment": _l("Payment"), "credit_note": _l("Credit note")}


def statement_line(kind: str, number: str | None) -> str:
    label = _STATEMENT_KINDS[kind]
    return _("%(document)s %(number)s", document=label, number=number) if number else label
