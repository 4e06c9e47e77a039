"""What bad input gets: a clear message on the same page, the right status, nothing changed,
and nothing in the logs an attacker could use (no passwords, no tokens)."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.accounts import login
from tests.support.forms import csrf_token, link_in, local_path, post_form

pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("data, message", [
    ({"email": "", "password": ""}, "Enter your email address."),
    ({"email": "a@acme.example", "password": ""}, "Enter your password."),
    ({"email": "a" * 250 + "@acme.example", "password": "whatever it is"}, "Field cannot be longer than 254"),
    ({"email": "a@acme.example", "password": "p" * 1025}, "Field cannot be longer than 1024"),
])
def test_login_form_validation_is_422_with_a_message(app, data, message):
    response = post_form(app.test_client(), "/login", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@acme.example", "a b@acme.example", "\x00@acme.example"])
def test_malformed_email_at_sign_in_is_just_a_failed_sign_in(app, email):
    response = post_form(app.test_client(), "/login", {"email": email, "password": "whatever it is"})
    assert response.status_code == 401


def test_malformed_email_on_forgot_gets_the_same_answer(app, mailbox):
    response = post_form(app.test_client(), "/forgot", {"email": "not-an-email"})
    assert response.status_code == 200 and "If that address belongs to an account" in response.get_data(as_text=True)


def test_oversized_request_body_is_413(app):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", data={"csrf_token": token, "email": "x" * (2 * 1024 * 1024), "password": "x"})
    assert response.status_code == 413


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "../../etc/passwd", "A" * 5000, "%00", "' OR 1=1 --"])
def test_malformed_link_tokens_get_the_invalid_link_page(app, token):
    for path in ("/reset", "/invite"):
        client = app.test_client()
        client.get(path, query_string={"token": token})
        response = client.get(path)
        assert response.status_code == 400
        assert "expired or has already been used" in response.get_data(as_text=True)


def test_logs_never_hold_passwords_or_tokens(app, user, mailbox, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    login(client, user.email, "my wrong password 1")
    login(client, user.email, user.password)
    post_form(client, "/forgot", {"email": user.email})
    reset_url = link_in(mailbox.wait_for(user.email))
    client.get(local_path(reset_url))
    new_password = "the new secret phrase 5"
    post_form(client, "/reset", {"password": new_password, "confirm": new_password})
    app.test_cli_runner().invoke(args=["portal", "invite", "priyanka@acme.example"])
    invite_url = link_in(mailbox.wait_for("priyanka@acme.example"))

    secrets_ = [
        user.password, "my wrong password 1", new_password,
        parse_qs(urlsplit(reset_url).query)["token"][0], parse_qs(urlsplit(invite_url).query)["token"][0],
    ]
    # "mail.log" is the test's own SMTP server receiving the mail, which rightly sees the link.
    ours = [record for record in caplog.records if not record.name.startswith("mail.log")]
    logged = "\n".join(f"{record.getMessage()} {vars(record)}" for record in ours)
    assert "mail sent" in logged and "request" in logged  # the logs did capture these flows
    for secret in secrets_:
        assert secret not in logged
