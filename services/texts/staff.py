"""Words about support staff: what customers read about support views of their account (the banner
staff see is the same page the customer sees), and the console's messages."""
from __future__ import annotations

from services.texts import _l

# -- what customers (and staff viewing as them) read ------------------------------------------------
SUPPORT_VIEW_NO_SIGN_IN = _l("Support is viewing an account in this browser: end the support view before "
                             "using the sign-in pages.")
ACTIVITY_SIGN_IN = _l("Signed in")
ACTIVITY_SIGN_IN_FAILED = _l("Sign-in failed")
ACTIVITY_HANDOFF = _l("Signed in from the product")
ACTIVITY_SIGN_OUT_EVERYWHERE = _l("Signed out on every device")
ACTIVITY_PASSWORD_CHANGED = _l("Password changed")
ACTIVITY_PASSWORD_RESET = _l("Password reset by email")
ACTIVITY_TWO_FACTOR_ON = _l("Two-factor authentication turned on")
ACTIVITY_TWO_FACTOR_OFF = _l("Two-factor authentication turned off")
ACTIVITY_TWO_FACTOR_RESET = _l("Two-factor authentication reset by support")
ACTIVITY_INVITED = _l("Invited to the portal")
ACTIVITY_JOINED = _l("Accepted the invitation")
ACTIVITY_DISABLED = _l("Portal access switched off")
ACTIVITY_UNLOCKED = _l("Sign-in unlocked by support")
ACTIVITY_SUPPORT_VIEW = _l("Support viewed your account")
SUPPORT_TEAM = _l("Support")

CUSTOMER_ACTIVE = _l("Active")
CUSTOMER_SWITCHED_OFF = _l("Switched off")

PERSON_NOT_INVITED = _l("Not invited")
PERSON_INVITED = _l("Invited")
PERSON_ACTIVE = _l("Active")
PERSON_LOCKED = _l("Locked")
PERSON_DISABLED = _l("Disabled")

# -- the console -----------------------------------------------------------------------------------
ROLE_MAY_NOT = _l("Your role doesn't allow this. Ask an admin.")
SIGN_IN_FAILED = _l("That email, password or code doesn't match a staff account.")
SIGN_IN_AGAIN = _l("Please sign in again.")
SESSION_EXPIRED = _l("Your staff session expired. Please sign in again.")
SIGNED_OUT = _l("You have signed out of the staff console.")
ENROLMENT_INVALID = _l("This enrolment link has expired or has already been used. Ask an admin for a new one.")
ENROLLED = _l("You're enrolled. Sign in with your email, password and a code from your app.")
VIEW_STARTED = _l("You're viewing the portal as this customer sees it. Nothing can be changed.")
VIEW_ENDED = _l("The support view has ended.")
VIEW_EXPIRED = _l("The support view reached its time limit and has ended.")
VIEW_REASON_REQUIRED = _l("Say why you need to view this account (at least 10 characters).")
VIEW_ALREADY_OPEN = _l("You're already viewing a customer. End that view first.")
VIEW_NOT_A_CUSTOMER = _l("Staff accounts can't be viewed.")
VIEW_CUSTOMER_DISABLED = _l("This customer is switched off, so there is nothing to view.")
INVITED = _l("Invitation sent to %(email)s.")
DISABLED = _l("Portal access for %(email)s is switched off.")
TWO_FACTOR_RESET = _l("Two-factor for %(email)s is reset: they can sign in with their password and set it up again.")
UNLOCKED = _l("Sign-in for %(email)s is unlocked.")
PERSON_NOT_FOUND = _l("That person has no portal account with this customer.")
STAFF_CREATED = _l("Staff account created. Send them the enrolment link below (valid 24 hours, single use).")
STAFF_DISABLED = _l("%(email)s can no longer sign in to the staff console.")
STAFF_TWO_FACTOR_RESET = _l("Two-factor for %(email)s is reset. Send them the new enrolment link below.")
STAFF_ROLE_CHANGED = _l("%(email)s is now %(role)s.")
NOT_YOURSELF = _l("You can't do that to your own account. Ask another admin.")
