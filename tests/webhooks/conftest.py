"""Webhook tests: the suite's app with webhooks on (``ZOHO_WEBHOOK_SECRET``), and the demo seed's
live subscriptions to send events about."""
from __future__ import annotations

import pytest

from tests.webhooks.support import SECRET


@pytest.fixture
def make_app(make_app):
    """The suite's ``make_app`` with webhooks on."""
    def make(**overrides):
        return make_app(**{"ZOHO_WEBHOOK_SECRET": SECRET, **overrides})

    return make


@pytest.fixture
def live_subscriptions(sandbox_api):
    """The demo seed's live subscriptions whose customers are active and have an email."""
    customers = {c["customer_id"]: c for c in sandbox_api.get("/customers", per_page=200)["customers"]}
    found = []
    for sub in sandbox_api.get("/subscriptions", filter_by="SubscriptionStatus.LIVE", per_page=200)["subscriptions"]:
        customer = customers.get(sub["customer_id"])
        if customer and customer.get("status") == "active" and customer.get("email"):
            found.append({**sub, "email": customer["email"].lower()})
    assert len({s["customer_id"] for s in found}) >= 3, "the demo seed has live subscriptions"
    return found


def rows(app, model):
    from extensions import db

    with app.app_context():
        return db.session.query(model).all()
