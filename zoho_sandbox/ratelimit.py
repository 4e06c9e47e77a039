"""Zoho's API limits per organization: requests per minute, requests per day, concurrent requests.

Zoho Billing's exact figures are not published where we could read them; the defaults follow the
documented Books figures on the same platform (zoho-billing-api.md §5): 100 a minute, a daily cap
(5,000, the figure quoted for Billing's Premium plan) and 10 concurrent calls. Over a limit the
answer is HTTP 429 with code 44 (minute), 45 (day) or 1070 (concurrency).

Windows are fixed and read the sandbox clock, so advancing the clock by a minute or a day opens
the next window, as waiting would at Zoho.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from typing import Iterator

from .clock import Clock
from .core import ApiError

PER_MINUTE_MESSAGE = "You have exceeded the maximum number of API requests per minute. Please try again after some time."
PER_DAY_MESSAGE = "You have reached the maximum number of API calls allowed for your organization for the day."
CONCURRENCY_MESSAGE = "You have exceeded the maximum number of concurrent API requests allowed. Please try again later."

RATE_LIMIT_MESSAGES = {44: PER_MINUTE_MESSAGE, 45: PER_DAY_MESSAGE, 1070: CONCURRENCY_MESSAGE}


@dataclass
class RateLimits:
    per_minute: int = 100
    per_day: int = 5000
    max_concurrent: int = 10
    enabled: bool = True
    # Access tokens per refresh token per ten minutes at the OAuth endpoint (0 = unthrottled).
    token_throttle: int = 10

    def as_dict(self) -> dict:
        return asdict(self)

    def updated(self, changes: dict) -> "RateLimits":
        allowed = {f.name: f.type for f in fields(self)}
        unknown = set(changes) - set(allowed)
        if unknown:
            raise ValueError(f"unknown rate-limit settings: {', '.join(sorted(unknown))}")
        values = self.as_dict()
        for key, value in changes.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ValueError("enabled must be true or false")
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{key} must be a non-negative integer")
            values[key] = value
        return RateLimits(**values)


def rate_limited(code: int, retry_after: int | None = None) -> ApiError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ApiError(429, code, RATE_LIMIT_MESSAGES.get(code, PER_MINUTE_MESSAGE), headers)


class RateLimiter:
    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._lock = threading.Lock()
        self._minute: dict[str, tuple[int, int]] = {}  # org -> (minute index, count)
        self._day: dict[str, tuple[str, int]] = {}  # org -> (date, count)
        self._in_flight: dict[str, int] = {}

    def configure(self, limits: RateLimits) -> None:
        with self._lock:
            self.limits = limits

    def reset(self) -> None:
        with self._lock:
            self._minute.clear()
            self._day.clear()

    @contextmanager
    def admit(self, org_id: str) -> Iterator[dict[str, str]]:
        """Counts one request for ``org_id`` or raises the 429 ApiError; yields Books-style headers."""
        limits = self.limits
        if not limits.enabled:
            yield {}
            return
        now = self.clock.now()
        minute_index = int(now.timestamp() // 60)
        day = now.date().isoformat()
        with self._lock:
            day_key, day_count = self._day.get(org_id, (day, 0))
            if day_key != day:
                day_count = 0
            minute_key, minute_count = self._minute.get(org_id, (minute_index, 0))
            if minute_key != minute_index:
                minute_count = 0
            if day_count >= limits.per_day:
                raise rate_limited(45)
            if minute_count >= limits.per_minute:
                raise rate_limited(44)
            if self._in_flight.get(org_id, 0) >= limits.max_concurrent:
                raise rate_limited(1070)
            self._day[org_id] = (day, day_count + 1)
            self._minute[org_id] = (minute_index, minute_count + 1)
            self._in_flight[org_id] = self._in_flight.get(org_id, 0) + 1
            remaining = limits.per_day - day_count - 1
        seconds_to_midnight = 86400 - (now.hour * 3600 + now.minute * 60 + now.second)
        # Zoho Books reports the daily allowance in these headers (Weble/ZohoBooksApi#38).
        headers = {
            "X-Rate-Limit-Limit": str(limits.per_day),
            "X-Rate-Limit-Remaining": str(max(remaining, 0)),
            "X-Rate-Limit-Reset": str(seconds_to_midnight),
        }
        try:
            yield headers
        finally:
            with self._lock:
                self._in_flight[org_id] -= 1

    def snapshot(self) -> dict:
        with self._lock:
            usage = {
                org: {
                    "minute_count": self._minute.get(org, (0, 0))[1],
                    "day_count": self._day.get(org, ("", 0))[1],
                    "in_flight": self._in_flight.get(org, 0),
                }
                for org in set(self._minute) | set(self._day) | set(self._in_flight)
            }
        return {"limits": self.limits.as_dict(), "usage": usage}
