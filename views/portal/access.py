"""Who is looking: the signed-in customer, as the accounts side records it in the session."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_login import current_user


def signed_in_customer_id() -> str:
    return current_user.customer_id


def customer_today() -> date:
    return datetime.now(timezone.utc).date()
