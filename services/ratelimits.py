"""Per-account throttles (checklist A2/A3): counted by account key, not by IP, so that rotating
``X-Forwarded-For`` buys an attacker nothing. Per-IP limits are Flask-Limiter's, on the views.

A key is the SHA-256 of the normalised email, whether or not an account exists: an unknown
email gets locked out exactly like a real one, so the lockout reveals nothing. The counts are
shared by every worker and host, so that the threshold is the threshold however many there are:
in Redis when ``REDIS_URL`` is set (the same storage as Flask-Limiter's), otherwise in the
database (``throttle_events``, one row per counted event, written in the request's transaction).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from flask import Flask, current_app
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, func, insert, select

from config.settings import Settings
from db.shared import ThrottleEvent
from extensions import db


def account_key(normalised_email: str) -> str:
    return hashlib.sha256(normalised_email.encode("utf-8")).hexdigest()


class AccountThrottle(Protocol):
    def allowed(self, key: str) -> bool: ...

    def hit(self, key: str) -> bool:
        """Count one event; False when it went over the limit."""

    def clear(self, key: str) -> None: ...

    def retry_after_seconds(self, key: str) -> int: ...


@dataclass
class LimitsThrottle:
    """``limit`` events per window for one account key, in the ``limits`` library's storage (Redis)."""

    name: str
    limit: object  # a limits.RateLimitItem
    strategy: MovingWindowRateLimiter

    def allowed(self, key: str) -> bool:
        return self.strategy.test(self.limit, self.name, key)

    def hit(self, key: str) -> bool:
        return self.strategy.hit(self.limit, self.name, key)

    def clear(self, key: str) -> None:
        self.strategy.clear(self.limit, self.name, key)

    def retry_after_seconds(self, key: str) -> int:
        stats = self.strategy.get_window_stats(self.limit, self.name, key)
        return max(1, int(stats.reset_time - time.time()) + 1)


@dataclass
class DatabaseThrottle:
    """``limit`` events per ``window`` seconds (a moving window) for one account key, in the database.

    The rows are part of the request's transaction: a counted failure is committed with the answer
    that reports it, and every worker counts the same rows. ``flask portal purge`` removes old ones.
    """

    name: str
    limit: int
    window: float
    clock: Callable[[], float] = time.time

    def _since(self) -> float:
        return self.clock() - self.window

    def _count(self, key: str) -> int:
        table = ThrottleEvent.__table__
        return db.session.execute(select(func.count()).select_from(table).where(
            table.c.name == self.name, table.c.key == key, table.c.occurred_at > self._since())).scalar_one()

    def allowed(self, key: str) -> bool:
        return self._count(key) < self.limit

    def hit(self, key: str) -> bool:
        db.session.execute(insert(ThrottleEvent.__table__).values(name=self.name, key=key, occurred_at=self.clock()))
        return self._count(key) <= self.limit

    def clear(self, key: str) -> None:
        table = ThrottleEvent.__table__
        db.session.execute(delete(table).where(table.c.name == self.name, table.c.key == key))

    def retry_after_seconds(self, key: str) -> int:
        table = ThrottleEvent.__table__
        oldest = db.session.execute(select(func.min(table.c.occurred_at)).where(
            table.c.name == self.name, table.c.key == key, table.c.occurred_at > self._since())).scalar_one()
        if oldest is None:
            return 1
        return max(1, int(oldest + self.window - self.clock()) + 1)


@dataclass
class Throttles:
    login_failures: AccountThrottle
    invitations: AccountThrottle


def init_throttles(app: Flask, settings: Settings) -> None:
    if settings.REDIS_URL:
        strategy = MovingWindowRateLimiter(storage_from_string(settings.REDIS_URL))
        throttles = Throttles(
            login_failures=LimitsThrottle(
                "login-failures",
                RateLimitItemPerMinute(settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_MINUTES), strategy),
            invitations=LimitsThrottle("invitations", RateLimitItemPerHour(settings.INVITATIONS_PER_HOUR), strategy),
        )
    else:
        throttles = Throttles(
            login_failures=DatabaseThrottle("login-failures", settings.LOGIN_MAX_FAILURES,
                                            settings.LOGIN_LOCKOUT_MINUTES * 60.0),
            invitations=DatabaseThrottle("invitations", settings.INVITATIONS_PER_HOUR, 3600.0),
        )
    app.extensions["account_throttles"] = throttles


def throttles() -> Throttles:
    return current_app.extensions["account_throttles"]
