"""Where the shared access token lives.

Zoho caps how many access tokens one refresh token may mint (about ten per ten minutes), so every
worker must share one token instead of each refreshing its own. The store is pluggable: in memory for
one process here; the portal's database and Redis stores (``services/zoho_tokens.py``) implement the
same protocol for every worker, host and CLI command.

``expires_at`` is wall-clock epoch seconds (not monotonic time) because a shared store is read by other
processes and hosts.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ContextManager, Iterator, Protocol, runtime_checkable

from . import deadline
from .errors import ZohoTimeout


@dataclass(frozen=True)
class CachedToken:
    access_token: str = field(repr=False)
    expires_at: float

    def is_usable(self, now: float, margin: float) -> bool:
        return now < self.expires_at - margin


@runtime_checkable
class TokenStore(Protocol):
    def get(self) -> CachedToken | None:
        """The current token, or None when there is none yet or it was invalidated."""

    def set(self, token: CachedToken) -> None:
        """Replace the current token."""

    def invalidate(self, expected_token: str) -> bool:
        """Forget the token, but only if it is still ``expected_token`` (so that a token another
        worker has just refreshed is not thrown away). True when something was removed."""

    def lock(self, name: str) -> ContextManager[None]:
        """A mutual-exclusion lock shared by everyone using this store (threads here; processes for a
        shared store), used so that one refresh happens at a time."""


class InMemoryTokenStore:
    """A token store for one process; safe to share between threads."""

    def __init__(self) -> None:
        self._token: CachedToken | None = None
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self) -> CachedToken | None:
        with self._guard:
            return self._token

    def set(self, token: CachedToken) -> None:
        with self._guard:
            self._token = token

    def invalidate(self, expected_token: str) -> bool:
        with self._guard:
            if self._token is not None and self._token.access_token == expected_token:
                self._token = None
                return True
            return False

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        with self._guard:
            named = self._locks.setdefault(name, threading.Lock())
        # Within a page's budget, wait no longer than the budget for another thread's refresh.
        wait = deadline.remaining()
        if not named.acquire(timeout=-1 if wait is None else wait):
            raise ZohoTimeout("waited too long for another thread refreshing the Zoho access token")
        try:
            yield
        finally:
            named.release()
