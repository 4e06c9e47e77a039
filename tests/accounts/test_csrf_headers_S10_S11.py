"""Checklist S10 (CSRF), S11 (security headers on every response) and the sign-in parts of Z26
(unauthenticated access, methods)."""
from __future__ import annotations

import pytest

from tests.support.accounts import login
from tests.support.forms import csrf_token

pytestmark = pytest.mark.both_databases

# Every state-changing route of sign-in and account security, with the page its form lives on.
POST_ROUTES = [
    ("/login", "/login"), ("/login/verify", "/login"), ("/logout", "/logout"), ("/logout-all", "/account"),
    ("/forgot", "/forgot"), ("/reset", "/login"), ("/invite", "/login"), ("/account/password", "/account/password"),
    ("/account/2fa/start", "/account/2fa"), ("/account/2fa/confirm", "/account/2fa"),
    ("/account/2fa/disable", "/account/2fa"),
]
PAGES = ["/", "/login", "/forgot", "/reset", "/invite", "/logout", "/login/verify",
         "/account", "/account/password", "/account/2fa"]


@pytest.fixture
def acme_client(app, user):
    """Acme's billing contact (``user``), signed in."""
    client = app.test_client()
    assert login(client, user.email, user.password).status_code == 303
    return client


@pytest.mark.parametrize("path, _form_page", POST_ROUTES)
def test_S10_post_without_csrf_token_is_400(acme_client, path, _form_page):
    response = acme_client.post(path, data={"email": "x@acme.example", "password": "whatever it is"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert acme_client.get("/").status_code == 200  # still signed in: nothing happened


def test_S10_login_form_requires_a_token(app, user):
    response = app.test_client().post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "sid" not in response.headers["Set-Cookie"]


def test_S10_token_from_another_session_is_400(app, user, acme_client):
    other = app.test_client()
    foreign_token = csrf_token(other, "/login")
    response = acme_client.post("/logout", data={"csrf_token": foreign_token})
    assert response.status_code == 400
    assert acme_client.get("/").status_code == 200


def test_S10_cross_site_fetch_metadata_is_403(acme_client):
    token = csrf_token(acme_client, "/logout")
    response = acme_client.post("/logout", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert acme_client.get("/").status_code == 200


def test_S10_foreign_origin_is_403_but_same_origin_passes(acme_client):
    token = csrf_token(acme_client, "/logout")
    foreign = acme_client.post("/logout", data={"csrf_token": token}, headers={"Origin": "https://evil.test"})
    assert foreign.status_code == 403
    same = acme_client.post("/logout", data={"csrf_token": token},
                          headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 303


def test_S10_no_get_route_changes_state(app, acme_client):
    from sqlalchemy import func, select

    from db.models import AuditEvent, OneTimeToken, PortalUser
    from extensions import db

    def snapshot():
        with app.app_context():
            return tuple(
                db.session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (AuditEvent, OneTimeToken)
            ) + tuple(
                (u.status, u.session_version, u.password_hash, u.totp_secret, u.totp_pending_secret,
                 u.last_login_at)
                for u in db.session.execute(select(PortalUser)).scalars()
            )

    before = snapshot()
    for path in PAGES + ["/logout-all", "/account/2fa/start", "/account/2fa/confirm", "/account/2fa/disable"]:
        acme_client.get(path)
    assert acme_client.get("/").status_code == 200  # no GET signed us out
    after = snapshot()
    assert before == after


def _assert_security_headers(response, *, authenticated_page=True):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    hsts = headers["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin", "strict-origin-when-cross-origin")
    assert "Server" not in headers
    assert "charset=utf-8" in headers["Content-Type"].lower()
    if authenticated_page:
        assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_S11_headers_on_every_page(acme_client, path):
    _assert_security_headers(acme_client.get(path))


def test_S11_headers_on_404_and_405(app):
    client = app.test_client()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    _assert_security_headers(missing)
    _assert_security_headers(client.put("/login"))


def test_S11_headers_on_500(make_app):
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/__boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/__boom")
    assert response.status_code == 500
    _assert_security_headers(response)
    assert "boom" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_S11_static_files_may_be_cached_but_keep_the_other_headers(app):
    response = app.test_client().get("/static/css/portal.css")
    assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/account", "/account/password", "/account/2fa", "/logout"])
def test_Z26_unauthenticated_pages_redirect_to_sign_in(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "TRACE", "OPTIONS", "PATCH"])
@pytest.mark.parametrize("path", ["/login", "/forgot", "/reset", "/invite", "/account/password", "/logout"])
def test_Z26_other_methods_on_form_routes_are_405(app, method, path):
    response = app.test_client().open(path, method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] or "POST" in response.headers["Allow"]
