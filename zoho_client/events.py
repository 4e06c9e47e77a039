from __future__ import annotations

from typing import Any, Iterator

from .models import Event
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource


class EventsResource(Resource):
    def list(self, *, filter_by: str | None = None, page: int = 1, per_page: int = MAX_PER_PAGE,
             **params: Any) -> Page[Event]:
        """``filter_by`` such as ``EventTime.Today`` or ``EventType.payment_thankyou``."""
        return self._page("/events", "events", Event.from_api, page=page, per_page=per_page,
                          params={"filter_by": filter_by, **params})

    def iter_all(self, *, per_page: int = MAX_PER_PAGE, **filters: Any) -> Iterator[Event]:
        return self._all(lambda n: self.list(page=n, per_page=per_page, **filters))

    def get(self, event_id: str) -> Event:
        payload = self._call("GET", "/events/{event_id}", path_params={"event_id": event_id})
        return self._one(payload, "event", Event.from_api)
