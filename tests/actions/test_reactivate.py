"""Reactivate a non-renewing or cancelled subscription where Zoho allows it."""
from __future__ import annotations

from tests.support.audit import audit_events
from tests.support.demo import ACME, ATHINA, OLGA
from tests.support.forms import csrf_of, post_form


def test_a_non_renewing_subscription_renews_again_without_a_charge(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ATHINA, client_app=app)
    sid = sandbox_api.first_subscription(ATHINA)
    html = client.get(f"/subscriptions/{sid}/reactivate").get_data(as_text=True)
    assert "Nothing is charged now." in html
    response = client.post(f"/subscriptions/{sid}/reactivate", data={"csrf_token": csrf_of(html), "status": "future"})
    assert response.status_code == 303
    assert sandbox_api.subscription(sid)["status"] == "live"
    assert audit_events(app, "write.reactivate_subscription")[-1].details["previous_status"] == "non_renewing"


def test_a_cancelled_subscription_starts_a_new_paid_term(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(OLGA, client_app=app)
    sid = sandbox_api.first_subscription(OLGA, "cancelled")
    html = client.get(f"/subscriptions/{sid}/reactivate").get_data(as_text=True)
    assert "A new term starts today." in html
    assert client.post(f"/subscriptions/{sid}/reactivate", data={"csrf_token": csrf_of(html)}).status_code == 303
    assert sandbox_api.subscription(sid)["status"] == "live"
    assert 'badge-success">Active' in client.get(f"/subscriptions/{sid}").get_data(as_text=True)  # cache dropped


def test_a_live_subscription_has_nothing_to_reactivate(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    html = client.get(f"/subscriptions/{sid}/reactivate").get_data(as_text=True)
    assert "nothing to reactivate" in html and "Reactivate subscription" not in html
    response = client.post(f"/subscriptions/{sid}/reactivate", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 422
    assert sandbox_api.subscription(sid)["status"] == "live"


def test_zoho_down_while_reactivating_keeps_it_cancelled(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(OLGA, client_app=app)
    sid = sandbox_api.first_subscription(OLGA, "cancelled")
    html = client.get(f"/subscriptions/{sid}/reactivate").get_data(as_text=True)
    sandbox.add_fault(path=f"/billing/v1/subscriptions/{sid}/reactivate", kind="status", status=503, count=1)
    down = client.post(f"/subscriptions/{sid}/reactivate", data={"csrf_token": csrf_of(html)})
    assert down.status_code == 303
    assert "nothing was changed" in client.get(down.headers["Location"]).get_data(as_text=True)
    assert sandbox_api.subscription(sid)["status"] == "cancelled"
