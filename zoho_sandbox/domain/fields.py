"""Reading the fields of a request body as liberally as Zoho does, and refusing the rest cleanly.

Clients written for Zoho send what their language makes easy: booleans as ``true`` or ``"true"``,
amounts as ``12``, ``12.5`` or ``"12.50"``, ids as numbers or strings. All of those are accepted.
A value of the wrong shape (an object where a text goes, ``"abc"`` for an amount, ``NaN``) is
Zoho's field refusal, 400/4 "Invalid value passed for <field>.", never a crash: every body value
the sandbox reads goes through one of these functions.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from . import errors
from .dates import parse_date
from .money import CENT

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", ""})
# Far above any real price, far below where Decimal arithmetic at 28 digits would lose cents.
MAX_AMOUNT = Decimal("1000000000000")


def as_flag(value, name: str) -> bool:
    """``true``/``false``, ``"true"``/``"false"`` (any case), ``1``/``0``; anything else is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise errors.invalid_field(name)


def flag(body: dict, name: str, default: bool = False) -> bool:
    value = body.get(name)
    return default if value is None else as_flag(value, name)


def as_text(value, name: str) -> str:
    """Text fields take strings and numbers (``"phone": 5550100``); ``None`` is ``""``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise errors.invalid_field(name)


def text(body: dict, name: str, default: str = "") -> str:
    return default if name not in body else as_text(body[name], name)


def ident(body: dict, name: str) -> str:
    """An id or code sent as a string or a number, stripped; ``""`` when absent."""
    return as_text(body.get(name), name).strip()


def required_ident(body: dict, name: str) -> str:
    """An id or code the request cannot do without (400/4 "Please enter a value for <name>.")."""
    value = ident(body, name)
    if not value:
        raise errors.missing_field(name)
    return value


def as_money(value, name: str, *, allow_negative: bool = False) -> Decimal:
    """An amount as a Decimal with two places: numbers or numeric strings, finite and sane."""
    if isinstance(value, bool) or value is None:
        raise errors.invalid_field(name)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise errors.invalid_field(name)
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or (amount < 0 and not allow_negative):
        raise errors.invalid_field(name)
    return amount.quantize(CENT)


def money(body: dict, name: str, default: Decimal | None = None, *, allow_negative: bool = False) -> Decimal | None:
    value = body.get(name)
    if value is None or value == "":
        return default
    return as_money(value, name, allow_negative=allow_negative)


def as_quantity(value, name: str) -> Decimal:
    """A positive quantity (whole or fractional, as Zoho allows for metered units)."""
    if isinstance(value, bool):
        raise errors.invalid_field(name)
    try:
        quantity = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise errors.invalid_field(name)
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_AMOUNT:
        raise errors.invalid_field(name)
    return quantity


def quantity(body: dict, name: str = "quantity", default: Decimal | None = None) -> Decimal | None:
    value = body.get(name)
    return default if value is None or value == "" else as_quantity(value, name)


def as_integer(value, name: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise errors.invalid_field(name)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise errors.invalid_field(name)
    if not number.is_finite() or number != number.to_integral_value() or abs(number) > MAX_AMOUNT:
        raise errors.invalid_field(name)
    if minimum is not None and number < minimum:
        raise errors.invalid_field(name)
    return int(number)


def integer(body: dict, name: str, default: int | None = None, *, minimum: int | None = None) -> int | None:
    value = body.get(name)
    if value is None or value == "":
        return default
    return as_integer(value, name, minimum=minimum)


def day(body: dict, name: str) -> date | None:
    """A ``YYYY-MM-DD`` date, or None when absent or ``""``."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise errors.invalid_field(name)
    try:
        return parse_date(value.strip())
    except ValueError:
        raise errors.invalid_field(name)


def obj(body: dict, name: str) -> dict | None:
    """A nested object, or None when absent or null."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise errors.invalid_field(name)
    return value


def objects(body: dict, name: str) -> list[dict]:
    """A list of objects (``addons``, ``invoices`` …); absent, null or ``""`` is an empty list."""
    value = body.get(name)
    if value is None or value == "":
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise errors.invalid_field(name)
    return value


def texts(body: dict, name: str) -> list[str]:
    """A list of strings (``to_mail_ids``); one string is taken as a list of one."""
    value = body.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise errors.invalid_field(name)
    return [as_text(entry, name).strip() for entry in value if entry not in (None, "")]
