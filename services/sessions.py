"""Which signed session cookies are still good, answered without a database query per request.

A session cookie carries the user's id, the user's *session version* at sign-in and a random
session id. It is good while (1) the version still matches the user's current one (bumped by
"sign out everywhere", password reset or change, and disable) and (2) that one session id was
not signed out on its own.

Both facts are cached (recipes.md P1: the signed-in path must not pay a query per request):
- without ``REDIS_URL``, in this process for ``SESSION_VERSION_CACHE_SECONDS``. The process that
  makes a change updates its own cache at once; *other* workers notice within that window.
- with ``REDIS_URL``, in Redis, shared by every worker and host, so a change is seen at once.
The database stays the source of truth: a cache miss reads it.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime, timedelta

from cachetools import TTLCache
from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import delete

from config.settings import Settings
from db.models import PortalUser, RevokedSession
from db.types import utcnow
from extensions import db

REDIS_PREFIX = "portal:session:"
log = logging.getLogger(__name__)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


class SessionStore:
    def __init__(self, settings: Settings, redis_client=None) -> None:
        self._redis = redis_client
        self._lifetime = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)
        ttl = max(settings.SESSION_VERSION_CACHE_SECONDS, 0.001)
        self._versions: TTLCache = TTLCache(maxsize=100_000, ttl=ttl)
        self._revoked: TTLCache = TTLCache(maxsize=100_000, ttl=ttl)
        self._lock = threading.Lock()

    # -- reading (every signed-in request) --------------------------------------------------
    def is_valid(self, user_id: int, version: int, session_id: str) -> bool:
        return self.current_version(user_id) == version and not self.is_revoked(session_id)

    def current_version(self, user_id: int) -> int | None:
        """The user's version, or None for a user who may not have a session (gone, not active)."""
        key = f"v:{user_id}"
        cached = self._cached(self._versions, key)
        if cached is not None:
            return cached or None  # 0 stands for "no valid sessions"
        user = db.session.get(PortalUser, user_id)
        version = user.session_version if user is not None and user.status == "active" else 0
        self._store(self._versions, key, version, only_if_absent=True)
        return version or None

    def is_revoked(self, session_id: str) -> bool:
        key = f"r:{session_hash(session_id)}"
        cached = self._cached(self._revoked, key)
        if cached is not None:
            return bool(cached)
        revoked = db.session.get(RevokedSession, session_hash(session_id)) is not None
        self._store(self._revoked, key, int(revoked), only_if_absent=True)
        return revoked

    # -- changing (sign-out, reset, disable) ---------------------------------------------------
    def user_changed(self, user: PortalUser) -> None:
        """Publish the user's new version (or their disabling) to every worker's checks."""
        version = user.session_version if user.status == "active" else 0
        self._store(self._versions, f"v:{user.id}", version)

    def revoke(self, session_id: str, user_id: int, *, now: datetime | None = None) -> None:
        now = now or utcnow()
        digest = session_hash(session_id)
        # Signed-out sessions only need remembering until they would have expired anyway.
        db.session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
        if db.session.get(RevokedSession, digest) is None:
            db.session.add(RevokedSession(session_hash=digest, user_id=user_id, expires_at=now + self._lifetime))
        self._store(self._revoked, f"r:{digest}", 1)

    # -- the two cache backends -----------------------------------------------------------------
    def _cached(self, local: TTLCache, key: str) -> int | None:
        if self._redis is not None:
            try:
                value = self._redis.get(REDIS_PREFIX + key)
            except RedisError:
                # Redis down: answer from the database (the source of truth) on every request
                # until it is back, rather than trusting a per-process copy or failing.
                log.warning("session cache unavailable; reading the database", extra={"cache_key": key[:2]})
                return None
            return None if value is None else int(value)
        with self._lock:
            return local.get(key)

    def _store(self, local: TTLCache, key: str, value: int, *, only_if_absent: bool = False) -> None:
        if self._redis is not None:
            ttl = int(self._lifetime.total_seconds())
            try:
                self._redis.set(REDIS_PREFIX + key, value, ex=ttl, nx=only_if_absent)
            except RedisError:
                if only_if_absent:
                    return  # only a cache fill: the database answered already
                # A sign-out or reset that other workers cannot see must not look done: fail
                # (the request rolls back and says so) rather than keep a copied cookie alive.
                log.error("session change not published: shared cache unavailable")
                raise
            return
        with self._lock:
            if only_if_absent and key in local:
                return
            local[key] = value


def init_sessions(app: Flask, settings: Settings) -> None:
    redis_client = None
    if settings.REDIS_URL:
        import redis

        redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    app.extensions["session_store"] = SessionStore(settings, redis_client)


def session_store() -> SessionStore:
    return current_app.extensions["session_store"]

