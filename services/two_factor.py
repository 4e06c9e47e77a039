"""TOTP second factor (RFC 6238, 30 s steps, 6 digits) with recovery codes: optional for customers,
mandatory for support staff (``services/staff.py``), stored the same way for both.

Enrolment keeps the new secret as *pending* until the person proves their app produces codes;
only then does sign-in ask for it. A code is accepted once (the last used step is stored),
within one step of clock drift. Recovery codes are random, shown once, stored as SHA-256.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno

from db.models import PortalUser
from extensions import db
from services import audit, passwords
from services.audit import AuditContext
from services.texts import _

ISSUER = "Billing portal"
RECOVERY_CODE_COUNT = 10
_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Enrolment:
    secret: str
    qr_svg_data_uri: str


class TwoFactorError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def begin_enrolment(user) -> None:
    """Start (or keep) a pending enrolment: a new secret that sign-in does not ask for yet."""
    if user.totp_pending_secret is None and user.totp_secret is None:
        user.totp_pending_secret = pyotp.random_base32()
        db.session.flush()


def current_enrolment(user, issuer: str = ISSUER) -> Enrolment | None:
    """The pending enrolment's secret and QR code, or None when none is pending."""
    if user.totp_pending_secret is None or user.totp_secret is not None:
        return None
    uri = pyotp.TOTP(user.totp_pending_secret).provisioning_uri(name=user.email, issuer_name=issuer)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#1b2430")
    return Enrolment(secret=user.totp_pending_secret, qr_svg_data_uri=qr)


def activate(user, code: str) -> list[str]:
    """Turn two-factor on for ``user`` (a portal user or a staff member: both keep the same four
    columns) if ``code`` matches the pending secret; the recovery codes, shown once."""
    step = _matching_step(user.totp_pending_secret, code, after=None)
    if user.totp_pending_secret is None or step is None:
        raise TwoFactorError(_("That code didn't match. Make sure your phone's clock is right and try again."))
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = user.totp_pending_secret, None, step
    codes = _new_recovery_codes(user)
    db.session.flush()
    return codes


def clear(user) -> None:
    """Forget the secret, any pending one and the recovery codes."""
    user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
    user.recovery_code_hashes = None
    db.session.flush()


def confirm_enrolment(user: PortalUser, code: str, context: AuditContext) -> list[str]:
    """Turn two-factor on if ``code`` matches the pending secret; the recovery codes, shown once."""
    codes = activate(user, code)
    audit.record("totp_enabled", context, actor=audit.user_actor(user.id), portal_user_id=user.id,
                 customer_id=user.customer_id)
    return codes


def disable(user: PortalUser, password: str, context: AuditContext) -> None:
    if not passwords.verify_password(user.password_hash, password).ok:
        raise TwoFactorError(_("Your password isn't right."))
    clear(user)
    audit.record("totp_disabled", context, actor=audit.user_actor(user.id), portal_user_id=user.id,
                 customer_id=user.customer_id)


def verify(user, code: str) -> str | None:
    """"totp" or "recovery_code" when ``code`` is good (and now used up), else None."""
    code = (code or "").strip().replace(" ", "")
    if _CODE.match(code):
        step = _matching_step(user.totp_secret, code, after=user.totp_last_step)
        if step is None:
            return None
        user.totp_last_step = step
        return "totp"
    digest = _recovery_hash(code)
    remaining = list(user.recovery_code_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, digest):
            remaining.remove(stored)
            user.recovery_code_hashes = remaining  # a new list, so the JSON column sees the change
            return "recovery_code"
    return None


def _matching_step(secret: str | None, code: str, *, after: int | None) -> int | None:
    if not secret or not _CODE.match((code or "").strip()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if after is not None and step <= after:
            continue  # already used: a code works once
        if hmac.compare_digest(totp.generate_otp(step), code.strip()):
            return step
    return None


def _new_recovery_codes(user) -> list[str]:
    # 10 characters from 31 unambiguous ones, in two groups: about 50 bits each, easy to type from paper.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    codes = [f"{c[:5]}-{c[5:]}" for c in codes]
    user.recovery_code_hashes = [_recovery_hash(c) for c in codes]
    return codes


def _recovery_hash(code: str) -> str:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
