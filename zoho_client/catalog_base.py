"""Shared shape of the catalog resources (products, plans, addons, coupons): list, iterate, get."""
from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, TypeVar

from .pagination import MAX_PER_PAGE, Page
from .resource import Resource

T = TypeVar("T")


class CatalogResource(Resource, Generic[T]):
    collection: str  # "/plans"
    list_key: str  # "plans"
    one_key: str  # "plan"
    id_name: str  # "plan_code"
    parse: Callable[[Any], T]

    def list(self, *, page: int = 1, per_page: int = MAX_PER_PAGE, filter_by: str | None = None,
             **params: Any) -> Page[T]:
        return self._page(self.collection, self.list_key, type(self).parse, page=page, per_page=per_page,
                          params={"filter_by": filter_by, **params})

    def iter_all(self, *, per_page: int = MAX_PER_PAGE, **filters: Any) -> Iterator[T]:
        return self._all(lambda n: self.list(page=n, per_page=per_page, **filters))

    def get(self, identifier: str) -> T:
        payload = self._call("GET", f"{self.collection}/{{{self.id_name}}}", path_params={self.id_name: identifier})
        return self._one(payload, self.one_key, type(self).parse)
