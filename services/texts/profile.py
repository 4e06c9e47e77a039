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


def invitation_resent(email: str) -> str:
    return _("The invitation to the billing portal has been emailed to %(email)s again; the earlier link no "
             "longer works.", email=email)


ALREADY_HAS_ACCESS = _l("This person already has access to your billing portal.")
ACCESS_SWITCHED_OFF = _l("This person's access to your billing portal is switched off.")
# A contact person's portal access, as the contact list shows it.
ACCESS_NONE = _l("No portal access")
ACCESS_INVITED = _l("Invited")
ACCESS_ACTIVE = _l("Has access")
ACCESS_DISABLED = _l("Access switched off")
BUTTON_INVITE = _l("Invite")
BUTTON_RESEND = _l("Resend invitation")
