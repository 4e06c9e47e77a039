"""Portal accounts: invitation, accepting it, disabling, and the demo users.

A portal user is one person's login (an email address and a password). The customers it opens are
its memberships (``db.models.PortalMembership``): a person who is a contact of several customers (an
accountant serving several companies) has one login and picks the account after signing in.

An invitation is always one customer's: it creates or refreshes that customer's membership of the
login with that email, and its link opens that customer only. It never changes another customer's
membership, never retires another customer's link, and what the inviting customer is told does not
depend on whether the address has portal access elsewhere (active, pending or disabled): the answer
never reveals another customer's portal user.

Functions here flush; the caller (a view or a CLI command) owns the one commit, and mail queued here
leaves only once it commits.
"""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from db.models import OneTimeToken, PortalMembership, PortalUser
from db.types import utcnow
from extensions import db
from services import account_mail, audit, one_time_tokens, passwords
from services.audit import AuditContext
from services.directory import Invitee, find_invitee
from services.mail import send_after_commit
from services.ratelimits import account_key, throttles
from services.sessions import session_store
from services.texts import _

INVITATION_PATH = "/invite"
EMAIL_MAX_LENGTH = 254
PENDING, ACTIVE, DISABLED = "pending", "active", "disabled"


class AccountError(Exception):
    """A refusal with a message meant for the person (or operator) who asked."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidEmail(AccountError):
    status = 422


class InvitationRefused(AccountError):
    status = 409


class InvalidLink(AccountError):
    status = 400

    def __init__(self) -> None:
        super().__init__("This link has expired or has already been used.")


class PasswordRejected(AccountError):
    status = 422


@dataclass(frozen=True)
class Invitation:
    user: PortalUser
    membership: PortalMembership
    link: str
    expires_at: datetime
    delivery: Future  # resolves once the email was handed to the SMTP server


@dataclass(frozen=True)
class Access:
    """Which customer a session opens, and how that customer's records name the person."""

    customer_id: str
    display_name: str


def normalise_email(raw: str) -> str:
    """Lower-cased, IDNA-normalised address; raises InvalidEmail. One address, one login."""
    raw = (raw or "").strip()
    if not raw or len(raw) > EMAIL_MAX_LENGTH:
        raise InvalidEmail(_("Enter a valid email address."))
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail(_("Enter a valid email address.")) from None
    return valid.normalized.lower()


def find_user(email: str) -> PortalUser | None:
    return db.session.execute(select(PortalUser).where(PortalUser.email == email)).scalar_one_or_none()


def membership_of(user: PortalUser, customer_id: str) -> PortalMembership | None:
    return db.session.execute(select(PortalMembership).where(
        PortalMembership.user_id == user.id, PortalMembership.customer_id == customer_id)).scalar_one_or_none()


def memberships(user: PortalUser) -> list[PortalMembership]:
    """Every customer this login was given access to, whatever the access's state."""
    return list(db.session.scalars(select(PortalMembership).where(
        PortalMembership.user_id == user.id).order_by(PortalMembership.id)))


def active_memberships(user: PortalUser) -> list[PortalMembership]:
    """The customers this login opens, in the order they were first given to it."""
    return list(db.session.scalars(select(PortalMembership).where(
        PortalMembership.user_id == user.id, PortalMembership.status == ACTIVE).order_by(PortalMembership.id)))


def access_of(membership: PortalMembership) -> Access:
    return Access(membership.customer_id, membership.display_name)


def portal_access(customer_id: str, emails) -> dict[str, str]:
    """email → this customer's portal access for the person with that email: ``pending``,
    ``active`` or ``disabled`` (absent: none). Only this customer's memberships are read."""
    wanted = {email.lower() for email in emails if email}
    if not wanted:
        return {}
    rows = db.session.execute(select(PortalUser.email, PortalMembership.status).join(
        PortalMembership, PortalMembership.user_id == PortalUser.id).where(
        PortalMembership.customer_id == customer_id, PortalUser.email.in_(wanted)))
    return {email: status for email, status in rows}


