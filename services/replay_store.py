"""Single use of handoff tokens across every worker and host (checklist H12).

``claim(jti, remember_until)`` answers True exactly once per ``jti``, atomically:
- **Redis** (when ``REDIS_URL`` is set): ``SET key 1 NX EX ttl``; the key expires by itself.
- **Database** otherwise: an INSERT into ``used_handoff_tokens`` in its own short transaction;
  the primary key makes a second insert fail (that is the replay). Expired rows are purged
  opportunistically, at most once a minute per process.

Both fail closed: when the store cannot answer, ``ReplayStoreUnavailable`` is raised and the
token is refused. A claim is committed at once, before the rest of the request: a request that
fails later has still used its token up (the product mints a new one on the next click).
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from db.handoff import UsedHandoffToken
from services.handoff import ReplayStore, ReplayStoreUnavailable

REDIS_PREFIX = "portal:handoff:jti:"
PURGE_INTERVAL_SECONDS = 60


class DatabaseReplayStore(ReplayStore):
    def __init__(self, engine: Callable[[], Engine], clock: Callable[[], float] = time.time) -> None:
        self._engine = engine  # a callable, so that Flask-SQLAlchemy's engine is read in app context
        self._clock = clock
        self._last_purge = 0.0
        self._lock = threading.Lock()

    def claim(self, jti: str, remember_until: int) -> bool:
        now = self._clock()
        table = UsedHandoffToken.__table__
        try:
            with self._engine().begin() as connection:
                if self._purge_due(now):
                    connection.execute(delete(table).where(table.c.expires_at < _utc(now)))
                connection.execute(insert(table).values(jti=jti, expires_at=_utc(remember_until)))
        except IntegrityError:
            return False
        except SQLAlchemyError as error:
            raise ReplayStoreUnavailable(f"database: {type(error).__name__}") from None
        return True

    def _purge_due(self, now: float) -> bool:
        with self._lock:
            if now - self._last_purge < PURGE_INTERVAL_SECONDS:
                return False
            self._last_purge = now
            return True


class RedisReplayStore(ReplayStore):
    def __init__(self, redis_client, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis_client
        self._clock = clock

    def claim(self, jti: str, remember_until: int) -> bool:
        import redis

        ttl = max(1, int(remember_until - self._clock()) + 1)
        try:
            return bool(self._redis.set(REDIS_PREFIX + jti, b"1", nx=True, ex=ttl))
        except redis.RedisError as error:
            raise ReplayStoreUnavailable(f"redis: {type(error).__name__}") from None


def build_replay_store(redis_url: str | None, engine: Callable[[], Engine]) -> ReplayStore:
    if redis_url:
        import redis

        # Short timeouts: a handoff waits at most a couple of seconds for Redis before refusing.
        client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        return RedisReplayStore(client)
    return DatabaseReplayStore(engine)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)
