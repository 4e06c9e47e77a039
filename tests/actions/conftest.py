"""Fixtures for the write actions (issue 5): the accounts suite's databases (SQLite and PostgreSQL),
signed-in test clients, and helpers that drive the sandbox's hosted checkout over real HTTP."""
from __future__ import annotations

import pytest

from tests.accounts.conftest import (  # noqa: F401  (fixtures: one SQLite template, one PostgreSQL database)
    database_url,
    postgres_database,
    sqlite_template,
)
from tests.accounts.helpers import login
from tests.conftest import portal_settings

ACME = "187955000000050008"  # card 4242, everything paid
BRIGHTSIDE = "187955000000050025"  # card 0002: collect is declined
LONE_WOLF = "187955000000050036"  # no card, one open invoice
NORTHWIND = "187955000000050033"  # card expiring this month
PASSWORD = "correct horse battery staple"


@pytest.fixture
def zoho_sandbox(sandbox):
    """The session's sandbox freshly reseeded, without faults, with an empty call log."""
    sandbox.reset()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def make_app(zoho_sandbox, database_url):
    """Build an app on this test's database (two of them = two workers sharing it)."""
    from app import create_app
    from extensions import db

    apps = []

    def make(**overrides):
        app = create_app(portal_settings(zoho_sandbox, DATABASE_URL=database_url, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def signed_in(app):
    """``signed_in(email)``: a test client signed in as an active portal user for that demo person."""
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    def make(email: str = "billing@acme.example", client_app=None):
        target = client_app or app
        with target.app_context():
            invitee = find_invitee(email)
            assert invitee is not None, email
            accounts.ensure_active_user(invitee, PASSWORD, AuditContext.cli(), actor="test")
            db.session.commit()
        client = target.test_client()
        response = login(client, email, PASSWORD)
        assert response.status_code in (302, 303), response.status_code
        return client

    return make


def audit_events(app, event_type: str | None = None):
    from db.models import AuditEvent
    from extensions import db

    with app.app_context():
        query = db.select(AuditEvent).order_by(AuditEvent.id)
        if event_type:
            query = query.where(AuditEvent.event_type == event_type)
        rows = db.session.scalars(query).all()
        return [(row.event_type, row.actor, row.customer_id, row.request_id, dict(row.details)) for row in rows]
