"""Every resource module, imported so that its routes register on ``zoho_sandbox.core.api``."""
from . import (  # noqa: F401
    addons, cards, contactpersons, coupons, creditnotes, customers, hostedpages, invoice_actions, invoices,
    organizations, payments, plans, pricebooks, products, refunds, settings, subscription_details, subscriptions,
    transactions,
)
