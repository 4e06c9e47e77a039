"""Forgotten and changed passwords (checklist A3, A4, A5).

A reset request answers the same whatever the email; at most ``RESET_MAILS_PER_HOUR`` links
are mailed to one account an hour. Completing a reset or a change bumps the session version
(every existing session and every earlier link dies), lifts a sign-in lockout, sends a
notification, and does not sign anyone in.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from db.models import PortalUser
from db.types import utcnow
from extensions import db
from services import account_mail, audit, one_time_tokens, passwords
from services.accounts import InvalidEmail, InvalidLink, check_new_password, find_user, normalise_email
from services.audit import AuditContext
from services.authentication import SignInRefused
from services.mail import send_after_commit
from services.ratelimits import account_key, throttles
from services.sessions import session_store
from services.texts import _

RESET_PATH = "/reset"


def request_reset(raw_email: str, context: AuditContext) -> None:
    """Mail a reset link if the email is an active account and under the hourly cap; else nothing."""
    try:
        email = normalise_email(raw_email)
    except InvalidEmail:
        return
    user = find_user(email)
    if user is None or user.status != "active":
        audit.record("password_reset_requested", context, actor="anonymous",
                     details={"outcome": "no_usable_account", "account": account_key(email)[:16]})
        return
    now = utcnow()
    cap = current_app.extensions["settings"].RESET_MAILS_PER_HOUR
    if one_time_tokens.count_recent(user.id, "reset", since=now - timedelta(hours=1)) >= cap:
        audit.record("password_reset_requested", context, actor="anonymous", portal_user_id=user.id,
                     customer_id=user.customer_id, details={"outcome": "hourly_cap"})
        return
    issued = one_time_tokens.issue(user, "reset", now=now)
    url = account_mail.link(RESET_PATH, issued.raw)
    send_after_commit(account_mail.password_reset(user, url, issued.expires_at))
    audit.record("password_reset_requested", context, actor="anonymous", portal_user_id=user.id,
                 customer_id=user.customer_id, details={"outcome": "mailed"})


def reset_link_user(raw_token: str | None) -> PortalUser:
    """The user a live reset link is for (the reset page's GET); else InvalidLink."""
    row = one_time_tokens.find_valid(raw_token, "reset")
    user = db.session.get(PortalUser, row.user_id) if row else None
    if user is None or user.status != "active":
        raise InvalidLink()
    return user


def complete_reset(raw_token: str | None, new_password: str, context: AuditContext) -> PortalUser:
    user = reset_link_user(raw_token)
    check_new_password(new_password, user.email)
    if one_time_tokens.consume(raw_token, "reset") is None:
        raise InvalidLink()
    _set_password(user, new_password, how="reset")
    throttles().login_failures.clear(account_key(user.email))
    audit.record("password_reset_completed", context, actor=audit.user_actor(user.id),
                 portal_user_id=user.id, customer_id=user.customer_id)
    return user


def change_password(user_id: int, current: str, new_password: str, context: AuditContext) -> PortalUser:
    """Change a signed-in user's password; the current one must be right (and is throttled)."""
    user = db.session.get(PortalUser, user_id)
    key = account_key(user.email)
    throttle = throttles().login_failures
    if not throttle.allowed(key) or not passwords.verify_password(user.password_hash, current).ok:
        throttle.hit(key)
        audit.record("password_change_failed", context, actor=audit.user_actor(user.id),
                     portal_user_id=user.id, customer_id=user.customer_id)
        raise SignInRefused(_("Your current password isn't right."))
    check_new_password(new_password, user.email)
    _set_password(user, new_password, how="change")
    audit.record("password_changed", context, actor=audit.user_actor(user.id),
                 portal_user_id=user.id, customer_id=user.customer_id)
    return user


def _set_password(user: PortalUser, new_password: str, *, how: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_version += 1  # every other session and every earlier link dies
    one_time_tokens.retire_all(user.id)
    db.session.flush()
    session_store().user_changed(user)
    send_after_commit(account_mail.password_changed(user, how))
