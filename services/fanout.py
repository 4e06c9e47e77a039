"""Run a page's independent Zoho calls at the same time, so a cold page costs about one round trip.

One bounded pool per process is shared by all requests. Each task runs in a copy of the caller's
context (the request's "as of" notice and its upstream budget travel with it). A task that itself
fans out runs its calls inline instead of queueing behind itself, so a busy pool can never deadlock.
Within a page's budget (``zoho_client.deadline``) a request does not wait behind other requests'
calls: a task still queued when the budget ends is taken back and run in the request's own thread,
where its Zoho call ends at once and the cache answers with last-good data or the error.
"""
from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable, Iterable, Mapping, TypeVar

from zoho_client import deadline

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
                results[name] = self._result(future, calls[name])
            except BaseException as error:  # re-raised below, once every call has finished
                failure = failure or error
        if failure is not None:
            raise failure
        return results

    @staticmethod
    def _result(future, call: Callable[[], object]) -> object:
        try:
            return future.result(timeout=deadline.remaining())
        except FutureTimeout:
            if future.cancel():  # never started: the pool is busy with others' calls
                return call()
            return future.result()  # running: its own calls end with the budget

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        items = list(items)
        results = self.all({str(i): (lambda item=item: function(item)) for i, item in enumerate(items)})
        return [results[str(i)] for i in range(len(items))]  # type: ignore[misc]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
