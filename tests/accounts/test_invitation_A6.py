"""Invitations and checklist A6: single use, expiry, the password policy, argon2id."""
from __future__ import annotations

import time_machine
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.support.accounts import login
from tests.support.forms import link_in, local_path, post_form

pytestmark = pytest.mark.both_databases

CONTACT = "marcus.lee@acme.example"  # a contact person of the demo customer Acme Studio
GOOD_PASSWORD = "lantern orchard pebble 42"


def invite(app, email=CONTACT):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "invite", email])
    return result


def open_invitation(client, mailbox, email=CONTACT):
    url = link_in(mailbox.wait_for(email))
    response = client.get(local_path(url))
    assert response.status_code == 303 and response.headers["Location"] == "/invite"
    return url


def accept(client, password=GOOD_PASSWORD, confirm=None):
    return post_form(client, "/invite", {"password": password, "confirm": confirm or password})


def test_invite_cli_creates_pending_user_and_mails_html_and_text(app, mailbox):
    from db.models import PortalUser
    from extensions import db

    result = invite(app)
    assert result.exit_code == 0, result.output
    assert "Invitation sent to marcus.lee@acme.example" in result.output
    assert "token=" not in result.output  # the operator's terminal is not where links go
    message = mailbox.wait_for(CONTACT)
    assert "Harbourline Software" in message["Subject"]
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    for part in (html, text):
        assert "Accept invitation" in part
        assert "Harbourline Software Pty Ltd" in part
        assert "billing@harbourline.example" in part  # the company's contact details from Zoho
        assert "Marcus Lee" in part
    assert link_in(message).startswith("http://portal.test/invite?token=")
    with app.app_context():
        user = db.session.execute(select(PortalUser).where(PortalUser.email == CONTACT)).scalar_one()
        assert user.status == "pending" and user.password_hash is None
        assert user.contact_person_id is not None


def test_invite_finds_customer_primary_email_case_insensitively(app, mailbox):
    result = invite(app, "  Billing@ACME.example ")
    assert result.exit_code == 0, result.output
    assert "billing@acme.example" in result.output


@pytest.mark.parametrize("email, message", [
    ("nobody@nowhere.example", "No active Zoho customer or contact person"),
    ("not-an-email", "Enter a valid email address"),
    ("info@quietharbor.example", "No active Zoho customer"),  # an inactive Zoho customer
])
def test_invite_refuses_unknown_invalid_or_inactive(app, mailbox, email, message):
    result = invite(app, email)
    assert result.exit_code != 0
    assert message in result.output


def test_invite_refuses_an_already_active_account(app, user, mailbox):
    result = invite(app, user.email)
    assert result.exit_code != 0 and "already has portal access to this account" in result.output


def test_reinvite_replaces_the_old_link(app, client, mailbox):
    invite(app)
    first = link_in(mailbox.wait_for(CONTACT))
    mailbox.clear()
    invite(app)
    second = link_in(mailbox.wait_for(CONTACT))
    assert first != second
    client.get(local_path(first))
    assert client.get("/invite").status_code == 400
    client.get(local_path(second))
    assert client.get("/invite").status_code == 200


def test_accept_invitation_signs_in_and_shows_the_portal(app, client, mailbox):
    invite(app)
    open_invitation(client, mailbox)
    page = client.get("/invite")
    assert page.status_code == 200 and "Welcome, Marcus Lee" in page.get_data(as_text=True)
    response = accept(client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    home = client.get("/")
    body = home.get_data(as_text=True)
    assert home.status_code == 200
    assert "Marcus Lee" in body and "Acme Studio" in body and "Harbourline Software" in body


def test_A6_invitation_link_used_twice_is_rejected(app, client, mailbox):
    invite(app)
    url = open_invitation(client, mailbox)
    assert accept(client).status_code == 303
    other = app.test_client()
    other.get(local_path(url))
    response = other.get("/invite")
    assert response.status_code == 400
    assert "expired or has already been used" in response.get_data(as_text=True)
    assert post_form(other, "/login", {}, token_from="/login").status_code in (401, 422)


def test_A6_expired_invitation_is_rejected(app, client, mailbox):
    invite(app)
    url = link_in(mailbox.wait_for(CONTACT))
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=7, seconds=1)):
        client.get(local_path(url))
        assert client.get("/invite").status_code == 400
        response = client.post("/invite", data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
        assert response.status_code in (400,)


def test_A6_invitation_still_valid_just_before_seven_days(app, client, mailbox):
    invite(app)
    url = link_in(mailbox.wait_for(CONTACT))
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=7, seconds=-30)):
        client.get(local_path(url))
        assert client.get("/invite").status_code == 200


