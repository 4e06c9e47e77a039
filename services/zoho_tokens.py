"""One Zoho access token for every worker, host and CLI command (``zoho_client.token_store``).

Zoho throttles refreshes (about ten access tokens per refresh token in ten minutes), so the token
is shared: in the database by default (``zoho_access_tokens``), in Redis when ``REDIS_URL`` is set.
Exactly one process refreshes it when it expires, however many notice: the refresher holds a lease
(a conditional UPDATE in the database, ``SET NX PX`` in Redis) and the others wait for the lease to
end, then find the new token. A refused or throttled refresh is remembered in the store for a
while (``hold_failure``), so that nobody else asks Zoho again meanwhile.

Each process keeps a copy of the token it last read and reads the store again only when that copy
is about to expire or Zoho rejected it, so a Zoho call costs no extra round trip. The token is
stored encrypted with a key derived from ``SECRET_KEY``: a database or Redis dump holds no live
Zoho credential.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import create_engine, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from db.shared import ZohoAccessToken
from db.types import utcnow
from zoho_client import deadline
from zoho_client.errors import ZohoTimeout
from zoho_client.token_store import CachedToken

log = logging.getLogger(__name__)

# Longer than one refresh can take (the OAuth call's connect and read timeouts): a lease that
# outlives it belonged to a process that died, and another may take over.
LEASE_SECONDS = 30.0
POLL_SECONDS = 0.05
# SQLite locks the whole database for a write: never wait long for it (a request of this very
# thread may hold that lock); without the lease the refresh still happens, once for this process.
SQLITE_BUSY_SECONDS = 0.5
REDIS_PREFIX = "portal:zoho:"


def store_name(client_id: str, refresh_token: str) -> str:
    """Which token: a new refresh token (or client) never uses the old one's access token."""
    return hashlib.sha256(f"{client_id}\0{refresh_token}".encode()).hexdigest()[:32]


