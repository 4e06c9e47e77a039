"""GET/POST /handoff against the sandbox: section H cases that need HTTP, sessions and logs."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from db.models import AuditEvent, PortalMembership, PortalUser
from extensions import db
from tests.support import handoff_tokens as tokens
from tests.support.accounts import client_for
from tests.support.audit import audit_events
from tests.support.demo import ACME_NAME as OTHER, INACTIVE_NAME as INACTIVE, TRIAL_NAME as TRIAL
from tests.support.forms import html_of
from tests.support.handoff_tokens import mint
from tests.support.settings import PRODUCT
FAILURE = "This link has expired or was already used"


def cookie_name(app) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def signed_in_customer(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("cid") if session.get("_user_id") else None


def home_shows(client, name: str) -> bool:
    response = client.get("/")
    return response.status_code == 200 and name.replace("&", "&amp;") in response.get_data(as_text=True)


# -- H16: no leakage -----------------------------------------------------------------------------


def test_H16_get_landing_303_without_token_no_store_no_referrer(client, demo_customers):
    token = mint(customer_id=demo_customers[TRIAL].customer_id, dest="dashboard")
    response = client.get(f"/handoff?token={token}")
    assert response.status_code == 303
    assert "token" not in response.headers["Location"] and token not in response.headers["Location"]
    assert response.headers["Location"] == "/"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert signed_in_customer(client) == demo_customers[TRIAL].customer_id
    assert home_shows(client, TRIAL)


def test_H16_token_absent_from_access_app_and_audit_logs(app, client, demo_customers, all_logs):
    good = mint(customer_id=demo_customers[TRIAL].customer_id, dest="invoices")
    bad_signature = mint(customer_id=demo_customers[TRIAL].customer_id, key="z" * 40)
    expired = mint(customer_id=demo_customers[TRIAL].customer_id, now=1_700_000_000)
    unknown = mint(customer_id="999999999")
    assert client.get(f"/handoff?token={good}").status_code == 303
    assert client.get(f"/handoff?token={good}").status_code == 400  # replay
    for token in (bad_signature, expired, unknown):
        assert client.get(f"/handoff?token={token}").status_code == 400
    assert client.post("/handoff", data={"token": bad_signature}).status_code == 400
    logs = all_logs()
    assert "portal.access" in logs and "'path': '/handoff'" in logs  # the access log was captured
    assert "handoff refused" in logs and "authn_token_reuse" in logs
    audit_text = json.dumps([[r.event_type, r.details, r.user_agent] for r in audit_events(app)])
    for token in (good, bad_signature, expired, unknown):
        for part in (token, token.split(".")[2]):  # the whole token, or just its signature
            assert part not in logs
            assert part not in audit_text


def test_H16_post_variant_from_the_product_site(client, demo_customers):
    token = mint(customer_id=demo_customers[TRIAL].customer_id, dest="subscriptions")
    response = client.post("/handoff", data={"token": token},
                           headers={"Origin": "https://app.acme.test", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 303 and response.headers["Referrer-Policy"] == "no-referrer"
    assert signed_in_customer(client) == demo_customers[TRIAL].customer_id


def test_H16_other_posts_are_still_refused_cross_site(client):
    response = client.post("/logout", headers={"Origin": "https://evil.test", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code in (400, 403)  # CSRF (400) or the cross-site guard (403): never allowed


# -- H12: replay ---------------------------------------------------------------------------------


def test_H12_replay_rejected_and_logged(app, client, demo_customers, caplog):
    token = mint(customer_id=demo_customers[TRIAL].customer_id)
    assert client.get(f"/handoff?token={token}").status_code == 303
    other = client_for(app)
    second = other.get(f"/handoff?token={token}")
    assert second.status_code == 400 and FAILURE in html_of(second)
    assert signed_in_customer(other) is None
    reuse = [r for r in caplog.records if getattr(r, "event", None) == "authn_token_reuse"]
    assert len(reuse) == 1 and reuse[0].check == "replay" and reuse[0].customer_id == demo_customers[TRIAL].customer_id
    assert [r.event_type for r in audit_events(app, "authn_token_reuse")] == ["authn_token_reuse"]
    assert len(audit_events(app, "handoff_login")) == 1


def test_H12_redis_unavailable_fails_closed(app, client, demo_customers, dead_redis_url, caplog):
    from services.replay_store import build_replay_store

    app.extensions["handoff"].replay_store = build_replay_store(dead_redis_url, engine=None)
    response = client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id)}")
    assert response.status_code == 503 and FAILURE in html_of(response)
    assert signed_in_customer(client) is None
    assert any(getattr(r, "check", None) == "replay_store_unavailable" for r in caplog.records)


# -- H13–H15 end to end: each refusal is the same calm page -----------------------------------------


@pytest.mark.parametrize(
    "make_token, check",
    [
        (lambda cid: mint(customer_id=cid, now=1_700_000_000), "expired"),
        (lambda cid: mint(customer_id=cid, lifetime=3600), "lifetime"),
        (lambda cid: mint(customer_id=cid, key="q" * 40), "signature"),
        (lambda cid: mint(customer_id=cid, aud="another-service"), "audience"),
        (lambda cid: mint(customer_id=cid, iss="someone-else"), "issuer"),
        (lambda cid: mint(customer_id=cid, headers={"typ": "reset+jwt"}), "type"),
        (lambda cid: mint(customer_id=cid, algorithm="HS512"), "algorithm"),
        (lambda cid: mint(customer_id=cid, headers={"jku": "https://attacker.test/k"}), "header"),
        (lambda cid: mint(customer_id=cid, headers={"kid": "../../x"}), "header"),
        (lambda cid: tokens.raw_token({"alg": "none", "typ": "handoff+jwt"}, tokens.claims(cid), b"x"), "algorithm"),
        (lambda cid: mint(customer_id=cid, dest="/admin"), "dest"),
        (lambda cid: mint(customer_id=cid, return_url="https://evil.test/"), "return_url"),
        (lambda cid: "not-a-token", "malformed"),
    ],
    ids=["expired", "lifetime", "signature", "audience", "issuer", "type", "hs512", "jku", "kid", "none", "dest",
         "return_url", "garbage"],
)
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_every_refusal_is_one_calm_page_and_the_log_names_the_check(client, demo_customers, caplog, make_token, check):
    response = client.get(f"/handoff?token={make_token(demo_customers[TRIAL].customer_id)}")
    assert response.status_code == 400
    text = html_of(response)
    assert FAILURE in text and f"Back to {PRODUCT}" in text and tokens.RETURN_URL in text
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    assert signed_in_customer(client) is None
    assert [r.check for r in caplog.records if hasattr(r, "check")] == [check]


def test_missing_token_is_refused_calmly(client):
    assert client.get("/handoff").status_code == 400
    assert client.post("/handoff").status_code == 400


def test_H15_handoff_token_at_the_reset_endpoint_rejected(client, demo_customers):
    token = mint(customer_id=demo_customers[TRIAL].customer_id)
    first = client.get(f"/reset?token={token}")
    assert first.status_code == 303
    landing = client.get(first.headers["Location"])
    assert landing.status_code == 400 and 'type="password"' not in landing.get_data(as_text=True)
    assert signed_in_customer(client) is None


# -- H17: identity mapping -----------------------------------------------------------------------


def _sign_in_with_password(app, client, customer_id: str) -> str:
    from services.passwords import hash_password

    email, password = "owner@acme-studio.example", "a long enough passphrase 42"
    with app.app_context():
        user = PortalUser(email=email, customer_id=customer_id, display_name="Olu Owner", status="active",
                          password_hash=hash_password(password), session_version=1)
        db.session.add(user)
        db.session.flush()
        db.session.add(PortalMembership(user_id=user.id, customer_id=customer_id, display_name="Olu Owner",
                                        customer_name="B", status="active"))
        db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = next(g for g in csrf.groups() if g)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return email


def test_H17_handoff_for_A_while_signed_in_as_B_ends_B(app, client, demo_customers):
    a, b = demo_customers[TRIAL].customer_id, demo_customers[OTHER].customer_id
    _sign_in_with_password(app, client, b)
    assert signed_in_customer(client) == b
    b_cookie = client.get_cookie(cookie_name(app)).value
    assert client.get(f"/handoff?token={mint(customer_id=a)}").status_code == 303
    assert signed_in_customer(client) == a
    assert client.get_cookie(cookie_name(app)).value != b_cookie
    with client.session_transaction() as session:
        assert session.get("via") == "handoff" and "sv" in session and session["sv"] == 0
    page = client.get("/").get_data(as_text=True)
    assert "Olu Owner" not in page and "owner@acme-studio.example" not in page
    # B's old cookie, replayed, is dead (revoked), not just replaced in this browser.
    thief = client_for(app)
    thief.set_cookie(cookie_name(app), b_cookie)
    assert thief.get("/").status_code in (302, 303) and signed_in_customer(thief) is None
    assert len(audit_events(app, "session_replaced_by_handoff")) == 1


def test_S8_session_id_rotates_across_handoff_and_old_cookie_is_anonymous(app, client, demo_customers):
    client.get("/login")
    before = client.get_cookie(cookie_name(app))
    assert client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id)}").status_code == 303
    after = client.get_cookie(cookie_name(app)).value
    assert before is None or before.value != after
    # A second handoff (another customer) in the same browser: a new session id again, the first one revoked.
    with client.session_transaction() as session:
        first_sid = session["sid"]
    first_cookie = after
    assert client.get(f"/handoff?token={mint(customer_id=demo_customers[OTHER].customer_id)}").status_code == 303
    with client.session_transaction() as session:
        assert session["sid"] != first_sid and session["cid"] == demo_customers[OTHER].customer_id
    replayer = client_for(app)
    replayer.set_cookie(cookie_name(app), first_cookie)
    assert replayer.get("/").status_code in (302, 303)


@pytest.mark.parametrize("who, check", [(None, "customer_unknown"), (INACTIVE, "customer_inactive")])
def test_H17_unknown_or_disabled_customer_generic_failure_no_account(app, client, demo_customers, caplog, who, check):
    customer_id = demo_customers[who].customer_id if who else "187955000000099999"
    response = client.get(f"/handoff?token={mint(customer_id=customer_id)}")
    assert response.status_code == 400 and FAILURE in html_of(response)
    assert signed_in_customer(client) is None
    assert [r.check for r in caplog.records if hasattr(r, "check")] == [check]
    with app.app_context():
        assert db.session.execute(select(PortalUser)).first() is None


STAFF_SESSION_COOKIES = ("__Host-staff_session", "staff_session")  # the staff console's own session cookie


def staff_pages(app) -> list[str]:
    """The staff console's entry and every page it registers (none yet: then the entry alone)."""
    pages = {"/staff", "/staff/"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] == "staff" and "GET" in rule.methods:
            pages.add(rule.build({name: "1" for name in rule.arguments})[1])
    return sorted(pages)


