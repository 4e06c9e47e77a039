"""Which signed session cookies are still good, on every worker and host at once.

A session cookie carries the user's id, the user's *session version* at sign-in and a random
session id. It is good while (1) the version still matches the user's current one (bumped by
"sign out everywhere", password reset or change, and disable) and (2) that one session id was
not signed out on its own. Every signed-in request asks, and the answer is never older than the
last commit: a copied cookie replayed right after the sign-out answer is refused on any worker.

- **With ``REDIS_URL``**: the version and the revocation live in Redis, written before the change's
  answer; one command per request (a script) also carries the page's cache reads
  (``BillingCache.read_ahead_with``). A missing version is read from the database and put back.
  If Redis fails, the database answers (the source of truth).
- **Without**: one keyed lookup per request, a single prepared ``SELECT`` over three small indexed
  tables on a connection this thread keeps (no ORM, no pool checkout): the user's version and
  status, whether the session was signed out, and the generations of the customer's cached data
  (``services/cache_sync.py``), which keep each worker's own cache in step with the others'.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime, timedelta
from typing import Callable

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import create_engine, delete
from sqlalchemy.pool import NullPool

from config.settings import Settings
from db.models import PortalUser, RevokedSession
from db.types import utcnow
from extensions import db
from services.cache_backends import BackendUnavailable

REDIS_PREFIX = "portal:session:"
log = logging.getLogger(__name__)

# 'active' is the portal account's own status (db/models.py), not one of Zoho's.
_CHECK = """SELECT
  (SELECT CASE WHEN status = 'active' THEN session_version ELSE 0 END FROM portal_users WHERE id = {p}),
  (SELECT 1 FROM revoked_sessions WHERE session_hash = {p}),
  (SELECT generation FROM cache_generations WHERE scope = {p}),
  (SELECT generation FROM cache_generations WHERE scope = {p})"""


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


class KeyedReader:
    """One ``SELECT`` of a few keyed rows, on a DBAPI connection each thread keeps open.

    A signed-in request pays a statement, not a pool checkout, a transaction and ORM loading.
    Connections read in autocommit, so each statement sees the last commit of every worker.
    """

    def __init__(self, database_url: str) -> None:
        self._engine = create_engine(database_url, poolclass=NullPool)
        self.dialect = self._engine.dialect.name
        self._local = threading.local()
        self.statement = _CHECK.format(p="?" if self.dialect == "sqlite" else "%s")

    def row(self, params: tuple) -> tuple:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._engine.raw_connection()
            if self.dialect != "sqlite":
                connection.driver_connection.autocommit = True
            self._local.connection = connection
        try:
            cursor = connection.cursor()
            cursor.execute(self.statement, params)
            found = cursor.fetchone()
            cursor.close()
            return found
        except Exception:
            self._local.connection = None  # a broken connection is opened anew next time
            try:
                connection.invalidate()
            except Exception:  # noqa: BLE001  already gone
                pass
            raise


class SessionStore:
    def __init__(self, settings: Settings, redis_client=None, cache=None) -> None:
        self._redis = redis_client
        self._lifetime = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)
        self._reader = KeyedReader(settings.DATABASE_URL)
        self._cache = cache

    # -- reading (every signed-in request) --------------------------------------------------
    def check(self, user_id: int, version: int | None, session_id: str, customer_id: str,
              prefetch: Callable[[], list] | None = None) -> bool:
        """Is this session good? ``user_id`` 0 is a handoff session (no version, only revocation).

        ``prefetch`` names the cache entries the page will read: with Redis they ride along."""
        digest = session_hash(session_id)
        if self._redis is not None:
            answer = self._check_redis(user_id, version, digest, prefetch)
            if answer is not None:
                return answer
        return self._check_database(user_id, version, digest, customer_id)

    def is_valid(self, user_id: int, version: int, session_id: str, customer_id: str = "-") -> bool:
        return self.check(user_id, version, session_id, customer_id)

    def is_revoked(self, session_id: str, customer_id: str = "-") -> bool:
        return not self.check(0, None, session_id, customer_id)

    def _check_redis(self, user_id: int, version: int | None, digest: str, prefetch) -> bool | None:
        version_key, revoked_key = f"{REDIS_PREFIX}v:{user_id}", f"{REDIS_PREFIX}r:{digest}"
        keys = prefetch() if prefetch is not None and self._cache is not None else []
        try:
            answers = (self._cache.read_ahead_with([version_key, revoked_key], keys)
                       if self._cache is not None else None)
            if answers is None:
                answers = self._redis.mget(version_key, revoked_key)
        except (RedisError, BackendUnavailable):
            # Redis down: the database answers (the source of truth) until it is back, rather
            # than a per-process copy being trusted or the request failing.
            log.warning("session cache unavailable; reading the database")
            return None
        current, revoked = answers
        if revoked is not None and int(revoked):
            return False
        if user_id == 0:
            if revoked is None:
                return None  # not known to Redis yet: the database says
            return True
        if current is None or revoked is None:
            return None
        return int(current) == version

    def _check_database(self, user_id: int, version: int | None, digest: str, customer_id: str) -> bool:
        scopes = self._cache.owner_scopes(customer_id) if self._cache is not None else ("-", "-")
        current, revoked, customer_generation, org_generation = self._reader.row(
            (user_id, digest, scopes[0], scopes[1]))
        if self._cache is not None and self._redis is None:
            self._cache.observe({scopes[0]: customer_generation or 0, scopes[1]: org_generation or 0})
        if self._redis is not None:
            # Put the answers back for the next request (only fills: a change writes them itself).
            self._store(f"r:{digest}", int(bool(revoked)), only_if_absent=True)
            if user_id:
                self._store(f"v:{user_id}", current or 0, only_if_absent=True)
        if revoked:
            return False
        return user_id == 0 or (bool(current) and current == version)

    # -- changing (sign-out, reset, disable) ---------------------------------------------------
    def user_changed(self, user: PortalUser) -> None:
        """Publish the user's new version (or their disabling) to every worker's checks."""
        version = user.session_version if user.status == "active" else 0
        self._store(f"v:{user.id}", version)

    def revoke(self, session_id: str, user_id: int, *, now: datetime | None = None) -> None:
        now = now or utcnow()
        digest = session_hash(session_id)
        # Signed-out sessions only need remembering until they would have expired anyway.
        db.session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
        if db.session.get(RevokedSession, digest) is None:
            db.session.add(RevokedSession(session_hash=digest, user_id=user_id, expires_at=now + self._lifetime))
        self._store(f"r:{digest}", 1)

    def _store(self, key: str, value: int, *, only_if_absent: bool = False) -> None:
        if self._redis is None:
            return  # the database row (committed with the request) is what every worker reads
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


def init_sessions(app: Flask, settings: Settings) -> None:
    app.extensions["session_store"] = SessionStore(settings, app.extensions.get("redis"),
                                                   app.extensions["billing"].cache)


def session_store() -> SessionStore:
    return current_app.extensions["session_store"]
