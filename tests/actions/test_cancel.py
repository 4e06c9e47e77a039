"""Cancel at the end of the term or now (as configured), with a reason from Zoho's churn messages
recorded on the subscription, a page that says what happens, and the optional retention offer."""
from __future__ import annotations

import re
from datetime import date

from services.formatting import format_date
from tests.support.audit import audit_events
from tests.support.demo import ACME, LONE_WOLF, OLGA
from tests.support.forms import csrf_of, post_form

BOTH = "end_of_term,immediately"


def _reason_id(sandbox_api, label: str) -> str:
    messages = sandbox_api.get("/settings/preferences/churnmessages")["churn_messages_settings"]["churn_messages"]
    return next(m["churn_message_id"] for m in messages if m["label"] == label)


def test_cancel_at_the_end_of_the_term_records_the_reason(make_app, sandbox_api, signed_in):
    app = make_app(CANCEL_OPTIONS=BOTH)
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    page = client.get(f"/subscriptions/{sid}/cancel")
    html = page.get_data(as_text=True)
    assert "You keep full access until" in html and "is not refunded" in html
    assert "are not refunded or credited" in html  # the immediate option says what is lost
    assert "It&#39;s too expensive" in html
    term_end = date.fromisoformat(sandbox_api.subscription(sid)["current_term_ends_at"])
    # Sentences show dates as the rest of the page does ("Dec 16, 2026"), never in a second form.
    assert f"You keep full access until {format_date(term_end)}" in html
    assert not re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
                         r"November|December) \d{4}\b", html)
    assert client.get(f"/subscriptions/{sid}").status_code == 200  # warm the cache

    response = client.post(f"/subscriptions/{sid}/cancel", data={
        "csrf_token": csrf_of(html), "when": "end_of_term", "reason": _reason_id(sandbox_api, "It's too expensive"),
        "reason_text": "Budget cut for 2027", "status": "live", "customer_id": sandbox_api.customer_id(OLGA)})
    assert response.status_code == 303
    now = sandbox_api.subscription(sid)
    assert now["status"] == "non_renewing"
    notes = [n["description"] for n in now["notes"]]
    assert any("It's too expensive" in n and "Budget cut for 2027" in n for n in notes)
    assert f"Cancels on {format_date(term_end)}" in client.get(f"/subscriptions/{sid}").get_data(as_text=True)  # cache dropped
    event = audit_events(app, "write.cancel_subscription")[-1]
    details = event.details
    assert (event.customer_id, details["outcome"], details["when"]) == (
        sandbox_api.customer_id(ACME), "succeeded", "end_of_term")
    assert "Budget cut" not in str(details)  # free text stays out of the audit log


def test_cancel_immediately(make_app, sandbox_api, signed_in):
    app = make_app(CANCEL_OPTIONS=BOTH)
    client = signed_in(LONE_WOLF, client_app=app)
    sid = sandbox_api.first_subscription(LONE_WOLF)
    response = post_form(client, f"/subscriptions/{sid}/cancel", {"when": "immediately"})
    assert response.status_code == 303
    assert sandbox_api.subscription(sid)["status"] == "cancelled"


def test_only_the_configured_options_are_offered(make_app, sandbox_api, signed_in):
    app = make_app()  # default: end_of_term only
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    html = client.get(f"/subscriptions/{sid}/cancel").get_data(as_text=True)
    assert 'value="immediately"' not in html
    refused = post_form(client, f"/subscriptions/{sid}/cancel", {"when": "immediately"})
    assert refused.status_code == 422
    assert sandbox_api.subscription(sid)["status"] == "live"


def test_the_retention_offer_applies_the_coupon_and_keeps_the_subscription(make_app, sandbox_api, signed_in):
    app = make_app(RETENTION_COUPON_CODE="FLAT5")
    client = signed_in(LONE_WOLF, client_app=app)
    sid = sandbox_api.first_subscription(LONE_WOLF)
    html = client.get(f"/subscriptions/{sid}/cancel").get_data(as_text=True)
    assert "Before you go" in html and "off every bill from now on" in html
    response = client.post(f"/subscriptions/{sid}/stay", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    now = sandbox_api.subscription(sid)
    assert now["status"] == "live" and now["coupon"]["coupon_code"] == "FLAT5"
    assert audit_events(app, "write.accept_retention_offer")[-1].details["outcome"] == "succeeded"


def test_zoho_down_while_cancelling_keeps_the_subscription(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    sandbox.add_fault(path=f"/billing/v1/subscriptions/{sid}/cancel", kind="status", status=503, count=-1)
    response = post_form(client, f"/subscriptions/{sid}/cancel", {"when": "end_of_term"})
    assert response.status_code == 303
    sandbox.clear_faults()
    assert "nothing was changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert sandbox_api.subscription(sid)["status"] == "live"


def test_the_note_failing_after_the_cancellation_still_reports_the_cancellation(make_app, sandbox_api, sandbox,
                                                                                 signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    sandbox.add_fault(path=f"/billing/v1/subscriptions/{sid}/notes", kind="status", status=503, count=-1)
    response = post_form(client, f"/subscriptions/{sid}/cancel",
                         {"when": "end_of_term", "reason": _reason_id(sandbox_api, "Other")})
    sandbox.clear_faults()
    assert response.status_code == 303
    assert sandbox_api.subscription(sid)["status"] == "non_renewing"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cancellation is done" in page
    assert audit_events(app, "write.cancel_subscription")[-1].details["reason_recorded"] is False


def test_someone_elses_subscription_cannot_be_cancelled(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    acme_sub = sandbox_api.first_subscription(ACME)
    olga = signed_in(OLGA, client_app=app)
    token = csrf_of(olga.get("/profile").get_data(as_text=True))
    sandbox.clear_calls()
    assert olga.post(f"/subscriptions/{acme_sub}/cancel", data={"csrf_token": token, "when": "end_of_term"}).status_code == 404
    assert olga.post(f"/subscriptions/{acme_sub}/stay", data={"csrf_token": token}).status_code == 404
    assert not [c for c in sandbox.calls()["calls"] if acme_sub in c["path"] + c["query_string"]]
    assert sandbox_api.subscription(acme_sub)["status"] == "live"
