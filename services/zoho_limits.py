"""Zoho's limits, as one deployment: the shared back-off store and the API budget.

- ``RedisBackoffStore``: the back-off window (``zoho_client.backoff``) every worker and host reads
  before a Zoho call, and the one probe claim. Without Redis the back-off is per process.
- ``ApiBudget``: upstream calls counted this minute and this day against
  ``ZOHO_RATE_LIMIT_PER_MINUTE``/``PER_DAY`` (in Redis for the deployment, else per process), shown
  on ``/metrics``, with one warning log line when a window reaches 80 %.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from typing import Callable

from zoho_client.backoff import Window

log = logging.getLogger(__name__)

PREFIX = "portal:zoho:"
WARN_AT = 0.8


def _redis_errors():
    import redis

    return redis.RedisError


class RedisBackoffStore:
    """One organization's back-off in Redis. Redis failing means no shared back-off (calls go ahead)."""

    def __init__(self, client, org_id: str) -> None:
        self._redis = client
        self._window = f"{PREFIX}backoff:{org_id}"
        self._probe = f"{PREFIX}probe:{org_id}:"  # + the window's end: one probe per window

    def read(self) -> Window | None:
        try:
            raw = self._redis.get(self._window)
        except _redis_errors():
            return None
        if not raw:
            return None
        until, _, kind = raw.decode().partition("|")
        return Window(float(until), kind)

    def open(self, window: Window, keep_seconds: float) -> None:
        try:
            (self._redis.pipeline(transaction=True)
             .set(self._window, f"{window.until}|{window.kind}", px=max(1, int(keep_seconds * 1000)))
             .execute())
        except _redis_errors():
            pass

    def claim_probe(self, seconds: float, window: Window) -> bool:
        try:
            return bool(self._redis.set(self._probe_key(window), b"1", nx=True, px=max(1, int(seconds * 1000))))
        except _redis_errors():
            return True  # nobody can coordinate: let this call find out

    def release_probe(self, window: Window) -> None:
        try:
            self._redis.delete(self._probe_key(window))
        except _redis_errors():
            pass

    def close(self) -> None:
        try:
            self._redis.delete(self._window)
        except _redis_errors():
            pass

    def _probe_key(self, window: Window) -> str:
        return f"{self._probe}{window.until!r}"


class ApiBudget:
    """How much of Zoho's per-organization allowance this deployment has used, per minute and day."""

    def __init__(self, org_id: str, per_minute: int, per_day: int, redis_client=None,
                 clock: Callable[[], float] = time.time) -> None:
        self.org_id = org_id
        self.limits = {"minute": per_minute, "day": per_day}
        self._redis = redis_client
        self._clock = clock
        self._lock = threading.Lock()
        self._local: dict[str, tuple[int, int]] = {}  # window -> (its number, calls counted in it)

    def count(self) -> dict[str, int]:
        """Count one upstream call; the calls used so far in each window."""
        now = self._clock()
        windows = {"minute": int(now // 60), "day": int(now // 86400)}
        used = self._count_shared(windows) if self._redis is not None else None
        if used is None:
            used = self._count_local(windows)
        for window, calls in used.items():
            limit = self.limits[window]
            if calls == math.ceil(WARN_AT * limit):
                # Exactly one line per window (per deployment with Redis): the call that reached 80 %.
                log.warning("zoho api budget: %d of %d calls used this %s", calls, limit, window,
                            extra={"budget_window": window, "budget_used": calls, "budget_limit": limit})
        from services import metrics

        metrics.budget_used(used, self.limits)
        return used

    def _count_shared(self, windows: dict[str, int]) -> dict[str, int] | None:
        pipe = self._redis.pipeline(transaction=False)
        for window, number in windows.items():
            key = f"{PREFIX}budget:{self.org_id}:{window}:{number}"
            pipe.incr(key)
            pipe.expire(key, 120 if window == "minute" else 2 * 86400)
        try:
            results = pipe.execute()
        except _redis_errors():
            return None
        return {window: int(results[2 * i]) for i, window in enumerate(windows)}

    def _count_local(self, windows: dict[str, int]) -> dict[str, int]:
        with self._lock:
            used = {}
            for window, number in windows.items():
                current, calls = self._local.get(window, (number, 0))
                calls = calls + 1 if current == number else 1
                self._local[window] = (number, calls)
                used[window] = calls
            return used
