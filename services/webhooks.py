"""Zoho's webhooks: which events mean what, how one is checked and recorded, and the worker that
acts on it after the answer.

Receiving (``views/webhooks.py`` calls ``receive``), before any side effect:

1. **Signature** over the exact bytes: Zoho's string to sign (the URL's query pairs and any form
   pairs, sorted by key, key then value, then the raw body), HMAC-SHA256 in hex with
   ``ZOHO_WEBHOOK_SECRET``, compared in constant time (``hmac.compare_digest``).
2. **Freshness**: Zoho's signature has no timestamp, so the event's own ``event_time`` must be less
   than ``MAX_EVENT_AGE`` old (Zoho retries a failed delivery for a while; a replay older than that is
   refused, and anything younger is a duplicate below).
3. **Once**: the event id is inserted into ``webhook_events`` (kept ``RETENTION`` past the event); a
   second delivery of an id is answered 200 and does nothing.

Then the request drops the customer's cached data on every worker (``BillingCache.invalidate_customer``)
and answers; the rest happens in ``WebhookWorker``, after the commit: it claims each recorded event
(a lease, so one worker per event), reads the objects **from Zoho** (never from the payload) and, on a
subscription's activation, invites its customer to the portal when nobody of that customer has a
login yet (``AUTO_INVITE``; through ``services.accounts.invite``, so one pending invitation, never
two). An event whose processing was interrupted (a worker died, Zoho or the mail server was down) is
taken up again when its lease runs out, on the next delivery or at a worker's start.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from flask import Flask, current_app
from sqlalchemy import and_, or_, select, update

from db.models import PortalMembership, PortalUser
from db.shared import WebhookEvent
from db.types import utcnow
from extensions import db
from services import metrics
from services.audit import AuditContext
from services.after_commit import after_commit

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Zoho-Webhook-Signature"
MAX_EVENT_AGE = timedelta(days=3)
RETENTION = timedelta(days=7)  # a delivery of the same id within this is a duplicate (at least)
LEASE = timedelta(seconds=60)
RETRY_AFTER = timedelta(seconds=30)  # times the attempt number
MAX_ATTEMPTS = 6
POLL_SECONDS = 30.0  # the worker looks for events to retry this often, without a delivery to wake it
MAIL_WAIT_SECONDS = 30
ACTOR = "webhook"


# -- which events mean what -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    invalidate: bool = True  # the customer's cached pages are dropped
    invite: bool = False  # the subscription's customer is invited when it is active (AUTO_INVITE)


EVENTS: dict[str, Rule] = {
    # a subscription that starts (activation, or created already active) opens the portal to its customer
    "subscription_activation": Rule(invite=True),
    "subscription_created": Rule(invite=True),
    **{name: Rule() for name in (
        "subscription_renewed", "subscription_upgraded", "subscription_downgraded", "subscription_unpaid",
        "subscription_cancelled", "subscription_cancellation_scheduled", "subscription_reactivated",
        "subscription_expiring", "subscription_expired", "subscription_deleted", "subscription_ahead",
        "subscription_move_to_free_scheduled", "subscription_cancelling", "trial_expiring",
        "billing_date_changed", "onetimeaddon_purchased",
        "invoice_created", "invoice_notification", "creditnote_added", "creditnote_updated", "creditnote_deleted",
        "payment_thankyou", "payment_refunded",
        # what the customer must act on: Home's notices and the invoices owed are read again
        "payment_declined", "card_expiring", "card_expired", "card_deleted",
        "customer_created", "customer_updated", "customer_deleted",
    )},
}
# Where the payload names the customer (only to know whose cache to drop; Zoho is asked for the rest).
CUSTOMER_OBJECTS = ("subscription", "invoice", "payment", "creditnote", "credit_note", "customer", "card", "refund")


# -- receiving ----------------------------------------------------------------------------------------


class WebhookRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def string_to_sign(query_string: bytes, form: list[tuple[str, str]], body: bytes) -> bytes:
    """Zoho's string to sign: the query and form pairs sorted by key (key then value), then the body."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True) + list(form)
    return "".join(k + v for k, v in sorted(pairs)).encode("utf-8") + body


def signature_valid(secret: str, message: bytes, supplied: str | None) -> bool:
    expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    # Constant time whatever was supplied: no byte of the expected signature leaks through timing.
    return hmac.compare_digest(expected.encode("ascii"), (supplied or "").strip().lower().encode("utf-8"))


@dataclass(frozen=True)
class Received:
    event_id: str
    event_type: str
    duplicate: bool
    known: bool


