"""The audit log is append-only (checklist D50): no update or delete path
in the app, and the database itself refuses UPDATE and DELETE (trigger) on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.support.accounts import login

pytestmark = pytest.mark.both_databases


@pytest.fixture
def audited(app, user):
    login(app.test_client(), user.email, "wrong password given")
    login(app.test_client(), user.email, user.password)
    return app


def test_audit_rows_cannot_be_updated_or_deleted_through_the_orm(audited):
    from db.models import AuditEvent, AuditLogIsAppendOnly
    from extensions import db

    with audited.app_context():
        event = db.session.execute(select(AuditEvent)).scalars().first()
        event.event_type = "nothing_happened"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        event = db.session.execute(select(AuditEvent)).scalars().first()
        db.session.delete(event)
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET event_type = 'nothing_happened'",
    "DELETE FROM audit_events",
])
def test_audit_rows_cannot_be_changed_in_sql_either(audited, statement):
    from extensions import db

    with audited.app_context():
        before = db.session.execute(text("SELECT count(*), min(event_type) FROM audit_events")).one()
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert db.session.execute(text("SELECT count(*), min(event_type) FROM audit_events")).one() == before


def test_audit_rows_carry_utc_time_request_id_ip_and_user_agent(audited, user):
    from db.models import AuditEvent
    from extensions import db

    with audited.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    failure = next(e for e in events if e.event_type == "login_failure")
    assert failure.occurred_at.utcoffset().total_seconds() == 0
    assert failure.request_id and failure.ip == "127.0.0.1" and failure.user_agent
    assert failure.portal_user_id == user.id and failure.details["reason"] == "bad_password"
    assert "password" not in str(failure.details).replace("bad_password", "")
