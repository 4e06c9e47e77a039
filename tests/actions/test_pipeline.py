"""The request pipeline (views/pipeline.py), proven on a probe blueprint registered like the portal's:
who acts, the one commit, a write's audit event, and how failures reach the customer."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from services.actors import Actor, ActorKind
from services.policy import Action, ActionRefused
from tests.support.audit import audit_events
from tests.support.demo import ACME_ID as ACME

pytestmark = pytest.mark.both_databases

FORM = ('{% for m in get_flashed_messages() %}<p>{{ m }}</p>{% endfor %}'
        '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _probe(ctx, mode):
    from flask import request

    from extensions import db
    from services import audit
    from zoho_client.errors import ZohoCircuitOpen, ZohoOutcomeUnknown

    if request.method == "GET":
        return render_template_string(FORM)
    # Something the controller writes, which must not survive a failure.
    audit.record("probe_side_effect", ctx.audit, actor="test")
    db.session.flush()
    if mode == "down":
        raise ZohoCircuitOpen("open")
    if mode == "unknown":
        raise ZohoOutcomeUnknown("lost")
    if mode == "refused":
        raise ActionRefused("That can't be done to this probe.")
    if mode == "declined":
        ctx.report("declined", invoice_id="42")
        return "declined", 200
    return "done", 200


def _probe_blueprint():
    from views.pipeline import Audience, PipelineBlueprint

    bp = PipelineBlueprint("probe", __name__, audience=Audience.CUSTOMER)
    bp.add_url_rule("/_probe/<mode>", "probe", _probe, methods=("GET", "POST"), action=Action.UPDATE_PROFILE,
                    back="portal.home")
    return bp


@pytest.fixture
def probe_app(app):
    app.register_blueprint(_probe_blueprint())
    return app


def _token(client, path="/_probe/ok"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_a_post_route_of_the_customer_portal_must_name_its_action():
    from views.pipeline import Audience, PipelineBlueprint

    bp = PipelineBlueprint("loose", __name__, audience=Audience.CUSTOMER)
    with pytest.raises(ValueError, match="must name its action"):
        bp.add_url_rule("/loose", "loose", _probe, methods=("GET", "POST"))


def test_anonymous_post_with_a_valid_token_is_sent_to_sign_in_and_nothing_runs(probe_app):
    client = probe_app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/_probe/ok", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert audit_events(probe_app, "probe_side_effect") == [] and audit_events(probe_app, "write.probe") == []
    response = client.get("/_probe/ok")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_S10_post_without_csrf_token_is_refused(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    assert client.post("/_probe/ok").status_code == 400
    assert not [e for e in audit_events(probe_app) if e[0] == "write.probe"]


def test_S10_cross_site_post_is_refused(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    token = _token(client)
    response = client.post("/_probe/ok", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_D50_success_is_committed_and_audited_with_actor_customer_request_id(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    response = client.post("/_probe/ok", data={"csrf_token": _token(client)}, headers={"X-Request-ID": "req-probe-0001"})
    assert response.status_code == 200
    assert len(audit_events(probe_app, "probe_side_effect")) == 1  # the controller's own work was committed
    (event,) = audit_events(probe_app, "write.probe")
    kind, actor, customer, request_id, details = event
    assert actor.startswith("user:") and customer == ACME and request_id == "req-probe-0001"
    assert details["outcome"] == "completed" and details["via"] == "portal_user"
    assert details["action"] == Action.UPDATE_PROFILE.value


def test_reported_outcome_and_details_are_audited(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    client.post("/_probe/declined", data={"csrf_token": _token(client)})
    (event,) = audit_events(probe_app, "write.probe")
    assert event[4]["outcome"] == "declined" and event[4]["invoice_id"] == "42"


def test_get_is_a_read_and_is_not_audited(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    assert client.get("/_probe/ok").status_code == 200
    assert audit_events(probe_app, "write.probe") == []


def test_zoho_unavailable_flashes_rolls_back_and_redirects_back_to_the_form(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    response = client.post("/_probe/down", data={"csrf_token": _token(client, "/_probe/down")})
    assert response.status_code == 303 and response.headers["Location"] == "/_probe/down"
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


def test_a_refused_action_is_its_message_and_a_303_to_the_objects_page(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    response = client.post("/_probe/refused", data={"csrf_token": _token(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "That can&#39;t be done to this probe." in client.get("/").get_data(as_text=True)
    assert audit_events(probe_app, "probe_side_effect") == []
    assert audit_events(probe_app, "write.probe")[0][4]["outcome"] == "refused"


def test_I21_an_actor_who_may_only_look_is_refused_every_write_in_one_place(probe_app, signed_in):
    """The pipeline asks the policy about the actor before any controller runs (support staff viewing
    a customer plug in as such an actor)."""
    from views.pipeline import add_actor_source

    client = signed_in(client_app=probe_app)
    token = _token(client)
    add_actor_source(probe_app, lambda: Actor(ActorKind.STAFF, ACME, "Sam Support", "sam@support.test",
                                              staff_id=7, impersonation_id=3))
    response = client.post("/_probe/ok", data={"csrf_token": token})
    assert response.status_code == 403
    assert "Support is viewing this account" in response.get_data(as_text=True)
    assert audit_events(probe_app, "probe_side_effect") == []
    (event,) = audit_events(probe_app, "write.probe")
    assert event[1] == "staff:7" and event[4]["outcome"] == "refused_actor" and event[4]["impersonation_id"] == 3
    assert client.get("/_probe/ok").status_code == 200  # looking is allowed


def test_methods_a_route_does_not_take_are_405_with_allow(probe_app, signed_in):
    client = signed_in(client_app=probe_app)
    token = _token(client)
    for method in (client.put, client.delete, client.patch):
        response = method("/_probe/ok", headers={"X-CSRFToken": token})
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
