"""Hosted pages in a real browser (headless Chromium via Playwright): pay, decline, expiring card, cancel.

Screenshots go to artifacts/screenshots/sandbox/ so that a person can look at the checkout page.
"""
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support.browser import Screenshots, fill_card
from zoho_sandbox.hostedpage_ui import luhn_valid, with_hostedpage_id

shoot = Screenshots("sandbox").as_is


def test_luhn_and_redirect_helpers():
    assert luhn_valid("4111111111111111") and luhn_valid("4000000000000002") and luhn_valid("4000000000000077")
    assert not luhn_valid("4111111111111112") and not luhn_valid("abcd")
    assert with_hostedpage_id("https://shop.example/done?x=1#top", "ab") == "https://shop.example/done?x=1&hostedpage_id=ab#top"


@pytest.fixture(scope="module")
def shop():
    """The merchant's site the hosted page returns to."""
    visits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            visits.append(self.path)
            body = b"<!DOCTYPE html><title>Back at the shop</title><h1>Back at the shop</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/billing/done?from=sandbox", visits
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def first(sandbox, auth, path, key, **params):
    resp = requests.get(sandbox.api_base + path, headers=auth, params=params, timeout=10)
    assert resp.status_code == 200, resp.text
    rows = resp.json()[key]
    assert rows, f"the demo seed has no {key}"
    return rows[0]


def new_subscription_page(sandbox, auth, redirect_url) -> dict:
    customer = first(sandbox, auth, "/customers", "customers")
    plan = next(p for p in requests.get(sandbox.api_base + "/plans", headers=auth, params={"filter_by": "PlanStatus.ACTIVE"},
                                        timeout=10).json()["plans"] if float(p.get("recurring_price", 0)) > 0 and not p.get("trial_period"))
    resp = requests.post(sandbox.api_base + "/hostedpages/newsubscription", headers=auth, timeout=10, json={
        "customer_id": customer["customer_id"], "plan": {"plan_code": plan["plan_code"]}, "redirect_url": redirect_url})
    assert resp.status_code == 201, resp.text
    return resp.json()["hostedpage"]


