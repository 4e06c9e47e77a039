"""Payment intents, each change in a short transaction of its own.

This is the one place besides the request pipeline that commits, and on purpose: a claim on an
intent must be visible to every other worker the moment it is made (so that two submits of one
form charge once), and must survive the request that made it failing afterwards (a lost reply
from Zoho, an error after the charge). So intents never ride on the request's transaction: every
function here opens its own session on the same engine, commits, and hands back a detached row.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Iterator

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.payments import PaymentIntent
from db.types import utcnow
from extensions import db

# A claim older than this without an outcome belongs to a worker that died mid-call: its outcome
# is unknown (Zoho's deadline is 12 s, so this is generous).
STALE_PROCESSING = timedelta(minutes=2)


@contextmanager
def _transaction() -> Iterator[Session]:
    with Session(db.engine, expire_on_commit=False) as session:
        with session.begin():
            yield session


def get(intent_key: str) -> PaymentIntent | None:
    with _transaction() as session:
        return session.scalars(select(PaymentIntent).where(PaymentIntent.intent_key == intent_key)).one_or_none()


def find_or_create(*, intent_key: str, customer_id: str, invoice_id: str, amount: Decimal, currency: str,
                   card_id: str | None, batch_key: str | None) -> PaymentIntent:
    """The intent under ``intent_key``, created ``pending`` on the first submit."""
    if get(intent_key) is None:
        try:
            with _transaction() as session:
                session.add(PaymentIntent(intent_key=intent_key, customer_id=customer_id, invoice_id=invoice_id,
                                          batch_key=batch_key, amount=amount, currency=currency, card_id=card_id,
                                          state="pending", created_at=utcnow()))
        except IntegrityError:
            pass  # another worker inserted the same key a moment ago: theirs stands
    return get(intent_key)


def claim(intent: PaymentIntent, from_state: str, *, stale_before: datetime | None = None) -> bool:
    """The atomic step: ``from_state`` → ``processing``. True for exactly one caller, in any worker."""
    condition = PaymentIntent.state == from_state
    if stale_before is not None:
        condition = or_(condition, (PaymentIntent.state == "processing") & (PaymentIntent.claimed_at < stale_before))
    with _transaction() as session:
        result = session.execute(
            update(PaymentIntent).where(PaymentIntent.id == intent.id, condition)
            .values(state="processing", claimed_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release(intent: PaymentIntent) -> None:
    """Nothing was sent to Zoho: the same form may be submitted again."""
    with _transaction() as session:
        session.execute(update(PaymentIntent)
                        .where(PaymentIntent.id == intent.id, PaymentIntent.state == "processing")
                        .values(state="pending", claimed_at=None).execution_options(synchronize_session=False))


def finish(intent: PaymentIntent, state: str, *, payment_id: str | None = None, error: str | None = None) -> None:
    with _transaction() as session:
        session.execute(update(PaymentIntent).where(PaymentIntent.id == intent.id).values(
            state=state, zoho_payment_id=payment_id, error=error, finished_at=utcnow(),
        ).execution_options(synchronize_session=False))


def is_stale(intent: PaymentIntent) -> bool:
    return intent.claimed_at is not None and utcnow() - intent.claimed_at > STALE_PROCESSING


def for_invoice(customer_id: str, invoice_id: str | None = None) -> list[PaymentIntent]:
    query = select(PaymentIntent).where(PaymentIntent.customer_id == customer_id).order_by(PaymentIntent.id)
    if invoice_id is not None:
        query = query.where(PaymentIntent.invoice_id == invoice_id)
    with _transaction() as session:
        return list(session.scalars(query))


def of_batch(batch_key: str) -> list[PaymentIntent]:
    with _transaction() as session:
        return list(session.scalars(select(PaymentIntent).where(PaymentIntent.batch_key == batch_key)))
