"""An ambient deadline for every Zoho call made inside a block: a page's upstream budget.

    with deadline.budget(3.0):
        page = build_the_page()      # every call in here, in this thread or in threads that run in
                                     # a copy of its context, ends by then (ZohoTimeout)

The client shortens each call's timeouts to what is left (``ZohoHTTP._request``), and code that
waits for someone else's call (a cache's single flight, a lock) can bound its wait with
``remaining()``. Budgets nest: an inner one never extends an outer one. Times are
``time.monotonic()`` seconds.
"""
from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager
from typing import Iterator

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("zoho_deadline", default=None)


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Every Zoho call inside the block ends within ``seconds`` from now (None: no budget)."""
    if seconds is None:
        yield
        return
    ends = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(ends if outer is None else min(outer, ends))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left in the current budget (never negative), or None when there is no budget."""
    ends = _deadline.get()
    return None if ends is None else max(0.0, ends - time.monotonic())


def bounded(wait: float) -> float:
    """``wait``, shortened to what is left of the current budget."""
    left = remaining()
    return wait if left is None else min(wait, left)
