"""Money: Decimal everywhere, quantized to the organization's price precision (2 in Zoho's replies)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The organization's base currency: catalogue prices (recurring_price, addon prices) are in it; other
# currencies come from a price list entry or convert at the rates below.
BASE_CURRENCY = "USD"

# Currencies the seeds use. Ids are fixed so that a customer's currency_id is stable across runs.
CURRENCIES: dict[str, dict] = {
    "USD": {"currency_id": "187955000000000097", "symbol": "$", "per_usd": Decimal("1")},
    "EUR": {"currency_id": "187955000000000099", "symbol": "€", "per_usd": Decimal("0.92")},
    "INR": {"currency_id": "187955000000000101", "symbol": "₹", "per_usd": Decimal("83")},
    "GBP": {"currency_id": "187955000000000103", "symbol": "£", "per_usd": Decimal("0.79")},
    "AUD": {"currency_id": "187955000000000105", "symbol": "A$", "per_usd": Decimal("1.52")},
}


def money(value) -> Decimal:
    """Any number-ish value (str, int, float, Decimal) as a Decimal with two places."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def currency_symbol(code: str) -> str:
    return CURRENCIES.get(code, {}).get("symbol", code)


def currency_id(code: str) -> str:
    return CURRENCIES.get(code, CURRENCIES["USD"])["currency_id"]


def convert_from_usd(amount: Decimal, code: str) -> Decimal:
    """A USD list price in another currency (the sandbox's stand-in for Zoho price lists)."""
    rate = CURRENCIES.get(code, CURRENCIES["USD"])["per_usd"]
    return money(amount * rate)


def money_string(value: Decimal) -> str:
    """The few places Zoho sends amounts as strings ("20.50"): transactions, tax amounts."""
    return f"{money(value):.2f}"


def line_tax(base: Decimal, percentage: Decimal) -> Decimal:
    """An exclusive tax on one line, rounded per line (Zoho's default item-level tax rounding), so the
    tax summary of a document is always the sum of its lines' taxes."""
    if not percentage:
        return ZERO
    return money(base * percentage / Decimal(100))
