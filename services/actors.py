"""Who is acting on a customer's account in this request.

Three kinds of people reach a customer's pages: someone signed in with the portal password (a
portal user of that customer), the product's signed-in user sent over with a handoff token, and a
support staff member viewing the account as the customer sees it. ``views/pipeline.py`` works out
which one a request carries and builds the ``Actor``; the policies (``services/policy``) decide what
each kind may do. Nothing here reads Flask.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ActorKind(str, Enum):
    PORTAL_USER = "portal_user"
    HANDOFF = "handoff"
    STAFF = "staff"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    customer_id: str
    display_name: str
    email: str
    session_id: str | None = None
    portal_user_id: int | None = None  # PORTAL_USER only
    staff_id: int | None = None  # STAFF only
    staff_name: str | None = None
    impersonation_id: int | None = None

    @property
    def audit_name(self) -> str:
        """How the audit log names this actor: ``user:3``, ``handoff:<customer id>`` or ``staff:5``."""
        if self.kind is ActorKind.PORTAL_USER:
            return f"user:{self.portal_user_id}"
        if self.kind is ActorKind.STAFF:
            return f"staff:{self.staff_id}"
        return f"handoff:{self.customer_id}"

    @property
    def via_handoff(self) -> bool:
        return self.kind is ActorKind.HANDOFF

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF

    @property
    def has_portal_account(self) -> bool:
        """Only a portal user has a password, two-factor settings and sessions of their own to manage."""
        return self.kind is ActorKind.PORTAL_USER


@dataclass(frozen=True)
class StaffMember:
    """A support staff member signed in to the staff console (``/staff``), on their own session.

    Not an ``Actor``: a staff session grants nothing on a customer's pages. Only an open support
    view makes one, an ``Actor`` of kind ``STAFF`` for that customer.
    """

    staff_id: int
    display_name: str
    email: str
    role: str  # "support" or "admin" (services/policy/staff.py)
    session_id: str
    impersonation_id: int | None = None  # the support view this session has open, if any

    @property
    def audit_name(self) -> str:
        return f"staff:{self.staff_id}"
