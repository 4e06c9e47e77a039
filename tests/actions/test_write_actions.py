"""The ``@write_action`` decorator (issue 5 plumbing): sign-in, methods, CSRF, impersonation hook,
audit event with actor and outcome, and Zoho outages turned into a flashed message with nothing kept."""
from __future__ import annotations

import re

import pytest
from flask import Blueprint, render_template_string

from tests.actions.conftest import ACME, audit_events

FORM = ('{% for m in get_flashed_messages() %}<p>{{ m }}</p>{% endfor %}'
        '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _probe_blueprint():
    from extensions import db
    from services import audit
    from views.write_actions import report_outcome, write_action
    from zoho_client.errors import ZohoCircuitOpen, ZohoOutcomeUnknown

    bp = Blueprint("write_probe", __name__)

    @bp.route("/_probe/<mode>", methods=["GET", "POST"])
    @write_action("probe")
    def probe(mode):
        from flask import request

        if request.method == "GET":
            return render_template_string(FORM)
        # Something the view writes, which must not survive a failure.
        audit.record("probe_side_effect", audit.AuditContext(), actor="test")
        db.session.flush()
        if mode == "down":
            raise ZohoCircuitOpen("open")
        if mode == "unknown":
            raise ZohoOutcomeUnknown("lost")
        if mode == "declined":
            report_outcome("declined", invoice_id="42")
            return "declined", 200
        db.session.commit()
        return "done", 200

    return bp


@pytest.fixture
def probe_app(app):
    app.register_blueprint(_probe_blueprint())
    return app


def _token(client, path="/_probe/ok"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_anonymous_is_sent_to_sign_in(probe_app):
    response = probe_app.test_client().post("/_probe/ok")
    assert response.status_code in (302, 303) or response.status_code == 400  # CSRF runs first
    response = probe_app.test_client().get("/_probe/ok")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_S10_post_without_csrf_token_is_refused(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    assert client.post("/_probe/ok").status_code == 400
    assert not [e for e in audit_events(probe_app) if e[0] == "write.probe"]


def test_S10_cross_site_post_is_refused(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    token = _token(client)
    response = client.post("/_probe/ok", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_D50_success_is_audited_with_actor_customer_request_id(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    response = client.post("/_probe/ok", data={"csrf_token": _token(client)}, headers={"X-Request-ID": "req-probe-0001"})
    assert response.status_code == 200
    (event,) = audit_events(probe_app, "write.probe")
    kind, actor, customer, request_id, details = event
    assert actor.startswith("user:") and customer == ACME and request_id == "req-probe-0001"
    assert details["outcome"] == "completed" and details["via"] == "password"


def test_reported_outcome_and_details_are_audited(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    client.post("/_probe/declined", data={"csrf_token": _token(client)})
    (event,) = audit_events(probe_app, "write.probe")
    assert event[4]["outcome"] == "declined" and event[4]["invoice_id"] == "42"


def test_get_is_a_read_and_is_not_audited(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    assert client.get("/_probe/ok").status_code == 200
    assert audit_events(probe_app, "write.probe") == []


def test_zoho_unavailable_flashes_rolls_back_and_redirects_back(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    response = client.post("/_probe/down", data={"csrf_token": _token(client, "/_probe/down")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/_probe/down")
    page = client.get("/_probe/down").get_data(as_text=True)
    assert "nothing was changed" in page
    assert audit_events(probe_app, "probe_side_effect") == []
    (event,) = audit_events(probe_app, "write.probe")
    assert event[4]["outcome"] == "zoho_unavailable"


def test_outcome_unknown_never_claims_nothing_changed(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    response = client.post("/_probe/unknown", data={"csrf_token": _token(client, "/_probe/unknown")})
    assert response.status_code == 303
    page = client.get("/_probe/unknown").get_data(as_text=True)
    assert "can&#39;t tell yet" in page and "nothing was changed" not in page
    assert audit_events(probe_app, "write.probe")[0][4]["outcome"] == "outcome_unknown"


def test_I21_impersonation_refuses_writes_in_one_place(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    token = _token(client)
    with client.session_transaction() as session:
        session["imp"] = {"staff_id": 7, "elevated": False}
    response = client.post("/_probe/ok", data={"csrf_token": token})
    assert response.status_code == 403
    assert audit_events(probe_app, "probe_side_effect") == []
    (event,) = audit_events(probe_app, "write.probe")
    assert event[4]["outcome"] == "refused_impersonation" and event[4]["impersonator"] == 7
    with client.session_transaction() as session:
        session["imp"] = {"staff_id": 7, "elevated": True}
    assert client.post("/_probe/ok", data={"csrf_token": token}).status_code == 200
    assert audit_events(probe_app, "write.probe")[-1][4]["impersonator"] == 7


def test_other_methods_are_405(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    assert client.put("/_probe/ok").status_code in (400, 405)  # CSRF may answer first
    assert client.delete("/_probe/ok").status_code in (400, 405)
