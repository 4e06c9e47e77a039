"""The words of the page frame: navigation, header and footer."""
from __future__ import annotations

from services.texts import _, _l

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

# The language switcher (views/language.py), in the header of every page and in the account settings.
LANGUAGE_LABEL = _l("Language")
LANGUAGE_SUBMIT = _l("Change language")
LANGUAGE_UNKNOWN = _l("That language isn't available. The page stays in the language it was in.")


def back_to_product(product: str) -> str:
    """The link back to the product a handoff session came from."""
    return _("Back to %(product)s", product=product)
