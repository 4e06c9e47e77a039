"""Zoho's page/per_page lists: one page for the UI's prev/next links, or every item with a hard cap."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterator, Mapping, TypeVar

from .errors import ZohoBadResponse, ZohoError

T = TypeVar("T")
log = logging.getLogger("zoho_client.pagination")

MAX_PER_PAGE = 200  # Zoho's default and, as far as any source shows, its maximum.


class ZohoPageCapReached(ZohoError):
    """Zoho still reported more pages after ``page_cap`` pages: the list is larger than we will read."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    per_page: int
    has_more_page: bool

    @property
    def has_previous_page(self) -> bool:
        return self.page > 1


def check_paging(page: int, per_page: int) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page must be a positive integer, got {page!r}")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page!r}")


def page_from_payload(
    payload: Mapping[str, Any],
    key: str,
    parse: Callable[[Any], T],
    *,
    page: int,
    per_page: int,
) -> Page[T]:
    """Parse one list reply: ``payload[key]`` is the list, ``page_context`` says whether more follow."""
    rows = payload.get(key)
    if rows is None:
        raise ZohoBadResponse(f"Zoho's list reply has no '{key}'")
    if not isinstance(rows, list):
        raise ZohoBadResponse(f"Zoho's '{key}' is not a list")
    context = payload.get("page_context")
    has_more = False
    if context is not None:
        # Zoho's OpenAPI files type page_context as an array; real replies send an object.
        if not isinstance(context, Mapping):
            raise ZohoBadResponse("Zoho's page_context is not an object")
        more = context.get("has_more_page", False)
        if not isinstance(more, bool):
            raise ZohoBadResponse("Zoho's page_context.has_more_page is not a boolean")
        has_more = more
        page = _int_or(context.get("page"), page)
        per_page = _int_or(context.get("per_page"), per_page)
    return Page(items=tuple(parse(row) for row in rows), page=page, per_page=per_page, has_more_page=has_more)


def iterate_pages(fetch_page: Callable[[int], Page[T]], page_cap: int) -> Iterator[T]:
    """Every item of a list, fetching page 1, 2, … while Zoho says ``has_more_page``.

    Stops with ZohoPageCapReached after ``page_cap`` pages rather than looping forever (or for ten
    thousand calls) on a huge list or a server that always answers "more".
    """
    for number in range(1, page_cap + 1):
        current = fetch_page(number)
        yield from current.items
        if not current.has_more_page:
            return
    log.warning("zoho list still had more pages after the cap of %d pages", page_cap)
    raise ZohoPageCapReached(f"Zoho list has more than {page_cap} pages")


def _int_or(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