def invite(raw_email: str, context: AuditContext, *, actor: str, customer_id: str | None = None,
           first_only: bool = False) -> Invitation:
    """Invite the Zoho person with this email to one customer's portal (``customer_id``: that
    customer; else the first active customer or contact person with the email) and mail the link.

    Re-inviting replaces this customer's earlier link for the person, no other. Refused only for what
    concerns this customer: the address is not one of its people, the person already has access to
    it, or its access was switched off. Used by ``flask portal invite``, the profile's contact
    persons, the staff console and the webhooks (``first_only``: refused when the person was ever
    invited to this customer, so that an automatic invitation is never sent twice).
    """
    email = normalise_email(raw_email)
    invitee = find_invitee(email, customer_id=customer_id)
    if invitee is None:
        raise InvitationRefused(_("No active Zoho customer or contact person has this email address."))
    # Counted per customer and address: one customer's invitations tell nothing about another's.
    if not throttles().invitations.hit(account_key(f"{invitee.customer_id}:{email}")):
        raise InvitationRefused(_("Too many invitations to this address in the last hour. Try again later."))
    user = find_user(email) or _new_login(invitee)
    membership = membership_of(user, invitee.customer_id)
    if first_only and membership is not None:
        # An automatic invitation goes out once: whoever got here first (another worker, on another
        # host) made this membership. Two that both find none both insert one: the membership's
        # unique key refuses the second, whose retry then finds this.
        raise InvitationRefused("This person was already invited to this account.")
    if membership is not None and membership.status == ACTIVE:
        raise InvitationRefused(_("This person already has portal access to this account."))
    if membership is not None and membership.status == DISABLED:
        raise InvitationRefused(_("This person's portal access to this account is switched off."))
    membership = _pending_membership(user, membership, invitee)
    issued = one_time_tokens.issue(user, "invitation", membership_id=membership.id)
    url = account_mail.link(INVITATION_PATH, issued.raw)
    if user.status == DISABLED:
        # The login is switched off (by an operator): nothing is mailed, and the inviting customer
        # is told what it is told for anyone else.
        delivery: Future = Future()
        delivery.set_result(None)
        event = "invitation_suppressed"
    else:
        delivery = send_after_commit(account_mail.invitation(
            user, url, issued.expires_at, invitee.customer_name, person_name=membership.display_name,
            has_login=user.status == ACTIVE, customer_id=invitee.customer_id))
        event = "invitation_sent"
    audit.record(
        event, context, actor=actor, portal_user_id=user.id, customer_id=invitee.customer_id,
        details={"contact_person_id": membership.contact_person_id, "membership_id": membership.id,
                 "expires_at": issued.expires_at.isoformat()},
    )
    return Invitation(user=user, membership=membership, link=url, expires_at=issued.expires_at, delivery=delivery)


@dataclass(frozen=True)
class OpenInvitation:
    user: PortalUser
    membership: PortalMembership

    @property
    def has_login(self) -> bool:
        """The person already signs in (for another customer): accepting adds this one."""
        return self.user.status == ACTIVE


def invitation_for(raw_token: str | None) -> OpenInvitation:
    """The login and the customer a live invitation link is for (the accept page's GET); else InvalidLink."""
    row = one_time_tokens.find_valid(raw_token, "invitation")
    return _open_invitation(row)


def _open_invitation(row: OneTimeToken | None) -> OpenInvitation:
    user = db.session.get(PortalUser, row.user_id) if row else None
    membership = db.session.get(PortalMembership, row.membership_id) if row and row.membership_id else None
    if user is None or user.status == DISABLED or membership is None or membership.status != PENDING \
            or membership.user_id != user.id:
        raise InvalidLink()
    return OpenInvitation(user, membership)


def accept_invitation(raw_token: str | None, password: str | None, context: AuditContext) -> OpenInvitation:
    """Accept an invitation: a new login sets its first password (a weak one doesn't use the link
    up); a login that already has one just gains this customer. The link dies either way."""
    found = invitation_for(raw_token)
    user, membership = found.user, found.membership
    if not found.has_login:
        check_new_password(password or "", user.email)
    if one_time_tokens.consume(raw_token, "invitation") is None:
        raise InvalidLink()  # lost a race with another use of the same link
    now = utcnow()
    if not found.has_login:
        user.password_hash = passwords.hash_password(password)
        user.status = ACTIVE
        user.activated_at = now
        user.password_changed_at = now
    membership.status = ACTIVE
    membership.activated_at = now
    db.session.flush()
    session_store().user_changed(user)
    audit.record("invitation_accepted", context, actor=audit.user_actor(user.id), portal_user_id=user.id,
                 customer_id=membership.customer_id,
                 details={"membership_id": membership.id, "existing_login": found.has_login})
    return OpenInvitation(user, membership)


