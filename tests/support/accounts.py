"""Test clients of the portal: anonymous ones, portal accounts for the demo people, signing in."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from tests.support.demo import PASSWORD
from tests.support.forms import post_form

SESSION_COOKIE = "__Host-portal_session"  # the customer session's cookie outside development
_addresses = itertools.count(1)


def client_for(app):
    """A new anonymous test client of ``app`` with a client address of its own (10.x.y.z, never
    contacted: it is only what the app sees), so that per-address rate limits never couple tests."""
    n = next(_addresses)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 or 1}"
    return client


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a test class, whatever pytest thinks of its name
    id: int
    email: str
    password: str
    customer_id: str
    display_name: str


def create_account(app, email: str, password: str = PASSWORD) -> TestUser:
    """An active portal account for a demo Zoho person (the same service the CLI uses)."""
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    with app.app_context():
        invitee = find_invitee(email)
        assert invitee is not None, f"{email} is not a demo Zoho person"
        user = accounts.ensure_active_user(invitee, password, AuditContext.cli(), actor="test")
        db.session.commit()
        return TestUser(id=user.id, email=user.email, password=password, customer_id=user.customer_id,
                        display_name=user.display_name)


def login(client, email: str, password: str, **kwargs):
    """Send the sign-in form (with its CSRF token); the caller checks the answer."""
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def signed_in_client(app, email: str, password: str = PASSWORD):
    """A new test client of ``app`` signed in through the login form (the account must exist)."""
    client = app.test_client()
    response = login(client, email, password)
    assert response.status_code in (302, 303), f"sign-in as {email} failed ({response.status_code})"
    return client


def session_cookie(client, name: str = SESSION_COOKIE):
    return client.get_cookie(name)
