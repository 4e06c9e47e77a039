"""An app with webhooks on, its own migrated SQLite database and the test SMTP server."""
from __future__ import annotations

import pytest

from tests.conftest import SandboxAPI, portal_settings
from tests.webhooks.support import SECRET


@pytest.fixture
def make_app(sandbox, mailbox, tmp_path):
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    apps = []

    def make(database_url: str | None = None, **overrides):
        url = database_url or f"sqlite:///{tmp_path / 'portal.db'}"
        app = create_app(portal_settings(sandbox, mailbox, DATABASE_URL=url, ZOHO_WEBHOOK_SECRET=SECRET,
                                         **overrides))
        with app.app_context():
            upgrade()
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
