"""The audit log is append-only (checklist D50, I23): the app has no path that changes or deletes a row,
and the database refuses UPDATE and DELETE itself (a trigger, on SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.both_databases

def test_audit_rows_cannot_be_changed_or_deleted_through_the_app(app, admin_client):
    from db.models import AuditEvent, AuditLogIsAppendOnly
    from extensions import db

    with app.app_context():
        row = db.session.scalars(db.select(AuditEvent)).first()
        row.event_type = "forged"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.delete(db.session.scalars(db.select(AuditEvent)).first())
            db.session.flush()
        db.session.rollback()
    methods = {rule.rule: rule.methods for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/audit")}
    assert all(m <= {"GET", "HEAD", "OPTIONS"} for m in methods.values())


def test_audit_rows_cannot_be_changed_or_deleted_through_sql(app, admin_client, database_url):
    from extensions import db

    with app.app_context():
        for statement in ("UPDATE audit_events SET event_type = 'forged'", "DELETE FROM audit_events"):
            with pytest.raises(Exception, match="append-only"):
                with db.engine.begin() as connection:
                    connection.execute(text(statement))
        count = db.session.execute(text("SELECT count(*) FROM audit_events WHERE event_type = 'forged'")).scalar()
        assert count == 0
