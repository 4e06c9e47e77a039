"""The context one request hands to the services: who acts, for which customer, with what.

``views/pipeline.py`` builds one per request (``RequestContext`` for the sign-in pages,
``CustomerContext`` once an actor is known) and passes it to the controller, which passes it on to
the read model and the operations. Nothing here reads Flask, so services stay usable from the CLI
and from tests.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timezone, tzinfo
from functools import cached_property
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.actors import Actor, StaffMember
from services.audit import AuditContext

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RequestContext:
    """Any request: settings, the audit context (IP, browser, request id) and the locale.

    ``locale`` is the language the request is answered in (``views/language.py`` decides it, the
    first time something is written); given as a function, so that deciding it may use this context
    (the customer's language in Zoho)."""

    def __init__(self, *, settings, audit: AuditContext, locale: str | Callable[[], str] = "en",
                 actor: Actor | None = None) -> None:
        self.settings = settings
        self.audit = audit
        self._locale = locale
        self.actor = actor
        self.outcome: str | None = None
        self.outcome_details: dict[str, Any] = {}

    @property
    def locale(self) -> str:
        return self._locale() if callable(self._locale) else self._locale

    def report(self, outcome: str, **details: Any) -> None:
        """How a write ended (``succeeded``, ``declined``…) and what its audit event adds: ids and
        amounts only, never card data or free text from a form."""
        self.outcome = outcome
        self.outcome_details.update(details)


class CustomerContext(RequestContext):
    """A request acting for one customer: the actor, Zoho, the cache and the customer's read model."""

    def __init__(self, *, actor: Actor, settings, audit: AuditContext, zoho, cache, fanout, locale: str = "en",
                 clock: Callable[[], datetime] = _utc_now) -> None:
        super().__init__(settings=settings, audit=audit, locale=locale, actor=actor)
        self.actor: Actor = actor
        self.zoho = zoho
        self.cache = cache
        self.fanout = fanout
        self.clock = clock

    @property
    def customer_id(self) -> str:
        return self.actor.customer_id

    @cached_property
    def billing(self):
        from services.billing import CustomerBilling

        return CustomerBilling(self.customer_id, self.zoho, self.cache, self.fanout, today=self.today)

    @cached_property
    def time_zone(self) -> tzinfo:
        """The organization's time zone from Zoho: its calendar decides what "today" is."""
        from zoho_client.errors import ZohoError

        try:
            name = self.billing.organization().time_zone
        except ZohoError:
            # The page itself will say that billing is unreachable; dates fall back to UTC meanwhile.
            return timezone.utc
        return zone(name)

    def now(self) -> datetime:
        return self.clock().astimezone(self.time_zone)

    def today(self) -> date:
        return self.now().date()

    def invalidate(self) -> None:
        """Forget everything cached about this customer, so the next page reads Zoho's new state."""
        self.cache.invalidate_customer(self.customer_id)


class StaffContext(RequestContext):
    """A request of the staff console: the signed-in staff member and the Zoho client.

    Staff read Zoho directly (no customer cache): what they look at should be what Zoho says now."""

    def __init__(self, *, staff: StaffMember, settings, audit: AuditContext, zoho, locale: str = "en") -> None:
        super().__init__(settings=settings, audit=audit, locale=locale)
        self.staff = staff
        self.zoho = zoho


def zone(name: str | None) -> tzinfo:
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown organization time zone, using UTC", extra={"time_zone": name[:64]})
        return timezone.utc
