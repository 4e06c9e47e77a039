"""Words shared by every part of the portal."""
from __future__ import annotations

from services.texts import _l

NOT_AVAILABLE = _l("That isn't possible for this item right now.")
SUPPORT_VIEW_READ_ONLY = _l("Support is viewing this account: changes can't be made during a support view.")
NO_PORTAL_ACCOUNT = _l("You came here from the product, so there is no portal password or sign-in "
                       "setting to change.")
BILLING_UNAVAILABLE = _l("We can't reach our billing system right now, so nothing was changed. "
                         "Please try again in a few minutes.")
OUTCOME_UNKNOWN = _l("We sent your request to our billing system but didn't hear back, so we can't tell yet "
                     "whether it went through. Please check this page again in a minute before trying again.")
BILLING_REFUSED = _l("Our billing system didn't accept that change. Please check the details and try again.")
UNKNOWN_STATUS = _l("Unknown")
