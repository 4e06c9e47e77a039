"""The billing read cache: TTL, per-key single-flight, stale-if-error and per-customer keys.

``BillingCache.get_or_load(key, loader)`` is the only way the read model reaches Zoho:

* a fresh value (younger than its TTL) is returned without calling the loader;
* on a miss, N concurrent callers for one key make exactly one ``loader()`` call in this process
  (a per-key future), and one per cluster when the backend is Redis (a ``SET NX PX`` lock);
* when the loader fails because Zoho is unavailable or rate-limits us, the last good value (kept in
  a separate bounded store, because a TTL cache forgets expired entries) is served if it is younger
  than ``stale_max_seconds``, and the moment it was fetched is recorded for the current request so
  that the page can say "as of 14:05" (``stale_as_of()``); with nothing to serve, the error is
  re-raised and the error page shows the calm 503.

Cached values are shared between requests and threads, so only immutable values are accepted
(frozen dataclasses, tuples, frozensets, scalars); a list or dict is refused when it is stored.
Keys always name the organization and either a customer or the organization itself: there is no
way to build a key that one customer's request could share with another's (checklist Z 27).
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import enum
import functools
import logging
import threading
import time
import uuid
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date, datetime, time as dtime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Iterator, TypeVar
from urllib.parse import quote

from zoho_client import deadline
from zoho_client.errors import ZohoBadResponse, ZohoRateLimited, ZohoTimeout, ZohoUnavailable

from services import metrics
from services.cache_backends import BackendUnavailable, MemoryBackend, Stored
from services.texts import LazyText

log = logging.getLogger(__name__)

T = TypeVar("T")

# The failures that mean "Zoho cannot answer right now": worth serving last-good data for.
UNAVAILABLE_ERRORS = (ZohoUnavailable, ZohoRateLimited, ZohoBadResponse)
_UNKNOWN = object()  # not read ahead: ask the backend

DEFAULT_TTL_SECONDS = 60
ORG_TTL_SECONDS = 600
# How long a process keeps using its in-process fallback before trying Redis again.
REDIS_RETRY_SECONDS = 30.0


class MutableValueError(TypeError):
    """A loader returned something that other requests could change (a list, a dict, a plain object)."""


# -- keys ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CacheKey:
    """One cache entry's name. Built only by ``customer_key``/``org_key`` (or the cache's helpers)."""

    org_id: str
    customer_id: str | None  # None: an organization-wide entry (plans, the organization profile)
    resource: str
    parts: tuple[str, ...] = ()

    def __str__(self) -> str:
        return _name_of(self)

    @property
    def owner_prefix(self) -> str:
        """Every key of this customer (or of the organization) starts with this."""
        scope = f"cust:{_part(self.customer_id)}" if self.customer_id is not None else "org"
        return f"{_part(self.org_id)}:{scope}:"


@functools.lru_cache(maxsize=65_536)
def _name_of(key: CacheKey) -> str:
    # Memoized: a warm page names the same few keys on every request.
    scope = f"cust:{_part(key.customer_id)}" if key.customer_id is not None else "org"
    tail = "".join(":" + _part(p) for p in key.parts)
    return f"{_part(key.org_id)}:{scope}:{_part(key.resource)}{tail}"


@functools.lru_cache(maxsize=65_536)
def _quoted(value: str) -> str:
    return quote(value, safe="")


def _part(value: Any) -> str:
    # Percent-encoding ":" keeps "a:b" + "c" and "a" + "b:c" apart: no two keys can collide.
    # (Memoized: a warm page builds the same few keys on every request.)
    return _quoted(str(value))


def _require_id(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a cache key needs a non-empty {name}, got {value!r}")
    return value


def customer_key(org_id: str, customer_id: str, resource: str, *parts: Any) -> CacheKey:
    return CacheKey(_require_id("org id", org_id), _require_id("customer id", customer_id),
                    _require_id("resource", resource), tuple(str(p) for p in parts))


def org_key(org_id: str, resource: str, *parts: Any) -> CacheKey:
    return CacheKey(_require_id("org id", org_id), None, _require_id("resource", resource),
                    tuple(str(p) for p in parts))


# -- immutability ----------------------------------------------------------------------------------

_IMMUTABLE_SCALARS = (type(None), bool, int, float, complex, str, bytes, Decimal, date, datetime, dtime,
                      timedelta, enum.Enum, uuid.UUID, range)


def ensure_immutable(value: Any, path: str = "value") -> None:
    """Raise ``MutableValueError`` unless ``value`` (all the way down) cannot be changed in place."""
    if isinstance(value, _IMMUTABLE_SCALARS):
        return
    if isinstance(value, LazyText):
        # Words to be written in the reader's language when shown (services/texts): a message and its values.
        for index, item in enumerate((*value._args, *value._kwargs.values())):
            if not callable(item):
                ensure_immutable(item, f"{path}<{index}>")
        return
    if isinstance(value, (tuple, frozenset)):
        for index, item in enumerate(value):
            ensure_immutable(item, f"{path}[{index}]")
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not value.__dataclass_params__.frozen:
            raise MutableValueError(f"{path}: {type(value).__name__} is not a frozen dataclass")
        for field in dataclasses.fields(value):
            ensure_immutable(getattr(value, field.name), f"{path}.{field.name}")
        return
    raise MutableValueError(f"{path}: {type(value).__name__} is mutable; cache tuples and frozen dataclasses")


# -- the per-request "as of" notice -------------------------------------------------------------------


class _StaleNotice:
    """Shared by a request and the worker threads it fans out to (they run in copies of its context)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.as_of: datetime | None = None

    def record(self, moment: datetime) -> None:
        with self._lock:
            # The oldest value on the page is the honest "as of".
            if self.as_of is None or moment < self.as_of:
                self.as_of = moment


