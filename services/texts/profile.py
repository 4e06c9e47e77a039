"""What customers read about their profile and contact persons."""
from __future__ import annotations

from services.texts import _, _l

DISPLAY_NAME_REQUIRED = _l("Enter the name to show on invoices.")
NO_EMAIL_TO_INVITE = _l("This contact person has no email address to invite.")
SAVED = _l("Your details have been saved.")
NOTHING_CHANGED = _l("Nothing changed.")


def contact_added(email: str) -> str:
    return _("%(email)s has been added as a contact person.", email=email)


def contact_saved(email: str) -> str:
    return _("The details of %(email)s have been saved.", email=email)


def contact_removed(email: str) -> str:
    return _("%(email)s is no longer a contact person.", email=email)


def invitation_sent(email: str) -> str:
    return _("An invitation to the billing portal has been emailed to %(email)s.", email=email)
