"""Fixtures for the subscription and profile actions: one SQLite database per module with the demo
people's portal accounts, a fresh app (cold cache) and a reseeded sandbox per test, CSRF helpers.

SQLite only: the write-action plumbing itself is proven on PostgreSQL too by test_write_actions.py;
these tests are about Zoho and the pages, and stay lean.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import SandboxAPI, portal_settings
from tests.portal.pages_support import PASSWORD, create_user, migrate, signed_in_client

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

ACME = "billing@acme.example"  # live Pro + 2 extra storage, card 4242, scheduled change, 3 contact persons
MUELLER = "buchhaltung@mueller-soehne.example"  # EUR trial with a card
ATHINA = "athina@parthenon-design.example"  # non_renewing
OLGA = "olga@sibir-tech.example"  # cancelled 20 days ago
FRESH = "hello@freshstart.example"  # trial without a card
LONE_WOLF = "hello@lonewolf.example"  # live, offline, no card
TOKYO = "keiri@tokyo-tech.example"  # expired + live yearly
CAFE = "finanzen@cafe-zuerich.example"  # EUR, live Pro + priority support, card 7722, Swiss VAT 8.1 %
PRIYA = "accounts@priya-consulting.example"  # INR, offline, 5 team seats, India GST 18 %
PEOPLE = (ACME, MUELLER, ATHINA, OLGA, FRESH, LONE_WOLF, TOKYO, CAFE, PRIYA)


class Reader(SandboxAPI):
    """The sandbox's own API, read directly (to learn ids and check Zoho's state)."""
    def customer_id(self, email: str) -> str:
        rows = self.get("/customers", email=email)["customers"]
        assert len(rows) == 1, email
        return rows[0]["customer_id"]

    def customer(self, customer_id: str) -> dict:
        return self.get(f"/customers/{customer_id}")["customer"]

    def subscriptions(self, customer_id: str) -> list[dict]:
        return self.get("/subscriptions", customer_id=customer_id, filter_by="SubscriptionStatus.All")["subscriptions"]

    def subscription(self, subscription_id: str) -> dict:
        return self.get(f"/subscriptions/{subscription_id}")["subscription"]

    def contacts(self, customer_id: str) -> list[dict]:
        return self.get(f"/customers/{customer_id}/contactpersons")["contact_persons"]

    def first_subscription(self, email: str, status: str | None = None) -> str:
        rows = self.subscriptions(self.customer_id(email))
        rows = [r for r in rows if status is None or r["status"] == status]
        assert rows, (email, status)
        return rows[0]["subscription_id"]


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post_form(client, path: str, data: dict | None = None, token_from: str | None = None, **kwargs):
    """GET the page (``token_from`` or ``path``) for its CSRF token, then POST ``data`` with it."""
    page = client.get(token_from or path)
    assert page.status_code == 200, (token_from or path, page.status_code)
    return client.post(path, data={**(data or {}), "csrf_token": csrf_of(page.get_data(as_text=True))}, **kwargs)


def hostedpage_id_of(location: str) -> str:
    return urlsplit(location).path.rstrip("/").split("/")[-2].removeprefix("2-")


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.fixture(scope="module")
def actions_db(sandbox, smtp_server, tmp_path_factory):
    """A migrated SQLite database (copied per test) where the demo people have portal accounts."""
    import shutil

    from app import create_app
    from extensions import db

    sandbox.reset()
    folder = tmp_path_factory.mktemp("actions-db")
    path = folder / "template.db"
    app = create_app(portal_settings(sandbox, smtp_server, DATABASE_URL=f"sqlite:///{path}"))
    migrate(app)
    for email in PEOPLE:
        create_user(app, email)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    counter = iter(range(10_000))

    def copy() -> str:
        target = folder / f"db-{next(counter)}.db"
        shutil.copyfile(path, target)
        return f"sqlite:///{target}"

    return copy


@pytest.fixture
def reader(sandbox):
    return Reader(sandbox)


@pytest.fixture
def make_portal(sandbox, smtp_server, actions_db):
    """``make_portal(**settings)``: a fresh app (cold cache, own database copy) on a freshly seeded sandbox."""
    from app import create_app
    from extensions import db

    sandbox.reset()
    apps = []

    def make(**overrides):
        app = create_app(portal_settings(sandbox, smtp_server, DATABASE_URL=actions_db(), **overrides))
        apps.append(app)
        return app

    yield make
    sandbox.clear_faults()
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


sign_in = signed_in_client  # a test client signed in as a demo person (PASSWORD)


def audit_rows(app, action: str):
    from db.models import AuditEvent
    from extensions import db

    with app.app_context():
        rows = db.session.scalars(db.select(AuditEvent).where(AuditEvent.event_type == f"write.{action}")
                                  .order_by(AuditEvent.id)).all()
        return [(row.actor, row.customer_id, dict(row.details)) for row in rows]
