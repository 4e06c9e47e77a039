"""Fixtures for the staff console and support views: the accounts suite's databases (SQLite and
PostgreSQL), the sandbox freshly reseeded, the test SMTP server, staff made through the CLI."""
from __future__ import annotations

import pytest

from tests.accounts.conftest import (  # noqa: F401  (fixtures: one SQLite template, one PostgreSQL database)
    database_url,
    postgres_database,
    sqlite_template,
)
from tests.conftest import portal_settings
from tests.staff.support import make_staff, signed_in_staff

ACME = "187955000000050008"
ACME_EMAIL = "billing@acme.example"
CUSTOMER_PASSWORD = "correct horse battery staple"


@pytest.fixture
def zoho_sandbox(sandbox):
    """The session's sandbox freshly reseeded, without faults, with an empty call log."""
    sandbox.reset()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def make_app(zoho_sandbox, mailbox, database_url):
    from app import create_app
    from extensions import db

    apps = []

    def make(**overrides):
        app = create_app(portal_settings(zoho_sandbox, mailbox, DATABASE_URL=database_url, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["mailer"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def support_member(app):
    return make_staff(app, "sam@support.example", "support", "Sam Support")


@pytest.fixture
def admin_member(app):
    return make_staff(app, "ada@support.example", "admin", "Ada Admin")


@pytest.fixture
def support_client(app, support_member):
    return signed_in_staff(app, support_member)


@pytest.fixture
def admin_client(app, admin_member):
    return signed_in_staff(app, admin_member)


@pytest.fixture
def customer_client(app):
    """A test client signed in as ACME's portal user."""
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee
    from tests.accounts.helpers import login

    with app.app_context():
        accounts.ensure_active_user(find_invitee(ACME_EMAIL), CUSTOMER_PASSWORD, AuditContext.cli(), actor="test")
        db.session.commit()
    client = app.test_client()
    assert login(client, ACME_EMAIL, CUSTOMER_PASSWORD).status_code == 303
    return client
