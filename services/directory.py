"""Who is who in Zoho, for accounts: the organization's profile (company name and contact
details for the header and the emails), customers' names, and the person behind an email.

Reads go through the app's one Zoho client (``services.zoho.get_zoho``). The organization and
customer names are cached per app (10 min and 60 s, design.md §4) and the last good value is
kept, so the page header never costs an upstream call per request and survives a Zoho outage.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

from cachetools import TTLCache
from flask import Flask, current_app

from services.zoho import get_zoho

ORGANIZATION_TTL_SECONDS = 600
CUSTOMER_NAME_TTL_SECONDS = 60
FAILURE_BACKOFF_SECONDS = 30
T = TypeVar("T")


@dataclass(frozen=True)
class Invitee:
    """The Zoho person an email belongs to: a customer's own email or one of its contact persons."""

    email: str
    customer_id: str
    contact_person_id: str | None
    person_name: str
    customer_name: str


class _LastGoodCache:
    """A TTL cache that also remembers the last good value of each key, for when Zoho fails."""

    def __init__(self, ttl: float) -> None:
        self._fresh: TTLCache = TTLCache(maxsize=10_000, ttl=ttl)
        # Keys whose load just failed with nothing to fall back on: not retried for a while,
        # so that an outage does not make every page wait on Zoho's timeout.
        self._failing: TTLCache = TTLCache(maxsize=10_000, ttl=FAILURE_BACKOFF_SECONDS)
        self._last_good: dict = {}
        self._lock = threading.Lock()

    def get(self, key, load: Callable[[], T]) -> T:
        from zoho_client.errors import ZohoError, ZohoNotFound, ZohoUnavailable

        with self._lock:
            if key in self._fresh:
                return self._fresh[key]
            if key in self._failing:
                raise ZohoUnavailable("recently unreachable; not retried yet")
        try:
            value = load()
        except ZohoNotFound:
            raise
        except ZohoError:
            with self._lock:
                if key in self._last_good:
                    return self._last_good[key]
                self._failing[key] = True
            raise
        with self._lock:
            self._fresh[key] = value
            if len(self._last_good) > 10_000:
                self._last_good.clear()
            self._last_good[key] = value
        return value


def init_directory(app: Flask) -> None:
    app.extensions["directory_caches"] = {
        "organization": _LastGoodCache(ORGANIZATION_TTL_SECONDS),
        "customer_names": _LastGoodCache(CUSTOMER_NAME_TTL_SECONDS),
    }


def _cache(name: str) -> _LastGoodCache:
    return current_app.extensions["directory_caches"][name]


def organization():
    """The organization (``zoho_client.models.Organization``), or None if Zoho never answered."""
    from zoho_client.errors import ZohoError

    try:
        billing = current_app.extensions.get("billing")
        if billing is not None:
            # The same single-flight, stale-if-error entry that Home fetches in its fan-out: the header
            # then never costs a second round trip, nor one call per concurrent request.
            return billing.cache.get_or_load(billing.cache.org_key("organization"), get_zoho().organization.get)
        return _cache("organization").get("org", lambda: get_zoho().organization.get())
    except ZohoError:
        return None


def customer_name(customer_id: str) -> str | None:
    """The customer's (company's) display name, or None if Zoho cannot say right now."""
    from zoho_client.errors import ZohoError

    def load() -> str:
        customer = get_zoho().customers.get(customer_id)
        return customer.company_name or customer.display_name or ""

    try:
        return _cache("customer_names").get(customer_id, load) or None
    except ZohoError:
        return None


def find_invitee(email: str, *, customer_id: str | None = None) -> Invitee | None:
    """The active Zoho customer or contact person whose email is ``email`` (normalised), or None.

    With ``customer_id`` (the staff console and the demo know it) only that customer is asked.
    Otherwise Zoho's customer search by email finds a customer's own address; Zoho Billing has
    no search over contact persons' emails, so those are looked for customer by customer.
    """
    from zoho_client.errors import ZohoNotFound

    client = get_zoho()
    if customer_id is not None:
        try:
            return _match(client, client.customers.get(customer_id), email)
        except ZohoNotFound:
            return None
    for customer in client.customers.iter_all(email=email):
        found = _match(client, customer, email)
        if found is not None:
            return found
    for customer in client.customers.iter_all(filter_by="Status.Active"):
        found = _match(client, customer, email, primary=False)
        if found is not None:
            return found
    return None


def _match(client, customer, email: str, *, primary: bool = True) -> Invitee | None:
    if (customer.status or "active") != "active":
        return None
    company = customer.company_name or customer.display_name or ""
    if primary and (customer.email or "").lower() == email:
        person = _join(customer.first_name, customer.last_name) or customer.display_name or email
        return Invitee(email, customer.customer_id, None, person, company)
    for contact in client.contactpersons.list(customer.customer_id):
        if (contact.email or "").lower() == email:
            person = _join(contact.first_name, contact.last_name) or email
            return Invitee(email, customer.customer_id, contact.contactperson_id, person, company)
    return None


def _join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
