"""Keep a subscription set to end, or reactivate a cancelled one, where Zoho allows it."""
from __future__ import annotations

from tests.support.audit import audit_events
from tests.support.demo import ACME, ATHINA, OLGA
from tests.support.forms import csrf_of, post_form


def test_a_subscription_set_to_end_is_kept_and_renews_without_a_charge(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ATHINA, client_app=app)
    sid = sandbox_api.first_subscription(ATHINA)
    html = client.get(f"/subscriptions/{sid}").get_data(as_text=True)
    assert f'action="/subscriptions/{sid}/keep"' in html and "Keep my subscription" in html
    assert f'href="/subscriptions/{sid}/reactivate"' not in html
    response = client.post(f"/subscriptions/{sid}/keep", data={"csrf_token": csrf_of(html), "status": "future"})
    assert response.status_code == 303
    assert "Nothing is charged now." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert sandbox_api.subscription(sid)["status"] == "live"
    assert audit_events(app, "write.keep_subscription")[-1].details["outcome"] == "succeeded"


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
    page = client.get(f"/subscriptions/{sid}/reactivate")
    assert page.status_code == 303 and page.headers["Location"] == f"/subscriptions/{sid}"
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "nothing to reactivate" in html and f'/subscriptions/{sid}/reactivate"' not in html
    response = client.post(f"/subscriptions/{sid}/reactivate", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    assert "nothing to reactivate" in client.get(response.headers["Location"]).get_data(as_text=True)
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
