"""Payment intents: the one place the portal keeps anything about money.

Zoho Billing documents no idempotency key for ``POST /invoices/{id}/collect``, so the portal guards
each charge itself. A row holds only ids, the amount the customer confirmed (read live from Zoho),
a state and timestamps: never card data, never Zoho's objects.

``intent_key`` is the random key embedded in the confirmation form; its unique index plus the
conditional ``UPDATE … SET state='processing' WHERE state='pending'`` make the claim atomic across
workers on SQLite and PostgreSQL alike: of two submits of one form, exactly one calls Zoho.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from db.types import UTCDateTime, utcnow
from extensions import db

INTENT_STATES = ("pending", "processing", "succeeded", "failed", "unknown")


class PaymentIntent(db.Model):
    __tablename__ = "payment_intents"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'processing', 'succeeded', 'failed', 'unknown')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intent_key: Mapped[str] = mapped_column(String(96), unique=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    invoice_id: Mapped[str] = mapped_column(String(64), index=True)
    # Pay-all: the intents of one confirmation share the batch key (None for a single invoice).
    batch_key: Mapped[str | None] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    card_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    zoho_payment_id: Mapped[str | None] = mapped_column(String(64))
    # A short code, never Zoho's text: declined, already_paid, amount_changed, not_charged, refused_<code>.
    error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PaymentIntent {self.id} {self.invoice_id} {self.state}>"