def test_H17_a_handoff_session_holds_no_staff_identity_and_opens_no_staff_page(app, client, demo_customers):
    landing = client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id)}")
    assert landing.status_code == 303 and signed_in_customer(client) == demo_customers[TRIAL].customer_id
    set_cookies = [header.split("=", 1)[0] for header in landing.headers.getlist("Set-Cookie")]
    assert set_cookies and not [name for name in set_cookies if "staff" in name.lower()], set_cookies
    assert all(client.get_cookie(name) is None for name in STAFF_SESSION_COOKIES)
    with client.session_transaction() as session:
        assert session["_user_id"].startswith("handoff:")
        assert not [key for key in session if "staff" in key.lower() or key == "imp"], dict(session)
    # With the handoff's cookies, every staff page answers exactly as it does to a visitor with none.
    anonymous = client_for(app)
    for path in staff_pages(app):
        as_customer, as_nobody = client.get(path), anonymous.get(path)
        assert (as_customer.status_code, as_customer.headers.get("Location")) == (
            as_nobody.status_code, as_nobody.headers.get("Location")), path
        assert not 200 <= as_customer.status_code < 300, path


# -- the session: a normal portal session, with the product's link --------------------------------


def test_audit_event_records_issuer_email_jti_and_destination(app, client, demo_customers):
    token = mint(customer_id=demo_customers[TRIAL].customer_id, dest="invoices", email="Pat@Acme.test")
    client.get(f"/handoff?token={token}")
    [row] = audit_events(app, "handoff_login")
    assert row.customer_id == demo_customers[TRIAL].customer_id and row.actor == f"handoff:{tokens.ISSUER}"
    assert row.details["issuer"] == tokens.ISSUER and row.details["email"] == "pat@acme.test"
    assert row.details["dest"] == "invoices" and len(row.details["jti"]) >= 16
    assert row.ip and row.request_id


