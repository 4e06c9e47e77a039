"""Events and outgoing webhooks (zoho-billing-api.md §6).

``EventBus.emit`` records an event and hands its deliveries to a background pool, so that an API
request never waits for a webhook receiver. Each delivery is a ``POST`` of Zoho's default payload
``{"event_id", "event_type", "event_time", "data"}`` signed with ``X-Zoho-Webhook-Signature``:
hex HMAC-SHA256, keyed with the webhook's secret, over the query/form key-value pairs sorted by key
(key then value, no separators) followed by the raw body. Failed deliveries are retried with
backoff; each webhook's status on the event reads ``scheduled``, then ``success`` or ``failure``.

The read side is the API's ``GET /events`` and ``GET /events/{event_id}`` (scope ``webhooks.READ``).
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from .clock import Clock, zoho_timestamp
from .core import ApiError, api, ok, paging_number

EVENT_ID_BASE = 2_000_000_123_000
WEBHOOK_ID_BASE = 9_030_000_020_000
RETRY_DELAYS_SECONDS = (0.5, 2.0, 5.0)  # after the first attempt: four attempts in all
DELIVERY_TIMEOUT_SECONDS = 5.0
MAX_PER_PAGE = 200


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def string_to_sign(url: str, body: bytes) -> bytes:
    """Sorted query key+value pairs of the webhook URL (URL-decoded), then the raw body (§6)."""
    pairs = sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    return "".join(k + v for k, v in pairs).encode("utf-8") + body


def signature(secret: str, url: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), string_to_sign(url, body), hashlib.sha256).hexdigest()


@dataclass
class Webhook:
    webhook_id: str
    url: str
    secret: str | None
    events: frozenset[str] | None  # None: every event type

    def wants(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events

    def as_dict(self) -> dict:
        return {
            "webhook_id": self.webhook_id,
            "url": self.url,
            "has_secret": bool(self.secret),
            "events": sorted(self.events) if self.events is not None else None,
        }


class EventBus:
    def __init__(self, clock: Clock, webhooks: list[Webhook] | None = None) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._events: list[dict] = []  # oldest first
        self._by_id: dict[str, dict] = {}
        self._webhooks: list[Webhook] = list(webhooks or [])
        self._event_ids = itertools.count(EVENT_ID_BASE)
        self._webhook_ids = itertools.count(WEBHOOK_ID_BASE + len(self._webhooks))
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook")
        self._http = requests.Session()
        self._closed = False

    # -- webhooks configuration -----------------------------------------------------------------

    def add_webhook(self, url: str, secret: str | None = None, events: list[str] | None = None) -> Webhook:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("url must be an absolute http(s) URL")
        if events is not None and (not isinstance(events, list) or not all(isinstance(e, str) for e in events)):
            raise ValueError("events must be a list of event types or null")
        with self._lock:
            hook = Webhook(str(next(self._webhook_ids)), url, secret or None,
                           frozenset(events) if events is not None else None)
            self._webhooks.append(hook)
        return hook

    def webhooks(self) -> list[Webhook]:
        with self._lock:
            return list(self._webhooks)

    def remove_webhook(self, webhook_id: str) -> bool:
        with self._lock:
            before = len(self._webhooks)
            self._webhooks = [w for w in self._webhooks if w.webhook_id != webhook_id]
            return before != len(self._webhooks)

    def clear_webhooks(self) -> None:
        with self._lock:
            self._webhooks.clear()

    # -- events ---------------------------------------------------------------------------------

    def emit(self, event_type: str, data: dict) -> dict:
        """Record an event and schedule its webhook deliveries; returns the stored event."""
        moment = self.clock.now()
        with self._lock:
            event_id = str(next(self._event_ids))
            body = json.dumps(
                {"event_id": event_id, "event_type": event_type, "event_time": zoho_timestamp(moment), "data": data},
                ensure_ascii=False,
                default=_json_default,
            ).encode("utf-8")
            event = {
                "event_id": event_id,
                "event_type": event_type,
                "event_time": zoho_timestamp(moment),
                "_moment": moment,
                "_body": body,
                "webhooks": [],
            }
            targets = [w for w in self._webhooks if w.wants(event_type)]
            for hook in targets:
                event["webhooks"].append(
                    {"webhook_id": hook.webhook_id, "url": hook.url, "status": "scheduled",
                     "last_updated_time": zoho_timestamp(moment)}
                )
            self._events.append(event)
            self._by_id[event_id] = event
        for index, hook in enumerate(targets):
            self._schedule(event, index, hook, attempt=0, delay=0.0)
        return self.public(event, detail=True)

    def public(self, event: dict, detail: bool) -> dict:
        row = {"event_id": event["event_id"], "event_type": event["event_type"], "event_time": event["event_time"]}
        if detail:
            with self._lock:
                hooks = [dict(h) for h in event["webhooks"]]
            # Zoho sends the payload as a JSON string, not an object (§6).
            row["payload"] = event["_body"].decode("utf-8")
            row["webhooks"] = hooks
        return row

    def get(self, event_id: str) -> dict | None:
        with self._lock:
            return self._by_id.get(event_id)

    def all(self) -> list[dict]:
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._by_id.clear()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- delivery -------------------------------------------------------------------------------

    def _schedule(self, event: dict, index: int, hook: Webhook, attempt: int, delay: float) -> None:
        if self._closed:
            return
        if delay <= 0:
            self._pool.submit(self._deliver, event, index, hook, attempt)
            return
        timer = threading.Timer(delay, self._schedule, (event, index, hook, attempt, 0.0))
        timer.daemon = True
        timer.start()

    def _deliver(self, event: dict, index: int, hook: Webhook, attempt: int) -> None:
        body = event["_body"]
        headers = {"Content-Type": "application/json;charset=UTF-8", "User-Agent": "ZohoBilling-Sandbox-Webhook"}
        if hook.secret:
            headers["X-Zoho-Webhook-Signature"] = signature(hook.secret, hook.url, body)
        try:
            reply = self._http.post(hook.url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT_SECONDS)
            delivered = 200 <= reply.status_code < 300
        except requests.RequestException:
            delivered = False
        except Exception as exc:  # never let a delivery bug kill the pool thread silently
            print(f"webhook delivery error: {exc!r}", file=sys.stderr)
            delivered = False
        final = delivered or attempt >= len(RETRY_DELAYS_SECONDS)
        with self._lock:
            record = event["webhooks"][index]
            record["status"] = "success" if delivered else ("failure" if final else "scheduled")
            record["last_updated_time"] = zoho_timestamp(self.clock.now())
        if not final:
            self._schedule(event, index, hook, attempt + 1, RETRY_DELAYS_SECONDS[attempt])


# -- the API: GET /events, GET /events/{event_id} ---------------------------------------------

_EVENT_TIME_FILTERS = ("All", "Today", "ThisWeek", "ThisMonth", "LastWeek", "LastMonth", "CustomDate")


def _date_range(name: str, today: date, request) -> tuple[date | None, date | None]:
    if name == "All":
        return None, None
    if name == "Today":
        return today, today
    week_start = today - timedelta(days=today.weekday())
    if name == "ThisWeek":
        return week_start, today
    if name == "LastWeek":
        return week_start - timedelta(days=7), week_start - timedelta(days=1)
    month_start = today.replace(day=1)
    if name == "ThisMonth":
        return month_start, today
    if name == "LastMonth":
        last_month_end = month_start - timedelta(days=1)
        return last_month_end.replace(day=1), last_month_end
    # CustomDate
    try:
        start = date.fromisoformat(request.args.get("event_start_date", ""))
        end = date.fromisoformat(request.args.get("event_end_date", ""))
    except ValueError:
        raise ApiError(400, 2, "Invalid value passed for event_start_date/event_end_date")
    return start, end


@api.route("/events", ["GET"], scope="webhooks.READ")
def list_events(ctx, request):
    bus: EventBus = ctx.sandbox.events
    filter_by = request.args.get("filter_by", "EventTime.All")
    group, _, value = filter_by.partition(".")
    events = bus.all()
    if group == "EventTime" and value in _EVENT_TIME_FILTERS:
        start, end = _date_range(value, ctx.sandbox.clock.today(), request)
        if start is not None:
            events = [e for e in events if start <= e["_moment"].date() <= end]
    elif group == "EventType" and value:
        events = [e for e in events if e["event_type"] == value]
    else:
        raise ApiError(400, 2, "Invalid value passed for filter_by")
    page = paging_number(request, "page", 1)
    per_page = min(paging_number(request, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
    newest_first = list(reversed(events))
    window = newest_first[(page - 1) * per_page: page * per_page]
    return ok(
        events=[bus.public(e, detail=False) for e in window],
        page_context={
            "page": page,
            "per_page": per_page,
            "has_more_page": len(newest_first) > page * per_page,
            "applied_filter": filter_by,
            "sort_column": "event_time",
            "sort_order": "D",
        },
    )


@api.route("/events/<event_id>", ["GET"], scope="webhooks.READ")
def get_event(ctx, request, event_id):
    bus: EventBus = ctx.sandbox.events
    event = bus.get(event_id)
    if event is None:
        raise ApiError(400, 2, "Invalid value passed for event_id")
    return ok(event=bus.public(event, detail=True))
