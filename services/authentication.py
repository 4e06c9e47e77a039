"""Signing in and out: password check with a per-account lockout, the TOTP second step, and
the audit rows for each (checklist A1, A2, S9).

Every refusal looks the same whether or not the account exists: unknown emails, pending and
disabled accounts and wrong passwords all run one argon2 verify and count towards the same
per-email lockout. During a lockout even the right password is refused (with the lockout
message); a password reset still works and lifts it.
"""
from __future__ import annotations

from dataclasses import dataclass

from db.models import PortalUser
from db.types import utcnow
from extensions import db
from services import audit, passwords, two_factor
from services.accounts import AccountError, InvalidEmail, find_user, normalise_email
from services.audit import AuditContext
from services.ratelimits import account_key, throttles
from services.sessions import session_store
from services.texts import _l

GENERIC_FAILURE = _l("That email and password don't match an account. Check them and try again.")
SECOND_FACTOR_FAILURE = _l("That code didn't work. Check your authenticator app and try again.")


class SignInRefused(AccountError):
    status = 401


class AccountLocked(AccountError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many attempts. For your security, sign-in is paused for about {minutes} minute"
            f"{'s' if minutes != 1 else ''}. You can reset your password by email meanwhile."
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class PasswordChecked:
    user: PortalUser
    needs_second_factor: bool


def check_password(raw_email: str, password: str, context: AuditContext) -> PasswordChecked:
    """First step of sign-in. Raises SignInRefused or AccountLocked, identically for everyone."""
    try:
        email = normalise_email(raw_email)
        valid = True
    except InvalidEmail:
        # Still throttled and still one verify, but never looked up: it cannot be an account
        # (and may hold bytes, like NUL, that a database refuses).
        email, valid = (raw_email or "").strip().lower()[:254], False
    key = account_key(email)
    throttle = throttles().login_failures
    if not throttle.allowed(key):
        passwords.spend_verify_time()
        audit.record("login_locked_out", context, actor="anonymous", details={"account": key[:16]})
        raise AccountLocked(throttle.retry_after_seconds(key))

    user = find_user(email) if valid else None
    usable = user is not None and user.status == "active"
    result = passwords.verify_password(user.password_hash if usable else None, password)
    if not result.ok:
        _count_failure(key, context, user, "bad_password" if usable else "no_usable_account")
        raise SignInRefused(GENERIC_FAILURE)
    if result.new_hash:
        user.password_hash = result.new_hash  # stored with today's argon2 parameters
    return PasswordChecked(user=user, needs_second_factor=user.has_two_factor)


def check_second_factor(user_id: int, code: str, context: AuditContext) -> PortalUser:
    """Second step for accounts with TOTP: a current code or one unused recovery code."""
    user = db.session.get(PortalUser, user_id)
    if user is None or user.status != "active" or not user.has_two_factor:
        raise SignInRefused(SECOND_FACTOR_FAILURE)
    key = account_key(user.email)
    throttle = throttles().login_failures
    if not throttle.allowed(key):
        raise AccountLocked(throttle.retry_after_seconds(key))
    method = two_factor.verify(user, code)
    if method is None:
        _count_failure(key, context, user, "bad_second_factor")
        raise SignInRefused(SECOND_FACTOR_FAILURE)
    if method == "recovery_code":
        audit.record("recovery_code_used", context, actor=audit.user_actor(user.id), portal_user_id=user.id,
                     customer_id=user.customer_id, details={"remaining": len(user.recovery_code_hashes or [])})
    return user


def complete_sign_in(user: PortalUser, context: AuditContext, *, method: str) -> None:
    throttles().login_failures.clear(account_key(user.email))
    user.last_login_at = utcnow()
    audit.record("login_success", context, actor=audit.user_actor(user.id), portal_user_id=user.id,
                 customer_id=user.customer_id, details={"method": method})


def record_no_account(user: PortalUser, context: AuditContext) -> None:
    """The password was right, but the login opens no customer's account any more."""
    audit.record("login_failure", context, actor="anonymous", portal_user_id=user.id,
                 details={"reason": "no_active_membership"})


def sign_out(user_id: int, customer_id: str, session_id: str, context: AuditContext) -> None:
    """End this one session: its cookie, even if copied, is refused from now on."""
    session_store().revoke(session_id, user_id)
    audit.record("logout", context, actor=audit.user_actor(user_id), portal_user_id=user_id, customer_id=customer_id)


def sign_out_everywhere(user_id: int, context: AuditContext) -> None:
    user = db.session.get(PortalUser, user_id)
    if user is None:
        return
    user.session_version += 1
    db.session.flush()
    session_store().user_changed(user)
    audit.record("logout_all", context, actor=audit.user_actor(user.id), portal_user_id=user.id,
                 customer_id=user.customer_id)


def record_session_expired(user_id: int, customer_id: str | None, reason: str, context: AuditContext) -> None:
    audit.record("session_expired", context, actor=audit.user_actor(user_id), portal_user_id=user_id,
                 customer_id=customer_id, details={"reason": reason})


def _count_failure(key: str, context: AuditContext, user: PortalUser | None, reason: str) -> None:
    throttle = throttles().login_failures
    throttle.hit(key)
    details = {"reason": reason, "account": key[:16]}
    if user is not None:
        audit.record("login_failure", context, actor="anonymous", portal_user_id=user.id,
                     customer_id=user.customer_id, details=details)
    else:
        audit.record("login_failure", context, actor="anonymous", details=details)
    if not throttle.allowed(key):
        audit.record("account_locked", context, actor="system",
                     portal_user_id=user.id if user else None, details={"account": key[:16]})
