"""Fixtures for the billing pages' tests: an app on the sandbox with demo customers signed in.

Test modules import the fixtures they use (``from tests.portal.pages_support import …``). The app
and its database are shared by a module's tests (pages only read); tests that break Zoho on
purpose build their own app so that they start with a cold cache.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.accounts.helpers import login
from tests.conftest import SandboxAPI, portal_settings

PASSWORD = "correct horse battery staple"

# Demo customers (zoho_sandbox/seed.py, docs/sandbox-seed.md) by what each one shows.
ACME = "billing@acme.example"  # live plan with add-ons, coupon, scheduled change, payments
MUELLER = "buchhaltung@mueller-soehne.example"  # EUR, in trial; <script> in its notes
BRIGHTSIDE = "accounts@brightside-dental.example"  # unpaid, overdue invoices
PRIYA = "accounts@priya-consulting.example"  # INR, bank transfers, a partial payment
NORTHWIND = "ap@northwind.example"  # credit notes; a card expiring this month
LEDGER = "finance@bigledger.example"  # more than 200 invoices
FRESH = "hello@freshstart.example"  # trial without a card: no invoices, no payments
NEWCOMER = "hello@emptynest.example"  # created by the tests that need it: nothing at all yet


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    customer_id: str
    display_name: str


def text_of(response) -> str:
    """A page's visible text, tags removed and spaces collapsed, for sentences split over lines."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


class SandboxReader(SandboxAPI):
    """Reads the sandbox's own API directly, to learn the demo objects' ids for the tests."""

    def all_rows(self, path: str, key: str, **params) -> list[dict]:
        rows, page = [], 1
        while True:
            body = self.get(path, page=page, per_page=200, **params)
            rows += body[key]
            if not body["page_context"]["has_more_page"]:
                return rows
            page += 1

    def add_newcomer(self) -> DemoCustomer:
        """A new active customer with no subscription, invoice or payment (``sandbox.reset()`` removes it)."""
        response = self.session.post(self.sandbox.api_base + "/customers", json={
            "display_name": "Empty Nest Ltd", "email": NEWCOMER, "currency_code": "USD",
            "first_name": "Noa", "last_name": "Berg"}, timeout=30)
        response.raise_for_status()
        return self.customer(NEWCOMER)

    def customer(self, email: str) -> DemoCustomer:
        found = [c for c in self.all_rows("/customers", "customers") if c["email"] == email]
        assert len(found) == 1, f"{email} is not one demo customer"
        return DemoCustomer(email, found[0]["customer_id"], found[0]["display_name"])

    def invoice_ids(self, customer_id: str) -> list[str]:
        return [row["invoice_id"] for row in self.all_rows("/invoices", "invoices", customer_id=customer_id)
                if row["status"] != "draft"]

    def transaction_ids(self, customer_id: str, kind: str) -> list[str]:
        return [row["transaction_id"] for row in self.all_rows(
            "/transactions", "transactions", customer_id=customer_id, filter_by=f"TransactionType.{kind}")]

    def subscription_ids(self, customer_id: str) -> list[str]:
        return [row["subscription_id"] for row in self.all_rows(
            "/subscriptions", "subscriptions", customer_id=customer_id, filter_by="SubscriptionStatus.All")]


def build_app(sandbox, database_url: str, **overrides):
    from app import create_app

    return create_app(portal_settings(sandbox, DATABASE_URL=database_url, **overrides))


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def create_user(app, email: str) -> None:
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    with app.app_context():
        invitee = find_invitee(email)
        assert invitee is not None, f"{email} is not a demo Zoho person"
        accounts.ensure_active_user(invitee, PASSWORD, AuditContext.cli(), actor="test")
        db.session.commit()


def signed_in_client(app, email: str):
    client = app.test_client()
    response = login(client, email, PASSWORD)
    assert response.status_code in (302, 303), f"sign-in as {email} failed ({response.status_code})"
    return client


class Portal:
    """One app with a database and the demo customers who have portal accounts in it."""

    def __init__(self, app, reader: SandboxReader) -> None:
        self.app = app
        self.reader = reader
        self._users: set[str] = set()
        self._customers: dict[str, DemoCustomer] = {}

    def customer(self, email: str) -> DemoCustomer:
        if email not in self._customers:
            self._customers[email] = self.reader.customer(email)
        return self._customers[email]

    def client_for(self, email: str):
        if email not in self._users:
            create_user(self.app, email)
            self._users.add(email)
        return signed_in_client(self.app, email)


@pytest.fixture(scope="module")
def sandbox_reader(sandbox):
    return SandboxReader(sandbox)


@pytest.fixture(scope="module")
def portal(sandbox, sandbox_reader, tmp_path_factory):
    """A portal app shared by the module's tests (they only read)."""
    from extensions import db

    path = tmp_path_factory.mktemp("pages-db") / "portal.db"
    app = build_app(sandbox, f"sqlite:///{path}")
    migrate(app)
    yield Portal(app, sandbox_reader)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh_portal(sandbox, sandbox_reader, tmp_path):
    """A portal app of its own (cold cache) for tests that change what Zoho answers."""
    from extensions import db

    app = build_app(sandbox, f"sqlite:///{tmp_path / 'portal.db'}")
    migrate(app)
    yield Portal(app, sandbox_reader)
    sandbox.clear_faults()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
