"""Support views ("View as customer"): starting one, finding the open one, ending it.

A support view is read-only by construction: it makes an ``Actor`` of kind ``STAFF``
(``views/staff_session.py``) and the policy refuses every action to that actor
(``services.policy.actor_refusal``). This module decides the rest:

- **who may be viewed**: a customer (never a staff member's own account), active in Zoho, and only
  one at a time per staff member (no chaining);
- **for how long**: ``IMPERSONATION_MINUTES`` from the start, never extended (a new view needs a new
  reason);
- **what is on the record**: the start (staff, customer, reason, ticket, session, IP, browser) and the
  end (how), in the append-only audit log; pages, downloads and refused changes are recorded by the
  pipeline as they happen;
- **who is told**: the customer's primary email, when ``IMPERSONATION_NOTIFY`` is on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from db.models import PortalMembership, PortalUser
from db.staff import Impersonation
from db.types import utcnow
from extensions import db
from services import audit, directory
from services.actors import StaffMember
from services.audit import AuditContext
from services.mail import render_mail, send_after_commit
from services.policy import customers as customer_policy
from services.texts import account as account_words, staff as words

REASON_MIN, REASON_MAX, TICKET_MAX = 10, 500, 64


class ViewRefused(Exception):
    """A support view may not start: ``status`` is 400 (bad input), 403 (not allowed) or 404."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ViewRequest:
    customer_id: str
    reason: str
    ticket: str | None

    @classmethod
    def parse(cls, customer_id: str, reason: str | None, ticket: str | None) -> "ViewRequest":
        reason = " ".join((reason or "").split())
        if len(reason) < REASON_MIN:
            raise ViewRefused(words.VIEW_REASON_REQUIRED, 400)
        ticket = " ".join((ticket or "").split())[:TICKET_MAX] or None
        return cls(customer_id=customer_id, reason=reason[:REASON_MAX], ticket=ticket)


def open_view_of(staff_id: int, now: datetime | None = None) -> Impersonation | None:
    """The staff member's support view that is still running, if any."""
    now = now or utcnow()
    rows = db.session.scalars(select(Impersonation).where(Impersonation.staff_id == staff_id,
                                                          Impersonation.ended_at.is_(None)))
    return next((row for row in rows if row.is_live(now)), None)


def start(staff: StaffMember, request: ViewRequest, zoho, context: AuditContext, *, session_id: str,
          minutes: int, notify: bool) -> Impersonation:
    from services.staff import session_hash, staff_emails
    from zoho_client.errors import ZohoNotFound, ZohoValidationError

    if staff.impersonation_id is not None or open_view_of(staff.staff_id) is not None:
        raise ViewRefused(words.VIEW_ALREADY_OPEN, 403)
    try:
        customer = zoho.customers.get(request.customer_id)
    except (ZohoNotFound, ZohoValidationError):
        raise ViewRefused("", 404) from None
    if not customer_policy.is_active(customer):
        raise ViewRefused(words.VIEW_CUSTOMER_DISABLED, 403)
    if _is_staff_account(customer, staff_emails()):
        raise ViewRefused(words.VIEW_NOT_A_CUSTOMER, 403)
    now = utcnow()
    view = Impersonation(
        staff_id=staff.staff_id, customer_id=customer.customer_id,
        customer_name=(customer.display_name or customer.company_name or customer.customer_id)[:200],
        customer_email=(customer.email or "")[:254], reason=request.reason, ticket=request.ticket,
        started_at=now, expires_at=now + timedelta(minutes=minutes),
        ip=(context.ip or None) and context.ip[:45], user_agent=(context.user_agent or "")[:300] or None,
        staff_session_hash=session_hash(session_id),
    )
    db.session.add(view)
    db.session.flush()
    audit.record("impersonation_started", context, actor=staff.audit_name, customer_id=view.customer_id,
                 details={"impersonation_id": view.id, "staff_id": staff.staff_id, "reason": view.reason,
                          "ticket": view.ticket, "staff_session": view.staff_session_hash[:16],
                          "expires_at": view.expires_at.isoformat()})
    if notify and customer.email:
        send_after_commit(_started_mail(view, staff, customer.email))
    return view


def _is_staff_account(customer, emails: set[str]) -> bool:
    """A customer whose own email, or one of whose portal users' email, is a staff account's."""
    if (customer.email or "").lower() in emails:
        return True
    people = db.session.scalars(select(func.lower(PortalUser.email)).join(
        PortalMembership, PortalMembership.user_id == PortalUser.id).where(
        PortalMembership.customer_id == customer.customer_id))
    return any(email in emails for email in people)


def end(view: Impersonation, how: str, context: AuditContext) -> None:
    """Close the view once (``manual``, ``expiry``, ``logout``, ``session_expired`` or ``revoked``)."""
    if view.ended_at is not None:
        return
    now = utcnow()
    # A view that ran out is recorded as ending at its limit, however late the next request (or the
    # End button, or the sign-out) came.
    view.ended_at = min(now, view.expires_at)
    view.end_reason = "expiry" if view.expires_at <= now else how
    db.session.flush()
    audit.record("impersonation_ended", context, actor=f"staff:{view.staff_id}", customer_id=view.customer_id,
                 details={"impersonation_id": view.id, "staff_id": view.staff_id, "how": view.end_reason,
                          "seconds": int((view.ended_at - view.started_at).total_seconds())})


def end_all_of(staff_id: int, how: str, context: AuditContext) -> None:
    for view in db.session.scalars(select(Impersonation).where(Impersonation.staff_id == staff_id,
                                                               Impersonation.ended_at.is_(None))):
        end(view, how, context)


def _started_mail(view: Impersonation, staff: StaffMember, to: str):
    """The customer's notice: who and when, and where to see it; never the reason or the ticket (they
    may quote the customer's own data), nor any IP address."""
    org = directory.organization()
    company = str((org.name if org else None) or account_words.FALLBACK_COMPANY)
    base = current_app.extensions["settings"].PORTAL_BASE_URL
    # In the customer's language in Zoho: the notice goes to the customer's own address.
    return render_mail("support_view_started", to=to, language=directory.customer_language(view.customer_id),
                       subject=lambda: account_words.SUBJECT_SUPPORT_VIEW % {"company": company},
                       org=org, company_name=company, customer_name=view.customer_name,
                       staff_name=staff.display_name, started_at=view.started_at,
                       minutes=int((view.expires_at - view.started_at).total_seconds() // 60),
                       activity_url=f"{base}/activity")
