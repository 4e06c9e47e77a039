"""The app skeleton through HTTP: health, readiness, error pages, request ids and logs."""
from __future__ import annotations

import logging


def test_healthz_answers_without_touching_zoho(client, sandbox):
    sandbox.clear_calls()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert sandbox.calls()["total"] == 0


def test_readyz_reports_database_and_zoho(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok", "zoho": "ok"}}


def test_readyz_is_503_when_zoho_is_down(client, sandbox):
    sandbox.add_fault(path="/billing/v1/organizations*", kind="status", status=500, count=-1)
    try:
        response = client.get("/readyz")
    finally:
        sandbox.clear_faults()
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "zoho": "unavailable"}


def test_readyz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'missing-dir' / 'x' / 'portal.db'}").test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["database"] == "unavailable"


def test_unknown_page_is_a_calm_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "We couldn&#39;t find that page" in page or "We couldn't find that page" in page
    assert "Traceback" not in page
    assert response.headers["X-Request-ID"] in page


def test_errors_answer_json_to_json_clients(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404 and response.json["request_id"] == response.headers["X-Request-ID"]


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_oversized_form_is_413_page(app):
    from flask import request

    @app.post("/__test/form")
    def form():
        return str(len(request.form))

    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/__test/form", data={"field": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "That was too large" in response.get_data(as_text=True)


def test_sane_request_id_is_kept_and_a_bad_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "abc12345-trace"})
    assert kept.headers["X-Request-ID"] == "abc12345-trace"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert replaced.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced.headers["X-Request-ID"]) == 32


def test_zoho_outage_becomes_a_503_page(app, sandbox):
    from services.zoho import get_zoho

    @app.get("/__test/org")
    def org():
        return get_zoho().organization.get().name

    sandbox.add_fault(path="/billing/v1/organizations*", kind="status", status=503, count=-1)
    try:
        response = app.test_client().get("/__test/org")
    finally:
        sandbox.clear_faults()
    assert response.status_code == 503
    assert "Billing is temporarily unavailable" in response.get_data(as_text=True)


def test_flask_cli_portal_check_zoho(app):
    result = app.test_cli_runner().invoke(args=["portal", "check-zoho"])
    assert result.exit_code == 0, result.output
    assert "organization 10234695" in result.output


def test_csrf_refusal_page_carries_the_request_id(client):
    response = client.post("/login", data={"email": "a@b.example", "password": "x"},
                           headers={"X-Request-ID": "csrf-trace-0001"})
    assert response.status_code == 400
    assert response.headers["X-Request-ID"] == "csrf-trace-0001"
    assert "csrf-trace-0001" in response.get_data(as_text=True)


def test_outside_testing_an_unexpected_error_is_a_calm_500_page_and_logged(make_app, caplog):
    app = make_app(PORTAL_ENV="development")

    @app.get("/__test/boom")
    def boom():
        raise RuntimeError("secret internals")

    # create_app configures logging afresh (dictConfig), which drops pytest's handler: put it back.
    logging.getLogger().addHandler(caplog.handler)
    try:
        response = app.test_client().get("/__test/boom")
    finally:
        logging.getLogger().removeHandler(caplog.handler)
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page
    assert any(record.getMessage() == "unhandled error" for record in caplog.records)
