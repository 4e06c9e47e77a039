"""What people read about their own portal account."""
from __future__ import annotations

from services.texts import _, _l

FALLBACK_COMPANY = _l("Billing portal")  # the company's name when Zoho never told it
# Email subjects: marked here, written in the recipient's language when the email is (services/account_mail.py).
SUBJECT_INVITATION = _l("Your %(company)s billing portal invitation")
SUBJECT_RESET = _l("Reset your %(company)s billing portal password")
SUBJECT_PASSWORD_CHANGED = _l("Your %(company)s billing portal password was changed")
SUBJECT_SUPPORT_VIEW = _l("%(company)s support is viewing your billing account")

PASSWORD_CHANGED = _l("Your password has been changed. Other devices have been signed out.")
TWO_FACTOR_OFF = _l("Two-factor authentication is off.")
SIGNED_OUT_EVERYWHERE = _l("You have been signed out on every device.")
SIGNED_OUT = _l("You have signed out.")
PASSWORD_RESET = _l("Your password has been changed. Sign in with your new password.")
WELCOME = _l("Welcome! Your password is set and you are signed in.")
SESSION_EXPIRED = _l("You were signed out because your session expired. Please sign in again.")
SIGN_IN_TO_CONTINUE = _l("Please sign in to continue.")
NO_ACCOUNT_TO_OPEN = _l("Your sign-in no longer opens a billing account. Please contact us if you think this is "
                        "a mistake.")


def invitation_accepted(customer_name: str | None) -> str:
    return _("Invitation accepted. Sign in with your password to open %(account)s.",
             account=customer_name or _("the account"))
