"""Single-use links (invitation, password reset): random, stored hashed, expiring, dying on use.

The raw token (256 random bits, URL-safe) exists only in the email; the database holds its
SHA-256, so a leaked table yields no usable link. Consumption is one conditional UPDATE, so two
racing requests cannot both use the same link.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from db.models import OneTimeToken, PortalUser
from db.types import utcnow
from extensions import db

INVITATION_TTL = timedelta(days=7)
RESET_TTL = timedelta(hours=1)
TTL_BY_PURPOSE = {"invitation": INVITATION_TTL, "reset": RESET_TTL}
# What secrets.token_urlsafe(32) produces; anything else is refused before touching the DB.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class IssuedToken:
    raw: str
    expires_at: datetime


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def issue(user: PortalUser, purpose: str, *, membership_id: int | None = None,
          now: datetime | None = None) -> IssuedToken:
    """A new link for ``user`` (an invitation: for ``membership_id``, one customer's access); any
    earlier unused link of the same purpose (and the same membership) stops working. An invitation
    from one customer never retires another customer's."""
    now = now or utcnow()
    _retire_unused(user.id, purpose, now, membership_id=membership_id)
    raw = secrets.token_urlsafe(32)
    expires_at = now + TTL_BY_PURPOSE[purpose]
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(raw),
            issued_for_version=user.session_version,
            membership_id=membership_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    db.session.flush()
    return IssuedToken(raw=raw, expires_at=expires_at)


def find_valid(raw: str | None, purpose: str, *, now: datetime | None = None) -> OneTimeToken | None:
    """The live token row for ``raw``, or None (unknown, used, expired, superseded, stale)."""
    if not raw or not _TOKEN_SHAPE.match(raw):
        return None
    now = now or utcnow()
    row = db.session.execute(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_hash(raw),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    user = db.session.get(PortalUser, row.user_id)
    if user is None or user.session_version != row.issued_for_version:
        return None
    return row


def consume(raw: str | None, purpose: str, *, now: datetime | None = None) -> PortalUser | None:
    """Use a link once: the user it was for, or None. Safe against concurrent use."""
    now = now or utcnow()
    row = find_valid(raw, purpose, now=now)
    if row is None:
        return None
    claimed = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    db.session.refresh(row)
    return db.session.get(PortalUser, row.user_id)


def retire_all(user_id: int, *, now: datetime | None = None) -> None:
    """Kill every outstanding link of a user (password changed, account disabled)."""
    for purpose in TTL_BY_PURPOSE:
        _retire_unused(user_id, purpose, now or utcnow())


def retire_membership(membership_id: int, *, now: datetime | None = None) -> None:
    """Kill the outstanding invitation links of one customer's access (it was switched off)."""
    db.session.execute(
        update(OneTimeToken).where(OneTimeToken.membership_id == membership_id, OneTimeToken.used_at.is_(None))
        .values(used_at=now or utcnow()).execution_options(synchronize_session=False)
    )


def count_recent(user_id: int, purpose: str, since: datetime) -> int:
    return db.session.execute(
        select(func.count()).select_from(OneTimeToken).where(
            OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.created_at >= since
        )
    ).scalar_one()


def _retire_unused(user_id: int, purpose: str, now: datetime, *, membership_id: int | None = None) -> None:
    conditions = [OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None)]
    if membership_id is not None:
        conditions.append(OneTimeToken.membership_id == membership_id)
    db.session.execute(
        update(OneTimeToken).where(*conditions).values(used_at=now).execution_options(synchronize_session=False)
    )
