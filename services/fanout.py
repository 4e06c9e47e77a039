"""Run a page's independent Zoho calls at the same time, so a cold page costs about one round trip.

One bounded pool per process is shared by all requests. Each task runs in a copy of the caller's
context (the request's "as of" notice travels with it). A task that itself fans out runs its calls
inline instead of queueing behind itself, so a busy pool can never deadlock.
"""
from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Mapping, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WORKERS = 16
_in_pool = threading.local()


def _run_marked(function: Callable[[], R]) -> R:
    _in_pool.active = True
    try:
        return function()
    finally:
        _in_pool.active = False


class FanOut:
    def __init__(self, max_workers: int = DEFAULT_WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="billing-fanout")

    def all(self, calls: Mapping[str, Callable[[], object]]) -> dict[str, object]:
        """Every call's result by name; the first failure (in the given order) is raised after all finish."""
        if len(calls) <= 1 or getattr(_in_pool, "active", False):
            return {name: call() for name, call in calls.items()}
        futures = {name: self._pool.submit(contextvars.copy_context().run, _run_marked, call)
                   for name, call in calls.items()}
        results: dict[str, object] = {}
        failure: BaseException | None = None
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except BaseException as error:  # re-raised below, once every call has finished
                failure = failure or error
        if failure is not None:
            raise failure
        return results

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        items = list(items)
        results = self.all({str(i): (lambda item=item: function(item)) for i, item in enumerate(items)})
        return [results[str(i)] for i in range(len(items))]  # type: ignore[misc]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
