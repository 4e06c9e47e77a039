"""The portal's tables. Only the portal's own facts: who may sign in, for which Zoho customers,
their one-time links, the sessions they ended, and what happened (the audit log)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from db.types import UTCDateTime, utcnow
from extensions import db

USER_STATUSES = ("pending", "active", "disabled")
TOKEN_PURPOSES = ("invitation", "reset")


class PortalUser(db.Model):
    """One person's login (one email address, one password). Which Zoho customers it opens is in
    ``PortalMembership``: a person may be a contact of several customers (an accountant serving
    several companies). ``customer_id``, ``contact_person_id`` and ``display_name`` are those of the
    customer the login was first made for; access is never decided on them.

    ``status``: ``pending`` until a password is set (the first invitation accepted), ``active``,
    or ``disabled`` (by an operator: no sign-in at all)."""

    __tablename__ = "portal_users"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'active', 'disabled')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Normalised (lower-cased) by services.accounts.normalise_email before it gets here, so the
    # unique index is a case-insensitive one.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    contact_person_id: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped at reset, password change, "sign out everywhere" and disable: every session
    # cookie carries the version it was issued under and dies when it no longer matches.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_code_hashes: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the person chose (services.texts.SUPPORTED_LOCALES); None: not chosen yet.
    preferred_language: Mapped[str | None] = mapped_column(String(16))

    @property
    def is_active_user(self) -> bool:
        return self.status == "active"

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:  # never the hash or the secrets
        return f"<PortalUser {self.id} {self.status}>"


MEMBERSHIP_STATUSES = ("pending", "active", "disabled")


class PortalMembership(db.Model):
    """A login's access to one Zoho customer: ``pending`` (invited), ``active``, or ``disabled``
    (the contact person was removed, or an operator switched it off). One customer's invitation only
    ever creates or refreshes that customer's membership; another customer's is never touched."""

    __tablename__ = "portal_memberships"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'active', 'disabled')", name="status"),
        UniqueConstraint("user_id", "customer_id", name="uq_portal_memberships_user_customer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_users.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    contact_person_id: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))  # the person, as this customer's Zoho record names them
    customer_name: Mapped[str] = mapped_column(String(200))  # for the account picker, without a Zoho call
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PortalMembership {self.id} user {self.user_id} {self.status}>"


class OneTimeToken(db.Model):
    """An invitation or reset link. Only the SHA-256 of the random token is stored. An invitation
    names the membership (the customer) it is for."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('invitation', 'reset')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The user's session_version when the link was sent: a password change (or anything else
    # that bumps it) makes every earlier link useless.
    issued_for_version: Mapped[int] = mapped_column(Integer)
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("portal_memberships.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RevokedSession(db.Model):
    """A single signed-out session (hash of its id), remembered until it would have expired anyway."""

    __tablename__ = "revoked_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEvent(db.Model):
    """Append-only: the app has no update or delete path (see the mapper guards below), and on
    PostgreSQL and SQLite a trigger created by the migration refuses UPDATE and DELETE."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "user:12", "staff:3", "cli", "anonymous"
    portal_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_changes(mapper, connection, target) -> None:
    raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")
