"""The read side's own fixtures: the billing read model on a fresh cache, and a portal app that a
module's page tests share (they only read, so a warm cache and one database serve them all)."""
from __future__ import annotations

import pytest

from tests.fixtures.app import close_app
from tests.support.accounts import create_account, signed_in_client
from tests.support.demo import DemoCustomer
from tests.support.sandbox_api import SandboxAPI
from tests.support.settings import portal_settings


@pytest.fixture
def read_model(zoho, sandbox):
    """``read_model(customer_id, cache=None, **cache_options)`` → a ``CustomerBilling`` on ``zoho`` with a
    fresh cache (one per set of options) and its own fan-out pool."""
    from services.billing import CustomerBilling
    from services.cache import BillingCache, begin_request
    from services.fanout import FanOut

    begin_request()
    caches: dict[tuple, BillingCache] = {}
    pools: list[FanOut] = []

    def make(customer_id: str, cache: BillingCache | None = None, **cache_options) -> CustomerBilling:
        if cache is None:
            key = tuple(sorted(cache_options.items()))
            cache = caches.setdefault(key, BillingCache(sandbox.ORGANIZATION_ID, **cache_options))
        pools.append(FanOut())
        return CustomerBilling(customer_id, zoho, cache, pools[-1])

    yield make
    for pool in pools:
        pool.shutdown()


class Portal:
    """One app with a database, and the demo customers who have portal accounts in it."""

    def __init__(self, app, api: SandboxAPI) -> None:
        self.app = app
        self.api = api
        self._users: set[str] = set()
        self._customers: dict[str, DemoCustomer] = {}

    def customer(self, email: str) -> DemoCustomer:
        if email not in self._customers:
            self._customers[email] = self.api.demo_customer(email)
        return self._customers[email]

    def client_for(self, email: str):
        """A new test client signed in as ``email`` (whose account is created the first time)."""
        if email not in self._users:
            create_account(self.app, email)
            self._users.add(email)
        return signed_in_client(self.app, email)


@pytest.fixture(scope="module")
def _module_portal(sandbox_server, smtp_server, make_sqlite_database):
    from app import create_app

    app = create_app(portal_settings(sandbox_server, smtp_server, DATABASE_URL=make_sqlite_database()))
    yield Portal(app, SandboxAPI(sandbox_server))
    close_app(app)


@pytest.fixture
def portal(_module_portal, sandbox) -> Portal:
    """The module's shared ``Portal`` (one app, warm cache, one database) on the sandbox in its demo
    state; for tests that only read. A test that needs a cold cache or other settings uses ``make_app``."""
    return _module_portal
