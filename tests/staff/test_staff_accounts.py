"""Staff accounts and sessions: the CLI, enrolment (password and mandatory two-factor), sign-in with
lockout, the staff cookie (flags, idle and absolute limits, sign-out), and the separation from
customers' sessions (ASVS 4.3.1: MFA for administrative interfaces). On SQLite; the support views'
tests (test_impersonation_I18_I23.py) run these paths on PostgreSQL too."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.staff.conftest import ACME
from tests.support.staff import (
    STAFF_COOKIE, StaffHandle, audit_rows, cli_create, csrf, enrol, local, make_staff, sign_in, signed_in_staff,
    staff_cookie_values, start_view,
)



def _run(app, *args):
    return app.test_cli_runner().invoke(args=["portal", "staff", *args])


# -- the CLI -------------------------------------------------------------------------------------------


def test_cli_create_prints_a_single_use_enrolment_link_and_list_shows_the_account(app):
    link = cli_create(app, "first.admin@support.example", "admin", "First Admin")
    assert link.startswith("http://portal.test/staff/enrol?token=")
    listed = _run(app, "list")
    assert "first.admin@support.example" in listed.output and "admin" in listed.output and "pending" in listed.output
    again = _run(app, "create", "first.admin@support.example", "--role", "admin")
    assert again.exit_code == 1 and "already exists" in again.output


def test_cli_refuses_an_unknown_role_and_a_bad_email(app):
    assert _run(app, "create", "x@support.example", "--role", "root").exit_code == 2
    bad = _run(app, "create", "not an email", "--role", "support")
    assert bad.exit_code == 1 and "valid email" in bad.output


def test_cli_list_with_no_staff_says_how_to_make_the_first_admin(app):
    assert "--role admin" in _run(app, "list").output


def test_cli_disable_ends_sessions_and_sign_in(app, support_member):
    client = signed_in_staff(app, support_member)
    result = _run(app, "disable", support_member.email)
    assert result.exit_code == 0 and "Disabled" in result.output
    assert client.get("/staff/").status_code == 303
    fresh = app.test_client()
    token = csrf(fresh, "/staff/login")
    refused = fresh.post("/staff/login", data={"csrf_token": token, "email": support_member.email,
                                               "password": support_member.password})
    assert refused.status_code == 401
    assert "disabled" in _run(app, "list").output


def test_cli_reset_2fa_prints_a_new_link_that_keeps_the_password(app, support_member):
    result = _run(app, "reset-2fa", support_member.email)
    assert result.exit_code == 0
    link = local(result.output.split()[-1])
    client = app.test_client()
    response = enrol(client, "http://portal.test" + link, support_member)
    assert response.status_code == 200 and len(support_member.recovery_codes) == 10
    # Only the code was asked: the password is the one they had.
    assert signed_in_staff(app, support_member).get("/staff/").status_code == 200


# -- enrolment ---------------------------------------------------------------------------------------------


def test_enrolment_sets_the_password_and_two_factor_and_shows_ten_recovery_codes_once(app):
    staff = StaffHandle("new@support.example")
    link = cli_create(app, staff.email)
    client = app.test_client()
    response = enrol(client, link, staff)
    assert response.status_code == 200
    assert len(set(staff.recovery_codes)) == 10
    page = client.get("/staff/enrol")  # the link is spent
    assert page.status_code == 400 and "already been used" in page.get_data(as_text=True)
    from db.staff import StaffUser
    from extensions import db

    with app.app_context():
        row = db.session.scalars(db.select(StaffUser)).one()
        assert row.status == "active" and row.password_hash.startswith("$argon2id$")
        assert row.totp_secret == staff.secret and len(row.recovery_code_hashes) == 10
        assert staff.recovery_codes[0] not in str(row.recovery_code_hashes)


def test_enrolment_link_leaves_the_address_bar_and_a_wrong_code_or_weak_password_keeps_it_usable(app):
    staff = StaffHandle("new@support.example")
    link = cli_create(app, staff.email)
    client = app.test_client()
    landing = client.get(local(link))
    assert landing.status_code == 303 and landing.headers["Location"] == "/staff/enrol"
    token = csrf(client, "/staff/enrol")
    weak = client.post("/staff/enrol", data={"csrf_token": token, "password": "password123", "confirm": "password123",
                                             "code": "123456"})
    assert weak.status_code == 422 and "Use at least 12 characters" in weak.get_data(as_text=True)
    wrong = client.post("/staff/enrol", data={"csrf_token": token, "password": staff.password,
                                              "confirm": staff.password, "code": "000000"})
    assert wrong.status_code == 400 and "didn&#39;t match" in wrong.get_data(as_text=True)
    assert enrol(app.test_client(), link, staff).status_code == 200


def test_enrolment_link_expires_after_24_hours(app):
    link = cli_create(app, "late@support.example")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=24, seconds=1)):
        client = app.test_client()
        client.get(local(link))
        assert client.get("/staff/enrol").status_code == 400


# -- signing in ----------------------------------------------------------------------------------------------


def test_sign_in_needs_password_then_code_and_records_it(app, support_member):
    client = app.test_client()
    token = csrf(client, "/staff/login")
    first = client.post("/staff/login", data={"csrf_token": token, "email": support_member.email,
                                              "password": support_member.password})
    assert first.headers["Location"] == "/staff/login/verify"
    assert client.get("/staff/").status_code == 303  # not signed in before the code
    token = csrf(client, "/staff/login/verify")
    done = client.post("/staff/login/verify", data={"csrf_token": token, "code": support_member.code()})
    assert done.status_code == 303 and done.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert [row.actor for row in audit_rows(app, "staff_login")] == ["staff:1"]


def test_a_recovery_code_works_once(app, support_member):
    code = support_member.recovery_codes[0]
    assert sign_in(app.test_client(), support_member, code=code).headers["Location"] == "/staff/"
    assert sign_in(app.test_client(), support_member, code=code).status_code == 401


def test_wrong_password_unknown_email_and_pending_account_look_the_same(app, support_member):
    cli_create(app, "pending@support.example")
    answers = set()
    for email, password in ((support_member.email, "wrong password!!"), ("nobody@support.example", "whatever"),
                            ("pending@support.example", "whatever")):
        client = app.test_client()
        token = csrf(client, "/staff/login")
        response = client.post("/staff/login", data={"csrf_token": token, "email": email, "password": password})
        answers.add((response.status_code, "doesn&#39;t match a staff account" in response.get_data(as_text=True)))
    assert answers == {(401, True)}


def test_sign_in_locks_out_after_repeated_failures_even_with_the_right_password(make_app, sandbox):
    app = make_app(LOGIN_MAX_FAILURES=3)
    staff = make_staff(app)
    client = app.test_client()
    for _ in range(3):
        token = csrf(client, "/staff/login")
        client.post("/staff/login", data={"csrf_token": token, "email": staff.email, "password": "wrong password!!"})
    token = csrf(client, "/staff/login")
    locked = client.post("/staff/login", data={"csrf_token": token, "email": staff.email, "password": staff.password})
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert audit_rows(app, "staff_account_locked")


def test_staff_cookie_is_host_prefixed_secure_httponly_lax_and_new_at_sign_in(app, support_member):
    client = app.test_client()
    token = csrf(client, "/staff/login")
    response = client.post("/staff/login", data={"csrf_token": token, "email": support_member.email,
                                                 "password": support_member.password})
    pending = client.get_cookie(STAFF_COOKIE).value
    token = csrf(client, "/staff/login/verify")
    response = client.post("/staff/login/verify", data={"csrf_token": token, "code": support_member.code()})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(STAFF_COOKIE + "="))
    flags = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite"} <= flags and "domain" not in flags
    assert "SameSite=Lax" in header and "Path=/" in header
    assert client.get_cookie(STAFF_COOKIE).value != pending
    replay = app.test_client()
    replay.set_cookie(STAFF_COOKIE, pending)
    assert replay.get("/staff/").status_code == 303  # the pre-sign-in cookie is no session


def test_development_uses_a_plain_cookie_name(make_app, sandbox):
    assert make_app(PORTAL_ENV="development").config["STAFF_SESSION_COOKIE_NAME"] == "staff_session"


def test_staff_session_ends_after_15_idle_minutes_and_8_hours(app, support_member):
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
        client = signed_in_staff(app, support_member)
        clock.shift(timedelta(minutes=14))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        assert client.get("/staff/").headers["Location"].startswith("/staff/login")
        support_member.used_step = -1  # the clock moved on: fresh codes again
        client = signed_in_staff(app, support_member)
        for _ in range(34):  # active all day, never idle for 15 minutes
            clock.shift(timedelta(minutes=14, seconds=30))
            assert client.get("/staff/").status_code in (200, 303)
        assert client.get("/staff/").headers["Location"].startswith("/staff/login")
    reasons = [row.details["reason"] for row in audit_rows(app, "staff_session_expired")]
    assert reasons == ["idle", "absolute"]


def test_sign_out_revokes_the_session_so_a_copied_cookie_is_dead(app, support_client):
    copied = support_client.get_cookie(STAFF_COOKIE).value
    token = csrf(support_client, "/staff/")
    assert support_client.post("/staff/logout", data={"csrf_token": token}).headers["Location"] == "/staff/login"
    replay = app.test_client()
    replay.set_cookie(STAFF_COOKIE, copied)
    assert replay.get("/staff/").status_code == 303


def test_a_tampered_staff_cookie_is_ignored(app, support_client):
    values = staff_cookie_values(app, support_client)
    forged = support_client.get_cookie(STAFF_COOKIE).value[:-3] + "abc"
    client = app.test_client()
    client.set_cookie(STAFF_COOKIE, forged)
    assert client.get("/staff/").status_code == 303 and values["uid"] == 1


# -- staff and customers never mix ------------------------------------------------------------------------------


def test_a_staff_session_grants_nothing_on_customer_pages(support_client):
    for path in ("/", "/invoices", "/profile", "/activity"):
        response = support_client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


def test_a_customer_session_never_reaches_the_console(customer_client):
    for path in ("/staff/", f"/staff/customers/{ACME}", "/staff/audit", "/staff/team"):
        response = customer_client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/staff/login"), path
    page = customer_client.get("/staff/login")
    assert page.status_code == 200 and "Staff sign-in" in page.get_data(as_text=True)


def test_staff_routes_answer_405_to_methods_they_do_not_take(support_client):
    token = csrf(support_client, "/staff/")
    for method in (support_client.put, support_client.delete, support_client.patch):
        assert method(f"/staff/customers/{ACME}/view", headers={"X-CSRFToken": token}).status_code == 405


def test_every_staff_route_names_its_permission(app):
    from views.pipeline import Audience, PipelineBlueprint

    bp = PipelineBlueprint("loose_staff", __name__, audience=Audience.STAFF)
    try:
        bp.add_url_rule("/loose", "loose", lambda ctx: "")
    except ValueError as error:
        assert "must name its permission" in str(error)
    else:
        raise AssertionError("a staff route without a permission was accepted")
    for rule in app.url_map.iter_rules():
        route = getattr(app.view_functions[rule.endpoint], "route", None)
        if route is not None and route.audience is Audience.STAFF:
            assert route.permission is not None, rule.endpoint


def test_the_role_table_is_the_one_documented(app):
    from services.policy.staff import ROLES, Permission

    support_only = {Permission.SIGNED_IN, Permission.SEARCH_CUSTOMERS, Permission.VIEW_AS_CUSTOMER,
                    Permission.INVITE_PERSON, Permission.UNLOCK_PERSON}
    assert ROLES["support"] == support_only
    assert ROLES["admin"] == set(Permission)


def test_starting_a_view_keeps_a_staff_session_that_is_still_good(app, support_client):
    """A view starts only on a live staff session: the session's own version and id are checked first."""
    assert start_view(support_client, ACME).status_code == 303
    assert staff_cookie_values(app, support_client)["imp"] == 1