def receive(settings, query_string: bytes, form: list[tuple[str, str]], body: bytes, supplied: str | None,
            *, now: datetime | None = None) -> Received:
    """Check, record and (for a new event) invalidate; raise ``WebhookRefused`` with no side effect."""
    secret = settings.ZOHO_WEBHOOK_SECRET
    if not secret:
        raise WebhookRefused(404, "webhooks are not configured (ZOHO_WEBHOOK_SECRET)")
    if not signature_valid(secret, string_to_sign(query_string, form, body), supplied):
        raise WebhookRefused(401, "signature")
    event = _parse(body)
    now = now or utcnow()
    event_time = _event_time(event.get("event_time"))
    if event_time is not None and now - event_time > MAX_EVENT_AGE:
        raise WebhookRefused(400, "stale")
    event_id, event_type = str(event["event_id"])[:64], str(event["event_type"])[:64]
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    customer_id = _customer_of(data)
    subscription = data.get("subscription") if isinstance(data.get("subscription"), dict) else {}
    rule = EVENTS.get(event_type)
    row = dict(event_id=event_id, event_type=event_type, customer_id=customer_id,
               subscription_id=_text(subscription.get("subscription_id")), event_time=event_time, received_at=now,
               expires_at=max(now, event_time or now) + RETENTION, attempts=0,
               state="pending" if rule is not None else "ignored", outcome=None if rule else "unknown_type")
    if not _insert_once(row):
        return Received(event_id, event_type, duplicate=True, known=rule is not None)
    if rule is None:
        log.warning("zoho webhook of an unknown type: recorded, nothing done",
                    extra={"event_type": event_type, "event_id": event_id})
    elif rule.invalidate and customer_id:
        current_app.extensions["billing"].cache.invalidate_customer(customer_id)
    if rule is not None:
        after_commit(current_app.extensions["webhooks"].wake)
    return Received(event_id, event_type, duplicate=False, known=rule is not None)


def _parse(body: bytes) -> dict:
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRefused(400, "body is not JSON") from None
    if not isinstance(event, dict) or not _text(event.get("event_id")) or not _text(event.get("event_type")):
        raise WebhookRefused(400, "no event_id or event_type")
    return event


def _text(value) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()[:64]
    return None


def _event_time(value) -> datetime | None:
    """Zoho's ``2024-03-12T08:40:00+0000`` (also with a colon, or a ``Z``); None when absent or garbled."""
    if not isinstance(value, str) or not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(value.replace("Z", "+0000"), pattern).astimezone(timezone.utc)
        except ValueError:
            continue
    return None


def _customer_of(data: dict) -> str | None:
    for name in CUSTOMER_OBJECTS:
        found = data.get(name)
        if isinstance(found, dict) and _text(found.get("customer_id")):
            return _text(found.get("customer_id"))
    return None


def _insert_once(values: dict) -> bool:
    """Record the event unless its id is known: one atomic INSERT … ON CONFLICT DO NOTHING."""
    table = WebhookEvent.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=["event_id"])
    return db.session.execute(statement.returning(table.c.event_id)).first() is not None


# -- acting, after the answer ----------------------------------------------------------------------------


