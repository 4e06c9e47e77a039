"""The app's one Redis client (when ``REDIS_URL`` is set), shared by the cache, the session checks,
the Zoho access token, the Zoho back-off and the API budget.

One client means one connection pool, so that a signed-in page can send its session check and its
cache reads down one connection in one round trip (``services/sessions.py``). The timeouts are
short: a hung Redis costs a page milliseconds before each user falls back (the cache to memory,
the session check to the database), never seconds.
"""
from __future__ import annotations

from flask import Flask, current_app

SOCKET_TIMEOUT_SECONDS = 0.5


def connect(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_SECONDS,
                                socket_connect_timeout=SOCKET_TIMEOUT_SECONDS)


def init_shared_redis(app: Flask, settings) -> None:
    app.extensions["redis"] = connect(settings.REDIS_URL) if settings.REDIS_URL else None


def shared_redis():
    """The app's Redis client, or None without ``REDIS_URL``."""
    return current_app.extensions.get("redis")
