"""Checklist S7 (cookie flags), S8 (fixation), S9 (logout, timeouts, disable, on every worker at
once) and the P1 rule that a signed-in request pays one keyed lookup and no ORM query."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import event

from tests.support.accounts import login, session_cookie
from tests.support.forms import post_form

pytestmark = pytest.mark.both_databases

COOKIE = "__Host-portal_session"


def test_S7_cookie_flags(app, user):
    client = app.test_client()
    response = login(client, user.email, user.password)
    assert response.status_code == 303
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert len(cookies) == 1
    attributes = [part.strip() for part in cookies[0].split(";")[1:]]
    lowered = [a.lower() for a in attributes]
    assert "secure" in lowered and "httponly" in lowered and "path=/" in lowered
    assert "samesite=lax" in lowered or "samesite=strict" in lowered
    assert not any(a.startswith("domain") for a in lowered)
    assert not any(a.startswith(("expires", "max-age")) for a in lowered)  # dies with the browser


def test_S7_development_uses_a_plain_cookie_name_without_secure(make_app):
    app = make_app(PORTAL_ENV="development")
    response = app.test_client().get("/login")
    header = response.headers["Set-Cookie"]
    assert header.startswith("portal_session=") and "Secure" not in header and "HttpOnly" in header


def test_S8_session_fixation_cookie_rotated_and_old_one_anonymous(app, user):
    client = app.test_client()
    client.get("/login")
    before = session_cookie(client).value
    login(client, user.email, user.password)
    after = session_cookie(client).value
    assert before != after
    assert client.get("/").status_code == 200

    attacker = app.test_client()
    attacker.set_cookie(COOKIE, before)
    response = attacker.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_S8_signing_in_drops_everything_from_the_anonymous_session(app, user):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client, user.email, user.password)
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess["sid"]


def test_S9_copied_cookie_dies_at_logout(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    copied = session_cookie(client).value
    assert post_form(client, "/logout", {}, token_from="/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_S9_logout_ends_only_this_session_logout_all_ends_every_one(app, user):
    laptop, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    for device in (laptop, phone, tablet):
        login(device, user.email, user.password)
    post_form(laptop, "/logout", {}, token_from="/logout")
    assert phone.get("/").status_code == 200 and tablet.get("/").status_code == 200
    assert post_form(phone, "/logout-all", {}, token_from="/account").status_code == 303
    assert tablet.get("/").status_code == 302 and phone.get("/").status_code == 302


def test_S9_logout_by_get_changes_nothing(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    assert client.get("/logout").status_code == 200  # a confirmation page with a button
    assert client.get("/").status_code == 200


def test_S9_idle_timeout_after_30_minutes(app, user):
    client = app.test_client()
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        login(client, user.email, user.password)
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity resets the idle clock
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert "session expired" in client.get("/login").get_data(as_text=True)


def test_S9_absolute_timeout_after_12_hours_even_when_active(app, user):
    client = app.test_client()
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        login(client, user.email, user.password)
        for _ in range(12 * 3):  # active every 20 minutes for 12 hours
            clock.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=20))
        assert client.get("/").status_code == 302


def test_S9_timeouts_are_configurable(make_app, make_user):
    app = make_app(SESSION_IDLE_MINUTES=5)
    user = make_user()
    client = app.test_client()
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
        login(client, user.email, user.password)
        clock.shift(timedelta(minutes=6))
        assert client.get("/").status_code == 302


def test_S9_disabled_account_session_killed_on_next_request(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    assert client.get("/").status_code == 200
    result = app.test_cli_runner().invoke(args=["portal", "disable-user", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    assert login(app.test_client(), user.email, user.password).status_code == 401


def test_S9_other_worker_sees_logout_at_once_without_redis(make_app, make_user):
    """Two apps on one database stand for two gunicorn workers without Redis."""
    worker_a, worker_b = make_app(), make_app()
    user = make_user()
    client_a = worker_a.test_client()
    login(client_a, user.email, user.password)
    copied = session_cookie(client_a).value
    client_b = worker_b.test_client()
    client_b.set_cookie(COOKIE, copied)
    assert client_b.get("/").status_code == 200  # worker B has served this session already
    post_form(client_a, "/logout-all", {}, token_from="/account")
    assert client_b.get("/").status_code == 302


def test_S9_with_redis_every_worker_sees_logout_at_once(make_app, make_user, redis_url):
    worker_a = make_app(REDIS_URL=redis_url)
    worker_b = make_app(REDIS_URL=redis_url)
    user = make_user()
    client_a = worker_a.test_client()
    login(client_a, user.email, user.password)
    client_b = worker_b.test_client()
    client_b.set_cookie(COOKIE, session_cookie(client_a).value)
    assert client_b.get("/").status_code == 200
    post_form(client_a, "/logout", {}, token_from="/logout")
    assert client_b.get("/").status_code == 302


def test_P1_signed_in_request_runs_one_keyed_lookup_and_no_orm_query(app, user):
    from extensions import db

    client = app.test_client()
    login(client, user.email, user.password)
    client.get("/")  # warm: the Zoho names are now cached
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    reader = app.extensions["session_store"]._reader
    checks = []
    original = reader.row
    reader.row = lambda params: checks.append(params) or original(params)
    try:
        for _ in range(5):
            assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        reader.row = original
    assert statements == []  # no ORM session, no pool checkout, no transaction
    assert len(checks) == 5  # one prepared SELECT per request: the session and the cache generations


def test_S9_redis_down_session_checks_fall_back_to_the_database(make_app, make_user, dead_redis_url):
    """With REDIS_URL unreachable, a signed-in request is checked against the database instead."""
    user = make_user()
    signer = make_app()
    client = signer.test_client()
    login(client, user.email, user.password)
    dead_redis = make_app(REDIS_URL=dead_redis_url)
    reader = dead_redis.test_client()
    reader.set_cookie(COOKIE, session_cookie(client).value)
    assert reader.get("/").status_code == 200
    post_form(client, "/logout-all", {}, token_from="/account")
    assert reader.get("/").status_code == 302  # no stale copy was trusted


def test_handoff_session_has_no_account_settings_to_manage(app, user):
    """A session from the product's handoff (no portal user row) gets a calm page, never a crash."""
    import time

    from tests.support.forms import csrf_token
    from views import auth_session as keys

    client = app.test_client()
    with client.session_transaction() as sess:  # what views.auth_session.start_handoff_session leaves
        now = int(time.time())
        sess.update({"_user_id": keys.HANDOFF_ID_PREFIX + user.customer_id, keys.CUSTOMER: user.customer_id,
                     keys.NAME: "Jürgen", keys.EMAIL: "jurgen@acme.example", keys.VERSION: 0,
                     keys.SESSION_ID: "handoff-session-id-0123456789", keys.SIGNED_IN_AT: now,
                     keys.SEEN_AT: now, keys.VIA: "handoff"})
    assert client.get("/").status_code == 200
    for path in ("/account", "/account/password", "/account/2fa"):
        page = client.get(path)
        assert page.status_code == 200 and "no portal password" in page.get_data(as_text=True)
    token = csrf_token(client, "/logout")  # the sign-out button's form
    for path in ("/account/password", "/account/2fa/start", "/account/2fa/disable"):
        assert client.post(path, data={"csrf_token": token, "current_password": "x", "password": "y"}).status_code == 403
    copied = session_cookie(client).value
    assert client.post("/logout-all", data={"csrf_token": token}).status_code == 303
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/").status_code == 302
