"""Who on the support team may do what: the one role table.

Every route of the staff console names the ``Permission`` it needs (the pipeline refuses a route
that names none), and the console shows only the actions the role allows. Changing what a role may
do is a change to ``ROLES`` below and nowhere else; the README's table is this one.

| permission | support | admin | why |
|---|---|---|---|
| search customers, see a customer's overview | yes | yes | the job itself |
| view as customer (read-only, time-limited, recorded) | yes | yes | see what the customer sees |
| invite a customer's person, resend an invitation | yes | yes | invitations go only to the address Zoho holds, so they grant nothing to the sender |
| unlock a person's sign-in after too many attempts | yes | yes | lifts a lockout; the password is still needed |
| reset a person's two-factor | no | yes | removes a factor: the classic account-takeover step, so an admin decides |
| disable a person's portal account | no | yes | shuts a customer's person out |
| read and export the audit log | no | yes | holds every person's sign-ins and IP addresses |
| manage staff (create, disable, reset two-factor, change role) | no | yes | who can look at customers |

Whom staff may view: customers only, never a staff member's own account (a customer whose email, or
one of whose portal users' email, is a staff account's), never a customer switched off in Zoho, and
never a second customer while a view is open (no chaining).
"""
from __future__ import annotations

from enum import Enum

from services.actors import StaffMember
from services.texts import staff as words


class Permission(str, Enum):
    SEARCH_CUSTOMERS = "search_customers"
    VIEW_AS_CUSTOMER = "view_as_customer"
    INVITE_PERSON = "invite_person"
    UNLOCK_PERSON = "unlock_person"
    RESET_PERSON_TWO_FACTOR = "reset_person_two_factor"
    DISABLE_PERSON = "disable_person"
    READ_AUDIT_LOG = "read_audit_log"
    MANAGE_STAFF = "manage_staff"
    SIGNED_IN = "signed_in"  # any signed-in staff member: their own sign-out, the end of their own view


SUPPORT = frozenset({Permission.SIGNED_IN, Permission.SEARCH_CUSTOMERS, Permission.VIEW_AS_CUSTOMER,
                     Permission.INVITE_PERSON, Permission.UNLOCK_PERSON})
ROLES: dict[str, frozenset[Permission]] = {
    "support": SUPPORT,
    "admin": SUPPORT | {Permission.RESET_PERSON_TWO_FACTOR, Permission.DISABLE_PERSON, Permission.READ_AUDIT_LOG,
                        Permission.MANAGE_STAFF},
}


def may(staff: StaffMember, permission: Permission) -> bool:
    return permission in ROLES.get(staff.role, frozenset())


def refusal(staff: StaffMember, permission: Permission) -> str | None:
    """None when ``staff`` may; else the sentence the 403 page shows."""
    return None if may(staff, permission) else words.ROLE_MAY_NOT


def permissions(staff: StaffMember) -> frozenset[Permission]:
    """What the console's templates ask (``can.manage_staff`` …)."""
    return ROLES.get(staff.role, frozenset())
