"""The plain-words sentences for a scheduled end-of-term change."""
from __future__ import annotations

from zoho_client.models import Subscription

from services.subscription_changes import describe_changes


def subscription(amount: float, plan_code: str = "pro-monthly", quantity: int = 1) -> Subscription:
    return Subscription.from_api({
        "subscription_id": "90001", "status": "live", "currency_code": "EUR", "amount": amount,
        "current_term_ends_at": "2026-12-16",
        "plan": {"plan_code": plan_code, "name": plan_code.title(), "price": amount, "quantity": quantity},
        "addons": [],
    })


def test_a_new_price_is_written_as_money_like_the_rest_of_the_page():
    changes = describe_changes(subscription(49.0), subscription(109.0, "business-monthly"))
    texts = [change.description for change in changes]
    assert "Plan changes from Pro-Monthly to Business-Monthly" in texts
    assert "The price becomes €109.00" in texts
