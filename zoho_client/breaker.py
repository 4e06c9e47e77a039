"""A circuit breaker: stop calling Zoho for a while after it keeps failing.

After ``threshold`` consecutive failed upstream attempts (5xx, timeouts, broken connections) the circuit
opens and calls fail at once with ``ZohoCircuitOpen`` for ``cooldown`` seconds. Then one probe is let
through (half-open); its success closes the circuit, its failure opens it again. Replies that prove Zoho
is up (2xx, 4xx such as an unknown invoice, 429) count as successes.

The lock only guards the state; it is never held across an HTTP call, so concurrent calls run
concurrently while the circuit is closed.
"""
from __future__ import annotations

import threading
from typing import Callable

from .errors import ZohoCircuitOpen

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(self, threshold: int, cooldown: float, clock: Callable[[], float]) -> None:
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == OPEN and self._clock() - self._opened_at >= self._cooldown:
                return HALF_OPEN
            return self._state

    def acquire(self) -> bool:
        """Allow one upstream attempt or raise ``ZohoCircuitOpen``.

        Returns True when this attempt is the half-open probe; pass that back to ``record``.
        """
        with self._lock:
            if self._state == CLOSED:
                return False
            if self._state == OPEN:
                if self._clock() - self._opened_at < self._cooldown:
                    raise ZohoCircuitOpen("Zoho calls are paused after repeated failures")
                self._state = HALF_OPEN
            if self._probe_out:
                raise ZohoCircuitOpen("Zoho calls are paused while a probe call runs")
            self._probe_out = True
            return True

    def release(self, probe: bool) -> None:
        """End an attempt that gave no verdict on Zoho's health (it never reached Zoho)."""
        if probe:
            with self._lock:
                self._probe_out = False

    def record(self, *, success: bool, probe: bool) -> bool:
        """Count one attempt's verdict; True when this failure just opened the circuit."""
        with self._lock:
            if probe:
                self._probe_out = False
            if success:
                self._failures = 0
                if probe or self._state == HALF_OPEN:
                    self._state = CLOSED
                return False
            self._failures += 1
            if probe or self._state == HALF_OPEN or self._failures >= self._threshold:
                opened = self._state != OPEN
                self._state = OPEN
                self._opened_at = self._clock()
                return opened
            return False
