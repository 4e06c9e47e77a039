"""Webhook tests run on the accounts suite's databases (a migrated SQLite copy, then PostgreSQL)
with the test SMTP server."""
from __future__ import annotations

import pytest

from tests.accounts.conftest import database_url, postgres_database, sqlite_template  # noqa: F401
from tests.accounts.conftest import make_app as accounts_make_app  # noqa: F401
from tests.conftest import SandboxAPI
from tests.webhooks.support import SECRET


@pytest.fixture
def make_app(accounts_make_app):  # noqa: F811
    """An app with webhooks on, on this test's database (SQLite, then PostgreSQL: the accounts suite's)."""
    def make(**overrides):
        return accounts_make_app(**{"ZOHO_WEBHOOK_SECRET": SECRET, **overrides})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_subscriptions(sandbox):
    """The demo seed's live subscriptions whose customers are active and have an email (sandbox reset first)."""
    sandbox.reset()
    api = SandboxAPI(sandbox)
    customers = {c["customer_id"]: c for c in api.get("/customers", per_page=200)["customers"]}
    found = []
    for sub in api.get("/subscriptions", filter_by="SubscriptionStatus.LIVE", per_page=200)["subscriptions"]:
        customer = customers.get(sub["customer_id"])
        if customer and customer.get("status") == "active" and customer.get("email"):
            found.append({**sub, "email": customer["email"].lower()})
    assert len({s["customer_id"] for s in found}) >= 3, "the demo seed has live subscriptions"
    return found


def rows(app, model):
    from extensions import db

    with app.app_context():
        return db.session.query(model).all()