_notice: contextvars.ContextVar[_StaleNotice | None] = contextvars.ContextVar("billing_stale_notice", default=None)


# Values a request read ahead in the round trip of its session check (``BillingCache.read_ahead_with``):
# name -> Stored, or None for a known miss. Shared with the threads the request fans out to.
_prefetched: contextvars.ContextVar[dict | None] = contextvars.ContextVar("billing_prefetched", default=None)


class Reads:
    """The values a computation read from the cache (``BillingCache.recording``), by entry name."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.stale = False  # something was last-good data: nothing to reuse


# Shared with the threads a computation fans out to (they run in copies of its context).
_recording: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("billing_recording", default=None)


def _record(name: str, value: Any) -> None:
    reads = _recording.get()
    if reads is not None:
        reads.values[name] = value


def begin_request() -> None:
    """Start a fresh "as of" record; the app calls it before every request (worker threads are reused)."""
    _notice.set(_StaleNotice())
    _prefetched.set(None)


def end_request(_exc: BaseException | None = None) -> None:
    """Forget what the request read ahead once it is over: the thread may next serve another app's
    request or run code outside any request (a CLI command, a test), which must read the backend."""
    _prefetched.set(None)


def stale_as_of() -> datetime | None:
    """When this request served last-good data because Zoho failed: the oldest such moment (UTC), else None."""
    notice = _notice.get()
    return notice.as_of if notice is not None else None


def _record_stale(moment: datetime) -> None:
    notice = _notice.get()
    if notice is None:
        notice = _StaleNotice()
        _notice.set(notice)
    notice.record(moment)


# -- the cache --------------------------------------------------------------------------------------


class BillingCache:
    """TTL cache with single-flight and stale-if-error over a backend (in-process or Redis)."""

    def __init__(
        self,
        org_id: str,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        org_ttl: float = ORG_TTL_SECONDS,
        stale_max_seconds: float = 86400,
        backend=None,
        fallback=None,
        wait_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        bus=None,
    ) -> None:
        self.org_id = _require_id("org id", org_id)
        self.ttl = ttl
        self.org_ttl = org_ttl
        self.stale_max_seconds = stale_max_seconds
        self.wait_timeout = wait_timeout
        self._clock = clock
        self._wall_clock = wall_clock
        self._primary = backend if backend is not None else MemoryBackend(clock=clock)
        # Used while the primary (Redis) is unreachable: pages keep working, per process (checklist U 39).
        self._fallback = fallback if fallback is not None else (
            None if isinstance(self._primary, MemoryBackend) else MemoryBackend(clock=clock))
        self._primary_down_until: float | None = None
        self._lock = threading.Lock()
        self._flights: dict[str, Future] = {}
        # Without a shared cache: how invalidations reach the other workers (``services/cache_sync.py``)
        # and the generation of each owner this process last saw there.
        self._bus = bus
        self._seen: dict[str, int] = {}

    # keys

    def key(self, customer_id: str, resource: str, *parts: Any) -> CacheKey:
        return customer_key(self.org_id, customer_id, resource, *parts)

    def org_key(self, resource: str, *parts: Any) -> CacheKey:
        return org_key(self.org_id, resource, *parts)

    # reads

    def get_or_load(self, key: CacheKey, loader: Callable[[], T], ttl: float | None = None) -> T:
        """The fresh value for ``key``, loading it once (per process and per cluster) on a miss."""
        if not isinstance(key, CacheKey):
            raise TypeError("cache keys are built with BillingCache.key()/org_key(), never by hand")
        name = str(key)
        if ttl is None:
            ttl = self.org_ttl if key.customer_id is None else self.ttl
        hit = self._read_ahead(name)
        if hit is _UNKNOWN:
            hit = self._with_backend(lambda b: b.get(name))
        if hit is not None:
            metrics.cache("hit")
            _record(name, hit.value)
            return hit.value
        metrics.cache("miss")
        value = self._load_once(key, name, loader, ttl)
        _record(name, value)
        return value

    def _load_once(self, key: CacheKey, name: str, loader: Callable[[], T], ttl: float) -> T:
        with self._lock:
            flight = self._flights.get(name)
            leader = flight is None
            if leader:
                flight = Future()
                self._flights[name] = flight
        if leader:
            try:
                flight.set_result(self._load_as_leader(key, name, loader, ttl))
            except BaseException as error:  # handed to every waiter, then judged below
                flight.set_exception(error)
            finally:
                with self._lock:
                    self._flights.pop(name, None)
        else:
            metrics.single_flight_wait("process")
        try:
            # Within a page's upstream budget, nobody waits longer than the budget for another's load.
            return flight.result(timeout=deadline.bounded(self.wait_timeout))
        except FutureTimeout:
            error = ZohoTimeout("waited too long for another request loading the same data")
            return self._stale_or_raise(name, error)
        except UNAVAILABLE_ERRORS as error:
            return self._stale_or_raise(name, error)

    def peek(self, key: CacheKey):
        """The fresh value for ``key`` if one is cached, else None; never loads (templates use it)."""
        return self.peek_many([key])[0]

    def peek_many(self, keys: list[CacheKey]) -> list:
        """Fresh values for several keys in one backend round trip (None for each miss).

        A warm page reads everything it needs with this, without handing work to other threads;
        what the request read ahead with its session check costs no round trip at all.
        """
        return self._peek_names([str(k) for k in keys])

    def _peek_names(self, names: list[str]) -> list:
        found = [self._read_ahead(name) for name in names]
        unknown = [i for i, hit in enumerate(found) if hit is _UNKNOWN]
        if unknown:
            hits = self._with_backend(lambda b: b.get_many([names[i] for i in unknown]))
            for i, hit in zip(unknown, hits):
                found[i] = hit
        values = [hit.value if hit is not None else None for hit in found]
        metrics.cache("hit", sum(v is not None for v in values))
        if _recording.get() is not None:
            for name, value in zip(names, values):
                if value is not None:
                    _record(name, value)
        return values

    # reusing what was computed from cached values

    @contextlib.contextmanager
    def recording(self) -> Iterator[Reads]:
        """Note every value read from this cache inside the block (and in the threads it fans out to)."""
        outer = _recording.get()
        reads = Reads()
        token = _recording.set(reads)
        try:
            yield reads
        finally:
            _recording.reset(token)
            if outer is not None:
                outer.values.update(reads.values)
                outer.stale = outer.stale or reads.stale

    def unchanged(self, reads: Reads) -> bool:
        """Does the cache still hand out the very values ``reads`` saw (fresh, the same objects)?

        The cache's values are immutable and an entry keeps its object until it changes, so a
        computation from them can be reused while this holds. One backend round trip at most."""
        if reads.stale:
            return False
        return all(now is then for now, then in zip(self._peek_names(list(reads.values)), reads.values.values()))

    # reading ahead (one round trip for a signed-in page: services/sessions.py)

    def read_ahead_with(self, plain: list[str], keys: list[CacheKey]) -> list | None:
        """GET the Redis keys ``plain`` (another part of the portal's, like the session check's) and
        read ``keys`` ahead for this request, in one round trip; returns the values of ``plain``.

        None when the cache is not (currently) Redis: the caller reads ``plain`` itself and the page
        reads as usual. Raises ``BackendUnavailable`` when Redis fails.
        """
        read_with = getattr(self._current_backend(), "read_with", None)
        if read_with is None:
            return None
        names = [str(k) for k in keys]
        values, finish = read_with(plain, names)
        try:
            found = finish()
        except BackendUnavailable:
            return values  # the page reads (and falls back) as usual
        prefetched = _prefetched.get()
        if prefetched is None:
            prefetched = {}
            _prefetched.set(prefetched)
        prefetched.update(zip(names, found))
        return values

    def hint(self, key: CacheKey):
        """This process's latest copy of ``key``'s value (maybe outdated, never loads, never a round
        trip): for guessing which other keys a page will read, never for showing."""
        stored = self._current_backend().hint(str(key))
        return stored.value if stored is not None else None

    def _read_ahead(self, name: str):
        prefetched = _prefetched.get()
        if prefetched is None or name not in prefetched:
            return _UNKNOWN
        return prefetched[name]

    def _load_as_leader(self, key: CacheKey, name: str, loader: Callable[[], T], ttl: float) -> T:
        # Another leader may have stored the value between our miss and our taking the flight.
        hit = self._with_backend(lambda b: b.get(name))
        if hit is not None:
            return hit.value
        lock = self._with_backend(lambda b: b.acquire(name, self.wait_timeout))
        if lock is not None:
            return self._load(key, name, loader, ttl, lock)
        # Another worker holds the cluster lock: poll until its value lands, or it fails or gives up.
        metrics.single_flight_wait("cluster")
        deadline_at = self._clock() + deadline.bounded(self.wait_timeout)
        delay = 0.005
        while self._clock() < deadline_at:
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
            hit = self._with_backend(lambda b: b.get(name))
            if hit is not None:
                return hit.value
            state = self._with_backend(lambda b: b.lock_state(name))
            if state == "failed":
                raise ZohoUnavailable("another worker's load of this data just failed")
            if state == "free":
                lock = self._with_backend(lambda b: b.acquire(name, self.wait_timeout))
                if lock is not None:
                    return self._load(key, name, loader, ttl, lock)
        raise ZohoTimeout("waited too long for another worker loading the same data")

    def _load(self, key: CacheKey, name: str, loader: Callable[[], T], ttl: float, lock) -> T:
        try:
            # The worker that held the lock before us may have stored the value just before releasing it.
            hit = self._with_backend(lambda b: b.get(name))
            if hit is not None:
                return hit.value
            generation = self._with_backend(lambda b: b.generation(key.owner_prefix))
            value = loader()
            ensure_immutable(value)
            if ttl > 0:
                stored = Stored(value, self._wall_clock())
                self._with_backend(lambda b: b.put(name, key.owner_prefix, stored, ttl, self.stale_max_seconds,
                                                   generation))
            return value
        except UNAVAILABLE_ERRORS:
            # Workers polling for this key give up at once instead of each retrying Zoho in turn.
            self._with_backend(lambda b: b.mark_failed(name))
            raise
        finally:
            self._with_backend(lambda b: b.release(name, lock))

    def _stale_or_raise(self, name: str, error: Exception):
        stale = self._with_backend(lambda b: b.get_stale(name))
        if stale is not None and self._wall_clock() - stale.stored_at <= self.stale_max_seconds:
            _record_stale(datetime.fromtimestamp(stale.stored_at, timezone.utc))
            reads = _recording.get()
            if reads is not None:
                reads.stale = True
            log.info("serving last-good billing data", extra={"zoho_error": type(error).__name__})
            metrics.cache("stale")
            return stale.value
        raise error

    # invalidation (the write side and webhooks call these)

    def invalidate_customer(self, customer_id: str) -> None:
        """Drop every fresh entry of this customer, in every worker; last-good copies stay for
        outages (labelled "as of")."""
        self._invalidate(self.key(customer_id, "*"), None)

    def invalidate(self, customer_id: str, resource: str) -> None:
        """Drop this customer's fresh entries of one resource (``"invoices"``, ``"subscriptions"``…)."""
        self._invalidate(self.key(customer_id, resource), _part(resource))

    def forget(self, key: CacheKey) -> None:
        """Drop one fresh entry (e.g. an id set that may be missing a just-created object)."""
        self._discard_read_ahead()
        self._with_backend(lambda b: b.delete(str(key)), everywhere=True)

    def invalidate_org(self, resource: str) -> None:
        self._invalidate(self.org_key(resource), _part(resource))

    def _invalidate(self, key: CacheKey, resource: str | None) -> None:
        self._discard_read_ahead()
        self._with_backend(lambda b: b.drop(key.owner_prefix, resource), everywhere=True)
        if self._bus is not None:
            # Workers with caches of their own drop theirs on the owner's next request.
            self._bus.publish(key.owner_prefix)

    def _discard_read_ahead(self) -> None:
        # What this request read ahead may be what was just invalidated.
        if _prefetched.get() is not None:
            _prefetched.set(None)

    # keeping in step with other workers (without a shared cache)

    def owner_scopes(self, customer_id: str) -> tuple[str, str]:
        """The generation scopes a customer's pages depend on: the customer's, and the organization's."""
        return self.key(customer_id, "*").owner_prefix, self.org_key("*").owner_prefix

    def observe(self, generations: dict[str, int]) -> None:
        """The current generation of some owners (read with the request's session check): drop this
        process's copies of an owner whose generation moved since this process last looked."""
        for scope, generation in generations.items():
            with self._lock:
                seen = self._seen.get(scope)
                if seen == generation:
                    continue
                self._seen[scope] = generation
            # Also the first time: copies may predate an invalidation this process never saw.
            self._with_backend(lambda b: b.drop(scope, None))

    # backend selection

    @property
    def backend_name(self) -> str:
        return type(self._current_backend()).__name__

    def _current_backend(self):
        if self._primary_down_until is not None:
            if self._clock() < self._primary_down_until:
                return self._fallback
            self._primary_down_until = None
            log.warning("billing cache: trying the shared cache (Redis) again")
        return self._primary

    def _with_backend(self, operation: Callable[[Any], T], everywhere: bool = False) -> T:
        backend = self._current_backend()
        try:
            result = operation(backend)
        except BackendUnavailable as error:
            if self._fallback is None:
                raise
            if self._primary_down_until is None:
                # Logged once per outage, not once per call.
                log.error("billing cache: Redis is unreachable, using the in-process cache",
                          extra={"cache_error": str(error)})
            self._primary_down_until = self._clock() + REDIS_RETRY_SECONDS
            return operation(self._fallback)
        if everywhere and self._fallback is not None and backend is not self._fallback:
            # Invalidation must also reach what was cached locally during an outage.
            operation(self._fallback)
        return result

    def clear(self) -> None:
        """Drop everything (tests and the bench use it); last-good copies go too."""
        self._with_backend(lambda b: b.clear(), everywhere=True)


def build_cache(settings, *, redis_client=None, bus=None) -> BillingCache:
    """The app's cache from Settings: Redis when ``REDIS_URL`` is set, else in-process (with ``bus``
    telling the other workers about invalidations)."""
    backend = None
    if settings.REDIS_URL or redis_client is not None:
        from services.cache_redis import RedisBackend

        backend = RedisBackend.from_url(settings.REDIS_URL) if redis_client is None else RedisBackend(redis_client)
        bus = None  # one shared cache: an invalidation reaches every worker by itself
    return BillingCache(
        settings.ZOHO_ORG_ID,
        ttl=settings.CACHE_TTL_SECONDS,
        stale_max_seconds=settings.STALE_MAX_SECONDS,
        backend=backend,
        bus=bus,
    )
