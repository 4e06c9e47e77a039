"""Per-account throttles (checklist A2/A3): counted by account key, not by IP, so that rotating
``X-Forwarded-For`` buys an attacker nothing. Per-IP limits are Flask-Limiter's, on the views.

A key is the SHA-256 of the normalised email, whether or not an account exists: an unknown
email gets locked out exactly like a real one, so the lockout reveals nothing. Counters live in
the same storage as Flask-Limiter's (Redis when ``REDIS_URL`` is set, else this process's memory:
then each worker counts on its own, so N workers allow up to N times the limit).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItemPerMinute, RateLimitItemPerHour
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from config.settings import Settings


def account_key(normalised_email: str) -> str:
    return hashlib.sha256(normalised_email.encode("utf-8")).hexdigest()


@dataclass
class AccountThrottle:
    """``limit`` events per window for one account key."""

    name: str
    limit: object  # a limits.RateLimitItem
    strategy: MovingWindowRateLimiter

    def allowed(self, key: str) -> bool:
        return self.strategy.test(self.limit, self.name, key)

    def hit(self, key: str) -> bool:
        """Count one event; False when it went over the limit."""
        return self.strategy.hit(self.limit, self.name, key)

    def clear(self, key: str) -> None:
        self.strategy.clear(self.limit, self.name, key)

    def retry_after_seconds(self, key: str) -> int:
        stats = self.strategy.get_window_stats(self.limit, self.name, key)
        return max(1, int(stats.reset_time - time.time()) + 1)


@dataclass
class Throttles:
    login_failures: AccountThrottle
    invitations: AccountThrottle


def init_throttles(app: Flask, settings: Settings) -> None:
    strategy = MovingWindowRateLimiter(storage_from_string(settings.REDIS_URL or "memory://"))
    app.extensions["account_throttles"] = Throttles(
        login_failures=AccountThrottle(
            "login-failures",
            RateLimitItemPerMinute(settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_MINUTES),
            strategy,
        ),
        invitations=AccountThrottle("invitations", RateLimitItemPerHour(settings.INVITATIONS_PER_HOUR), strategy),
    )


def throttles() -> Throttles:
    return current_app.extensions["account_throttles"]
