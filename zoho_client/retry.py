"""How long to wait before trying again: capped exponential backoff with jitter, and Retry-After."""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable


def backoff_delay(retry_number: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Delay before retry ``retry_number`` (1 for the first retry).

    "Equal jitter": half the capped exponential step is always waited, the other half is random, so
    that many clients failing together spread out yet none hammers Zoho with a near-zero wait.
    """
    step = min(cap, base * (2 ** (retry_number - 1)))
    return step / 2 + rand() * step / 2


def parse_retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent or garbled."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = now() if now else datetime.now(timezone.utc)
        seconds = (when - current).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)
