"""Price lists (Zoho Billing's ``/pricebooks``): the prices of plans and addons in another currency.

Each plan and addon keeps its price per currency on itself (``prices``); a price list is the view of
those prices for one currency: a ``per_item`` list for every currency other than the base currency
that some active or inactive plan or addon is priced in. A customer billed in such a currency is
priced from its list, and the customer's ``pricebook_id`` names it (``pricing.plan_price`` reads the
same entries, so what a list says is what an invoice charges); an item the list lacks converts from
the base price.

Ids are derived from the currency's id (``187955000000040xxx``) and, for the entries, from the list's
id and the item's place in the catalogue, so that price lists never shift the demo's other ids.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from ..core import ApiError
from .money import BASE_CURRENCY, currency_id

NOT_FOUND = ApiError(404, 1002, "Pricebook does not exist.")


def pricebook_id(currency_code: str) -> str:
    return f"187955000000040{currency_id(currency_code)[-3:]}"


def currencies(store) -> list[str]:
    """The currencies with a price list, in a stable order."""
    found: set[str] = set()
    for item in (*store.plans.values(), *store.addons.values()):
        found.update(code for code in item.prices if code != BASE_CURRENCY)
    return sorted(found)


def of_currency(store, currency_code: str | None) -> str:
    """The id of the price list for ``currency_code``, or "" when it has none."""
    return pricebook_id(currency_code) if currency_code in currencies(store) else ""


def currency_of(store, pricebook: str) -> str:
    """The currency of the price list ``pricebook``; Zoho's 404 when there is no such list."""
    for code in currencies(store):
        if pricebook_id(code) == str(pricebook):
            return code
    raise NOT_FOUND


def entries(store, currency_code: str) -> list[tuple[str, str, Decimal]]:
    """(entry id, item code, rate) for every plan and addon priced in ``currency_code``, plans first."""
    list_id = pricebook_id(currency_code)
    rows = []
    items = [*sorted(store.plans.values(), key=lambda p: p.plan_code),
             *sorted(store.addons.values(), key=lambda a: a.addon_code)]
    for index, item in enumerate(items, start=1):
        rate = item.prices.get(currency_code)
        if rate is not None:
            rows.append((f"{list_id}{index:03d}", _code(item), rate))
    return rows


def item_id(code: str) -> str:
    """A stable numeric id for the catalogue item ``code`` (Zoho's ``item_id`` of a plan or addon)."""
    return "1879550000005" + str(int(hashlib.sha256(code.encode()).hexdigest(), 16) % 10**5).zfill(5)


def _code(item) -> str:
    return getattr(item, "plan_code", None) or item.addon_code
