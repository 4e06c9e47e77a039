"""The shared billing cache in Redis: several gunicorn workers and hosts see one cache.

Values are pickled behind a format prefix: a deploy whose models changed shape bumps
``FORMAT_VERSION`` and simply misses on the old entries instead of unpickling them wrongly. Redis is
trusted infrastructure of the portal (the same trust as its database); nothing a customer sends is
ever unpickled. Single-flight across processes is a ``SET NX PX`` lock per key; the holder releases
it with a compare-and-delete, so a lock that outlived its holder is never deleted by someone else.
Every Redis failure becomes ``BackendUnavailable`` and the cache falls back to in-process.
"""
from __future__ import annotations

import pickle
import secrets
import threading

import redis
from cachetools import LRUCache

from services.cache_backends import BackendUnavailable, Stored

FORMAT_VERSION = b"pbc1:"
NAMESPACE = "portal:billing:"
FAILED_MARK_MS = 2000
# Decoded values kept per process, reused while Redis holds the very same bytes: a warm page then
# costs one MGET and a byte comparison instead of unpickling every model on every request.
DECODED_ENTRIES = 1_000
# Short socket timeouts: a hung Redis must cost a page milliseconds, not seconds, before the fallback.
SOCKET_TIMEOUT_SECONDS = 0.5

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class RedisBackend:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._release = client.register_script(_RELEASE)
        self._decoded: LRUCache = LRUCache(DECODED_ENTRIES)
        self._decoded_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> "RedisBackend":
        return cls(redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_SECONDS,
                                        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS))

    # names

    @staticmethod
    def _fresh(name: str) -> str:
        return f"{NAMESPACE}fresh:{name}"

    @staticmethod
    def _stale(name: str) -> str:
        return f"{NAMESPACE}stale:{name}"

    @staticmethod
    def _lock(name: str) -> str:
        return f"{NAMESPACE}lock:{name}"

    @staticmethod
    def _failed(name: str) -> str:
        return f"{NAMESPACE}failed:{name}"

    @staticmethod
    def _index(owner_prefix: str) -> str:
        # One set per customer naming its fresh keys, so invalidation never scans the keyspace.
        return f"{NAMESPACE}index:{owner_prefix}"

    # values

    @staticmethod
    def _encode(stored: Stored) -> bytes:
        return FORMAT_VERSION + pickle.dumps((stored.stored_at, stored.value), protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _unpickle(raw: bytes | None) -> Stored | None:
        if raw is None or not raw.startswith(FORMAT_VERSION):
            return None
        try:
            stored_at, value = pickle.loads(raw[len(FORMAT_VERSION):])
        except Exception:  # a model class renamed or removed since it was stored: a miss
            return None
        return Stored(value, stored_at)

    def _decode(self, name: str, raw: bytes | None) -> Stored | None:
        if raw is None:
            return None
        with self._decoded_lock:
            known = self._decoded.get(name)
        if known is not None and known[0] == raw:
            return known[1]
        stored = self._unpickle(raw)
        if stored is not None:
            with self._decoded_lock:
                self._decoded[name] = (raw, stored)
        return stored

    # the backend contract

    def get(self, name: str) -> Stored | None:
        return self._decode(name, self._call(self._redis.get, self._fresh(name)))

    def get_many(self, names: list[str]) -> list[Stored | None]:
        if not names:
            return []
        raws = self._call(self._redis.mget, [self._fresh(n) for n in names])
        return [self._decode(n, raw) for n, raw in zip(names, raws)]

    def get_stale(self, name: str) -> Stored | None:
        return self._unpickle(self._call(self._redis.get, self._stale(name)))

    def put(self, name: str, owner_prefix: str, stored: Stored, ttl: float, stale_ttl: float) -> None:
        raw = self._encode(stored)
        index = self._index(owner_prefix)

        def write():
            pipe = self._redis.pipeline(transaction=False)
            pipe.set(self._fresh(name), raw, px=max(1, int(ttl * 1000)))
            if stale_ttl > 0:
                pipe.set(self._stale(name), raw, px=max(1, int(stale_ttl * 1000)))
            pipe.sadd(index, name)
            pipe.pexpire(index, max(1, int(max(ttl, stale_ttl) * 1000)))
            pipe.execute()

        self._call(write)

    def drop(self, owner_prefix: str, resource: str | None) -> None:
        index = self._index(owner_prefix)

        def drop():
            names = [n.decode() for n in self._redis.smembers(index)]
            doomed = [n for n in names
                      if resource is None or n[len(owner_prefix):].split(":", 1)[0] == resource]
            if doomed:
                pipe = self._redis.pipeline(transaction=False)
                pipe.delete(*[self._fresh(n) for n in doomed])
                pipe.srem(index, *doomed)
                pipe.execute()

        self._call(drop)

    def delete(self, name: str) -> None:
        self._call(self._redis.delete, self._fresh(name))

    def acquire(self, name: str, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        if self._call(self._redis.set, self._lock(name), token, nx=True, px=max(1, int(ttl * 1000))):
            self._call(self._redis.delete, self._failed(name))
            return token
        return None

    def release(self, name: str, token: str) -> None:
        self._call(self._release, keys=[self._lock(name)], args=[token])

    def lock_state(self, name: str) -> str:
        failed, held = self._call(lambda: self._redis.pipeline(transaction=False)
                                  .exists(self._failed(name)).exists(self._lock(name)).execute())
        if failed:
            return "failed"
        return "held" if held else "free"

    def mark_failed(self, name: str) -> None:
        self._call(self._redis.set, self._failed(name), b"1", px=FAILED_MARK_MS)

    def clear(self) -> None:
        def clear():
            for key in self._redis.scan_iter(match=NAMESPACE + "*", count=1000):
                self._redis.delete(key)

        self._call(clear)

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except redis.RedisError as error:
            raise BackendUnavailable(f"{type(error).__name__}: {error}") from error
