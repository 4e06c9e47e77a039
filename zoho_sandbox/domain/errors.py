"""Zoho-looking refusals the shared documents have no recorded code for, in one place.

Recorded/documented codes (3004, 101002, 102001, 2006, 1002, 2, 1038) are used where they belong, and
so are codes Zoho documents for its Invoice/Books API on the same platform (1001 "already exists";
3010, 4001, 12008 for invoices with payments or credits; 102028 for items of an invoice that is not
pending, seen in a Zoho community thread about Billing itself).
The codes below are the sandbox's choices (docs/sandbox-seed.md lists them as such): clients should
key on the HTTP status and show ``message``; these numbers only have to be stable.
"""
from __future__ import annotations

from ..core import ApiError

INVALID_PARAMETER = 2     # bad query parameter value (filter_by, sort_column, per_page) - Books' code
INVALID_FIELD = 4         # missing or invalid body field
NOT_ALLOWED_NOW = 1003    # the object's state forbids the action (reactivate a live subscription ...)
NO_PAYMENT_METHOD = 1004  # collect with no card on file
PAYMENT_DECLINED = 1005   # the gateway declined the card


ALREADY_EXISTS = 1001     # a number or code that must be unique is taken (SPEC: "number already exists")
CUSTOMER_HAS_PAYMENTS = 3010   # Zoho Invoice: the customer of an invoice with payments cannot change
INVOICE_HAS_PAYMENTS = 4001    # Zoho Invoice: an invoice with payments cannot be deleted
INVOICE_HAS_CREDITS = 12008    # Zoho Invoice: an invoice with credits applied cannot be deleted
ITEMS_NOT_EDITABLE = 102028    # Billing: items of a non-pending invoice cannot be modified


def refusal(code: int, message: str) -> ApiError:
    """A 400 with one of the documented codes above."""
    return ApiError(400, code, message)


def already_exists(message: str) -> ApiError:
    return ApiError(400, ALREADY_EXISTS, message)


def invalid_parameter(name: str, value: str) -> ApiError:
    return ApiError(400, INVALID_PARAMETER, f"Invalid value passed for {name}")


def missing_field(name: str) -> ApiError:
    return ApiError(400, INVALID_FIELD, f"Please enter a value for {name}.")


def invalid_field(name: str) -> ApiError:
    return ApiError(400, INVALID_FIELD, f"Invalid value passed for {name}.")


def not_allowed(message: str) -> ApiError:
    return ApiError(400, NOT_ALLOWED_NOW, message)


def no_payment_method() -> ApiError:
    return ApiError(400, NO_PAYMENT_METHOD,
                    "No card is associated with this customer. Please add a card and try again.")


def payment_declined(message: str) -> ApiError:
    return ApiError(400, PAYMENT_DECLINED, message)
