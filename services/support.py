"""What the staff console reads and changes about customers: the search, a customer's overview,
and the portal-account actions staff take for a customer's people.

Reads go to Zoho through the context's client, uncached (staff should see Zoho's state now), and
come back as the client's typed models: nothing Zoho returns reaches a template as JSON. Every
person action checks that the person belongs to the customer on the page first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.models import PortalMembership, PortalUser
from extensions import db
from services import accounts, audit, two_factor
from services.accounts import AccountError
from services.context import StaffContext
from services.policy import StatusView
from services.ratelimits import account_key, throttles
from services.sessions import session_store
from services.texts import staff as words
from zoho_client.pagination import Page

SEARCH_PER_PAGE = 25
SUBSCRIPTIONS_SHOWN = 50
ZOHO_ID = re.compile(r"^\d{6,20}$")


@dataclass(frozen=True)
class Person:
    """One of the customer's people as the console lists them: a Zoho contact and/or a portal user."""

    email: str
    name: str
    state: str  # "not invited", "invited", "active", "locked", "disabled"
    user_id: int | None
    last_sign_in: datetime | None
    two_factor: bool

    @property
    def may_invite(self) -> bool:
        return self.state in ("not invited", "invited")

    @property
    def may_unlock(self) -> bool:
        return self.state == "locked"

    @property
    def may_reset_two_factor(self) -> bool:
        return self.two_factor and self.state != "disabled"

    @property
    def may_disable(self) -> bool:
        return self.user_id is not None and self.state != "disabled"

    @property
    def badge(self) -> StatusView:
        label, tone = PERSON_STATES[self.state]
        return StatusView(label, tone)


PERSON_STATES = {
    "not invited": (words.PERSON_NOT_INVITED, "neutral"),
    "invited": (words.PERSON_INVITED, "info"),
    "active": (words.PERSON_ACTIVE, "success"),
    "locked": (words.PERSON_LOCKED, "warning"),
    "disabled": (words.PERSON_DISABLED, "danger"),
}


@dataclass(frozen=True)
class Overview:
    customer: object  # zoho_client.models.Customer
    subscriptions: tuple
    people: tuple[Person, ...]
    views: tuple  # the customer's recent support views (db.staff.Impersonation)


def search(ctx: StaffContext, query: str, page: int) -> Page:
    """Customers by name, email or company (Zoho's search), or by Zoho customer id, one page at a time."""
    from zoho_client.errors import ZohoNotFound, ZohoValidationError

    query = " ".join(query.split())[:100]
    if ZOHO_ID.match(query):
        try:
            return Page(items=(ctx.zoho.customers.get(query),), page=1, per_page=1, has_more_page=False)
        except (ZohoNotFound, ZohoValidationError):
            pass  # digits may be part of a name or a phone number: search for them as text too
    return ctx.zoho.customers.list(page=page, per_page=SEARCH_PER_PAGE, search_text=query or None,
                                   sort_column="display_name", sort_order="A")


def overview(ctx: StaffContext, customer_id: str) -> Overview:
    """Zoho's summary of the customer (raises ZohoNotFound for an unknown id) and the portal's people."""
    from db.staff import Impersonation

    customer = ctx.zoho.customers.get(customer_id)
    subscriptions = ctx.zoho.subscriptions.list(customer_id=customer_id, per_page=SUBSCRIPTIONS_SHOWN).items
    contacts = ctx.zoho.contactpersons.list(customer_id)
    views = tuple(db.session.scalars(select(Impersonation).where(Impersonation.customer_id == customer_id)
                                     .order_by(Impersonation.started_at.desc()).limit(10)))
    return Overview(customer=customer, subscriptions=tuple(subscriptions),
                    people=_people(customer, contacts), views=views)


def _people(customer, contacts) -> tuple[Person, ...]:
    """The customer's Zoho people and everyone with portal access to this customer (a login may open
    several customers: its access here is this customer's membership)."""
    rows = db.session.execute(select(PortalUser, PortalMembership).join(
        PortalMembership, PortalMembership.user_id == PortalUser.id).where(
        PortalMembership.customer_id == customer.customer_id))
    users = {user.email: (user, membership) for user, membership in rows}
    known: dict[str, str] = {}
    if customer.email:
        known[customer.email.lower()] = _join(customer.first_name, customer.last_name) or customer.display_name or ""
    for contact in contacts:
        if contact.email:
            known.setdefault(contact.email.lower(), _join(contact.first_name, contact.last_name))
    people = []
    for email in dict.fromkeys([*known, *users]):
        user, membership = users.get(email, (None, None))
        people.append(Person(email=email, name=(membership.display_name if membership else known.get(email)) or email,
                             state=_state(user, membership), user_id=user.id if user else None,
                             last_sign_in=user.last_login_at if user else None,
                             two_factor=bool(user and user.has_two_factor)))
    return tuple(people)


def _state(user: PortalUser | None, membership: PortalMembership | None) -> str:
    if user is None or membership is None:
        return "not invited"
    if user.status == accounts.DISABLED or membership.status == accounts.DISABLED:
        return "disabled"
    if membership.status == accounts.PENDING:
        return "invited"
    return "active" if throttles().login_failures.allowed(account_key(user.email)) else "locked"


def _join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


# -- actions on a customer's people ---------------------------------------------------------------------


def _person(customer_id: str, user_id: int) -> PortalUser:
    """A portal user with access (of any state) to this customer; anyone else is not found here."""
    user = db.session.get(PortalUser, user_id)
    if user is None or accounts.membership_of(user, customer_id) is None:
        raise AccountError(words.PERSON_NOT_FOUND)
    return user


def invite(ctx: StaffContext, customer_id: str, email: str) -> str:
    """Invite (or invite again) one of the customer's Zoho people; the address the mail went to."""
    invitation = accounts.invite(email, ctx.audit, actor=ctx.staff.audit_name, customer_id=customer_id)
    if invitation.membership.customer_id != customer_id:
        raise AccountError(words.PERSON_NOT_FOUND)
    return invitation.user.email


def disable(ctx: StaffContext, customer_id: str, user_id: int) -> str:
    """Switch off the person's access to this customer; a login that opens no other customer is
    disabled altogether (its sessions end and its links stop working)."""
    user = _person(customer_id, user_id)
    elsewhere = [m for m in accounts.memberships(user) if m.customer_id != customer_id and m.status != accounts.DISABLED]
    if elsewhere:
        accounts.disable_membership(user.email, customer_id, ctx.audit, actor=ctx.staff.audit_name)
    else:
        accounts.disable_user(user.email, ctx.audit, actor=ctx.staff.audit_name)
    return user.email


def reset_two_factor(ctx: StaffContext, customer_id: str, user_id: int) -> str:
    """Two-factor off and every session of the person ended: they sign in with their password and may
    set it up again."""
    user = _person(customer_id, user_id)
    two_factor.clear(user)
    user.session_version += 1
    db.session.flush()
    session_store().user_changed(user)
    audit.record("totp_reset_by_staff", ctx.audit, actor=ctx.staff.audit_name, portal_user_id=user.id,
                 customer_id=customer_id)
    return user.email


def unlock(ctx: StaffContext, customer_id: str, user_id: int) -> str:
    user = _person(customer_id, user_id)
    throttles().login_failures.clear(account_key(user.email))
    audit.record("login_unlocked_by_staff", ctx.audit, actor=ctx.staff.audit_name, portal_user_id=user.id,
                 customer_id=customer_id)
    return user.email

