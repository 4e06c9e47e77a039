"""The words of the page frame: navigation, header and footer."""
from __future__ import annotations

from services.texts import _l

NAV_HOME = _l("Home")
NAV_SUBSCRIPTIONS = _l("Subscriptions")
NAV_INVOICES = _l("Invoices")
NAV_PAYMENTS = _l("Payments")
NAV_CREDIT_NOTES = _l("Credit notes")
NAV_PROFILE = _l("Profile")
# The same destinations on a phone, where all of them must fit one row.
NAV_SUBSCRIPTIONS_SHORT = _l("Plans")
NAV_CREDIT_NOTES_SHORT = _l("Credits")
NAV_ACTIVITY = _l("Activity")
