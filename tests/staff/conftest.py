"""Fixtures for the staff console and support views: staff members made through the CLI and signed
in with real TOTP codes, and Acme's billing contact signed in as a customer. The app, its database
(SQLite; both for modules marked ``both_databases``), the sandbox and the mailbox are the suite's."""
from __future__ import annotations

import pytest

from tests.support.demo import ACME as ACME_EMAIL, ACME_ID as ACME, PASSWORD as CUSTOMER_PASSWORD  # noqa: F401
from tests.support.staff import make_staff, signed_in_staff


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
def customer_client(signed_in):
    """A test client signed in as Acme's billing contact (a portal user)."""
    return signed_in(ACME_EMAIL)
