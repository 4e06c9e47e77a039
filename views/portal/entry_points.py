"""Links from the read pages to the changes a customer can make (pay, subscribe, update card…).

Those pages arrive separately; until an endpoint is registered, ``action_url`` returns None and the
template leaves the button out, so that a page never offers a dead link. The stable endpoint names
are listed in docs/portal-notes.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

# Subscription states in which each change makes sense (Zoho's status values).
RUNNING = frozenset({"live", "active", "trial", "unpaid", "past_due", "non_renewing", "future"})
CHANGEABLE = frozenset({"live", "active", "trial", "future"})
REACTIVATABLE = frozenset({"non_renewing", "cancelled", "expired"})


def action_url(endpoint: str, **values) -> str | None:
    """The URL of ``endpoint`` when the app has it, else None (the template then hides the button)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


@dataclass(frozen=True)
class EntryPoint:
    label: str
    href: str
    primary: bool = False


def subscription_entry_points(subscription) -> list[EntryPoint]:
    """The buttons of a subscription's page, in the order a customer needs them."""
    status = subscription.status or ""
    subscription_id = subscription.subscription_id
    wanted = []
    if status == "trial":
        wanted.append(("Subscribe", "portal.subscribe", True))
    if status in RUNNING and status != "future":
        wanted.append(("Update card", "portal.update_card", False))
    if status in CHANGEABLE:
        wanted.append(("Change plan", "portal.change_plan", False))
        wanted.append(("Cancel subscription", "portal.cancel_subscription", False))
    if status in REACTIVATABLE:
        wanted.append(("Reactivate", "portal.reactivate_subscription", True))
    points = []
    for label, endpoint, primary in wanted:
        href = action_url(endpoint, subscription_id=subscription_id)
        if href:
            points.append(EntryPoint(label, href, primary))
    return points
