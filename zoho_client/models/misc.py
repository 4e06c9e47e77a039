"""Hosted pages, churn messages and events."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from ..errors import ZohoBadResponse
from ._parse import Fields


@dataclass(frozen=True)
class HostedPage:
    hostedpage_id: str
    status: str | None
    url: str | None
    action: str | None
    expiring_time: datetime | None
    created_time: datetime | None
    # After a successful checkout Zoho fills ``data`` with the subscription/invoice it created, in
    # REST shapes; kept as read-only JSON because its content depends on the action.
    data: Mapping[str, Any] | None

    @classmethod
    def from_api(cls, data: Any) -> "HostedPage":
        f = Fields(data, "hostedpage")
        extra = data.get("data")
        if extra in ("", None, []):
            extra = None
        elif not isinstance(extra, Mapping):
            raise ZohoBadResponse("malformed hostedpage.data: expected an object")
        return cls(
            hostedpage_id=f.id("hostedpage_id"),
            status=f.str("status"),
            url=f.str("url"),
            action=f.str("action"),
            expiring_time=f.datetime("expiring_time"),
            created_time=f.datetime("created_time"),
            data=_frozen(extra) if extra else None,
        )

    def subscription(self):
        """The subscription a successful checkout created or changed, if Zoho included it."""
        from .subscriptions import Subscription

        sub = (self.data or {}).get("subscription")
        return Subscription.from_api(sub) if isinstance(sub, Mapping) and sub else None

    def invoice(self):
        from .invoices import Invoice

        inv = (self.data or {}).get("invoice")
        return Invoice.from_api(inv) if isinstance(inv, Mapping) and inv else None


@dataclass(frozen=True)
class ChurnMessage:
    churn_message_id: str
    label: str | None
    index: int | None

    @classmethod
    def from_api(cls, data: Any) -> "ChurnMessage":
        f = Fields(data, "churn_message")
        return cls(churn_message_id=f.id("churn_message_id"), label=f.str("label"), index=f.int("index"))


@dataclass(frozen=True)
class ChurnSettings:
    is_advanced_version: bool | None
    is_reason_mandatory: bool | None
    churn_messages: tuple[ChurnMessage, ...]

    @classmethod
    def from_api(cls, data: Any) -> "ChurnSettings":
        f = Fields(data, "churn_messages_settings")
        return cls(
            is_advanced_version=f.bool("is_advanced_version"),
            is_reason_mandatory=f.bool("is_reason_mandatory"),
            churn_messages=f.list("churn_messages", ChurnMessage.from_api),
        )


@dataclass(frozen=True)
class EventWebhook:
    webhook_id: str | None
    url: str | None
    status: str | None
    last_updated_time: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> "EventWebhook":
        f = Fields(data, "event.webhook")
        return cls(
            webhook_id=f.str("webhook_id"),
            url=f.str("url"),
            status=f.str("status"),
            last_updated_time=f.datetime("last_updated_time"),
        )


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str | None
    event_time: datetime | None
    payload: Mapping[str, Any] | None
    webhooks: tuple[EventWebhook, ...]

    @classmethod
    def from_api(cls, data: Any) -> "Event":
        f = Fields(data, "event")
        return cls(
            event_id=f.id("event_id"),
            event_type=f.str("event_type"),
            event_time=f.datetime("event_time"),
            payload=_payload(data.get("payload")),
            webhooks=f.list("webhooks", EventWebhook.from_api),
        )


def _payload(value: Any) -> Mapping[str, Any] | None:
    # Zoho sends an event's payload as a JSON *string*; accept an object too.
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ZohoBadResponse("malformed event.payload: not JSON") from None
    if not isinstance(value, Mapping):
        raise ZohoBadResponse("malformed event.payload: expected a JSON object")
    return _frozen(value)


def _frozen(value: Any) -> Any:
    """Read-only copies of nested JSON, so that a cached model cannot be changed by its reader."""
    from types import MappingProxyType

    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value
