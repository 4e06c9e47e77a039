"""Counts of upstream requests per endpoint, because Zoho's limits are counted per request."""
from __future__ import annotations

import threading
from collections import Counter


class CallCounter:
    """Thread-safe counter keyed by ``"METHOD /path/template"`` (ids stay out of the keys)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def increment(self, method: str, path_template: str) -> None:
        key = f"{method.upper()} {path_template}"
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())
