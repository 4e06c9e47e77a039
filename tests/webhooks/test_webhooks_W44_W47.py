"""Checklist W44–W47 on ``POST /webhooks/zoho``: the signature over the exact bytes, duplicates,
unknown types, the flood of bad signatures, and the work done after the answer."""
from __future__ import annotations

import hmac
import json
import logging
import threading
from datetime import timedelta

import pytest

from db.models import PortalUser
from db.shared import WebhookEvent
from tests.support.servers import free_port
from tests.webhooks.conftest import rows
from tests.webhooks.support import deliver, event_body, sign, subscription_event, wait_until

pytestmark = pytest.mark.both_databases


def mails_to(mailbox, email):
    return [m for m in mailbox.messages if email in str(m["To"]).lower()]


def test_W44_the_exact_bytes_are_verified_and_the_event_recorded(client, app):
    body = event_body("4400001", "invoice_created", {"invoice": {"invoice_id": "1", "customer_id": "77"}})
    response = deliver(client, body, sign(body))
    assert response.status_code == 200 and response.json["status"] == "recorded"
    assert [(e.event_id, e.customer_id) for e in rows(app, WebhookEvent)] == [("4400001", "77")]


@pytest.mark.parametrize("tamper", ["one_byte", "reserialized", "missing", "other_secret", "query_moved"])
def test_W44_a_changed_or_unsigned_body_is_refused_with_no_side_effect(client, app, tamper):
    body = event_body("4400002", "invoice_created", {"invoice": {"invoice_id": "1", "customer_id": "77"}})
    signature = sign(body)
    cache = app.extensions["billing"].cache
    key = cache.key("77", "invoices", "all")
    cache.get_or_load(key, lambda: ("cached",))
    query = ""
    if tamper == "one_byte":
        body = body.replace(b'"1"', b'"2"', 1)
    elif tamper == "reserialized":
        body = json.dumps(json.loads(body), indent=1).encode()  # the same JSON, other spacing
    elif tamper == "missing":
        signature = None
    elif tamper == "other_secret":
        signature = sign(body, secret="another-secret-0123456789abcdef")
    else:
        query = "extra=1"  # Zoho signs the URL's query pairs too
    response = deliver(client, body, signature, query=query)
    assert response.status_code == 401
    assert rows(app, WebhookEvent) == []
    assert cache.peek(key) == ("cached",)  # nothing invalidated


def test_W44_the_query_string_is_part_of_what_is_signed(client, app):
    body = event_body("4400003", "invoice_created")
    url = "http://portal.test/webhooks/zoho?source=zoho&account=7"
    response = deliver(client, body, sign(body, url=url), query="source=zoho&account=7")
    assert response.status_code == 200


