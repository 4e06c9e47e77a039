"""Zoho's list conventions shared by every list endpoint: ``page``/``per_page``, ``filter_by``,
``sort_column``/``sort_order`` and the ``page_context`` object (zoho-billing-api.md §3).

- ``per_page`` defaults to 200 and is clamped to 200 (no source shows a larger page; clamping keeps a
  client that asks for more working, and ``page_context.per_page`` tells it what it got).
- ``page``/``per_page`` are read leniently: a value that is not a positive whole number (``0``,
  ``-3``, ``abc``, ``""``) falls back to the default, and ``"2.0"`` is 2; ``page_context`` says what
  was served.
- A ``filter_by`` outside the list's values is 400 / code 2; so is an unknown ``sort_column`` or a
  ``sort_order`` other than A/D.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from werkzeug.wrappers import Request

from ..core import paging_number
from ..domain import errors

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class ListQuery:
    page: int
    per_page: int
    filter_by: str
    sort_column: str
    sort_order: str

    @property
    def filter_value(self) -> str:
        """What follows the dot in ``filter_by``, lower-cased: ``Status.Open`` → ``open``."""
        return self.filter_by.split(".", 1)[1].lower()


def parse(request: Request, *, filters: Iterable[str], default_filter: str, sort_columns: Iterable[str],
          default_sort: str, default_order: str = "A") -> ListQuery:
    page = paging_number(request, "page", 1)
    per_page = min(paging_number(request, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
    filter_by = request.args.get("filter_by") or default_filter
    allowed = {f.lower(): f for f in filters}
    if filter_by.lower() not in allowed:
        raise errors.invalid_parameter("filter_by", filter_by)
    filter_by = allowed[filter_by.lower()]
    sort_column = request.args.get("sort_column") or default_sort
    if sort_column not in set(sort_columns):
        raise errors.invalid_parameter("sort_column", sort_column)
    sort_order = (request.args.get("sort_order") or default_order).upper()
    if sort_order not in ("A", "D", "ASCENDING", "DESCENDING"):
        raise errors.invalid_parameter("sort_order", sort_order)
    return ListQuery(page, per_page, filter_by, sort_column, sort_order[0])


def of_customer(store, customer_id: str | None, kind: str, table: dict) -> list:
    """A list's candidates: the objects of ``kind`` that belong to ``customer_id`` when the request
    names one (an unknown customer is Zoho's 400 / code 3004), else every object in ``table``."""
    if customer_id:
        store.get_customer(customer_id)
        return store.customer_objects(customer_id, kind, table)
    return list(table.values())


def sort(rows: list, key: Callable[[Any], Any], order: str) -> list:
    # Python's sort is stable: ties keep creation order (the id order Zoho falls back to).
    return sorted(rows, key=key, reverse=(order == "D"))


def page_of(rows: list, query: ListQuery) -> tuple[list, dict]:
    """The requested page and its ``page_context`` (without report_name, which not every list has)."""
    start = (query.page - 1) * query.per_page
    chunk = rows[start:start + query.per_page]
    context = {
        "page": query.page,
        "per_page": query.per_page,
        "has_more_page": start + query.per_page < len(rows),
        "applied_filter": query.filter_by,
        "sort_column": query.sort_column,
        "sort_order": query.sort_order,
    }
    return chunk, context


def with_report_name(context: dict, report_name: str) -> dict:
    return {"page": context["page"], "per_page": context["per_page"], "has_more_page": context["has_more_page"],
            "report_name": report_name, "applied_filter": context["applied_filter"],
            "sort_column": context["sort_column"], "sort_order": context["sort_order"]}


def text_key(value: str) -> str:
    return (value or "").casefold()
