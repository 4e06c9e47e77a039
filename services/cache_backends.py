"""Where the billing cache keeps its entries: the contract, and the in-process backend.

A backend stores two things per key: the fresh value (expiring after its TTL) and the last good
value with the moment it was fetched (kept for ``stale_max_seconds``, for outages). It also offers
the cluster-wide load lock that makes single-flight hold across processes; in one process the
cache's own per-key future already does that, so the in-process backend's lock always succeeds.

Each owner (a customer, or the organization) has a *generation*, bumped by every ``drop``: a load
reads it before calling Zoho and ``put`` stores its answer only if it has not moved, so that a load
that started before an invalidation (here or, with Redis, in any worker) never stores older data.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from cachetools import LRUCache, TLRUCache

# Bounds that keep a worker's memory flat however many customers visit (the benchmark reports RSS).
FRESH_MAX_ENTRIES = 20_000
STALE_MAX_ENTRIES = 20_000


class BackendUnavailable(Exception):
    """The shared store (Redis) cannot be reached; the cache falls back to in-process."""


@dataclass(frozen=True)
class Stored:
    value: Any
    stored_at: float  # wall-clock seconds (time.time()), for the "as of" notice


@dataclass(frozen=True)
class _Fresh:
    stored: Stored
    ttl: float


def _resource_matches(name: str, prefix: str, resource: str | None) -> bool:
    if not name.startswith(prefix):
        return False
    return resource is None or name[len(prefix):].split(":", 1)[0] == resource


class MemoryBackend:
    """cachetools caches behind one lock (cachetools itself is not thread-safe)."""

    def __init__(self, *, fresh_max_entries: int = FRESH_MAX_ENTRIES, stale_max_entries: int = STALE_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        # TLRUCache is cachetools' TTL cache with a per-entry lifetime: customer lists live 60 s,
        # the organization's plans and profile 10 minutes, in one bounded cache.
        self._fresh: TLRUCache = TLRUCache(fresh_max_entries, ttu=lambda _k, entry, now: now + entry.ttl, timer=clock)
        # An LRU of last-good values: bounded by count, and aged by the cache on read.
        self._stale: LRUCache = LRUCache(stale_max_entries)
        self._generations: LRUCache = LRUCache(fresh_max_entries)

    def get(self, name: str) -> Stored | None:
        with self._lock:
            entry = self._fresh.get(name)
        return entry.stored if entry is not None else None

    def hint(self, name: str) -> Stored | None:
        return self.get(name)

    def get_many(self, names: list[str]) -> list[Stored | None]:
        with self._lock:
            entries = [self._fresh.get(name) for name in names]
        return [entry.stored if entry is not None else None for entry in entries]

    def get_stale(self, name: str) -> Stored | None:
        with self._lock:
            return self._stale.get(name)

    def generation(self, owner_prefix: str) -> int:
        with self._lock:
            return self._generations.get(owner_prefix, 0)

    def put(self, name: str, owner_prefix: str, stored: Stored, ttl: float, stale_ttl: float,
            generation: int | None = None) -> bool:
        with self._lock:
            if generation is not None and self._generations.get(owner_prefix, 0) != generation:
                return False  # invalidated while this value was being loaded
            self._fresh[name] = _Fresh(stored, ttl)
            if stale_ttl > 0:
                self._stale[name] = stored
            return True

    def drop(self, owner_prefix: str, resource: str | None) -> None:
        with self._lock:
            self._generations[owner_prefix] = self._generations.get(owner_prefix, 0) + 1
            for name in [n for n in self._fresh.keys() if _resource_matches(n, owner_prefix, resource)]:
                self._fresh.pop(name, None)

    def delete(self, name: str) -> None:
        with self._lock:
            self._fresh.pop(name, None)

    # In one process the cache's per-key future is the single flight: the lock is a formality.

    def acquire(self, name: str, ttl: float) -> str:
        return "local"

    def release(self, name: str, token: str) -> None:
        return None

    def lock_state(self, name: str) -> str:
        return "free"

    def mark_failed(self, name: str) -> None:
        return None

    def clear(self) -> None:
        with self._lock:
            for owner in list(self._generations.keys()):
                self._generations[owner] += 1
            self._fresh.clear()
            self._stale.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._fresh)
