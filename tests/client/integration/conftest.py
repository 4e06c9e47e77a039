"""The real client against the real sandbox over loopback (fixtures ``zoho``, ``make_zoho`` and ``sandbox``
from tests/fixtures/sandbox.py), and what only these tests use: the demo customers found through the
client under test."""
from __future__ import annotations

import pytest

from zoho_client import ZohoClient
from zoho_client.models import Customer


def find_customer(zoho: ZohoClient, email: str) -> Customer:
    """The demo customer with that email, found by paging through ``zoho.customers``."""
    for customer in zoho.customers.iter_all():
        if customer.email == email:
            return customer
    raise AssertionError(f"demo seed has no customer {email}")


@pytest.fixture
def acme(zoho) -> Customer:
    """Acme Studio (demo seed): USD, live Pro with addons and a coupon, card 4242, contact persons,
    a scheduled end-of-term upgrade."""
    return find_customer(zoho, "billing@acme.example")
