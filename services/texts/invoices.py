"""What customers read about invoices, payments and credit notes."""
from __future__ import annotations

from datetime import date

from services.formatting import format_money
from services.texts import _, _l, ngettext
from zoho_client.models import Money

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
REFUSED_PAY_CARD_DECLINED = _l("Your card on file was declined. Update your card, or pay with another card on the "
                               "secure payment page.")

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


# The statement of account as a PDF (services/statement_pdf.py).
STATEMENT_TITLE = _l("Statement of account")
STATEMENT_COLUMNS = (_l("Date"), _l("Transaction"), _l("Charged"), _l("Paid or credited"), _l("Balance"))
OPENING_BALANCE = _l("Opening balance")
CLOSING_BALANCE = _l("Closing balance")


def statement_period(start: str, end: str) -> str:
    return _("%(start)s to %(end)s", start=start, end=end)


def amounts_in(currency: str) -> str:
    return _("Amounts in %(currency)s", currency=currency)


def statement_totals(invoiced: str, paid: str, credited: str) -> str:
    return _("Invoiced %(invoiced)s · paid %(paid)s · credited %(credited)s", invoiced=invoiced, paid=paid,
             credited=credited)


def page_number(number: int) -> str:
    return _("Page %(page)s", page=number)


def statement_line(kind: str, number: str | None) -> str:
    label = _STATEMENT_KINDS[kind]
    return _("%(document)s %(number)s", document=label, number=number) if number else str(label)


def balance(amount: Money | None, locale: str | None = None) -> str:
    """A balance on a statement: what is owed, or ``$10.00 in credit`` when the customer is ahead."""
    if amount is not None and amount.amount < 0:
        return _("%(amount)s in credit", amount=format_money(Money(-amount.amount, amount.currency), locale))
    return format_money(amount, locale)


def due_when(due: date, today: date) -> str:
    """How far a due date is from today (the organization's calendar day)."""
    days = (due - today).days
    if days > 0:
        return ngettext("due in %(count)s day", "due in %(count)s days", days)
    if days == 0:
        return _("due today")
    return ngettext("%(count)s day overdue", "%(count)s days overdue", -days)
