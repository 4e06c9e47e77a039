"""Which tax a line carries, and the tax summaries of documents and subscriptions.

The rules (a reading of Zoho's GST/VAT editions, also in docs/sandbox-seed.md):
- A customer is taxable unless it says ``is_taxable: false`` or carries a tax exemption
  (``tax_exemption_id``/``tax_exemption_code``): Zoho's default for a contact is taxable.
- A taxable customer's own ``tax_id`` (destination VAT/GST) applies to every line billed to it.
- Otherwise the plan's or addon's ``tax_id`` applies, but only when the customer's billing country is
  the organization's: a sale abroad without a tax of the customer's own is out of scope (an export).
- Taxes are exclusive: line ``item_total`` excludes tax, ``total = sub_total + taxes``. Each line's tax
  is rounded on its own; a document's ``taxes[]`` sums its lines per tax.
"""
from __future__ import annotations

from decimal import Decimal

from . import errors
from .models import Customer, SubscriptionItem, Tax
from .money import ZERO, line_tax


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no")
    return bool(value)


def is_taxable(tax_fields: dict) -> bool:
    if tax_fields.get("tax_exemption_id") or tax_fields.get("tax_exemption_code"):
        return False
    return _truthy(tax_fields.get("is_taxable", True))


def customer_tax(store, tax_fields: dict) -> Tax | None:
    """The customer's own tax (its ``tax_id``), when it is taxable and has one."""
    if not is_taxable(tax_fields):
        return None
    return store.taxes.get(str(tax_fields.get("tax_id") or ""))


def _domestic(store, address: dict) -> bool:
    country = str(address.get("country") or "").strip().casefold()
    org = store.organization
    return country in (org.country.casefold(), org.country_code.casefold())


def item_tax_id(store, code: str) -> str:
    """The default tax of the plan or addon billed under ``code`` ('' for none)."""
    item = store.plans.get(code) or store.addons.get(code)
    return item.tax_id if item is not None else ""


def tax_for(store, tax_fields: dict, address: dict, code: str) -> Tax | None:
    """The tax of a line for ``code`` billed to a customer with these tax fields and billing address."""
    if not is_taxable(tax_fields):
        return None
    own = customer_tax(store, tax_fields)
    if own is not None:
        return own
    if _domestic(store, address):
        return store.taxes.get(item_tax_id(store, code))
    return None


def line_tax_for(store, customer: Customer, code: str) -> Tax | None:
    return tax_for(store, customer.tax_fields, customer.billing_address, code)


def validate_customer_fields(store, tax_fields: dict) -> None:
    """A customer's ``tax_id``/``tax_exemption_id`` must name an entry of the catalogue (or be empty)."""
    tax_id = str(tax_fields.get("tax_id") or "")
    if tax_id and tax_id not in store.taxes:
        raise errors.invalid_field("tax_id")
    exemption_id = str(tax_fields.get("tax_exemption_id") or "")
    if exemption_id and exemption_id not in store.tax_exemptions:
        raise errors.invalid_field("tax_exemption_id")


def summarize(lines) -> list[tuple[str, str, Decimal]]:
    """(tax_id, label, amount) per tax over lines carrying ``tax_id``/``tax_name``/``tax_percentage``/
    ``tax_amount``, in the order the taxes first appear."""
    totals: dict[str, list] = {}
    for line in lines:
        if not line.tax_id:
            continue
        entry = totals.setdefault(line.tax_id, [label(line.tax_name, line.tax_percentage), ZERO])
        entry[1] += line.tax_amount
    return [(tax_id, label, amount) for tax_id, (label, amount) in totals.items()]


def label(name: str, percentage: Decimal) -> str:
    """The name Zoho prints in a document's tax summary: ``Germany VAT (19%)``."""
    return f"{name} ({percentage.normalize():f}%)"


def term_lines(store, customer: Customer, plan: SubscriptionItem, addons: list[SubscriptionItem],
               discount: Decimal) -> list[tuple[Tax | None, Decimal]]:
    """(tax, taxable base) for one term of a subscription, the coupon taken off the plan line as
    ``lifecycle.term_invoice`` does, so a subscription's taxes match the invoice its next term raises."""
    plan_base = max(ZERO, (plan.price * plan.quantity).quantize(Decimal("0.01")) - discount)
    out = [(line_tax_for(store, customer, plan.code), plan_base)]
    out += [(line_tax_for(store, customer, a.code), (a.price * a.quantity).quantize(Decimal("0.01"))) for a in addons]
    return out


def term_taxes(store, customer: Customer, plan: SubscriptionItem, addons: list[SubscriptionItem],
               discount: Decimal) -> list[tuple[Tax, Decimal]]:
    """(tax, amount) per tax for one term."""
    totals: dict[str, list] = {}
    for tax, base in term_lines(store, customer, plan, addons, discount):
        if tax is None:
            continue
        entry = totals.setdefault(tax.tax_id, [tax, ZERO])
        entry[1] += line_tax(base, tax.tax_percentage)
    return [(tax, amount) for tax, amount in totals.values()]
