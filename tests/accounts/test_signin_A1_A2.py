"""Checklist A1 (no account enumeration at sign-in) and A2 (brute force, lockout)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.support.accounts import login
from tests.support.forms import csrf_token, link_in, local_path, post_form, strip_csrf

pytestmark = pytest.mark.both_databases

UNKNOWN = "nobody-here@acme.example"


def _cookie_shape(response) -> list[str]:
    """Set-Cookie headers with their values blanked: names and attributes only."""
    return [re.sub(r"=[^;]*", "=…", header, count=1) for header in response.headers.getlist("Set-Cookie")]


def _body(response) -> str:
    return strip_csrf(response.get_data(as_text=True))


def test_A1_login_enumeration_same_response(app, user):
    known = login(app.test_client(), user.email, "wrong password, nice try")
    unknown = login(app.test_client(), UNKNOWN, "wrong password, nice try")
    assert known.status_code == unknown.status_code == 401
    assert _cookie_shape(known) == _cookie_shape(unknown)
    assert _body(known).replace(user.email, "EMAIL") == _body(unknown).replace(UNKNOWN, "EMAIL")
    assert "don&#39;t match an account" in known.get_data(as_text=True)


def test_A1_pending_and_disabled_accounts_answer_like_unknown_ones(app, user, mailbox):
    app.test_cli_runner().invoke(args=["portal", "invite", "marcus.lee@acme.example"])
    pending = login(app.test_client(), "marcus.lee@acme.example", "anything at all here")
    app.test_cli_runner().invoke(args=["portal", "disable-user", user.email])
    disabled = login(app.test_client(), user.email, user.password)  # even the right password
    unknown = login(app.test_client(), UNKNOWN, "anything at all here")
    assert pending.status_code == disabled.status_code == unknown.status_code == 401
    assert _body(pending).replace("marcus.lee@acme.example", "E") == _body(unknown).replace(UNKNOWN, "E")


class CountingHasher:
    """The portal's argon2 hasher, noting each verify it runs: the verified hash's parameters and the result."""

    def __init__(self, hasher) -> None:
        self._hasher = hasher
        self.verified: list[tuple[object, bool]] = []

    def verify(self, stored_hash, password):
        from argon2 import extract_parameters

        parameters = extract_parameters(stored_hash)
        try:
            result = self._hasher.verify(stored_hash, password)
        except Exception:
            self.verified.append((parameters, False))
            raise
        self.verified.append((parameters, result))
        return result

    def take(self) -> list[tuple[object, bool]]:
        taken, self.verified = self.verified, []
        return taken

    def __getattr__(self, name):
        return getattr(self._hasher, name)


def test_A1_an_unknown_email_costs_the_same_password_verify_as_a_wrong_password(app, user, monkeypatch):
    """An unknown email gets the work a known one gets: exactly one argon2id verify, with the same
    parameters (memory, passes, lanes, lengths), of the dummy hash. Nothing but the hashes differs, so
    the time taken cannot tell the two apart (bench/login_timing.py measures it)."""
    from services import passwords

    hasher = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    client = app.test_client()
    token = csrf_token(client)

    def failed_sign_in(email: str) -> list[tuple[object, bool]]:
        response = client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong guess 123"})
        assert response.status_code == 401
        return hasher.take()

    known, unknown = failed_sign_in(user.email), failed_sign_in(UNKNOWN)
    assert len(known) == len(unknown) == 1, (known, unknown)
    assert known == unknown  # [(the same argon2 parameters, refused)]
    assert known[0][1] is False


def _evaluated_failures(app) -> int:
    from db.models import AuditEvent
    from extensions import db

    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event_type == "login_failure")
        ).scalar_one()


def test_A2_brute_force_across_forwarded_for_addresses(app, user, mailbox):
    client = app.test_client()
    token = csrf_token(client)
    statuses = []
    for attempt in range(101):
        ip = f"198.51.{attempt // 250}.{attempt % 250 + 1}"
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": user.email, "password": f"guess number {attempt}"},
            headers={"X-Forwarded-For": ip}, environ_base={"REMOTE_ADDR": ip},
        )
        statuses.append(response.status_code)
    assert _evaluated_failures(app) <= 100
    assert _evaluated_failures(app) == 10  # LOGIN_MAX_FAILURES
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}

    # The right password during the lockout is refused with the lockout message (documented).
    locked = login(client, user.email, user.password)
    assert locked.status_code == 429 and "Too many attempts" in locked.get_data(as_text=True)
    assert int(locked.headers["Retry-After"]) > 0

    # Forgot-password still works, and completing the reset lifts the lockout.
    post_form(client, "/forgot", {"email": user.email})
    client.get(local_path(link_in(mailbox.wait_for(user.email))))
    new_password = "a brand new passphrase 7"
    assert post_form(client, "/reset", {"password": new_password, "confirm": new_password}).status_code == 303
    assert login(client, user.email, new_password).status_code == 303


def test_A2_lockout_does_not_reveal_whether_the_account_exists(app, user):
    client = app.test_client()
    for email in (user.email, UNKNOWN):
        for _ in range(10):
            assert login(client, email, "not the password at all").status_code == 401
    known, unknown = login(client, user.email, "x" * 12), login(client, UNKNOWN, "x" * 12)
    assert known.status_code == unknown.status_code == 429
    assert _body(known).replace(user.email, "E") == _body(unknown).replace(UNKNOWN, "E")


def test_A2_lockout_ends_after_the_window(app, user):
    import time_machine
    from datetime import datetime, timedelta, timezone

    client = app.test_client()
    for _ in range(10):
        login(client, user.email, "not the password at all")
    assert login(client, user.email, user.password).status_code == 429
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=16)):
        assert login(app.test_client(), user.email, user.password).status_code == 303


def test_A2_per_ip_limit_on_the_sign_in_form(make_app):
    app = make_app(RATELIMIT_AUTH_PER_IP="5 per minute")
    client = app.test_client()
    token = csrf_token(client)
    statuses = [
        client.post("/login", data={"csrf_token": token, "email": f"x{i}@acme.example", "password": "p" * 12}).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_successful_sign_in_and_out_are_audited(app, user):
    from db.models import AuditEvent
    from extensions import db

    client = app.test_client()
    login(client, user.email, "wrong password entirely")
    assert login(client, user.email, user.password).status_code == 303
    assert post_form(client, "/logout", {}, token_from="/logout").status_code == 303
    with app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    kinds = [e.event_type for e in events if e.event_type.startswith(("login", "logout"))]
    assert kinds == ["login_failure", "login_success", "logout"]
    success = next(e for e in events if e.event_type == "login_success")
    assert success.portal_user_id == user.id and success.customer_id == user.customer_id
    assert success.ip == "127.0.0.1" and success.request_id and success.occurred_at.tzinfo is not None


def test_A2_with_redis_the_lockout_is_shared_by_every_worker(make_app, redis_url):
    worker_a = make_app(REDIS_URL=redis_url)
    worker_b = make_app(REDIS_URL=redis_url)
    for _ in range(10):
        assert login(worker_a.test_client(), UNKNOWN, "not the password at all").status_code == 401
    assert login(worker_b.test_client(), UNKNOWN, "not the password at all").status_code == 429
