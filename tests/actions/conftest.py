"""Fixtures for the write actions: the accounts suite's databases (SQLite and PostgreSQL),
signed-in test clients, and helpers that drive the sandbox's hosted checkout over real HTTP."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

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


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
SUCCESS_CARD, DECLINED_CARD, EXPIRING_CARD = "4111 1111 1111 1111", "4000 0000 0000 0002", "4000 0000 0000 0077"


def form_fields(html: str, action: str | None = None) -> dict:
    """The hidden fields of the form posting to ``action`` (the first form when None)."""
    if action is not None:
        start = html.index(f'action="{action}"')
        html = html[start:html.index("</form>", start)]
    else:
        html = html[html.index("<form method=\"post\" action=\"/invoices"):]
        html = html[:html.index("</form>")]
    fields: dict = {}
    for name, value in HIDDEN.findall(html):
        fields.setdefault(name, [])
        fields[name].append(value.replace("&#34;", '"').replace("&amp;", "&"))
    return {k: v if len(v) > 1 else v[0] for k, v in fields.items()}


def collects(sandbox, invoice_id: str | None = None) -> int:
    """How many ``POST /invoices/{id}/collect`` the sandbox received (for one invoice when given)."""
    calls = sandbox.calls()["calls"]
    return sum(1 for c in calls if c["method"] == "POST" and c["path"].endswith("/collect")
               and (invoice_id is None or f"/invoices/{invoice_id}/" in c["path"]))


def complete_checkout(url: str, card: str = SUCCESS_CARD, action: str = "pay") -> str:
    """Fill the sandbox's hosted checkout form over real HTTP (what a browser does); returns the redirect."""
    import requests

    page = requests.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    nonce = NONCE.search(page.text).group(1)
    answer = requests.post(url, data={"nonce": nonce, "card_holder": "Test Person", "card_number": card,
                                      "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "action": action},
                           allow_redirects=False, timeout=10)
    if answer.status_code == 302:
        return answer.headers["Location"]
    return ""


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def add_card(client, card: str = SUCCESS_CARD) -> str:
    """Add a card for the signed-in customer through the add-card hosted page round trip; the result page."""
    token = CSRF.search(client.get("/cards/add").get_data(as_text=True)).group(1)
    started = client.post("/cards/add", data={"csrf_token": token})
    assert started.status_code == 303, started.status_code
    back = complete_checkout(started.headers["Location"], card)
    assert back.startswith("http://portal.test/hosted/return?"), back
    return client.get(local(back)).get_data(as_text=True)
