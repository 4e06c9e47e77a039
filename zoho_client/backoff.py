"""A back-off shared by every call of a deployment: when Zoho says "wait", nobody calls.

A 429's ``Retry-After`` (capped at ``max_seconds``), or the circuit breaker opening after repeated
5xx and timeouts, opens a back-off window: until it ends, every call fails at once without a
request (``ZohoRateLimited`` or ``ZohoCircuitOpen``: the portal serves last-good data or its calm
page). When the window has passed, exactly **one** call is let through as the probe; its success
closes the back-off, its failure opens it again. Meanwhile everybody else still fails fast.

The state lives in this process and, with a ``BackoffStore`` (the portal's is Redis), in a store
every worker and host reads before each call, so that the probe is one per deployment, not one
per process. Without a store it is one per process.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from .errors import ZohoCircuitOpen, ZohoError, ZohoRateLimited

RATE_LIMITED = "rate_limited"
UNAVAILABLE = "unavailable"
# How long a half-open back-off (window over, probe not yet back) is remembered, and how long one
# probe may take before someone else may probe instead: a Zoho call's own total deadline.
PROBE_SECONDS = 15.0
# A 429 without Retry-After (Zoho documents none): wait this long (capped like the rest).
DEFAULT_RATE_LIMIT_SECONDS = 10.0


@dataclass(frozen=True)
class Window:
    until: float  # wall-clock epoch seconds: no call before then
    kind: str  # RATE_LIMITED or UNAVAILABLE


class BackoffStore(Protocol):
    """Where the deployment's back-off lives (one organization)."""

    def read(self) -> Window | None:
        """The open or half-open window, or None when calls may go ahead."""

    def open(self, window: Window, keep_seconds: float) -> None:
        """Open (or extend) the window; forget it ``keep_seconds`` from now."""

    def claim_probe(self, seconds: float, window: Window) -> bool:
        """True for exactly one caller per ``window`` until ``seconds`` pass or the back-off closes.

        The claim is of that window, not of "the" probe: a caller that read a window which has
        since been replaced (the probe met another 429) cannot claim a second probe of it."""

    def release_probe(self, window: Window) -> None:
        """The probe of ``window`` never reached Zoho: another caller may probe instead."""

    def close(self) -> None:
        """The probe succeeded: calls go ahead again, everywhere."""


class Backoff:
    def __init__(self, store: BackoffStore | None = None, *, max_seconds: float = 30.0,
                 clock: Callable[[], float] = time.time,
                 on_open: Callable[[Window], None] | None = None) -> None:
        self._store = store
        self.max_seconds = max_seconds
        self._clock = clock
        self._on_open = on_open
        self._lock = threading.Lock()
        self._window: Window | None = None
        # The local probe claim, without a store: which window it probes and until when.
        self._probe_of: float | None = None
        self._probe_until = 0.0

    def before_call(self) -> Window | None:
        """Raise while the back-off is open; the window when this call is the probe of a half-open
        one (give it back to ``after_call``), else None."""
        now = self._clock()
        with self._lock:
            window = self._window
        if window is not None and now < window.until:
            raise _error(window, now)
        if self._store is not None:
            window = self._store.read()
            with self._lock:
                self._window = window
        if window is None:
            return None
        if now < window.until:
            raise _error(window, now)
        if self._claim_probe(window):
            return window
        raise _error(window, now, probing=True)

    def after_call(self, probe: Window | None, *, reached_zoho: bool, healthy: bool) -> None:
        """Record how the call went: a healthy probe closes the back-off, a failed one reopens it.
        (429s open it through ``rate_limited``; the breaker opening through ``unavailable``.)"""
        if probe is None:
            return
        if not reached_zoho:
            self._release_probe(probe)
        elif healthy:
            self.close()

    def rate_limited(self, retry_after: float | None) -> Window:
        seconds = DEFAULT_RATE_LIMIT_SECONDS if retry_after is None else retry_after
        return self._open(seconds, RATE_LIMITED)

    def unavailable(self, seconds: float) -> Window:
        return self._open(seconds, UNAVAILABLE)

    def close(self) -> None:
        with self._lock:
            self._window = None
            self._probe_of, self._probe_until = None, 0.0
        if self._store is not None:
            self._store.close()

    @property
    def window(self) -> Window | None:
        with self._lock:
            return self._window

    def _open(self, seconds: float, kind: str) -> Window:
        window = Window(self._clock() + max(0.0, min(seconds, self.max_seconds)), kind)
        with self._lock:
            current = self._window
            if current is None or window.until > current.until:
                self._window = current = window
        if self._store is not None:
            self._store.open(current, keep_seconds=current.until - self._clock() + PROBE_SECONDS)
        if self._on_open is not None:
            self._on_open(current)
        return current

    def _claim_probe(self, window: Window) -> bool:
        if self._store is not None:
            return self._store.claim_probe(PROBE_SECONDS, window)
        now = self._clock()
        with self._lock:
            if self._probe_of == window.until and now < self._probe_until:
                return False
            self._probe_of, self._probe_until = window.until, now + PROBE_SECONDS
            return True

    def _release_probe(self, window: Window) -> None:
        with self._lock:
            if self._probe_of == window.until:
                self._probe_of, self._probe_until = None, 0.0
        if self._store is not None:
            self._store.release_probe(window)


def _error(window: Window, now: float, probing: bool = False) -> ZohoError:
    left = max(0.0, window.until - now)
    if window.kind == RATE_LIMITED:
        return ZohoRateLimited("Zoho asked us to wait; no calls until the back-off ends"
                               + (" (another call is probing)" if probing else ""), retry_after=left)
    return ZohoCircuitOpen("Zoho calls are paused after repeated failures"
                           + (" (another call is probing)" if probing else ""))
