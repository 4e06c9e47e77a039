"""The audit events an app recorded, read back from its database."""
from __future__ import annotations

from typing import NamedTuple


class _Fields(NamedTuple):
    event_type: str
    actor: str
    customer_id: str | None
    request_id: str | None
    details: dict


class AuditRow(_Fields):
    """One event: unpacks as ``(event_type, actor, customer_id, request_id, details)``; ``ip`` and
    ``user_agent`` are there as attributes too."""

    ip: str | None = None
    user_agent: str | None = None


def audit_events(app, event_type: str | None = None) -> list[AuditRow]:
    """Every audit event (of ``event_type`` when given), oldest first."""
    from db.models import AuditEvent
    from extensions import db

    rows = []
    with app.app_context():
        query = db.select(AuditEvent).order_by(AuditEvent.id)
        if event_type:
            query = query.where(AuditEvent.event_type == event_type)
        for event in db.session.scalars(query):
            row = AuditRow(event.event_type, event.actor, event.customer_id, event.request_id, dict(event.details or {}))
            row.ip, row.user_agent = event.ip, event.user_agent
            rows.append(row)
    return rows
