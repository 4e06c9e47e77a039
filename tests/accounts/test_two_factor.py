"""Optional TOTP two-factor for customers: enrolment with a QR code, sign-in with a code,
replay refused, recovery codes that work once."""
from __future__ import annotations

import re

import pyotp
import pytest
import time_machine
from datetime import datetime, timedelta, timezone

from tests.support.accounts import login
from tests.support.forms import post_form

pytestmark = pytest.mark.both_databases


def enrol(client) -> tuple[str, list[str]]:
    assert post_form(client, "/account/2fa/start", {}, token_from="/account/2fa").status_code == 303
    page = client.get("/account/2fa").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "QR code" in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    response = post_form(client, "/account/2fa/confirm", {"code": pyotp.TOTP(secret).now()}, token_from="/account/2fa")
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_enrolment_needs_a_correct_code(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    post_form(client, "/account/2fa/start", {}, token_from="/account/2fa")
    wrong = post_form(client, "/account/2fa/confirm", {"code": "000000"}, token_from="/account/2fa")
    assert wrong.status_code == 422 and "didn&#39;t match" in wrong.get_data(as_text=True)
    assert "Set up two-factor" in client.get("/account").get_data(as_text=True)


def test_sign_in_asks_for_the_code_and_refuses_a_replayed_one(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    secret, _codes = enrol(client)
    totp = pyotp.TOTP(secret)

    fresh = app.test_client()
    first_step = login(fresh, user.email, user.password)
    assert first_step.status_code == 303 and first_step.headers["Location"] == "/login/verify"
    assert fresh.get("/").status_code == 302  # the password alone does not sign in
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=31)):
        code = totp.now()
        assert post_form(fresh, "/login/verify", {"code": code}).status_code == 303
        assert fresh.get("/").status_code == 200

        replay = app.test_client()
        login(replay, user.email, user.password)
        refused = post_form(replay, "/login/verify", {"code": code})
        assert refused.status_code == 401 and replay.get("/").status_code == 302


def test_recovery_code_works_once(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    _secret, codes = enrol(client)
    for expected in (303, 401):
        other = app.test_client()
        login(other, user.email, user.password)
        assert post_form(other, "/login/verify", {"code": codes[0].upper()}).status_code == expected


def test_second_step_expires_and_counts_towards_the_lockout(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    enrol(client)
    attacker = app.test_client()
    login(attacker, user.email, user.password)
    statuses = [post_form(attacker, "/login/verify", {"code": f"{i:06d}"}).status_code for i in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    late = app.test_client()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=20)):
        login(late, user.email, user.password)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=26)):
        response = late.get("/login/verify")
        assert response.status_code == 303 and response.headers["Location"] == "/login"


def test_turning_two_factor_off_needs_the_password(app, user):
    client = app.test_client()
    login(client, user.email, user.password)
    enrol(client)
    wrong = post_form(client, "/account/2fa/disable", {"password": "not my password"}, token_from="/account/2fa")
    assert wrong.status_code == 422
    assert post_form(client, "/account/2fa/disable", {"password": user.password},
                     token_from="/account/2fa").status_code == 303
    assert login(app.test_client(), user.email, user.password).headers["Location"] == "/"
