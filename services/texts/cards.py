"""What customers read about cards and the secure payment page."""
from __future__ import annotations

from datetime import date

from services.formatting import format_date
from services.texts import _, _l

BUTTON_UPDATE_CARD = _l("Update card")
BUTTON_ADD_CARD = _l("Add a card")

REFUSED_UPDATE_CARD_ENDED = _l("This subscription has ended, so there is no card to update on it.")
REFUSED_UPDATE_CARD_NO_CARD = _l("This subscription has no card yet. Subscribe to add one.")


def expiry_text(expires_on: date, today: date) -> str:
    """How a card's expiry reads after "Your card ending 4242 expires …"."""
    month = format_date(expires_on, format="yMMMM")
    if expires_on < today:
        return _("at the end of %(month)s and has expired", month=month)
    if (expires_on.year, expires_on.month) == (today.year, today.month):
        return _("at the end of this month")
    return _("at the end of %(month)s", month=month)
