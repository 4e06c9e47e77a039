"""The shared billing cache in Redis: several gunicorn workers and hosts see one cache.

Values are pickled behind a format prefix: a deploy whose models changed shape bumps
``FORMAT_VERSION`` and simply misses on the old entries instead of unpickling them wrongly. Redis is
trusted infrastructure of the portal (the same trust as its database); nothing a customer sends is
ever unpickled. Single-flight across processes is a ``SET NX PX`` lock per key; the holder releases
it with a compare-and-delete, so a lock that outlived its holder is never deleted by someone else.
Every Redis failure becomes ``BackendUnavailable`` and the cache falls back to in-process.

A warm read moves a few bytes, not the value: each stored value starts with a random 8-byte tag,
and a worker that has already decoded the value under that tag reads only the tag (one script
``GETRANGE``s every tag a page needs, in one command), then fetches in full only what another worker
stored since. Invalidation bumps the owner's generation key, and ``put`` is a compare-and-set on it
(a Lua script), so a load that started before an invalidation anywhere never stores its older answer.
"""
from __future__ import annotations

import pickle
import secrets
import threading

import redis
from cachetools import LRUCache

from services.cache_backends import BackendUnavailable, Stored

FORMAT_VERSION = b"pbc2:"
TAG_BYTES = 8
HEAD = len(FORMAT_VERSION) + TAG_BYTES  # what a warm read fetches of each value
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
# KEYS: generation, fresh, stale, index. ARGV: expected generation, value, fresh ms, stale ms, name, index ms.
_PUT = """
if (redis.call('get', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('set', KEYS[3], ARGV[2], 'PX', ARGV[4]) end
redis.call('sadd', KEYS[4], ARGV[5])
redis.call('pexpire', KEYS[4], ARGV[6])
return 1
"""

# KEYS: keys to GET whole (ARGV[1] of them: another part of the portal's, like the session check's),
# then the values whose tags to read. ARGV[2]: the tag's last byte offset. One command for a page's
# reads, however many: a pipeline of one command per key costs the worker a command to pack and a
# reply to parse for each. A missing key is nil, a missing value's tag the empty string.
_READS = """
local out, whole = {}, tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= whole then out[i] = redis.call('get', key) else out[i] = redis.call('getrange', key, 0, ARGV[2]) end
end
return out
"""


class RedisBackend:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._release = client.register_script(_RELEASE)
        self._put = client.register_script(_PUT)
        self._reads = client.register_script(_READS)
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
    def _generation(owner_prefix: str) -> str:
        return f"{NAMESPACE}gen:{owner_prefix}"

    @staticmethod
    def _index(owner_prefix: str) -> str:
        # One set per customer naming its fresh keys, so invalidation never scans the keyspace.
        return f"{NAMESPACE}index:{owner_prefix}"

    # values

    @staticmethod
    def _encode(stored: Stored) -> bytes:
        payload = pickle.dumps((stored.stored_at, stored.value), protocol=pickle.HIGHEST_PROTOCOL)
        return FORMAT_VERSION + secrets.token_bytes(TAG_BYTES) + payload

    @staticmethod
    def _unpickle(raw: bytes | None) -> Stored | None:
        if raw is None or len(raw) < HEAD or not raw.startswith(FORMAT_VERSION):
            return None
        try:
            stored_at, value = pickle.loads(raw[HEAD:])
        except Exception:  # a model class renamed or removed since it was stored: a miss
            return None
        return Stored(value, stored_at)

    def _known(self, name: str, head: bytes | None) -> Stored | None:
        """The value decoded earlier under this very tag, if this process has it."""
        if not head or len(head) < HEAD:
            return None
        with self._decoded_lock:
            known = self._decoded.get(name)
        return known[1] if known is not None and known[0] == head[:HEAD] else None

    def _decode(self, name: str, raw: bytes | None) -> Stored | None:
        if raw is None:
            return None
        known = self._known(name, raw)
        if known is not None:
            return known
        stored = self._unpickle(raw)
        if stored is not None:
            with self._decoded_lock:
                self._decoded[name] = (raw[:HEAD], stored)
        return stored

    # the backend contract

    def hint(self, name: str) -> Stored | None:
        """What this process last decoded for ``name``, without asking Redis: possibly outdated, so
        only ever a guess at which keys a page will read, never a value to show."""
        with self._decoded_lock:
            known = self._decoded.get(name)
        return known[1] if known is not None else None

    def get(self, name: str) -> Stored | None:
        return self.get_many([name])[0]

    def get_many(self, names: list[str]) -> list[Stored | None]:
        if not names:
            return []
        return self.read_with([], names)[1]()

    def read_with(self, plain: list[str], names: list[str]):
        """GET each of ``plain`` and read the tags of ``names``, in one command. Returns the values of
        ``plain`` and ``finish()``, which gives a ``Stored`` or None per name, fetching in full (one
        more round trip) only the values this process has not decoded yet."""
        replies = self._call(self._reads, keys=[*plain, *(self._fresh(name) for name in names)],
                             args=[len(plain), HEAD - 1])
        return replies[:len(plain)], lambda: self._finish_reads(names, replies[len(plain):])

    def _finish_reads(self, names: list[str], heads: list) -> list[Stored | None]:
        found = [self._known(name, head) for name, head in zip(names, heads)]
        unknown = [i for i, (head, hit) in enumerate(zip(heads, found)) if head and hit is None]
        if unknown:
            raws = self._call(self._redis.mget, [self._fresh(names[i]) for i in unknown])
            for i, raw in zip(unknown, raws):
                found[i] = self._decode(names[i], raw)
        return found

    def get_stale(self, name: str) -> Stored | None:
        return self._unpickle(self._call(self._redis.get, self._stale(name)))

    def generation(self, owner_prefix: str) -> int:
        return int(self._call(self._redis.get, self._generation(owner_prefix)) or 0)

    def put(self, name: str, owner_prefix: str, stored: Stored, ttl: float, stale_ttl: float,
            generation: int | None = None) -> bool:
        raw = self._encode(stored)
        keys = [self._generation(owner_prefix), self._fresh(name), self._stale(name), self._index(owner_prefix)]
        expected = str(generation if generation is not None else self.generation(owner_prefix))
        args = [expected, raw, max(1, int(ttl * 1000)), int(stale_ttl * 1000) if stale_ttl > 0 else 0, name,
                max(1, int(max(ttl, stale_ttl) * 1000))]
        stored_it = bool(self._call(self._put, keys=keys, args=args))
        if stored_it:
            with self._decoded_lock:
                self._decoded[name] = (raw[:HEAD], stored)
        return stored_it

    def drop(self, owner_prefix: str, resource: str | None) -> None:
        index = self._index(owner_prefix)

        def drop():
            # The generation first: a load in flight anywhere can no longer store its older answer.
            self._redis.incr(self._generation(owner_prefix))
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