class WebhookWorker:
    """One thread per process draining ``webhook_events``; woken after each new event is committed."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)
                self._thread.start()
            self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            try:
                with self._app.app_context():
                    self.drain()
                    idle = not _unsettled()
            except Exception:  # noqa: BLE001  the thread must outlive any one failure
                log.exception("webhook worker: draining failed; trying again later")
                idle = False
            if idle:
                # Nothing left to retry: the thread ends, and the next delivery starts another.
                with self._lock:
                    if not self._wake.is_set():
                        self._thread = None
                        return

    def drain(self) -> int:
        """Process every event that is due; the number processed."""
        done = 0
        while True:
            claimed = _claim_next()
            if claimed is None:
                return done
            _process(claimed)
            done += 1


def _unsettled() -> bool:
    table = WebhookEvent.__table__
    return db.session.execute(select(table.c.event_id).where(table.c.state.in_(("pending", "processing")))
                              .limit(1)).first() is not None


def _due(now: datetime):
    table = WebhookEvent.__table__
    return or_(and_(table.c.state == "pending", or_(table.c.lease_until.is_(None), table.c.lease_until < now)),
               and_(table.c.state == "processing", table.c.lease_until < now))


def _claim_next() -> WebhookEvent | None:
    """Take the oldest due event with a conditional UPDATE: of several workers, one gets each."""
    table = WebhookEvent.__table__
    now = utcnow()
    candidates = db.session.execute(select(table.c.event_id).where(_due(now)).order_by(table.c.received_at)
                                    .limit(10)).scalars().all()
    for event_id in candidates:
        claimed = db.session.execute(update(table).where(table.c.event_id == event_id, _due(now))
                                     .values(state="processing", lease_until=now + LEASE,
                                             attempts=table.c.attempts + 1)).rowcount
        db.session.commit()
        if claimed:
            return db.session.get(WebhookEvent, event_id, populate_existing=True)
    db.session.rollback()
    return None


def _process(event: WebhookEvent) -> None:
    from zoho_client.errors import ZohoError

    rule = EVENTS.get(event.event_type, Rule())
    try:
        if rule.invalidate and event.customer_id:
            # Again after the answer: a page another worker loaded between the delivery and now
            # may hold what Zoho had before the event.
            current_app.extensions["billing"].cache.invalidate_customer(event.customer_id)
        outcome = _invite(event) if rule.invite else "invalidated"
    except (ZohoError, OSError) as error:
        _retry_later(event, type(error).__name__)
        return
    except Exception:
        log.exception("webhook event could not be processed", extra={"event_id": event.event_id})
        db.session.rollback()
        _retry_later(event, "error")
        return
    if outcome is None:
        return  # waiting for the invitation's mail; settled by _invite
    _settle(event, "done", outcome)


def _settle(event: WebhookEvent, state: str, outcome: str) -> None:
    event = db.session.get(WebhookEvent, event.event_id)
    event.state, event.outcome, event.lease_until, event.processed_at = state, outcome, None, utcnow()
    db.session.commit()
    metrics.webhook(event.event_type, outcome)
    log.info("zoho webhook processed", extra={"event_id": event.event_id, "event_type": event.event_type,
                                              "outcome": outcome})


def _retry_later(event: WebhookEvent, reason: str) -> None:
    db.session.rollback()
    event = db.session.get(WebhookEvent, event.event_id, populate_existing=True)
    if event.attempts >= MAX_ATTEMPTS:
        log.error("zoho webhook event given up", extra={"event_id": event.event_id, "reason": reason})
        _settle(event, "failed", reason[:64])
        return
    event.state, event.outcome = "pending", reason[:64]
    event.lease_until = utcnow() + RETRY_AFTER * event.attempts
    db.session.commit()
    log.warning("zoho webhook event will be retried", extra={"event_id": event.event_id, "reason": reason})


def _invite(event: WebhookEvent) -> str | None:
    """Invite the customer of a newly active subscription, once. None: the outcome is settled here."""
    from services import accounts
    from services.accounts import AccountError
    from services.policy import subscriptions as subscription_policy
    from services.zoho import get_zoho

    settings = current_app.extensions["settings"]
    if not settings.AUTO_INVITE:
        return "auto_invite_off"
    if event.invited_user_id is not None:
        # A retry after the invitation was made: send it again only if it never got through.
        user = db.session.get(PortalUser, event.invited_user_id)
        customer_id = event.customer_id
        membership = accounts.membership_of(user, customer_id) if user is not None and customer_id else None
        if membership is None or membership.status != "pending":
            return "invited"
        email = user.email
    else:
        if not event.subscription_id:
            return "no_subscription"
        if event.customer_id and _has_portal_user(customer_id=event.customer_id):
            return "has_portal_user"  # no need to ask Zoho anything
        zoho = get_zoho()
        subscription = zoho.subscriptions.get(event.subscription_id)  # Zoho's word, not the payload's
        if not subscription_policy.opens_portal(subscription):
            return "not_active"
        customer_id = subscription.customer_id
        customer = zoho.customers.get(customer_id)
        email = (customer.email or "").strip()
        if not email:
            return "no_email"
        if _has_portal_user(customer_id=customer_id):
            return "has_portal_user"
    context = AuditContext(ip=None, user_agent="zoho-webhook", request_id=event.event_id)
    try:
        invitation = accounts.invite(email, context, actor=ACTOR, customer_id=customer_id, first_only=True)
    except AccountError as refused:
        db.session.rollback()
        log.info("webhook invitation not sent", extra={"event_id": event.event_id, "reason": refused.message})
        return "not_invited"
    row = db.session.get(WebhookEvent, event.event_id)
    row.invited_user_id = invitation.user.id
    row.customer_id = customer_id  # a retry re-sends this customer's invitation, not the login's first
    row.lease_until = utcnow() + LEASE
    db.session.commit()  # the invitation and who it went to, together; the mail leaves after this
    try:
        invitation.delivery.result(timeout=MAIL_WAIT_SECONDS)
    except Exception as error:  # noqa: BLE001  any failure to deliver: the next attempt re-sends
        _retry_later(row, f"mail:{type(error).__name__}")
        return None
    _settle(row, "done", "invited")
    return None


def _has_portal_user(*, customer_id: str) -> bool:
    """Someone was already given access to this customer (invited, active or switched off). A person
    who signs in for another customer is still invited here: one login may open several customers."""
    return db.session.execute(select(PortalMembership.id).where(
        PortalMembership.customer_id == customer_id).limit(1)).first() is not None


def init_webhooks(app: Flask, settings) -> None:
    app.extensions["webhooks"] = WebhookWorker(app)
