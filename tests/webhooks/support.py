"""Helpers for the webhook tests: events shaped and signed the way Zoho (and the sandbox) sends them."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

SECRET = "whsec-test-0123456789abcdefghijklmnop"
PATH = "/webhooks/zoho"


def zoho_time(moment: datetime | None = None) -> str:
    return (moment or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S+0000")


def event_body(event_id: str, event_type: str, data: dict | None = None, *, age: timedelta = timedelta(0)) -> bytes:
    moment = datetime.now(timezone.utc) - age
    return json.dumps({"event_id": event_id, "event_type": event_type, "event_time": zoho_time(moment),
                       "data": data or {}}).encode()


def sign(body: bytes, url: str = "http://portal.test" + PATH, secret: str = SECRET) -> str:
    """Zoho's signature, as the sandbox computes it (the portal's own code is not used here)."""
    from zoho_sandbox.events import signature

    return signature(secret, url, body)


def deliver(client, body: bytes, signature: str | None = None, query: str = ""):
    headers = {"Content-Type": "application/json;charset=UTF-8"}
    if signature is not None:
        headers["X-Zoho-Webhook-Signature"] = signature
    return client.post(PATH + (f"?{query}" if query else ""), data=body, headers=headers)


def wait_until(check, timeout: float = 90.0, what: str = "the condition"):
    """Poll ``check`` until it returns something truthy (a generous deadline: never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.05)


def subscription_event(subscription: dict, event_id: str, event_type: str = "subscription_activation") -> bytes:
    return event_body(event_id, event_type, {"subscription": {"subscription_id": subscription["subscription_id"],
                                                             "customer_id": subscription["customer_id"],
                                                             "status": subscription["status"]}})
