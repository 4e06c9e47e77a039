"""Events: webhooks delivered with a signature verified independently here, and the events API."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

SECRET = "whsec0123456789abcdef"


class Receiver:
    """A real HTTP server on a loopback port that records webhook deliveries."""

    def __init__(self, fail_first: int = 0, always_fail: bool = False):
        self.deliveries: list[dict] = []
        self.fail_first = fail_first
        self.always_fail = always_fail
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.arrived:
                    receiver.deliveries.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    failing = receiver.always_fail or len(receiver.deliveries) <= receiver.fail_first
                    receiver.arrived.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/zoho"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, n: int, timeout: float = 15) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.deliveries) >= n, timeout)
            return list(self.deliveries)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def expected_signature(secret: str, url: str, body: bytes) -> str:
    """§6 from the doc, written independently of the sandbox: sorted query k+v pairs, then the raw body."""
    pairs = sorted(parse_qsl(urlsplit(url).query))
    message = "".join(f"{k}{v}" for k, v in pairs).encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def emit(sandbox, http, auth, event_type="payment_thankyou", data=None):
    data = data or {"payment": {"payment_id": "9030000001", "amount": 49.0, "customer_id": "903000000123"}}
    resp = http.post(sandbox.api_base + "/infratest/emit", headers=auth, json={"event_type": event_type, "data": data})
    assert resp.status_code == 200, resp.text
    return resp.json()["event"]


def settled(sandbox, http, auth, event_id: str) -> dict:
    """The event once its delivery is no longer scheduled (the test's timeout bounds the wait)."""
    while True:
        detail = http.get(sandbox.api_base + f"/events/{event_id}", headers=auth).json()["event"]
        if detail["webhooks"][0]["status"] != "scheduled":
            return detail
        time.sleep(0.05)


def test_webhook_delivered_with_zoho_payload_and_a_valid_signature(sandbox, http, auth, receiver):
    url = receiver.url + "?name=basic&subscription_id=90343"
    sandbox.add_webhook(url, SECRET)
    event = emit(sandbox, http, auth)
    delivery = receiver.wait_for(1)[0]
    body = delivery["body"]
    payload = json.loads(body)
    assert payload == {"event_id": event["event_id"], "event_type": "payment_thankyou",
                       "event_time": event["event_time"],
                       "data": {"payment": {"payment_id": "9030000001", "amount": 49.0, "customer_id": "903000000123"}}}
    assert delivery["headers"]["X-Zoho-Webhook-Signature"] == expected_signature(SECRET, url, body)
    assert delivery["headers"]["Content-Type"].startswith("application/json")


def test_signature_changes_with_the_secret(sandbox, http, auth, receiver):
    sandbox.add_webhook(receiver.url, "another-secret-value")
    emit(sandbox, http, auth)
    delivery = receiver.wait_for(1)[0]
    assert delivery["headers"]["X-Zoho-Webhook-Signature"] != expected_signature(SECRET, receiver.url, delivery["body"])
    assert delivery["headers"]["X-Zoho-Webhook-Signature"] == expected_signature("another-secret-value", receiver.url, delivery["body"])


def test_webhook_event_filter(sandbox, http, auth, receiver):
    sandbox.add_webhook(receiver.url, SECRET, events=["invoice_created"])
    emit(sandbox, http, auth, "payment_thankyou")
    emit(sandbox, http, auth, "invoice_created", {"invoice": {"invoice_id": "1"}})
    time.sleep(0.5)
    types = [json.loads(d["body"])["event_type"] for d in receiver.wait_for(1)]
    assert types == ["invoice_created"]


def test_events_list_and_detail_with_payload_string_and_delivery_status(sandbox, http, auth, receiver):
    sandbox.add_webhook(receiver.url, SECRET)
    first = emit(sandbox, http, auth, "billing_date_changed", {"invoice": {"invoice_id": "1"}})
    second = emit(sandbox, http, auth, "payment_thankyou")
    receiver.wait_for(2)
    listed = http.get(sandbox.api_base + "/events", headers=auth).json()
    ids = [e["event_id"] for e in listed["events"]]
    assert ids.index(second["event_id"]) < ids.index(first["event_id"])  # newest first
    assert set(listed["events"][0]) == {"event_id", "event_type", "event_time"}
    assert listed["page_context"]["has_more_page"] is False
    by_type = http.get(sandbox.api_base + "/events", headers=auth, params={"filter_by": "EventType.billing_date_changed"}).json()
    assert [e["event_id"] for e in by_type["events"]] == [first["event_id"]]
    detail = settled(sandbox, http, auth, first["event_id"])
    assert isinstance(detail["payload"], str)
    assert json.loads(detail["payload"])["data"] == {"invoice": {"invoice_id": "1"}}
    assert detail["webhooks"][0]["status"] == "success"
    assert detail["webhooks"][0]["url"] == receiver.url
    assert detail["event_id"].isdigit()
    assert detail["event_time"][-5] in "+-" and detail["event_time"][-4:].isdigit()


def test_failing_receiver_is_retried_then_marked_failure(sandbox, http, auth):
    receiver = Receiver(always_fail=True)
    try:
        sandbox.add_webhook(receiver.url, SECRET)
        event = emit(sandbox, http, auth)
        receiver.wait_for(4, timeout=20)
        detail = settled(sandbox, http, auth, event["event_id"])
        assert len(receiver.deliveries) == 4
        assert detail["webhooks"][0]["status"] == "failure"
    finally:
        receiver.close()


def test_a_retry_that_succeeds_is_success(sandbox, http, auth):
    receiver = Receiver(fail_first=1)
    try:
        sandbox.add_webhook(receiver.url, SECRET)
        event = emit(sandbox, http, auth)
        receiver.wait_for(2)
        detail = settled(sandbox, http, auth, event["event_id"])
        assert detail["webhooks"][0]["status"] == "success"
    finally:
        receiver.close()


def test_slow_receiver_does_not_slow_the_api(sandbox, http, auth):
    gate, answered = threading.Event(), threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):
            gate.wait(60)
            self.send_response(200)
            self.end_headers()
            answered.set()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sandbox.add_webhook(f"http://127.0.0.1:{server.server_port}/", SECRET)
        emit(sandbox, http, auth)
        # The API answered while the receiver still holds the delivery: it did not wait for it.
        assert not answered.is_set()
    finally:
        gate.set()
        server.shutdown()
        server.server_close()


