"""What every worker and host shares through the database.

- ``webhook_events``: each Zoho event received, by its id: the de-duplication record (kept at
  least ``WEBHOOK_RETENTION``) and the outbox the webhook worker drains after the response.
- ``zoho_access_tokens``: the one Zoho access token of the deployment (encrypted), with the lease
  that lets exactly one process refresh it. Redis holds it instead when ``REDIS_URL`` is set.
- ``cache_generations``: a counter per customer (and one for the organization) bumped whenever
  that customer's cached data is invalidated, so that workers without a shared cache drop their
  own copies on the customer's next request.
- ``throttle_events``: one row per counted event (a failed sign-in, an invitation) for the
  per-account limits when there is no Redis, so that the limits hold across workers.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.types import UTCDateTime, utcnow
from extensions import db

WEBHOOK_STATES = ("pending", "processing", "done", "ignored", "failed")


class WebhookEvent(db.Model):
    __tablename__ = "webhook_events"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'processing', 'done', 'ignored', 'failed')", name="state"),
    )

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    # Only ids from the payload: the worker reads the objects themselves from Zoho.
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    subscription_id: Mapped[str | None] = mapped_column(String(64))
    event_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Remembered until then (at least WEBHOOK_RETENTION after the event), so a replay is a duplicate.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A worker holds an event it processes until then; a crashed worker's events are taken up again after it.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The portal user an invitation from this event went to: a retry re-sends to that person only.
    invited_user_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(64))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ZohoAccessToken(db.Model):
    __tablename__ = "zoho_access_tokens"

    # A digest of the client id and refresh token: a new refresh token starts a new row.
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str | None] = mapped_column(Text)  # encrypted with a key derived from SECRET_KEY
    expires_at: Mapped[float | None] = mapped_column(Float(53))  # epoch seconds
    refreshing_until: Mapped[float | None] = mapped_column(Float(53))  # the refresh lease
    refresher: Mapped[str | None] = mapped_column(String(32))
    failed_until: Mapped[float | None] = mapped_column(Float(53))  # after a refused refresh: nobody retries
    failure: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CacheGeneration(db.Model):
    __tablename__ = "cache_generations"

    scope: Mapped[str] = mapped_column(String(255), primary_key=True)  # a cache key's owner prefix
    generation: Mapped[int] = mapped_column(BigInteger, default=0)


class ThrottleEvent(db.Model):
    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_name_key_at", "name", "key", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[float] = mapped_column(Float(53))  # epoch seconds
