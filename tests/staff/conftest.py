"""Fixtures for the staff console and support views: the accounts suite's databases (SQLite and
PostgreSQL), the sandbox freshly reseeded, the test SMTP server, staff made through the CLI."""
from __future__ import annotations

import pytest

from tests.accounts.conftest import (  # noqa: F401  (fixtures: the databases, apps on them with the test SMTP server)
    app,
    database_url,
    make_app,
    postgres_database,
    sqlite_template,
)
from tests.actions.conftest import zoho_sandbox  # noqa: F401  (the sandbox freshly reseeded)
from tests.staff.support import make_staff, signed_in_staff

ACME = "187955000000050008"
ACME_EMAIL = "billing@acme.example"
CUSTOMER_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_sandbox(zoho_sandbox):
    """Every test starts from the demo seed with an empty call log (tests start support views and
    invite people, which Zoho records)."""


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