class TokenCipher:
    def __init__(self, secret_key: str) -> None:
        key = hashlib.sha256(b"zoho-access-token\0" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode("ascii")

    def open(self, sealed: str | None) -> str | None:
        if not sealed:
            return None
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            return None  # written under another SECRET_KEY: as if there were none


class _SharedTokenStore:
    """What both stores share: the local copy, the local lock, and the waiting loop."""

    def __init__(self, name: str, cipher: TokenCipher, clock: Callable[[], float] = time.time) -> None:
        self.name = name
        self._cipher = cipher
        self._clock = clock
        self._local = threading.Lock()  # one thread per process contends for the shared lease
        self._guard = threading.Lock()
        self._copy: CachedToken | None = None
        self._holder: int | None = None  # the thread holding the lease reads the store, not the copy

    # the TokenStore protocol

    def get(self) -> CachedToken | None:
        with self._guard:
            if self._copy is not None and self._holder != threading.get_ident():
                return self._copy
        token = self._read()
        with self._guard:
            self._copy = token
        return token

    def set(self, token: CachedToken) -> None:
        with self._guard:
            self._copy = token
        self._write(token)

    def invalidate(self, expected_token: str) -> bool:
        with self._guard:
            if self._copy is not None and self._copy.access_token == expected_token:
                self._copy = None
        return self._forget(expected_token)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        wait = deadline.bounded(LEASE_SECONDS + 5)
        if not self._local.acquire(timeout=wait):
            raise ZohoTimeout("waited too long for another thread refreshing the Zoho access token")
        try:
            me = secrets.token_hex(8)
            held = self._acquire_lease(me, self._clock() + wait)
            with self._guard:
                self._holder = threading.get_ident()
            try:
                yield
            finally:
                with self._guard:
                    self._holder = None
                if held:
                    self._release_lease(me)
        finally:
            self._local.release()

    def _acquire_lease(self, me: str, give_up_at: float) -> bool:
        while True:
            outcome = self._try_lease(me)
            if outcome is not None:
                return outcome
            if self._clock() >= give_up_at:
                raise ZohoTimeout("waited too long for another process refreshing the Zoho access token")
            time.sleep(POLL_SECONDS)

    # what each store implements

    def _read(self) -> CachedToken | None:
        raise NotImplementedError

    def _write(self, token: CachedToken) -> None:
        raise NotImplementedError

    def _forget(self, expected_token: str) -> bool:
        raise NotImplementedError

    def _try_lease(self, me: str) -> bool | None:
        """True: held. None: someone else holds it (wait). False: the store cannot say (go on alone)."""
        raise NotImplementedError

    def _release_lease(self, me: str) -> None:
        raise NotImplementedError


class DatabaseTokenStore(_SharedTokenStore):
    """The token in ``zoho_access_tokens``, each change in a short transaction of its own."""

    def __init__(self, database_url: str, name: str, cipher: TokenCipher, **kwargs) -> None:
        super().__init__(name, cipher, **kwargs)
        sqlite = database_url.startswith("sqlite")
        self._engine = create_engine(database_url, poolclass=NullPool,
                                     connect_args={"timeout": SQLITE_BUSY_SECONDS} if sqlite else {})
        self._table = ZohoAccessToken.__table__

    def _row(self, connection):
        return connection.execute(select(self._table).where(self._table.c.name == self.name)).first()

    def _read(self) -> CachedToken | None:
        try:
            with self._engine.connect() as connection:
                row = self._row(connection)
        except SQLAlchemyError as error:
            log.warning("zoho token store: database unavailable", extra={"db_error": type(error).__name__})
            return None
        token = self._cipher.open(row.token) if row is not None else None
        return CachedToken(token, row.expires_at) if token and row.expires_at else None

    def _write(self, token: CachedToken) -> None:
        values = dict(token=self._cipher.seal(token.access_token), expires_at=token.expires_at,
                      failed_until=None, failure=None, updated_at=utcnow())
        self._upsert(values, "the new token is used by this process only")

    def _forget(self, expected_token: str) -> bool:
        try:
            with self._engine.begin() as connection:
                row = self._row(connection)
                if row is None or self._cipher.open(row.token) != expected_token:
                    return False
                connection.execute(update(self._table).where(self._table.c.name == self.name)
                                   .values(token=None, expires_at=None, updated_at=utcnow()))
        except SQLAlchemyError:
            return False
        return True

    def _try_lease(self, me: str) -> bool | None:
        now = self._clock()
        table = self._table
        try:
            with self._engine.begin() as connection:
                taken = connection.execute(
                    update(table).where(table.c.name == self.name,
                                        (table.c.refreshing_until.is_(None)) | (table.c.refreshing_until < now))
                    .values(refreshing_until=now + LEASE_SECONDS, refresher=me)).rowcount
                if taken:
                    return True
                if self._row(connection) is not None:
                    return None  # someone else refreshes: wait for them
                connection.execute(insert(table).values(name=self.name, refreshing_until=now + LEASE_SECONDS,
                                                        refresher=me, updated_at=utcnow()))
                return True
        except IntegrityError:
            return None  # another process created the row (and the lease) first
        except SQLAlchemyError as error:
            log.warning("zoho token store: no refresh lease (database busy or down); refreshing without it",
                        extra={"db_error": type(error).__name__})
            return False

    def _release_lease(self, me: str) -> None:
        table = self._table
        try:
            with self._engine.begin() as connection:
                connection.execute(update(table).where(table.c.name == self.name, table.c.refresher == me)
                                   .values(refreshing_until=None, refresher=None))
        except SQLAlchemyError:
            pass  # the lease runs out by itself

    def held_failure(self) -> tuple[str, str, float] | None:
        try:
            with self._engine.connect() as connection:
                row = self._row(connection)
        except SQLAlchemyError:
            return None
        if row is None or not row.failed_until or row.failed_until <= self._clock():
            return None
        kind, _, message = (row.failure or "unavailable:").partition(":")
        return kind, message, row.failed_until

    def hold_failure(self, kind: str, message: str, until: float) -> None:
        self._upsert(dict(failed_until=until, failure=f"{kind}:{message}"[:200], updated_at=utcnow()),
                     "the other processes may ask Zoho again")

    def _upsert(self, values: dict, otherwise: str) -> None:
        table = self._table
        try:
            with self._engine.begin() as connection:
                if not connection.execute(update(table).where(table.c.name == self.name).values(**values)).rowcount:
                    connection.execute(insert(table).values(name=self.name, **values))
        except SQLAlchemyError as error:
            log.warning(f"zoho token store: not saved; {otherwise}", extra={"db_error": type(error).__name__})

    def dispose(self) -> None:
        self._engine.dispose()


class RedisTokenStore(_SharedTokenStore):
    """The token, its lease and a remembered failure as three Redis keys."""

    _RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

    def __init__(self, client, name: str, cipher: TokenCipher, **kwargs) -> None:
        super().__init__(name, cipher, **kwargs)
        self._redis = client
        self._token_key = f"{REDIS_PREFIX}token:{name}"
        self._lease_key = f"{REDIS_PREFIX}refreshing:{name}"
        self._failure_key = f"{REDIS_PREFIX}refresh-failed:{name}"
        self._release = client.register_script(self._RELEASE)

    def _call(self, function, *args, **kwargs):
        import redis

        try:
            return function(*args, **kwargs)
        except redis.RedisError as error:
            log.warning("zoho token store: Redis unavailable", extra={"redis_error": type(error).__name__})
            return None

    def _read(self) -> CachedToken | None:
        raw = self._call(self._redis.get, self._token_key)
        if not raw:
            return None
        expires_at, _, sealed = raw.decode("ascii").partition("|")
        token = self._cipher.open(sealed)
        return CachedToken(token, float(expires_at)) if token else None

    def _write(self, token: CachedToken) -> None:
        ttl = max(1, int(token.expires_at - self._clock()))
        value = f"{token.expires_at}|{self._cipher.seal(token.access_token)}"
        self._call(lambda: self._redis.pipeline(transaction=True).set(self._token_key, value, ex=ttl)
                   .delete(self._failure_key).execute())

    def _forget(self, expected_token: str) -> bool:
        current = self._read()
        if current is None or current.access_token != expected_token:
            return False
        return bool(self._call(self._redis.delete, self._token_key))

    def _try_lease(self, me: str) -> bool | None:
        import redis

        try:
            taken = self._redis.set(self._lease_key, me, nx=True, px=int(LEASE_SECONDS * 1000))
        except redis.RedisError:
            return False
        return True if taken else None

    def _release_lease(self, me: str) -> None:
        self._call(self._release, keys=[self._lease_key], args=[me])

    def held_failure(self) -> tuple[str, str, float] | None:
        raw = self._call(self._redis.get, self._failure_key)
        if not raw:
            return None
        kind, until, message = raw.decode().split("|", 2)
        return (kind, message, float(until)) if float(until) > self._clock() else None

    def hold_failure(self, kind: str, message: str, until: float) -> None:
        ttl = max(1, int(until - self._clock()) + 1)
        self._call(self._redis.set, self._failure_key, f"{kind}|{until}|{message}", ex=ttl)


def build_token_store(settings, redis_client=None):
    """The deployment's token store: Redis when it is configured, else the database."""
    name = store_name(settings.ZOHO_CLIENT_ID, settings.ZOHO_REFRESH_TOKEN)
    cipher = TokenCipher(settings.SECRET_KEY)
    if redis_client is not None:
        return RedisTokenStore(redis_client, name, cipher)
    return DatabaseTokenStore(settings.DATABASE_URL, name, cipher)
