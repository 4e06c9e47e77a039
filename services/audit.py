"""The audit log: one row per security-relevant event, added to the request's transaction.

Services receive an ``AuditContext`` built by the view (client IP, user agent, request id), so
that they never read the Flask request themselves. Rows are only ever inserted; details must
never hold a password, a token or a TOTP code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.models import AuditEvent
from db.types import utcnow
from extensions import db

USER_AGENT_MAX = 300


@dataclass(frozen=True)
class AuditContext:
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None

    @classmethod
    def cli(cls) -> "AuditContext":
        return cls(ip=None, user_agent="flask-cli", request_id=None)


def record(
    event_type: str,
    context: AuditContext,
    *,
    actor: str,
    portal_user_id: int | None = None,
    customer_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=utcnow(),
        event_type=event_type,
        actor=actor,
        portal_user_id=portal_user_id,
        customer_id=customer_id,
        ip=(context.ip or None) and context.ip[:45],
        user_agent=(context.user_agent or None) and context.user_agent[:USER_AGENT_MAX],
        request_id=context.request_id,
        details=details or {},
    )
    db.session.add(event)
    return event


def user_actor(user_id: int) -> str:
    return f"user:{user_id}"