def hosted_status(sandbox, auth, hostedpage_id) -> dict:
    resp = requests.get(sandbox.api_base + f"/hostedpages/{hostedpage_id}", headers=auth, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_successful_payment_redirects_with_hostedpage_id(sandbox, auth, shop, page):
    redirect_url, visits = shop
    hosted = new_subscription_page(sandbox, auth, redirect_url)
    assert hosted["url"] == f"{sandbox.base_url}/hostedpage/2-{hosted['hostedpage_id']}/checkout"
    page.goto(hosted["url"])
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "read"
    shoot(page, "checkout")
    assert page.get_by_role("button", name="Pay").is_visible()
    fill_card(page, "4111 1111 1111 1111")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/billing/done**")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"from": ["sandbox"], "hostedpage_id": [hosted["hostedpage_id"]]}
    assert any(hosted["hostedpage_id"] in visit for visit in visits)
    after = hosted_status(sandbox, auth, hosted["hostedpage_id"])
    assert after["status"] == "success"
    assert after["data"], "a completed hosted page carries data"
    # Opening a used page again is calm, not a second payment form.
    page.goto(hosted["url"])
    assert page.get_by_text("already been completed").is_visible()
    assert page.get_by_label("Card number").count() == 0


def test_declined_card_shows_a_message_and_marks_the_page_failed(sandbox, auth, shop, page):
    redirect_url, _ = shop
    hosted = new_subscription_page(sandbox, auth, redirect_url)
    page.goto(hosted["url"])
    fill_card(page, "4000 0000 0000 0002")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Pay").click()
    assert answer.value.status == 402
    assert page.get_by_role("alert").get_by_text("Your card was declined.").is_visible()
    shoot(page, "checkout-declined")
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "failed"
    # A later success still works on the same page.
    fill_card(page, "4111111111111111")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/billing/done**", timeout=10_000)
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "success"


def test_invalid_and_unknown_cards_are_refused_with_field_messages(sandbox, auth, shop, page):
    redirect_url, _ = shop
    hosted = new_subscription_page(sandbox, auth, redirect_url)
    page.goto(hosted["url"])
    fill_card(page, "4111 1111 1111 1112", cvv="12")
    page.get_by_role("button", name="Pay").click()
    assert page.get_by_text("Enter a valid card number.").is_visible()
    assert page.get_by_text("Enter the 3 or 4 digit security code.").is_visible()
    shoot(page, "checkout-invalid")
    fill_card(page, "5555 5555 5555 4444")
    page.get_by_role("button", name="Pay").click()
    assert page.get_by_text("Use one of the sandbox test cards").is_visible()
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "read"


def test_cancel_goes_back_with_hostedpage_id(sandbox, auth, shop, page):
    redirect_url, _ = shop
    hosted = new_subscription_page(sandbox, auth, redirect_url)
    page.goto(hosted["url"])
    page.get_by_role("button", name="Cancel and go back").click()
    page.wait_for_url("**/billing/done**")
    assert parse_qs(urlsplit(page.url).query)["hostedpage_id"] == [hosted["hostedpage_id"]]
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "cancelled"


def test_leaving_after_a_declined_card_cancels_the_page(sandbox, auth, shop, page):
    """A declined card keeps the page open for another card; the customer who then leaves has
    cancelled it: the page says cancelled, not failed, and the redirect carries its id."""
    redirect_url, _ = shop
    hosted = new_subscription_page(sandbox, auth, redirect_url)
    page.goto(hosted["url"])
    fill_card(page, "4000 0000 0000 0002")
    page.get_by_role("button", name="Pay").click()
    assert page.get_by_role("alert").get_by_text("Your card was declined.").is_visible()
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "failed"
    page.get_by_role("button", name="Cancel and go back").click()
    page.wait_for_url("**/billing/done**")
    assert parse_qs(urlsplit(page.url).query)["hostedpage_id"] == [hosted["hostedpage_id"]]
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "cancelled"


def test_expiring_test_card_is_saved_with_this_months_expiry(sandbox, auth, shop, page):
    redirect_url, _ = shop
    subscription = first(sandbox, auth, "/subscriptions", "subscriptions", filter_by="SubscriptionStatus.LIVE")
    resp = requests.post(sandbox.api_base + "/hostedpages/updatecard", headers=auth, timeout=10, json={
        "subscription_id": subscription["subscription_id"], "redirect_url": redirect_url})
    assert resp.status_code in (200, 201), resp.text
    hosted = resp.json()["hostedpage"]
    page.goto(hosted["url"])
    assert page.get_by_role("button", name="Save card").is_visible()
    shoot(page, "update-card")
    fill_card(page, "4000 0000 0000 0077")
    page.get_by_role("button", name="Save card").click()
    page.wait_for_url("**/billing/done**")
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] == "success"
    today = date.fromisoformat(sandbox.control("GET", "clock")["today"])
    cards = requests.get(sandbox.api_base + f"/customers/{subscription['customer_id']}/cards", headers=auth,
                         timeout=10).json()["cards"]
    saved = [c for c in cards if c["last_four_digits"] == "0077"]
    assert saved and (int(saved[-1]["expiry_month"]), int(saved[-1]["expiry_year"])) == (today.month, today.year)


def test_unknown_page_is_a_calm_404(sandbox, page):
    resp = page.goto(sandbox.base_url + "/hostedpage/2-" + "0" * 64 + "/checkout")
    assert resp.status == 404
    assert page.get_by_text("This payment link does not exist").is_visible()


def test_post_without_the_page_nonce_is_refused(sandbox, auth, shop):
    redirect_url, _ = shop
    hosted = new_subscription_page(sandbox, auth, redirect_url)
    resp = requests.post(hosted["url"], data={"action": "pay", "card_holder": "A B", "card_number": "4111111111111111",
                                              "expiry_month": "12", "expiry_year": "2099", "cvv": "123"},
                         allow_redirects=False, timeout=10)
    assert resp.status_code == 400
    assert hosted_status(sandbox, auth, hosted["hostedpage_id"])["status"] != "success"
