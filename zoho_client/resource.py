"""The base of the per-resource modules: fetch, unwrap the envelope's key, parse into models."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, TypeVar

from .errors import ZohoBadResponse
from .pagination import Page, check_paging, iterate_pages, page_from_payload

if TYPE_CHECKING:
    from .http import ZohoHTTP

T = TypeVar("T")


class Resource:
    def __init__(self, http: "ZohoHTTP") -> None:
        self._http = http

    def _call(self, method: str, path: str, *, path_params: Mapping[str, Any] | None = None,
              params: Mapping[str, Any] | None = None, json: Any = None, idempotent: bool | None = None) -> dict:
        return self._http._request(method, path, path_params=path_params, params=params, json=json,
                                   idempotent=idempotent)

    def _one(self, payload: Mapping[str, Any], keys: str | tuple[str, ...], parse: Callable[[Any], T]) -> T:
        """Parse the object under the first of ``keys`` present in the envelope."""
        for key in (keys,) if isinstance(keys, str) else keys:
            value = payload.get(key)
            if value is not None:
                if not isinstance(value, Mapping):
                    raise ZohoBadResponse(f"Zoho's '{key}' is not an object")
                return parse(value)
        raise ZohoBadResponse(f"Zoho's reply has no '{keys if isinstance(keys, str) else keys[0]}'")

    def _rows(self, payload: Mapping[str, Any], keys: str | tuple[str, ...], parse: Callable[[Any], T]) -> list[T]:
        """Parse the list under the first of ``keys`` present in the envelope (unpaged lists)."""
        for key in (keys,) if isinstance(keys, str) else keys:
            value = payload.get(key)
            if value is not None:
                if not isinstance(value, list):
                    raise ZohoBadResponse(f"Zoho's '{key}' is not a list")
                return [parse(row) for row in value]
        raise ZohoBadResponse(f"Zoho's reply has no '{keys if isinstance(keys, str) else keys[0]}' list")

    def _page(self, path: str, key: str, parse: Callable[[Any], T], *, page: int, per_page: int,
              params: Mapping[str, Any] | None = None, path_params: Mapping[str, Any] | None = None) -> Page[T]:
        check_paging(page, per_page)
        query = dict(params or {})
        query.update(page=page, per_page=per_page)
        payload = self._call("GET", path, path_params=path_params, params=query)
        return page_from_payload(payload, key, parse, page=page, per_page=per_page)

    def _all(self, fetch: Callable[[int], Page[T]]) -> Iterator[T]:
        return iterate_pages(fetch, self._http.config.page_cap)
