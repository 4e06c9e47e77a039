"""Support staff: their accounts, enrolment links, ended sessions, and the support views they start.

Staff accounts are not portal users: they belong to no customer, sign in at ``/staff`` with their
own cookie, and two-factor is mandatory (stored exactly as the customers' two-factor is). An
``Impersonation`` row is one support view of one customer: who, why, when it started and ended.
What happened during it is in the audit log, which is append-only; this row only gains its end.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.types import UTCDateTime, utcnow
from extensions import db

STAFF_ROLES = ("support", "admin")
STAFF_STATUSES = ("pending", "active", "disabled")
# How a support view ended: the End button, its time limit, the staff member signing out, the staff
# session timing out, or the staff member (or the customer) being disabled meanwhile.
END_REASONS = ("manual", "expiry", "logout", "session_expired", "revoked")


class StaffUser(db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("role IN ('support', 'admin')", name="role"),
        CheckConstraint("status IN ('pending', 'active', 'disabled')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalised like portal users' emails
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped at disable, two-factor reset and role change: every staff cookie carries the version it
    # was issued under and dies when it no longer matches.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_code_hashes: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))  # "cli" or "staff:<id>"
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def may_sign_in(self) -> bool:
        """Active, with a password and two-factor: a staff member without MFA never gets a session."""
        return self.status == "active" and self.password_hash is not None and self.has_two_factor

    def __repr__(self) -> str:  # never the hash or the secrets
        return f"<StaffUser {self.id} {self.role} {self.status}>"


class StaffEnrolment(db.Model):
    """A single-use enrolment link (24 h): set a password (if none yet) and two-factor. SHA-256 only."""

    __tablename__ = "staff_enrolments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_for_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffRevokedSession(db.Model):
    """A staff session id that ended (sign-out, or rotated at the start and end of a support view)."""

    __tablename__ = "staff_revoked_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Impersonation(db.Model):
    """One support view of one customer ("View as customer"), read-only and time-limited."""

    __tablename__ = "impersonations"
    __table_args__ = (
        CheckConstraint("end_reason IN ('manual', 'expiry', 'logout', 'session_expired', 'revoked')",
                        name="end_reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    # The customer's name and email as Zoho had them at the start: the pages show them as the customer
    # sees them without asking Zoho on every request.
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_email: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(500))
    ticket: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    staff_session_hash: Mapped[str] = mapped_column(String(64))  # the staff session that started it

    def is_live(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<Impersonation {self.id} staff:{self.staff_id} {self.customer_id}>"
