"""Reading the audit log for the staff console: filters, one page at a time, and the CSV export.

Reading only: the log is append-only (``db.models.AuditEvent`` refuses updates and deletes, and so do
the database triggers); nothing here or anywhere in the portal changes a row.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from sqlalchemy import select

from db.models import AuditEvent
from extensions import db

PER_PAGE = 50
EXPORT_MAX_ROWS = 100_000
CSV_COLUMNS = ("id", "occurred_at", "event_type", "actor", "portal_user_id", "customer_id", "ip", "user_agent",
               "request_id", "details")


@dataclass(frozen=True)
class AuditFilter:
    customer_id: str = ""
    staff_id: int | None = None  # events by this staff member, or naming them
    event_type: str = ""  # an exact event type, or a prefix followed by "*" ("support_view.*")
    since: date | None = None
    until: date | None = None

    def query(self):
        query = select(AuditEvent)
        if self.customer_id:
            query = query.where(AuditEvent.customer_id == self.customer_id)
        if self.staff_id is not None:
            query = query.where(AuditEvent.actor == f"staff:{self.staff_id}")
        if self.event_type.endswith("*"):
            query = query.where(AuditEvent.event_type.startswith(self.event_type[:-1], autoescape=True))
        elif self.event_type:
            query = query.where(AuditEvent.event_type == self.event_type)
        if self.since:
            query = query.where(AuditEvent.occurred_at >= datetime.combine(self.since, time.min, timezone.utc))
        if self.until:
            query = query.where(AuditEvent.occurred_at < datetime.combine(self.until + timedelta(days=1), time.min,
                                                                          timezone.utc))
        return query


def page(where: AuditFilter, number: int) -> tuple[list[AuditEvent], bool]:
    """Newest first; whether there is another page."""
    rows = list(db.session.scalars(where.query().order_by(AuditEvent.id.desc())
                                   .offset((number - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def event_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.event_type).distinct().order_by(AuditEvent.event_type)))


def export_csv(where: AuditFilter) -> Iterator[str]:
    """The matching rows, oldest first, as CSV text chunks. Cells that a spreadsheet would run as a
    formula are quoted with a leading apostrophe (OWASP CSV injection)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    query = where.query().order_by(AuditEvent.id).limit(EXPORT_MAX_ROWS).execution_options(yield_per=500)
    for row in db.session.scalars(query):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(value) for value in (
            row.id, row.occurred_at.isoformat(), row.event_type, row.actor, row.portal_user_id, row.customer_id,
            row.ip, row.user_agent, row.request_id, json.dumps(row.details, sort_keys=True))])
        yield buffer.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
