"""What a subscription's pending end-of-term change means, in plain words.

Zoho answers ``GET /subscriptions/{id}/scheduledchanges`` with the subscription as it will be; the
portal compares it with the subscription as it is and says what changes, and when.
"""
from __future__ import annotations

from zoho_client.models import Subscription

from services.billing_models import ScheduledChange
from services.formatting import format_money


def describe_changes(current: Subscription, future: Subscription | None) -> tuple[ScheduledChange, ...]:
    changes: list[ScheduledChange] = []
    when = current.current_term_ends_at
    if current.status == "non_renewing":
        changes.append(ScheduledChange("The subscription cancels at the end of the current term",
                                       current.expires_at or when))
    if future is None:
        return tuple(changes)
    now_plan, next_plan = current.plan, future.plan
    if now_plan and next_plan and now_plan.plan_code != next_plan.plan_code:
        changes.append(ScheduledChange(f"Plan changes from {now_plan.name or now_plan.plan_code} "
                                       f"to {next_plan.name or next_plan.plan_code}", when))
    elif now_plan and next_plan and now_plan.quantity != next_plan.quantity:
        changes.append(ScheduledChange(f"Quantity changes from {now_plan.quantity} to {next_plan.quantity}", when))
    now_addons = {a.addon_code: a for a in current.addons}
    next_addons = {a.addon_code: a for a in future.addons}
    for code in sorted(next_addons.keys() - now_addons.keys()):
        changes.append(ScheduledChange(f"Add-on {next_addons[code].name or code} is added", when))
    for code in sorted(now_addons.keys() - next_addons.keys()):
        changes.append(ScheduledChange(f"Add-on {now_addons[code].name or code} is removed", when))
    for code in sorted(now_addons.keys() & next_addons.keys()):
        if now_addons[code].quantity != next_addons[code].quantity:
            changes.append(ScheduledChange(f"Add-on {next_addons[code].name or code} quantity changes from "
                                           f"{now_addons[code].quantity} to {next_addons[code].quantity}", when))
    if future.amount is not None and (current.amount is None or future.amount.amount != current.amount.amount):
        changes.append(ScheduledChange(f"The price becomes {format_money(future.amount)}", when))
    if not changes:
        changes.append(ScheduledChange("A change to the subscription is scheduled", when))
    return tuple(changes)