def test_return_url_adds_back_link_on_every_page_of_the_session(client, demo_customers):
    back = tokens.RETURN_URL + "/billing"
    client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id, return_url=back)}")
    for path in ("/", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert f'href="{back}"' in html and f"Back to {PRODUCT}" in html, path


def test_no_back_link_without_return_url(client, demo_customers):
    client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id)}")
    assert f"Back to {PRODUCT}" not in client.get("/").get_data(as_text=True)


def test_handoff_session_signs_out_like_any_session(app, client, demo_customers):
    client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id)}")
    cookie = client.get_cookie(cookie_name(app)).value
    page = client.get("/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert signed_in_customer(client) is None
    copied = client_for(app)
    copied.set_cookie(cookie_name(app), cookie)
    assert copied.get("/").status_code in (302, 303)


def test_handoff_session_follows_idle_and_absolute_timeouts(app, demo_customers):
    import time

    import time_machine

    for minutes_later, keep_active in ((31, False), (12 * 60 + 1, True)):
        client = client_for(app)
        client.get(f"/handoff?token={mint(customer_id=demo_customers[TRIAL].customer_id)}")
        assert client.get("/").status_code == 200
        start = time.time()
        if keep_active:  # busy every 20 minutes: only the absolute limit can end it
            for step in range(20 * 60, minutes_later * 60, 20 * 60):
                with time_machine.travel(start + step, tick=False):
                    assert client.get("/").status_code == 200
        with time_machine.travel(start + minutes_later * 60, tick=False):
            assert client.get("/").status_code in (302, 303)
            assert signed_in_customer(client) is None


def test_rate_limited_per_ip(client):
    statuses = [client.get("/handoff?token=x.y.z").status_code for _ in range(31)]
    assert statuses[:30] == [400] * 30 and statuses[30] == 429
