"""Subscribe after a trial and subscribe again after a cancellation, against the sandbox: the card on
file, Zoho's hosted page with the test cards, the allow-list, foreign ids, ignored fields and outages."""
from __future__ import annotations

import re

import requests

from tests.support.audit import audit_events
from tests.support.demo import ACME, FRESH, MUELLER, OLGA
from tests.support.forms import csrf_of, post_form, query_of

APPROVED = "4111 1111 1111 1111"
DECLINED = "4000 0000 0000 0002"


def pay_on_hosted_page(url: str, card_number: str, action: str = "pay") -> requests.Response:
    """Fill the sandbox's checkout page the way a person would (no redirects followed)."""
    with requests.Session() as browser:
        page = browser.get(url, timeout=30)
        assert page.status_code == 200, page.status_code
        nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
        return browser.post(url, data={"nonce": nonce, "card_holder": "Hanna Vogel", "card_number": card_number,
                                       "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "action": action},
                            allow_redirects=False, timeout=30)


def back_from_zoho(client, location: str):
    """Follow Zoho's redirect to the portal's return URL with the test client."""
    assert location.startswith("http://portal.test/subscribe/return?"), location
    return client.get("/subscribe/return", query_string=query_of(location))


def test_resubscribe_with_the_card_on_file_after_a_cancellation(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(OLGA, client_app=app)
    olga = sandbox_api.customer_id(OLGA)
    acme = sandbox_api.customer_id(ACME)
    before = {s["subscription_id"] for s in sandbox_api.subscriptions(olga)}
    assert client.get("/subscriptions").status_code == 200  # warms the cached list

    page = client.get("/subscribe")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The card on file ending" in html and "Starter" in html
    response = post_form(client, "/subscribe", {
        "plan_code": "starter-monthly", "payment": "card_on_file",
        # never read: the customer is the session's and prices are Zoho's
        "customer_id": acme, "status": "trial", "price": "0.01"})
    assert response.status_code == 303
    new = [s for s in sandbox_api.subscriptions(olga) if s["subscription_id"] not in before]
    assert len(new) == 1
    created = sandbox_api.subscription(new[0]["subscription_id"])
    assert (created["status"], created["plan"]["plan_code"]) == ("live", "starter-monthly")
    assert created["plan"]["price"] != 0.01 and created["customer_id"] == olga
    assert response.headers["Location"].endswith(f"/subscriptions/{created['subscription_id']}")
    assert len(sandbox_api.subscriptions(acme)) == 1

    shown = client.get("/subscriptions").get_data(as_text=True)  # the cached list was dropped
    assert created["subscription_id"] in shown
    assert [(e.customer_id, e.details["outcome"], e.details.get("plan_code"))
            for e in audit_events(app, "write.subscribe")] == [(olga, "succeeded", "starter-monthly")]


def test_a_trial_without_a_card_continues_through_the_hosted_page(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(FRESH, client_app=app)
    trial = sandbox_api.first_subscription(FRESH, "trial")
    response = post_form(client, f"/subscriptions/{trial}/subscribe", {"plan_code": "pro-monthly", "payment": "new_card"})
    assert response.status_code == 303
    checkout = response.headers["Location"]
    assert checkout.startswith(sandbox.api_base.split("/billing")[0])

    answer = pay_on_hosted_page(checkout, APPROVED)
    assert answer.status_code == 302
    landed = back_from_zoho(client, answer.headers["Location"])
    assert landed.status_code == 303 and landed.headers["Location"].endswith(f"/subscriptions/{trial}")
    now = sandbox_api.subscription(trial)
    assert (now["status"], now["plan"]["plan_code"], now["card"]["last_four_digits"]) == ("trial", "pro-monthly", "1111")
    page = client.get(landed.headers["Location"]).get_data(as_text=True)
    assert "Subscribed" in page and "Your card ending 1111 will be charged" in page and "when your trial ends" in page
    assert 'data-action="subscribe"' not in page

    sandbox.advance_clock(days=6)  # the trial ends: the card on file is charged and it goes live
    assert sandbox_api.subscription(trial)["status"] == "live"
    outcomes = [e.details["outcome"] for e in audit_events(app, "write.subscribe")]
    assert outcomes == ["sent_to_checkout", "succeeded"]


def test_a_declined_card_changes_nothing_and_says_so(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(FRESH, client_app=app)
    trial = sandbox_api.first_subscription(FRESH, "trial")
    response = post_form(client, f"/subscriptions/{trial}/subscribe", {"plan_code": "pro-monthly", "payment": "new_card"})
    checkout = response.headers["Location"]
    assert pay_on_hosted_page(checkout, DECLINED).status_code == 402  # Zoho's page says so and stays
    gave_up = pay_on_hosted_page(checkout, "", action="cancel")
    landed = back_from_zoho(client, gave_up.headers["Location"])
    assert landed.status_code == 303 and landed.headers["Location"].endswith("/subscribe")
    page = client.get("/subscribe", follow_redirects=True).get_data(as_text=True)
    assert "did not go through" in page or "nothing was changed" in page
    now = sandbox_api.subscription(trial)
    assert now["plan"]["plan_code"] == "starter-monthly" and not now.get("card", {}).get("card_id")


def test_a_hosted_page_not_issued_to_this_session_is_a_404_without_asking_zoho(make_app, sandbox_api, sandbox,
                                                                               signed_in):
    app = make_app()
    fresh = signed_in(FRESH, client_app=app)
    trial = sandbox_api.first_subscription(FRESH, "trial")
    response = post_form(fresh, f"/subscriptions/{trial}/subscribe", {"plan_code": "pro-monthly", "payment": "new_card"})
    someone_elses = response.headers["Location"].rstrip("/").split("/")[-2].removeprefix("2-")

    acme = signed_in(ACME, client_app=app)
    sandbox.clear_calls()
    assert acme.get("/subscribe/return", query_string={"hostedpage_id": someone_elses}).status_code == 404
    assert not [c for c in sandbox.calls()["calls"] if someone_elses in c["path"] + c["query_string"]]


def test_only_the_configured_plans_are_offered(make_app, sandbox_api, signed_in):
    app = make_app(PORTAL_PLAN_CODES="starter-monthly,pro-monthly")
    client = signed_in(OLGA, client_app=app)
    html = client.get("/subscribe").get_data(as_text=True)
    assert "Starter" in html and "Pro" in html and "Business" not in html
    olga = sandbox_api.customer_id(OLGA)
    before = len(sandbox_api.subscriptions(olga))
    refused = post_form(client, "/subscribe", {"plan_code": "business-monthly", "payment": "card_on_file"})
    assert refused.status_code == 422
    assert len(sandbox_api.subscriptions(olga)) == before


def test_zoho_failing_while_subscribing_leaves_nothing_half_done(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(OLGA, client_app=app)
    olga = sandbox_api.customer_id(OLGA)
    before = len(sandbox_api.subscriptions(olga))
    sandbox.add_fault(path="/billing/v1/subscriptions", method="POST", kind="status", status=503, count=1)
    response = post_form(client, "/subscribe", {"plan_code": "starter-monthly", "payment": "card_on_file"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/subscribe")
    assert "nothing was changed" in client.get("/subscribe").get_data(as_text=True)
    assert len(sandbox_api.subscriptions(olga)) == before
    assert audit_events(app, "write.subscribe")[-1].details["outcome"] == "zoho_unavailable"


def test_subscribe_needs_a_csrf_token(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(OLGA, client_app=app)
    olga = sandbox_api.customer_id(OLGA)
    before = len(sandbox_api.subscriptions(olga))
    assert client.post("/subscribe", data={"plan_code": "starter-monthly", "payment": "card_on_file"}).status_code == 400
    assert len(sandbox_api.subscriptions(olga)) == before
