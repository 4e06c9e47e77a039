"""Every resource module, imported so that its routes register on ``zoho_sandbox.core.api``."""
from . import (  # noqa: F401
    addons, cards, contactpersons, coupons, creditnotes, customers, hostedpages, invoices, organizations,
    payments, plans, products, settings, subscriptions, transactions,
)