def test_events_api_errors_and_scope(sandbox, http, auth):
    assert http.get(sandbox.api_base + "/events", headers=auth, params={"filter_by": "Nope.x"}).status_code == 400
    assert http.get(sandbox.api_base + "/events/123", headers=auth).status_code == 400
    narrow = sandbox.auth_headers(sandbox.mint_token("ZohoSubscriptions.customers.READ"))
    assert http.get(sandbox.api_base + "/events", headers=narrow).status_code == 401
    webhooks_read = sandbox.auth_headers(sandbox.mint_token("ZohoSubscriptions.webhooks.READ"))
    assert http.get(sandbox.api_base + "/events", headers=webhooks_read).status_code == 200


def test_events_paging(sandbox, http, auth):
    for n in range(5):
        emit(sandbox, http, auth, "subscription_move_to_free_scheduled", {"subscription": {"subscription_id": str(n)}})
    page1 = http.get(sandbox.api_base + "/events", headers=auth, params={"per_page": 2, "filter_by": "EventType.subscription_move_to_free_scheduled"}).json()
    page3 = http.get(sandbox.api_base + "/events", headers=auth, params={"per_page": 2, "page": 3, "filter_by": "EventType.subscription_move_to_free_scheduled"}).json()
    assert len(page1["events"]) == 2 and page1["page_context"]["has_more_page"] is True
    assert len(page3["events"]) == 1 and page3["page_context"]["has_more_page"] is False
