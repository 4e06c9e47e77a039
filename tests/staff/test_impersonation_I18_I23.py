"""Support views, case by case from section I of the security checklist (I18–I23): starting one,
the banner, its lifetime, read-only, whom it may target, and the record it leaves."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.staff.conftest import ACME, ACME_EMAIL
from tests.support.accounts import SESSION_COOKIE as CUSTOMER_COOKIE
from tests.support.sandbox_api import SandboxAPI
from tests.support.staff import (
    REASON, STAFF_COOKIE, audit_rows, csrf, make_staff, signed_in_staff, staff_cookie_values,
    start_view,
)

BRIGHTSIDE = "187955000000050025"
pytestmark = pytest.mark.both_databases


def _view_id(app, client) -> int | None:
    return staff_cookie_values(app, client).get("imp")


# -- I18: starting ------------------------------------------------------------------------------------


def test_I18_starting_without_a_reason_is_400_and_nothing_starts(app, support_client):
    for reason in ("", "   ", "too short"):
        response = start_view(support_client, ACME, reason=reason)
        assert response.status_code == 400
        assert "at least 10 characters" in response.get_data(as_text=True)
    assert _view_id(app, support_client) is None
    assert audit_rows(app, "impersonation_started") == []


def test_I18_a_customer_session_may_not_start_one_403(app, customer_client):
    token = csrf(customer_client, "/profile")  # a valid token of the customer's own session
    response = customer_client.post(f"/staff/customers/{ACME}/view", data={"csrf_token": token, "reason": REASON})
    assert response.status_code == 403
    assert audit_rows(app, "impersonation_started") == []


def test_I18_no_session_at_all_is_403(app):
    client = app.test_client()
    token = csrf(client, "/staff/login")
    assert client.post(f"/staff/customers/{ACME}/view", data={"csrf_token": token, "reason": REASON}).status_code == 403


def test_I18_starting_by_get_is_405(support_client):
    assert support_client.get(f"/staff/customers/{ACME}/view").status_code == 405


def test_I18_starting_without_csrf_token_is_400(app, support_client):
    response = support_client.post(f"/staff/customers/{ACME}/view", data={"reason": REASON})
    assert response.status_code == 400
    assert audit_rows(app, "impersonation_started") == []


def test_I18_staff_without_two_factor_are_blocked(app, support_member):
    """After a two-factor reset the password alone gets nowhere: no session, no support view."""
    client = signed_in_staff(app, support_member)
    result = app.test_cli_runner().invoke(args=["portal", "staff", "reset-2fa", support_member.email])
    assert result.exit_code == 0, result.output
    # The session they had died with the reset.
    assert client.get("/staff/").status_code == 303
    token = csrf(client, "/staff/login")
    assert client.post(f"/staff/customers/{ACME}/view", data={"csrf_token": token, "reason": REASON}).status_code == 403
    fresh = app.test_client()
    token = csrf(fresh, "/staff/login")
    refused = fresh.post("/staff/login", data={"csrf_token": token, "email": support_member.email,
                                               "password": support_member.password})
    assert refused.status_code == 401
    assert audit_rows(app, "impersonation_started") == []


# -- I19: the banner ------------------------------------------------------------------------------------

BANNER = re.compile(r'<aside class="support-banner".*?</aside>', re.S)


def test_I19_every_customer_page_shows_the_banner_with_staff_customer_reason_and_end(app, support_client):
    assert start_view(support_client, ACME).status_code == 303
    for path in ("/", "/invoices", "/subscriptions", "/payments", "/credit-notes", "/statement", "/profile",
                 "/activity", "/account"):
        page = support_client.get(path)
        assert page.status_code == 200, path
        banner = BANNER.search(page.get_data(as_text=True))
        assert banner, path
        text = banner.group(0)
        assert "Sam Support" in text and "Acme" in text and REASON in text and "T-1042" in text
        assert "minutes left" in text and 'action="/staff/view/end"' in text
        assert "close" not in text.lower() and "dismiss" not in text.lower()


# -- I20: lifetime ---------------------------------------------------------------------------------------


def test_I20_a_view_ends_by_itself_after_its_minutes_and_cannot_be_renewed(make_app, sandbox):
    app = make_app(IMPERSONATION_MINUTES=5)
    client = signed_in_staff(app, make_staff(app))
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
        assert start_view(client, ACME).status_code == 303
        first = _view_id(app, client)
        clock.shift(timedelta(minutes=4, seconds=59))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(seconds=2))  # 5 min + 1 s
        response = client.get("/invoices")
        assert response.status_code == 303 and response.headers["Location"] == f"/staff/customers/{ACME}"
        assert _view_id(app, client) is None
        # Customer pages are closed to this session now, and the old view is gone for good.
        assert client.get("/").headers["Location"].startswith("/login")
        (ended,) = [e for e in audit_rows(app, "impersonation_ended")]
        assert ended.details["how"] == "expiry" and ended.details["impersonation_id"] == first
        assert ended.details["seconds"] == 300  # recorded as ending at its limit
        # A new view is a new record with its own reason, never the old one extended.
        assert start_view(client, ACME).status_code == 303
        assert _view_id(app, client) not in (None, first)


def test_I20_ending_gives_a_new_session_id_and_keeps_the_staff_sessions_expiry(app, support_member):
    client = signed_in_staff(app, support_member)
    before = staff_cookie_values(app, client)
    start_view(client, ACME)
    during = staff_cookie_values(app, client)
    during_cookie = client.get_cookie(STAFF_COOKIE).value
    token = csrf(client, "/")
    response = client.post("/staff/view/end", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == f"/staff/customers/{ACME}"
    after = staff_cookie_values(app, client)
    assert len({before["sid"], during["sid"], after["sid"]}) == 3
    assert before["iat"] == during["iat"] == after["iat"]  # the absolute expiry never moves
    assert "imp" not in after
    (ended,) = audit_rows(app, "impersonation_ended")
    assert ended.details["how"] == "manual"
    # The cookie from during the view is dead: replayed, it is signed out and sees no customer page.
    replay = app.test_client()
    replay.set_cookie(STAFF_COOKIE, during_cookie)
    assert replay.get("/staff/").status_code == 303
    assert replay.get("/").headers["Location"].startswith("/login")
    assert client.get("/staff/").status_code == 200


def test_I20_the_staff_session_still_ends_at_its_first_absolute_limit(make_app, sandbox):
    app = make_app(STAFF_SESSION_ABSOLUTE_HOURS=1, STAFF_SESSION_IDLE_MINUTES=60, IMPERSONATION_MINUTES=30)
    staff = make_staff(app)
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
        client = signed_in_staff(app, staff)
        clock.shift(timedelta(minutes=40))
        assert start_view(client, ACME).status_code == 303
        token = csrf(client, "/")
        client.post("/staff/view/end", data={"csrf_token": token})
        clock.shift(timedelta(minutes=19))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=2))  # 61 minutes after signing in
        response = client.get("/staff/")
        assert response.status_code == 303 and response.headers["Location"].startswith("/staff/login")
    assert audit_rows(app, "staff_session_expired")[0].details["reason"] == "absolute"


def test_I20_signing_out_ends_the_view(app, support_client):
    start_view(support_client, ACME)
    token = csrf(support_client, "/")
    assert support_client.post("/staff/logout", data={"csrf_token": token}).status_code == 303
    (ended,) = audit_rows(app, "impersonation_ended")
    assert ended.details["how"] == "logout"
    assert support_client.get("/").headers["Location"].startswith("/login")


# -- I21: read-only --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, form", [
    ("/account/password", {"current_password": "x" * 12, "password": "new password 1234", "confirm": "new password 1234"}),
    ("/account/2fa/start", {}),
    ("/account/2fa/disable", {"password": "whatever"}),
    ("/logout-all", {}),
    ("/profile", {"display_name": "Changed", "email": "someone@else.example"}),
    ("/confirm-password", {"password": "whatever"}),
])
def test_I21_password_email_two_factor_and_sign_out_everywhere_are_always_403(app, support_client, sandbox,
                                                                              path, form):
    start_view(support_client, ACME)
    sandbox.clear_calls()
    token = csrf(support_client, "/")
    response = support_client.post(path, data={"csrf_token": token, **form})
    assert response.status_code == 403
    assert "Support is viewing this account" in response.get_data(as_text=True)
    assert [c for c in sandbox.calls()["calls"] if c["method"] != "GET"] == []


def test_I21_handoff_reset_and_sign_in_pages_are_403_during_a_view(app, support_client):
    start_view(support_client, ACME)
    token = csrf(support_client, "/")
    assert support_client.get("/handoff?token=anything").status_code == 403
    assert support_client.post("/handoff", data={"token": "anything"}).status_code == 403
    assert support_client.post("/forgot", data={"csrf_token": token, "email": ACME_EMAIL}).status_code == 403
    assert support_client.get("/reset?token=x").status_code == 403
    assert support_client.post("/login", data={"csrf_token": token, "email": ACME_EMAIL,
                                               "password": "x"}).status_code == 403
    refused = audit_rows(app, "support_view.refused")
    assert {row.details["endpoint"] for row in refused} >= {"handoff.redeem", "auth.forgot_password", "auth.login"}


def test_I21_staff_admin_is_403_for_support_and_never_reachable_with_a_customer_session(app, support_client,
                                                                                       customer_client):
    for path in ("/staff/team", "/staff/audit", "/staff/audit.csv"):
        assert support_client.get(path).status_code == 403
        response = customer_client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/staff/login")
    token = csrf(support_client, "/staff/")
    response = support_client.post("/staff/team/new", data={"csrf_token": token, "email": "x@support.example",
                                                             "display_name": "X", "role": "admin"})
    assert response.status_code == 403


def test_I21_downloads_are_allowed_and_recorded(app, support_client, sandbox):
    invoice_id = SandboxAPI(sandbox).invoice_ids(ACME)[0]
    start_view(support_client, ACME)
    pdf = support_client.get(f"/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    statement = support_client.get("/statement.pdf?start=2026-01-01&end=2026-06-30")
    assert statement.status_code == 200
    downloads = audit_rows(app, "support_view.download")
    assert [row.details["endpoint"] for row in downloads] == ["portal.invoice_pdf", "portal.statement_pdf"]
    assert all(row.actor == "staff:1" and row.customer_id == ACME for row in downloads)


# -- I22: targets ------------------------------------------------------------------------------------------


def test_I22_a_staff_members_own_account_cannot_be_viewed(app, support_client):
    make_staff(app, ACME_EMAIL, "support", "Acme's own billing person, also on staff")
    response = start_view(support_client, ACME)
    assert response.status_code == 403
    assert "Staff accounts can&#39;t be viewed" in response.get_data(as_text=True)


def test_I22_a_disabled_customer_cannot_be_viewed(app, support_client, sandbox):
    import requests

    response = requests.post(f"{sandbox.api_base}/customers/{BRIGHTSIDE}/markasinactive",
                             headers=sandbox.auth_headers(), timeout=10)
    assert response.status_code == 200, response.text
    assert start_view(support_client, BRIGHTSIDE).status_code == 403


def test_I22_an_unknown_customer_is_404(support_client):
    assert start_view(support_client, "187955999999999999").status_code == 404


def test_I22_chaining_a_second_view_is_403(app, support_client):
    assert start_view(support_client, ACME).status_code == 303
    token = csrf(support_client, "/staff/")
    response = support_client.post(f"/staff/customers/{BRIGHTSIDE}/view", data={"csrf_token": token, "reason": REASON})
    assert response.status_code == 403
    assert len(audit_rows(app, "impersonation_started")) == 1


# -- I23: the record and the customer's email -------------------------------------------------------------


def test_I23_start_page_views_refused_writes_and_end_are_recorded_with_both_identities(app, support_client):
    response = start_view(support_client, ACME, headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130"})
    assert response.status_code == 303
    support_client.get("/invoices")
    token = csrf(support_client, "/profile")
    assert support_client.post("/profile", data={"csrf_token": token, "display_name": "X"}).status_code == 403
    support_client.post("/staff/view/end", data={"csrf_token": token})

    (started,) = audit_rows(app, "impersonation_started")
    assert started.actor == "staff:1" and started.customer_id == ACME
    assert started.details["reason"] == REASON and started.details["ticket"] == "T-1042"
    assert started.details["staff_id"] == 1 and len(started.details["staff_session"]) == 16
    assert started.ip == "127.0.0.1" and "Chrome/130" in started.user_agent
    view_id = started.details["impersonation_id"]
    pages = audit_rows(app, "support_view.page")
    assert {"portal.invoices", "portal.profile"} <= {row.details["endpoint"] for row in pages}
    assert all(row.details["impersonation_id"] == view_id and row.actor == "staff:1" for row in pages)
    (refused,) = audit_rows(app, "write.profile")
    assert refused.actor == "staff:1" and refused.customer_id == ACME
    assert refused.details["outcome"] == "refused_actor" and refused.details["impersonation_id"] == view_id
    assert refused.details["staff_id"] == 1
    (ended,) = audit_rows(app, "impersonation_ended")
    assert ended.details == {"impersonation_id": view_id, "staff_id": 1, "how": "manual",
                             "seconds": ended.details["seconds"]}


def test_I23_the_customer_is_emailed_at_the_start_without_the_reason_or_any_address(app, support_client, mailbox):
    start_view(support_client, ACME, reason="Checking card 4242 failure for ticket about Jane's invoice")
    app.extensions["mailer"].close()  # let the queued mail go out
    message = mailbox.wait_for(ACME_EMAIL)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "support is viewing your billing account" in message["Subject"]
    assert "Sam Support" in body and "/activity" in body and "30 minutes" in body
    for secret in ("4242", "Jane", "T-1042", "127.0.0.1", "ticket"):
        assert secret not in body and secret not in message.get_body(preferencelist=("html",)).get_content()


def test_I23_no_email_when_notification_is_off(make_app, sandbox, mailbox):
    app = make_app(IMPERSONATION_NOTIFY=False)
    client = signed_in_staff(app, make_staff(app))
    assert start_view(client, ACME).status_code == 303
    app.extensions["mailer"].close()
    assert mailbox.to(ACME_EMAIL) == []


def test_a_view_never_touches_the_customers_own_sessions(app, support_client, customer_client):
    from db.models import RevokedSession
    from extensions import db

    before = _customer_session(app, customer_client)["sid"]
    start_view(support_client, ACME)
    token = csrf(support_client, "/")
    support_client.post("/staff/view/end", data={"csrf_token": token})
    assert customer_client.get("/").status_code == 200
    assert _customer_session(app, customer_client)["sid"] == before
    with app.app_context():
        assert db.session.scalars(db.select(RevokedSession)).all() == []
    # The staff member's browser never got a customer session either.
    assert support_client.get_cookie(CUSTOMER_COOKIE) is None or "_user_id" not in _customer_session(
        app, support_client)


def _customer_session(app, client) -> dict:
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie(CUSTOMER_COOKIE).value)
