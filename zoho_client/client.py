"""``ZohoClient``: the transport core plus one namespace per resource family."""
from __future__ import annotations

import random
import time
from typing import Callable

import requests

from .addons import AddonsResource
from .cards import CardsResource
from .contactpersons import ContactPersonsResource
from .coupons import CouponsResource
from .creditnotes import CreditNotesResource
from .customers import CustomersResource
from .events import EventsResource
from .hostedpages import HostedPagesResource
from .config import ZohoConfig
from .backoff import Backoff
from .http import CallObserver, ZohoHTTP
from .invoices import InvoicesResource
from .organization import OrganizationResource
from .payments import PaymentsResource
from .plans import PlansResource
from .pricebooks import PriceBooksResource
from .products import ProductsResource
from .settings import SettingsResource
from .subscriptions import SubscriptionsResource
from .token_store import TokenStore
from .transactions import TransactionsResource


class ZohoClient(ZohoHTTP):
    """One configured client per app (thread-safe; share it between requests and threads).

    ``sleep`` and ``clock`` (monotonic) are injectable for tests; ``wall_clock`` dates token expiry,
    which a shared token store compares across processes; ``jitter`` returns a float in [0, 1).
    ``backoff`` (``zoho_client.backoff``) shares a 429's wait and an open breaker with other
    processes; ``observer`` is told of every HTTP attempt (method, path template, status).
    """

    def __init__(
        self,
        config: ZohoConfig,
        token_store: TokenStore | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        *,
        wall_clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        backoff: Backoff | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        super().__init__(config, token_store, session, sleep, clock, wall_clock=wall_clock, jitter=jitter,
                         backoff=backoff, observer=observer)
        self.organization = OrganizationResource(self)
        self.customers = CustomersResource(self)
        self.contactpersons = ContactPersonsResource(self)
        self.cards = CardsResource(self)
        self.products = ProductsResource(self)
        self.plans = PlansResource(self)
        self.addons = AddonsResource(self)
        self.coupons = CouponsResource(self)
        self.pricebooks = PriceBooksResource(self)
        self.subscriptions = SubscriptionsResource(self)
        self.invoices = InvoicesResource(self)
        self.payments = PaymentsResource(self)
        self.transactions = TransactionsResource(self)
        self.creditnotes = CreditNotesResource(self)
        self.hostedpages = HostedPagesResource(self)
        self.settings = SettingsResource(self)
        self.events = EventsResource(self)

    def __enter__(self) -> "ZohoClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
