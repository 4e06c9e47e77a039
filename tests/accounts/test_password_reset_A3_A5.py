"""Checklist A3 (forgot-password request), A4 (reset token lifecycle), A5 (after the reset)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from sqlalchemy import select

from tests.support.accounts import login
from tests.support.forms import link_in, local_path, post_form, strip_csrf

pytestmark = pytest.mark.both_databases

NEW_PASSWORD = "violet harbour kettle 9"


def request_reset(client, email, **kwargs):
    return post_form(client, "/forgot", {"email": email}, **kwargs)


def open_reset_link(client, mailbox, email):
    url = link_in(mailbox.wait_for(email))
    response = client.get(local_path(url))
    assert response.status_code == 303 and response.headers["Location"] == "/reset"
    return url


def choose(client, password=NEW_PASSWORD, token_from=None):
    return post_form(client, "/reset", {"password": password, "confirm": password}, token_from=token_from)


def test_A3_forgot_password_same_response_for_existing_and_unknown(app, user, mailbox):
    known = request_reset(app.test_client(), user.email)
    unknown = request_reset(app.test_client(), "nobody-here@acme.example")
    assert known.status_code == unknown.status_code == 200
    assert strip_csrf(known.get_data(as_text=True)) == strip_csrf(unknown.get_data(as_text=True))
    assert "If that address belongs to an account" in known.get_data(as_text=True)
    mailbox.wait_for(user.email)
    assert mailbox.to("nobody-here@acme.example") == []


def test_A3_sixth_request_in_an_hour_sends_no_mail_but_answers_the_same(app, user, mailbox):
    client = app.test_client()
    bodies = [strip_csrf(request_reset(client, user.email).get_data(as_text=True)) for _ in range(6)]
    assert len(set(bodies)) == 1
    deadline = datetime.now() + timedelta(seconds=10)
    while len(mailbox.to(user.email)) < 5 and datetime.now() < deadline:
        mailbox.wait_for(user.email, timeout=1)
    import time

    time.sleep(0.5)  # give a (wrong) sixth mail the chance to arrive
    assert len(mailbox.to(user.email)) == 5
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=61)):
        mailbox.clear()
        request_reset(client, user.email)
        mailbox.wait_for(user.email)


def test_A3_reset_link_uses_the_configured_base_url_not_the_host_header(app, user, mailbox):
    from tests.support.forms import CSRF

    client = app.test_client()
    evil = {"base_url": "http://evil.test", "headers": {"X-Forwarded-Host": "evil.test"}}
    token = CSRF.search(client.get("/forgot", **evil).get_data(as_text=True)).group(1)
    response = client.post("/forgot", data={"csrf_token": token, "email": user.email}, **evil)
    assert response.status_code == 200
    url = link_in(mailbox.wait_for(user.email))
    assert url.startswith("http://portal.test/reset?token=")
    assert "evil" not in mailbox.wait_for(user.email).as_string()


def test_A4_reset_token_single_use(app, user, mailbox):
    client = app.test_client()
    request_reset(client, user.email)
    url = open_reset_link(client, mailbox, user.email)
    assert choose(client).status_code == 303
    again = app.test_client()
    again.get(local_path(url))
    response = again.get("/reset")
    assert response.status_code == 400 and "expired or has already been used" in response.get_data(as_text=True)
    assert choose(again, "yet another passphrase 3", token_from="/login").status_code == 400


def test_A4_reset_token_expires_after_one_hour(app, user, mailbox):
    client = app.test_client()
    request_reset(client, user.email)
    url = link_in(mailbox.wait_for(user.email))
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=1, seconds=1)):
        client.get(local_path(url))
        assert client.get("/reset").status_code == 400
        assert choose(client, token_from="/login").status_code == 400
    assert login(app.test_client(), user.email, user.password).status_code == 303  # nothing changed


def test_A4_token_issued_before_a_password_change_is_rejected(app, user, mailbox):
    client = app.test_client()
    request_reset(client, user.email)
    url = link_in(mailbox.wait_for(user.email))
    signed_in = app.test_client()
    login(signed_in, user.email, user.password)
    changed = post_form(signed_in, "/account/password",
                        {"current_password": user.password, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    client.get(local_path(url))
    assert client.get("/reset").status_code == 400


def test_A4_database_holds_only_a_hash_of_a_128_bit_or_longer_token(app, user, mailbox):
    from db.models import OneTimeToken
    from extensions import db

    request_reset(app.test_client(), user.email)
    raw = parse_qs(urlsplit(link_in(mailbox.wait_for(user.email))).query)["token"][0]
    assert len(raw) * 6 >= 256  # 43 URL-safe base64 characters: 256 random bits
    with app.app_context():
        rows = db.session.execute(select(OneTimeToken)).scalars().all()
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert all(raw not in str(value) for value in vars(rows[0]).values())


def test_A5_no_auto_login_after_reset_and_old_sessions_die(app, user, mailbox):
    before = app.test_client()
    assert login(before, user.email, user.password).status_code == 303
    assert before.get("/").status_code == 200

    client = app.test_client()
    request_reset(client, user.email)
    open_reset_link(client, mailbox, user.email)
    page = client.get("/reset")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    response = choose(client)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302  # not signed in by the reset

    replayed = before.get("/")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    assert login(app.test_client(), user.email, user.password).status_code == 401
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 303


def test_A5_password_change_notification_email(app, user, mailbox):
    client = app.test_client()
    request_reset(client, user.email)
    open_reset_link(client, mailbox, user.email)
    mailbox.clear()
    choose(client)
    notice = mailbox.wait_for(user.email)
    assert "password was changed" in notice["Subject"]
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "reset by email" in text and "token=" not in text


def test_A5_weak_password_on_the_reset_page_keeps_the_link_usable(app, user, mailbox):
    client = app.test_client()
    request_reset(client, user.email)
    open_reset_link(client, mailbox, user.email)
    weak = choose(client, "password1234")
    assert weak.status_code == 422 and "commonly used" in weak.get_data(as_text=True)
    assert choose(client).status_code == 303


def test_change_password_requires_the_current_one(app, user, mailbox):
    client = app.test_client()
    login(client, user.email, user.password)
    wrong = post_form(client, "/account/password",
                      {"current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 401 and "current password isn" in wrong.get_data(as_text=True)
    assert login(app.test_client(), user.email, user.password).status_code == 303
    right = post_form(client, "/account/password",
                      {"current_password": user.password, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert right.status_code == 303
    assert client.get("/").status_code == 200  # this session carries on with the new version
    assert "password was changed" in mailbox.wait_for(user.email)["Subject"]
