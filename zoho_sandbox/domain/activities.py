"""A subscription's recent activities (``GET /subscriptions/{id}/recentactivities``): one line for
each thing that happened to it, written when it happens (also while a seed replays history, which
emits no events), newest first when read."""
from __future__ import annotations

from .models import Activity, Subscription

CREATED = "Subscription created"  # recorded by lifecycle.create before the first invoice, not with the event
# What each subscription event says in the activity list (subscription.yml's example:
# "Invoice created - INV-000241").
EVENT_SENTENCES = {
    "subscription_activation": "Subscription activated",
    "subscription_renewed": "Subscription renewed",
    "subscription_upgraded": "Subscription upgraded to {plan}",
    "subscription_downgraded": "Subscription downgraded to {plan}",
    "subscription_cancelled": "Subscription cancelled",
    "subscription_cancellation_scheduled": "Subscription scheduled to be cancelled at the end of the term",
    "subscription_reactivated": "Subscription reactivated",
    "subscription_expired": "Subscription expired",
    "subscription_unpaid": "Subscription marked as unpaid",
    "billing_date_changed": "Renewal date changed to {next_billing_at}",
}


def record(store, sub: Subscription | None, description: str) -> None:
    if sub is not None:
        sub.activities.append(Activity(store.activity_ids.next(), description, store.now()))


def record_event(store, sub: Subscription, event_type: str) -> None:
    sentence = EVENT_SENTENCES.get(event_type)
    if sentence is not None:
        record(store, sub, sentence.format(plan=sub.plan.name, next_billing_at=sub.next_billing_at or ""))


def of_subscription(store, subscription_id: str) -> Subscription | None:
    return store.subscriptions.get(subscription_id) if subscription_id else None
