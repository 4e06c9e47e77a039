"""Support staff accounts: creating them with an enrolment link, enrolment (password and mandatory
two-factor), signing in with a lockout, and what admins change (disable, reset two-factor, role).

A staff member's session (``views/staff_session.py``) is good while the account may sign in (active,
password and two-factor set), its session version matches and its id was not revoked. Functions here
flush; the caller (the pipeline or the CLI) commits once.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from db.staff import STAFF_ROLES, StaffEnrolment, StaffRevokedSession, StaffUser
from db.types import utcnow
from extensions import db
from services import audit, passwords, two_factor
from services.accounts import AccountError, InvalidEmail, check_new_password, normalise_email
from services.audit import AuditContext
from services.authentication import AccountLocked
from services.ratelimits import account_key, throttles
from services.texts import staff as words
from services.texts import _

ENROLMENT_PATH = "/staff/enrol"
ENROLMENT_HOURS = 24
ISSUER = "Billing portal staff"


class StaffError(AccountError):
    """A refusal for the person (or operator) who asked; ``status`` is the HTTP answer."""


class StaffSignInRefused(StaffError):
    status = 401


@dataclass(frozen=True)
class EnrolmentLink:
    staff: StaffUser
    url: str
    expires_at: datetime


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def lockout_key(email: str) -> str:
    # Staff sign-in counts on its own key, so that a customer's lockout never locks a staff member out.
    return account_key("staff:" + email)


# -- reading -----------------------------------------------------------------------------------------


def find(email: str) -> StaffUser | None:
    return db.session.execute(select(StaffUser).where(StaffUser.email == email)).scalar_one_or_none()


def get(staff_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, staff_id)


def require(raw_email: str) -> StaffUser:
    try:
        staff = find(normalise_email(raw_email))
    except InvalidEmail:
        staff = None
    if staff is None:
        raise StaffError(_("There is no staff account with this email address."))
    return staff


def everyone() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.status, StaffUser.email)))


def staff_emails() -> set[str]:
    return set(db.session.scalars(select(StaffUser.email)))


# -- creating and enrolling ------------------------------------------------------------------------------


def create(raw_email: str, display_name: str, role: str, base_url: str, context: AuditContext, *,
           actor: str) -> EnrolmentLink:
    email = normalise_email(raw_email)
    if role not in STAFF_ROLES:
        raise StaffError(_("Role must be one of: %(roles)s.", roles=", ".join(STAFF_ROLES)))
    if find(email) is not None:
        raise StaffError(_("A staff account with this email address already exists."))
    name = (display_name or "").strip()[:200] or email.split("@", 1)[0]
    staff = StaffUser(email=email, display_name=name, role=role, status="pending", session_version=1,
                      created_by=actor[:64])
    db.session.add(staff)
    db.session.flush()
    audit.record("staff_created", context, actor=actor, details={"staff_id": staff.id, "role": role})
    return _enrolment_link(staff, base_url)


def _enrolment_link(staff: StaffUser, base_url: str) -> EnrolmentLink:
    """A new single-use link (earlier ones stop working) and a new pending two-factor secret."""
    now = utcnow()
    db.session.execute(update(StaffEnrolment).where(StaffEnrolment.staff_id == staff.id,
                                                    StaffEnrolment.used_at.is_(None)).values(used_at=now))
    raw = secrets.token_urlsafe(32)  # 256 bits
    expires_at = now + timedelta(hours=ENROLMENT_HOURS)
    db.session.add(StaffEnrolment(staff_id=staff.id, token_hash=_token_hash(raw),
                                  issued_for_version=staff.session_version, expires_at=expires_at))
    staff.totp_pending_secret = None
    if staff.totp_secret is None:
        two_factor.begin_enrolment(staff)  # made here, so that the link's page (a GET) only reads it
    db.session.flush()
    return EnrolmentLink(staff=staff, url=f"{base_url}{ENROLMENT_PATH}?token={raw}", expires_at=expires_at)


def enrolment_for(raw_token: str | None) -> StaffUser:
    """The staff member a live enrolment link is for; else ``StaffError`` (the link page's 400)."""
    if not raw_token:
        raise StaffError(words.ENROLMENT_INVALID)
    row = db.session.execute(select(StaffEnrolment).where(
        StaffEnrolment.token_hash == _token_hash(raw_token[:128]))).scalar_one_or_none()
    staff = db.session.get(StaffUser, row.staff_id) if row is not None else None
    if (row is None or staff is None or row.used_at is not None or row.expires_at <= utcnow()
            or row.issued_for_version != staff.session_version or staff.status == "disabled"
            or staff.totp_pending_secret is None):
        raise StaffError(words.ENROLMENT_INVALID)
    return staff


def needs_password(staff: StaffUser) -> bool:
    return staff.password_hash is None


def complete_enrolment(raw_token: str | None, password: str | None, code: str, context: AuditContext) -> list[str]:
    """Set the password (first enrolment only) and turn two-factor on; the recovery codes, shown once.
    A weak password or a wrong code leaves the link usable."""
    staff = enrolment_for(raw_token)
    if needs_password(staff):
        check_new_password(password or "", staff.email)
    try:
        codes = two_factor.activate(staff, code)
    except two_factor.TwoFactorError as error:
        raise StaffError(error.message) from None
    now = utcnow()
    used = db.session.execute(update(StaffEnrolment).where(
        StaffEnrolment.token_hash == _token_hash(raw_token), StaffEnrolment.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:
        raise StaffError(words.ENROLMENT_INVALID)  # lost a race with another use of the same link
    if needs_password(staff):
        staff.password_hash = passwords.hash_password(password)
    staff.status = "active"
    staff.activated_at = staff.activated_at or now
    db.session.flush()
    audit.record("staff_enrolled", context, actor=f"staff:{staff.id}", details={"staff_id": staff.id})
    return codes


# -- signing in --------------------------------------------------------------------------------------


def check_password(raw_email: str, password: str, context: AuditContext) -> StaffUser:
    """First step. Unknown, pending, disabled and two-factor-less accounts are refused like a wrong
    password, after the same argon2 verify, and count towards the same lockout."""
    try:
        email = normalise_email(raw_email)
    except InvalidEmail:
        email = (raw_email or "").strip().lower()[:254]
    key = lockout_key(email)
    throttle = throttles().login_failures
    if not throttle.allowed(key):
        passwords.spend_verify_time()
        audit.record("staff_login_locked_out", context, actor="anonymous", details={"account": key[:16]})
        raise AccountLocked(throttle.retry_after_seconds(key))
    staff = find(email)
    usable = staff is not None and staff.may_sign_in
    if not passwords.verify_password(staff.password_hash if usable else None, password).ok:
        _count_failure(key, context, staff, "bad_password" if usable else "no_usable_account")
        raise StaffSignInRefused(words.SIGN_IN_FAILED)
    return staff


def check_second_factor(staff_id: int, code: str, context: AuditContext) -> StaffUser:
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or not staff.may_sign_in:
        raise StaffSignInRefused(words.SIGN_IN_FAILED)
    key = lockout_key(staff.email)
    throttle = throttles().login_failures
    if not throttle.allowed(key):
        raise AccountLocked(throttle.retry_after_seconds(key))
    method = two_factor.verify(staff, code)
    if method is None:
        _count_failure(key, context, staff, "bad_second_factor")
        raise StaffSignInRefused(words.SIGN_IN_FAILED)
    if method == "recovery_code":
        audit.record("staff_recovery_code_used", context, actor=f"staff:{staff.id}",
                     details={"staff_id": staff.id, "remaining": len(staff.recovery_code_hashes or [])})
    return staff


def complete_sign_in(staff: StaffUser, context: AuditContext) -> None:
    throttles().login_failures.clear(lockout_key(staff.email))
    staff.last_login_at = utcnow()
    audit.record("staff_login", context, actor=f"staff:{staff.id}", details={"staff_id": staff.id})


def _count_failure(key: str, context: AuditContext, staff: StaffUser | None, reason: str) -> None:
    throttle = throttles().login_failures
    throttle.hit(key)
    details = {"reason": reason, "account": key[:16]}
    if staff is not None:
        details["staff_id"] = staff.id
    audit.record("staff_login_failure", context, actor="anonymous", details=details)
    if not throttle.allowed(key):
        audit.record("staff_account_locked", context, actor="system", details={"account": key[:16]})


# -- sessions ------------------------------------------------------------------------------------------


def session_staff(staff_id: int, version: int, session_id: str) -> StaffUser | None:
    """The staff member a session cookie names, if that session is still good. Staff are few, so this
    reads the database on each staff request rather than trusting a cache."""
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or not staff.may_sign_in or staff.session_version != version:
        return None
    if db.session.get(StaffRevokedSession, _token_hash(session_id)) is not None:
        return None
    return staff


def session_hash(session_id: str) -> str:
    return _token_hash(session_id)


def revoke_session(session_id: str, staff_id: int, lifetime: timedelta) -> None:
    now = utcnow()
    db.session.execute(delete(StaffRevokedSession).where(StaffRevokedSession.expires_at < now))
    digest = _token_hash(session_id)
    if db.session.get(StaffRevokedSession, digest) is None:
        db.session.add(StaffRevokedSession(session_hash=digest, staff_id=staff_id, expires_at=now + lifetime))
    db.session.flush()


# -- what admins change ------------------------------------------------------------------------------------


def _not_yourself(staff: StaffUser, actor: str) -> None:
    if actor == f"staff:{staff.id}":
        raise StaffError(words.NOT_YOURSELF)


def disable(raw_email: str, context: AuditContext, *, actor: str) -> StaffUser:
    """Every session of this staff member ends on its next request, and any support view they have open."""
    from services import impersonation

    staff = require(raw_email)
    _not_yourself(staff, actor)
    staff.status = "disabled"
    staff.disabled_at = utcnow()
    staff.session_version += 1
    db.session.execute(update(StaffEnrolment).where(StaffEnrolment.staff_id == staff.id,
                                                    StaffEnrolment.used_at.is_(None)).values(used_at=utcnow()))
    impersonation.end_all_of(staff.id, "revoked", context)
    db.session.flush()
    audit.record("staff_disabled", context, actor=actor, details={"staff_id": staff.id})
    return staff


def reset_two_factor(raw_email: str, base_url: str, context: AuditContext, *, actor: str) -> EnrolmentLink:
    """Two-factor off, every session ended, and a new enrolment link to set it up again (the password stays)."""
    from services import impersonation

    staff = require(raw_email)
    _not_yourself(staff, actor)
    if staff.status == "disabled":
        raise StaffError(_("This staff account is disabled."))
    two_factor.clear(staff)
    staff.session_version += 1
    impersonation.end_all_of(staff.id, "revoked", context)
    audit.record("staff_two_factor_reset", context, actor=actor, details={"staff_id": staff.id})
    return _enrolment_link(staff, base_url)


def change_role(raw_email: str, role: str, context: AuditContext, *, actor: str) -> StaffUser:
    from services import impersonation

    staff = require(raw_email)
    _not_yourself(staff, actor)
    if role not in STAFF_ROLES:
        raise StaffError(_("Role must be one of: %(roles)s.", roles=", ".join(STAFF_ROLES)))
    if staff.role != role:
        audit.record("staff_role_changed", context, actor=actor,
                     details={"staff_id": staff.id, "from": staff.role, "to": role})
        staff.role = role
        staff.session_version += 1  # a new role starts from a new sign-in, and a view open under the old one ends
        impersonation.end_all_of(staff.id, "revoked", context)
        db.session.flush()
    return staff
