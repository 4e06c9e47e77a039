"""What a subscription's pending end-of-term change means, in plain words.

Zoho answers ``GET /subscriptions/{id}/scheduledchanges`` with the subscription as it will be; the
portal compares it with the subscription as it is and says what changes, and when.
"""
from __future__ import annotations

from zoho_client.models import Subscription

from services.billing_models import ScheduledChange
from services.policy import subscriptions as subscription_policy
from services.texts import subscriptions as words


def describe_changes(current: Subscription, future: Subscription | None) -> tuple[ScheduledChange, ...]:
    changes: list[ScheduledChange] = []
    when = current.current_term_ends_at
    if subscription_policy.is_cancellation_scheduled(current):
        changes.append(ScheduledChange(words.CHANGE_CANCELS, subscription_policy.ends_on(current), cancels=True))
    if future is None:
        return tuple(changes)
    now_plan, next_plan = current.plan, future.plan
    if now_plan and next_plan and now_plan.plan_code != next_plan.plan_code:
        changes.append(ScheduledChange(words.change_plan(now_plan.name or now_plan.plan_code,
                                                         next_plan.name or next_plan.plan_code), when))
    elif now_plan and next_plan and now_plan.quantity != next_plan.quantity:
        changes.append(ScheduledChange(words.change_quantity(now_plan.quantity, next_plan.quantity), when))
    now_addons = {a.addon_code: a for a in current.addons}
    next_addons = {a.addon_code: a for a in future.addons}
    for code in sorted(next_addons.keys() - now_addons.keys()):
        changes.append(ScheduledChange(words.change_addon_added(next_addons[code].name or code), when))
    for code in sorted(now_addons.keys() - next_addons.keys()):
        changes.append(ScheduledChange(words.change_addon_removed(now_addons[code].name or code), when))
    for code in sorted(now_addons.keys() & next_addons.keys()):
        if now_addons[code].quantity != next_addons[code].quantity:
            changes.append(ScheduledChange(words.change_addon_quantity(
                next_addons[code].name or code, now_addons[code].quantity, next_addons[code].quantity), when))
    if future.amount is not None and (current.amount is None or future.amount.amount != current.amount.amount):
        changes.append(ScheduledChange(words.change_price(future.amount), when, is_price=True))
    if not changes:
        changes.append(ScheduledChange(words.CHANGE_SCHEDULED, when))
    return tuple(changes)