@pytest.mark.parametrize("password, accepted, reason", [
    ("Abc1234", False, "at least 12 characters"),  # 7 characters
    ("short words", False, "at least 12 characters"),
    ("password123", False, "at least 12"),  # on the common list, and short
    ("1q2w3e4r5t6y", False, "commonly used"),  # a 12-character entry of the common-password list
    ("a" * 20, False, "repeats too few"),
    ("marcus.lee@acme.example", False, "be your email address"),
    ("correct horse battery staple " * 2 + "123456", True, None),  # a 64-character passphrase
    ("🔐🔑🗝️🏠🌳🌻🚲🎈🎉🎊🎁✨", True, None),  # emoji are characters like any other
    ("x" * 257, False, "at most 256"),
])
def test_A6_password_policy_on_the_accept_page(app, client, mailbox, password, accepted, reason):
    invite(app)
    open_invitation(client, mailbox)
    response = accept(client, password)
    if accepted:
        assert response.status_code == 303
    else:
        assert response.status_code == 422
        assert reason in response.get_data(as_text=True)
        assert client.get("/invite").status_code == 200  # a refused password does not use up the link


def test_A6_password_confirmation_must_match(app, client, mailbox):
    invite(app)
    open_invitation(client, mailbox)
    response = accept(client, GOOD_PASSWORD, confirm=GOOD_PASSWORD + "!")
    assert response.status_code == 422 and "don&#39;t match" in response.get_data(as_text=True)


def test_A6_no_truncation_and_argon2id_parameters(app, make_user):
    from argon2 import extract_parameters

    from db.models import PortalUser
    from extensions import db

    long_password = "a long passphrase that goes on " * 5  # 155 characters, well past bcrypt's 72 bytes
    user = make_user(password=long_password)
    with app.app_context():
        stored = db.session.get(PortalUser, user.id).password_hash
    assert stored.startswith("$argon2id$")
    params = extract_parameters(stored)
    assert params.memory_cost >= 19456 and params.time_cost >= 2
    assert login(app.test_client(), user.email, long_password + "x").status_code == 401
    assert login(app.test_client(), user.email, long_password[:72]).status_code == 401
    assert login(app.test_client(), user.email, long_password).status_code == 303


def test_A6_old_hash_parameters_are_rehashed_at_login(app, user):
    from argon2 import PasswordHasher, extract_parameters

    from db.models import PortalUser
    from extensions import db

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(user.password)
    with app.app_context():
        db.session.get(PortalUser, user.id).password_hash = weak
        db.session.commit()
    assert login(app.test_client(), user.email, user.password).status_code == 303
    with app.app_context():
        rehashed = db.session.get(PortalUser, user.id).password_hash
    assert rehashed != weak
    assert extract_parameters(rehashed).memory_cost >= 19456
    assert login(app.test_client(), user.email, user.password).status_code == 303


def test_create_demo_users_prints_sign_ins_and_one_invitation_and_is_idempotent(app, mailbox):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["portal", "create-demo-users"])
    assert first.exit_code == 0, first.output
    assert "billing@acme.example" in first.output and "Demo-Acme-2026!" in first.output
    assert "Pending invitation for" in first.output and "http://portal.test/invite?token=" in first.output
    second = runner.invoke(args=["portal", "create-demo-users"])
    assert second.exit_code == 0, second.output
    assert "Demo-Acme-2026!" in second.output
    client = app.test_client()
    assert login(client, "billing@acme.example", "Demo-Acme-2026!").status_code == 303
    invitation_url = second.output.split("Pending invitation for", 1)[1].split()[-1]
    client.get(local_path(invitation_url))
    assert client.get("/invite").status_code == 200