def check_new_password(password: str, email: str) -> None:
    min_length = current_app.extensions["settings"].PASSWORD_MIN_LENGTH
    try:
        passwords.check_policy(password, email=email, min_length=min_length)
    except passwords.PasswordPolicyError as error:
        raise PasswordRejected(str(error)) from None


def disable_user(raw_email: str, context: AuditContext, *, actor: str) -> PortalUser:
    """Disable a login: every session dies on its next request and every link stops working."""
    user = find_user(normalise_email(raw_email))
    if user is None:
        raise AccountError(_("There is no portal account with this email address."))
    user.status = DISABLED
    user.disabled_at = utcnow()
    user.session_version += 1
    one_time_tokens.retire_all(user.id)
    db.session.flush()
    session_store().user_changed(user)
    audit.record("user_disabled", context, actor=actor, portal_user_id=user.id, customer_id=user.customer_id)
    return user


def disable_membership(email: str, customer_id: str, context: AuditContext, *, actor: str) -> PortalMembership | None:
    """Switch off one customer's access for the person with ``email`` (the contact person was removed,
    or an operator says so); the person's sessions end, their other customers stay open. None when
    the person had no access to that customer."""
    user = find_user(email.lower())
    membership = membership_of(user, customer_id) if user is not None else None
    if membership is None or membership.status == DISABLED:
        return None
    was_active = membership.status == ACTIVE
    membership.status = DISABLED
    membership.disabled_at = utcnow()
    one_time_tokens.retire_membership(membership.id)
    if was_active:
        user.session_version += 1  # a session open on this customer must not outlive the access
    db.session.flush()
    session_store().user_changed(user)
    audit.record("membership_disabled", context, actor=actor, portal_user_id=user.id, customer_id=customer_id,
                 details={"membership_id": membership.id})
    return membership


def ensure_active_user(invitee: Invitee, password: str, context: AuditContext, *, actor: str) -> PortalUser:
    """An active login with this password and access to the invitee's customer (for the demo's
    printed sign-ins and the tests); idempotent."""
    user = find_user(invitee.email) or _new_login(invitee)
    check_new_password(password, user.email)
    membership = _pending_membership(user, membership_of(user, invitee.customer_id), invitee)
    changed = False
    if user.status != ACTIVE or not passwords.verify_password(user.password_hash, password).ok:
        now = utcnow()
        user.password_hash = passwords.hash_password(password)
        user.status = ACTIVE
        user.activated_at = user.activated_at or now
        user.password_changed_at = now
        user.session_version += 1
        changed = True
    if membership.status != ACTIVE:
        membership.status = ACTIVE
        membership.activated_at = membership.activated_at or utcnow()
        changed = True
    if changed:
        db.session.flush()
        session_store().user_changed(user)
        audit.record("demo_user_activated", context, actor=actor, portal_user_id=user.id,
                     customer_id=membership.customer_id)
    return user


def _new_login(invitee: Invitee) -> PortalUser:
    user = PortalUser(email=invitee.email, status=PENDING, session_version=1, customer_id=invitee.customer_id,
                      contact_person_id=invitee.contact_person_id, display_name=invitee.person_name[:200])
    db.session.add(user)
    db.session.flush()
    return user


def _pending_membership(user: PortalUser, membership: PortalMembership | None, invitee: Invitee) -> PortalMembership:
    """This customer's membership of ``user``, created when missing; Zoho is the source of truth for
    who the person is at this customer (the other customers' memberships are left as they are)."""
    if membership is None:
        membership = PortalMembership(user_id=user.id, customer_id=invitee.customer_id, status=PENDING)
        db.session.add(membership)
    membership.contact_person_id = invitee.contact_person_id
    membership.display_name = invitee.person_name[:200]
    membership.customer_name = invitee.customer_name[:200]
    db.session.flush()
    return membership
