"""``/metrics`` (off unless METRICS_TOKEN, then only with it) and ``flask portal purge`` (each kind of
row after its retention, nothing younger)."""
from __future__ import annotations

from datetime import timedelta

TOKEN = "metrics-token-0123456789abcdef"


def test_metrics_are_off_without_a_token(make_app):
    assert make_app().test_client().get("/metrics").status_code == 404


def test_metrics_need_the_token_and_show_the_portal_figures(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    client.get("/readyz")  # a Zoho call and a request to count
    reply = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    text = reply.get_data(as_text=True)
    assert reply.status_code == 200 and reply.mimetype == "text/plain"
    for family in ("portal_zoho_calls_total", "portal_cache_events_total", "portal_cache_single_flight_waits_total",
                   "portal_request_seconds", "portal_webhook_events_total", "portal_zoho_budget_used",
                   "portal_zoho_budget_limit"):
        assert f"# TYPE {family}" in text, family
    assert 'portal_zoho_calls_total{endpoint="GET /organizations/{organization_id}",status="200"}' in text
    assert 'portal_request_seconds_count{method="GET",route="health.readyz"}' in text


def test_the_budget_warns_once_at_80_percent(caplog):
    import logging

    from services.zoho_limits import ApiBudget

    caplog.set_level(logging.WARNING, logger="services.zoho_limits")
    budget = ApiBudget("1", per_minute=10, per_day=1000, clock=lambda: 120.0)
    used = [budget.count()["minute"] for _ in range(10)]
    assert used == list(range(1, 11))
    assert [r.getMessage() for r in caplog.records] == ["zoho api budget: 8 of 10 calls used this minute"]


def test_purge_removes_each_kind_after_its_retention_and_nothing_younger(make_app):
    from db.handoff import UsedHandoffToken
    from db.models import OneTimeToken, PortalUser, RevokedSession
    from db.payments import PaymentIntent
    from db.shared import ThrottleEvent, WebhookEvent
    from db.types import utcnow
    from extensions import db

    app = make_app()
    now = utcnow()
    old, recent = now - timedelta(days=120), now - timedelta(hours=1)
    with app.app_context():
        user = PortalUser(email="a@b.example", customer_id="1", display_name="A", status="active", session_version=1)
        db.session.add(user)
        db.session.flush()
        for when, suffix in ((old, "old"), (recent, "new")):
            db.session.add(OneTimeToken(user_id=user.id, purpose="reset", token_hash=f"h-{suffix}".ljust(64, "0"),
                                        issued_for_version=1, expires_at=when))
            db.session.add(UsedHandoffToken(jti=f"jti-{suffix}", expires_at=when if suffix == "old" else now + timedelta(minutes=1)))
            db.session.add(RevokedSession(session_hash=f"s-{suffix}".ljust(64, "0"), user_id=user.id,
                                          expires_at=when if suffix == "old" else now + timedelta(hours=1)))
            for state in ("succeeded", "unknown"):
                db.session.add(PaymentIntent(intent_key=f"i-{suffix}-{state}", customer_id="1", invoice_id="2",
                                             amount=1, currency="USD", state=state, created_at=when, finished_at=when))
            db.session.add(WebhookEvent(event_id=f"e-{suffix}", event_type="invoice_created", received_at=when,
                                        expires_at=when + timedelta(days=7), state="done", attempts=1))
            db.session.add(ThrottleEvent(name="login-failures", key="k", occurred_at=when.timestamp()))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Purged: 1 one-time links, 1 used handoff ids, 1 signed-out sessions, "
                                    "1 settled payment intents, 1 webhook events, 1 throttle counts.")
    with app.app_context():
        assert [t.token_hash[:5] for t in db.session.query(OneTimeToken)] == ["h-new"]
        assert sorted(i.intent_key for i in db.session.query(PaymentIntent)) == [
            "i-new-succeeded", "i-new-unknown", "i-old-unknown"]  # an unknown outcome is never deleted
        assert [e.event_id for e in db.session.query(WebhookEvent)] == ["e-new"]
