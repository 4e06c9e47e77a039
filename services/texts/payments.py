"""What customers read when they pay."""
from __future__ import annotations

from services.texts import _, _l

ALL_PAID = _l("All your open invoices are paid. Thank you!")
PASSWORD_WRONG = _l("That password isn't right. Please try again.")
PASSWORD_CONFIRMED = _l("Thanks — you can continue.")

# The receipt PDF.
RECEIPT_TITLE = _l("Payment receipt")
RECEIPT_FROM = _l("From")
RECEIPT_TO = _l("To")
RECEIPT_PAID_WITH = _l("Paid with")
RECEIPT_DATE = _l("Payment date")
RECEIPT_AMOUNT = _l("Amount")
RECEIPT_REFERENCE = _l("Reference")
RECEIPT_INVOICES = _l("Invoices this payment paid")
RECEIPT_HELD_AS_CREDIT = _l("Held as credit on your account")
RECEIPT_COLUMNS = (_l("Invoice"), _l("Invoice date"), _l("Invoice total"), _l("Paid"))


def received(amount: str, day: str) -> str:
    return _("%(amount)s received on %(day)s", amount=amount, day=day)


def card_ending(method: str, last_four: str) -> str:
    return _("%(method)s, card ending %(last_four)s", method=method, last_four=last_four)
