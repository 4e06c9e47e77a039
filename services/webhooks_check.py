"""Do Zoho's webhooks point at this portal, and do they get through?

Zoho Billing has no API for its webhook settings (they live in its UI), but each event records
where it was delivered and how that went (``GET /events/{id}`` → ``webhooks[{url, status}]``). So
the answer is read from the most recent events: is ``PORTAL_BASE_URL/webhooks/zoho`` among their
delivery URLs, and did the deliveries succeed. ``flask portal webhooks-check`` prints it, and
``flask portal doctor`` runs it as one of its checks.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from services.doctor import Check, fail, ok, warn

NAME = "webhook-deliveries"
EVENTS_LOOKED_AT = 10
WEBHOOK_PATH = "/webhooks/zoho"
# Zoho's delivery states (zoho-billing-api.md §6): delivered, still being retried, given up.
DELIVERED, RETRYING = "success", "scheduled"


def endpoint(portal_base_url: str) -> str:
    return portal_base_url.rstrip("/") + WEBHOOK_PATH


def _without_query(url: str) -> str:
    parts = urlsplit(url or "")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def check_deliveries(zoho, portal_base_url: str) -> Check:
    """Read the newest events and judge where their webhooks went (``zoho``: a ``ZohoClient``)."""
    ours = _without_query(endpoint(portal_base_url))
    recent = zoho.events.list(per_page=EVENTS_LOOKED_AT).items[:EVENTS_LOOKED_AT]
    if not recent:
        return ok(NAME, f"Zoho has recorded no events yet (nothing delivered, nothing failed); its webhook "
                        f"should call {endpoint(portal_base_url)}")
    deliveries = [hook for event in recent for hook in zoho.events.get(event.event_id).webhooks]
    to_us = [hook for hook in deliveries if _without_query(hook.url or "") == ours]
    elsewhere = sorted({hook.url for hook in deliveries if hook.url and _without_query(hook.url) != ours})
    if not to_us:
        found = (f"the last {len(recent)} events went to {', '.join(elsewhere[:3])}" if elsewhere
                 else f"the last {len(recent)} events were delivered to no webhook")
        return fail(NAME, found, f"in Zoho Billing (Settings → Automation → Webhooks) send the events to "
                                 f"{endpoint(portal_base_url)} with the secret in ZOHO_WEBHOOK_SECRET")
    failed = [hook for hook in to_us if hook.status not in (DELIVERED, RETRYING)]
    delivered = sum(hook.status == DELIVERED for hook in to_us)
    found = f"{len(to_us)} of the last {len(recent)} events' deliveries are to {endpoint(portal_base_url)}: " \
            f"{delivered} delivered, {len(failed)} failed"
    if failed:
        return warn(NAME, found, "the portal refused or did not answer some deliveries: check ZOHO_WEBHOOK_SECRET "
                                 "(the same in Zoho and here) and the portal's log for 'webhook refused'")
    return ok(NAME, found)


def check_webhook_deliveries(settings) -> Check:
    """The doctor's line (with the portal's shared Zoho access token: no extra token refresh)."""
    if not settings.ZOHO_WEBHOOK_SECRET:
        return ok(NAME, "webhooks off (ZOHO_WEBHOOK_SECRET unset)")
    from services.zoho import build_zoho_client
    from zoho_client.errors import ZohoError

    with build_zoho_client(settings) as zoho:
        try:
            return check_deliveries(zoho, settings.PORTAL_BASE_URL)
        except ZohoError as error:
            return warn(NAME, f"Zoho's events could not be read ({type(error).__name__})",
                        "the refresh token needs the scope ZohoSubscriptions.webhooks.READ (or fullaccess)")
