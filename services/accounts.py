"""Portal accounts: invitation, accepting it, disabling, and the demo users.

A portal user is one person (a Zoho customer's own email or one of its contact persons) with a
login for that one customer. Functions here flush; the caller (a view or a CLI command) owns
the one commit, and mail queued here leaves only once it commits.
"""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from db.models import PortalUser
from db.types import utcnow
from extensions import db
from services import account_mail, audit, one_time_tokens, passwords
from services.audit import AuditContext
from services.directory import Invitee, find_invitee
from services.mail import send_after_commit
from services.ratelimits import account_key, throttles
from services.sessions import session_store

INVITATION_PATH = "/invite"
EMAIL_MAX_LENGTH = 254


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
    link: str
    expires_at: datetime
    delivery: Future  # resolves once the email was handed to the SMTP server


def normalise_email(raw: str) -> str:
    """Lower-cased, IDNA-normalised address; raises InvalidEmail. One address, one account."""
    raw = (raw or "").strip()
    if not raw or len(raw) > EMAIL_MAX_LENGTH:
        raise InvalidEmail("Enter a valid email address.")
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail("Enter a valid email address.") from None
    return valid.normalized.lower()


def find_user(email: str) -> PortalUser | None:
    return db.session.execute(select(PortalUser).where(PortalUser.email == email)).scalar_one_or_none()


def invite(raw_email: str, context: AuditContext, *, actor: str, customer_id: str | None = None) -> Invitation:
    """Create (or refresh) the pending user for a Zoho person and mail them an invitation.

    Re-inviting a pending person replaces their earlier link. Used by ``flask portal invite``,
    and later by the staff console and the webhooks.
    """
    email = normalise_email(raw_email)
    if not throttles().invitations.hit(account_key(email)):
        raise InvitationRefused("Too many invitations to this address in the last hour. Try again later.")
    user = find_user(email)
    if user is not None and user.status == "active":
        raise InvitationRefused("This person already has an active portal account.")
    if user is not None and user.status == "disabled":
        raise InvitationRefused("This portal account is disabled.")
    invitee = find_invitee(email, customer_id=customer_id)
    if invitee is None:
        raise InvitationRefused("No active Zoho customer or contact person has this email address.")
    user = _pending_user(user, invitee)
    issued = one_time_tokens.issue(user, "invitation")
    url = account_mail.link(INVITATION_PATH, issued.raw)
    delivery = send_after_commit(account_mail.invitation(user, url, issued.expires_at, invitee.customer_name))
    audit.record(
        "invitation_sent", context, actor=actor, portal_user_id=user.id, customer_id=user.customer_id,
        details={"contact_person_id": user.contact_person_id, "expires_at": issued.expires_at.isoformat()},
    )
    return Invitation(user=user, link=url, expires_at=issued.expires_at, delivery=delivery)


def invitation_for(raw_token: str | None) -> PortalUser:
    """The pending user a live invitation link is for (the accept page's GET); else InvalidLink."""
    row = one_time_tokens.find_valid(raw_token, "invitation")
    user = db.session.get(PortalUser, row.user_id) if row else None
    if user is None or user.status != "pending":
        raise InvalidLink()
    return user


def accept_invitation(raw_token: str | None, password: str, context: AuditContext) -> PortalUser:
    """Set the first password and activate the account. The link dies; a weak password doesn't use it up."""
    user = invitation_for(raw_token)
    check_new_password(password, user.email)
    if one_time_tokens.consume(raw_token, "invitation") is None:
        raise InvalidLink()  # lost a race with another use of the same link
    now = utcnow()
    user.password_hash = passwords.hash_password(password)
    user.status = "active"
    user.activated_at = now
    user.password_changed_at = now
    db.session.flush()
    session_store().user_changed(user)
    audit.record("invitation_accepted", context, actor=audit.user_actor(user.id),
                 portal_user_id=user.id, customer_id=user.customer_id)
    return user


def check_new_password(password: str, email: str) -> None:
    min_length = current_app.extensions["settings"].PASSWORD_MIN_LENGTH
    try:
        passwords.check_policy(password, email=email, min_length=min_length)
    except passwords.PasswordPolicyError as error:
        raise PasswordRejected(str(error)) from None


def disable_user(raw_email: str, context: AuditContext, *, actor: str) -> PortalUser:
    """Disable an account: every session dies on its next request and every link stops working."""
    user = find_user(normalise_email(raw_email))
    if user is None:
        raise AccountError("There is no portal account with this email address.")
    user.status = "disabled"
    user.disabled_at = utcnow()
    user.session_version += 1
    one_time_tokens.retire_all(user.id)
    db.session.flush()
    session_store().user_changed(user)
    audit.record("user_disabled", context, actor=actor, portal_user_id=user.id, customer_id=user.customer_id)
    return user


def ensure_active_user(invitee: Invitee, password: str, context: AuditContext, *, actor: str) -> PortalUser:
    """An active account with this password (for the demo's printed sign-ins); idempotent."""
    user = _pending_user(find_user(invitee.email), invitee)
    check_new_password(password, user.email)
    if user.status != "active" or not passwords.verify_password(user.password_hash, password).ok:
        now = utcnow()
        user.password_hash = passwords.hash_password(password)
        user.status = "active"
        user.activated_at = user.activated_at or now
        user.password_changed_at = now
        user.session_version += 1
        db.session.flush()
        session_store().user_changed(user)
        audit.record("demo_user_activated", context, actor=actor, portal_user_id=user.id,
                     customer_id=user.customer_id)
    return user


def _pending_user(user: PortalUser | None, invitee: Invitee) -> PortalUser:
    if user is None:
        user = PortalUser(email=invitee.email, status="pending", session_version=1)
        db.session.add(user)
    # Zoho is the source of truth for who the person is and which customer they belong to.
    user.customer_id = invitee.customer_id
    user.contact_person_id = invitee.contact_person_id
    user.display_name = invitee.person_name[:200]
    db.session.flush()
    return user