def test_W44_the_comparison_is_constant_time(client, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("services.webhooks.hmac.compare_digest", spy)
    body = event_body("4400004", "invoice_created")
    deliver(client, body, sign(body))
    deliver(client, body, "0" * 64)
    assert len(calls) == 2


def test_W44_a_stale_event_is_refused(client, app):
    body = event_body("4400005", "invoice_created", age=timedelta(days=4))
    response = deliver(client, body, sign(body))
    assert response.status_code == 400 and response.json["error"] == "stale"
    assert rows(app, WebhookEvent) == []


def test_W45_a_duplicate_is_answered_200_and_processed_once(client, app, mailbox, live_subscriptions):
    subscription = live_subscriptions[0]
    body = subscription_event(subscription, "4500001")
    answers = [deliver(client, body, sign(body)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json["status"] for a in answers] == ["recorded", "duplicate", "duplicate"]
    wait_until(lambda: mails_to(mailbox, subscription["email"]), what="the invitation")
    event = wait_until(lambda: [e for e in rows(app, WebhookEvent) if e.state == "done"], what="processing")[0]
    assert event.outcome == "invited"
    assert len(mails_to(mailbox, subscription["email"])) == 1
    # Kept long enough to recognise a redelivery for at least a week.
    assert event.expires_at - event.received_at >= timedelta(days=7)


def test_W45_another_activation_of_the_same_customer_invites_nobody_again(client, app, mailbox, live_subscriptions):
    subscription = live_subscriptions[0]
    for event_id in ("4500002", "4500003"):
        body = subscription_event(subscription, event_id)
        assert deliver(client, body, sign(body)).status_code == 200
        wait_until(lambda: [e for e in rows(app, WebhookEvent) if e.event_id == event_id and e.state == "done"],
                   what=f"processing of {event_id}")
    outcomes = {e.event_id: e.outcome for e in rows(app, WebhookEvent)}
    assert outcomes == {"4500002": "invited", "4500003": "has_portal_user"}
    assert len(mails_to(mailbox, subscription["email"])) == 1
    assert [u.status for u in rows(app, PortalUser)] == ["pending"]


def test_W47_an_unknown_event_type_is_answered_200_and_logged(client, app, caplog):
    caplog.set_level(logging.WARNING, logger="services.webhooks")
    body = event_body("4700001", "something_new_from_zoho")
    response = deliver(client, body, sign(body))
    assert response.status_code == 200 and response.json["status"] == "unknown_type"
    assert [(e.state, e.outcome) for e in rows(app, WebhookEvent)] == [("ignored", "unknown_type")]
    assert "unknown type" in caplog.text


def test_W47_a_flood_of_invalid_signatures_is_rate_limited_with_an_alert(client, app, caplog):
    caplog.set_level(logging.ERROR, logger="views.webhooks")
    body = event_body("4700002", "invoice_created")
    statuses = [deliver(client, body, "f" * 64).status_code for _ in range(200)]
    assert statuses[:100] == [401] * 100 and set(statuses[100:]) == {429}
    assert sum("invalid signatures" in r.getMessage() for r in caplog.records) == 1
    # A correct delivery from that address waits for the minute to pass, like Zoho's retries do.
    assert deliver(client, body, sign(body)).status_code == 429
    assert rows(app, WebhookEvent) == []


def test_W47_the_answer_comes_before_the_heavy_work(make_app, live_subscriptions, sandbox):
    """The invitation's mail server holds the worker; the delivery is answered meanwhile."""
    from aiosmtpd.controller import Controller

    arrived, release = threading.Event(), threading.Event()

    class HeldHandler:
        async def handle_DATA(self, server, session, envelope):
            import asyncio

            arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 60)
            return "250 OK"

    controller = Controller(HeldHandler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
        subscription = live_subscriptions[1]
        body = subscription_event(subscription, "4700003")
        response = deliver(app.test_client(), body, sign(body))
        assert response.status_code == 200
        assert arrived.wait(60), "the worker never reached the mail server"
        # The worker is still inside its work (the mail server has not answered) and the event is not done.
        assert [e.state for e in rows(app, WebhookEvent)] == ["processing"]
        release.set()
        wait_until(lambda: [e for e in rows(app, WebhookEvent) if e.state == "done"], what="the event settling")
    finally:
        release.set()
        controller.stop()


def test_W45_an_automatic_invitation_is_refused_once_anyone_was_invited_to_that_customer(app, mailbox,
                                                                                         live_subscriptions):
    # Two workers may both find nobody invited yet and both go on: the one that finds the other's
    # invitation made by then must not send a second (a person would get two links).
    from services import accounts
    from services.accounts import InvitationRefused
    from services.audit import AuditContext

    subscription = live_subscriptions[0]
    context = AuditContext(ip=None, user_agent="test", request_id="w45")
    with app.app_context():
        from extensions import db

        accounts.invite(subscription["email"], context, actor="zoho-webhook",
                        customer_id=subscription["customer_id"], first_only=True)
        db.session.commit()
        with pytest.raises(InvitationRefused):
            accounts.invite(subscription["email"], context, actor="zoho-webhook",
                            customer_id=subscription["customer_id"], first_only=True)
        db.session.rollback()
        # A person pressing "Resend invitation" still may.
        accounts.invite(subscription["email"], context, actor="test", customer_id=subscription["customer_id"])
        db.session.commit()
    assert len(wait_until(lambda: mails_to(mailbox, subscription["email"]) if len(
        mails_to(mailbox, subscription["email"])) == 2 else None, what="two invitations")) == 2
