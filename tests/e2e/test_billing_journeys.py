"""The billing journeys a customer follows, in Debian's Chromium against a real portal server and the
sandbox: trial to paid, a failed payment, a scheduled cancellation, the overview, the organization's
calendar, a plan change in euros, the card warning and the retention offer, the words on the pages,
contact persons and the account picker, and the phone layout. Every journey screenshots its pages at
1280 and 375 px (``artifacts/screenshots/journeys/``, which fails on any sideways scroll) and checks
the page had no script, console or resource error. Each journey uses its own demo customers, so they
share one server (the sandbox is put back in its demo state between them)."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.support.browser import Screenshots, fill_card, sign_in
from tests.support.demo import (
    ACME, ATHINA, BOOKKEEPER as JORDAN, BRIGHTSIDE, CAFE, DECLINED_CARD, FRESH, HARBOUR as LIGHTS, KOWALSKI,
    LONE_WOLF, MUELLER, NORTHWIND, OLGA, PASSWORD, PRIYA, SEASIDE as YOGA, SUCCESS_CARD,
)
from tests.support.sandbox_api import SandboxAPI

pytestmark = pytest.mark.browser

shoot = Screenshots("journeys")
USERS = (FRESH, MUELLER, KOWALSKI, BRIGHTSIDE, ATHINA, ACME, CAFE, PRIYA, NORTHWIND, LONE_WOLF, OLGA, LIGHTS, YOGA)
ZOHO_WORDS = re.compile(r"zoho|dunning|non_renewing|trial_expired|◆|▭", re.IGNORECASE)


@pytest.fixture(scope="module")
def live(sandbox_server, serve_portal):
    app, base = serve_portal(users=USERS, PORTAL_ENV="development", CANCEL_OPTIONS="end_of_term,immediately",
                             RETENTION_OFFERS="It's too expensive=WELCOME10")
    _give_jordan_both_accounts(app, SandboxAPI(sandbox_server))
    return base


def _give_jordan_both_accounts(app, sandbox_api: SandboxAPI) -> None:
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    with app.app_context():
        for customer in (LIGHTS, YOGA):
            invitee = find_invitee(JORDAN, customer_id=sandbox_api.customer_id(customer))
            accounts.ensure_active_user(invitee, PASSWORD, AuditContext.cli(), actor="test")
        db.session.commit()


def _text(page) -> str:
    return " ".join(page.inner_text("main").split())


def _clean(page) -> None:
    """What a customer reads never names Zoho, shows one of its status words or a placeholder glyph."""
    assert not ZOHO_WORDS.search(page.inner_text("body")), ZOHO_WORDS.search(page.inner_text("body"))


def _checkout(page, card: str) -> None:
    page.wait_for_selector("#card_number")
    fill_card(page, card, name="Lena Moreau")
    page.click("button.pay")


# 1 -------------------------------------------------------------------------------------------------------


def test_1_trial_to_paid_converts_that_trial_and_says_what_happens_when(live, open_tab, sandbox_api):
    trial = sandbox_api.first_subscription(FRESH, "trial")
    ends = date.fromisoformat(sandbox_api.subscription(trial)["trial_ends_at"])
    tab = open_tab(live, FRESH)
    page = tab.page
    assert page.get_by_text(re.compile(r"Your Starter trial ends in \d+ days?")).is_visible()
    shoot(page, "1-home-trial")
    page.locator('[data-action="subscribe"]').first.click()
    page.wait_for_url(f"{live}/subscriptions/{trial}/subscribe")
    summary = " ".join(page.locator("#what-happens").inner_text().split())
    assert "Due today Nothing" in summary
    assert f"will be charged $19.00 on {ends:%b} {ends.day}, {ends.year}, when your trial ends" in summary
    page.locator("input[name=plan_code][value=pro-monthly]").check()  # the summary follows the choice
    assert "will be charged $49.00" in page.locator("#what-happens").inner_text()
    page.locator("input[name=plan_code][value=starter-monthly]").check()
    shoot(page, "1-subscribe")
    _clean(page)
    page.get_by_role("button", name="Subscribe").click()
    _checkout(page, SUCCESS_CARD)
    page.wait_for_url(f"{live}/subscriptions/{trial}")
    text = _text(page)
    assert "Subscribed" in text and "Your card ending 1111 will be charged $19.00" in text
    assert page.locator('[data-action="subscribe"]').count() == 0 and "Trial —" not in text
    shoot(page, "1-subscribed")
    page.goto(live + "/")
    home = _text(page)
    assert "Subscribe to keep using it" not in home and f"First bill $19.00 on {ends:%b} {ends.day}, {ends.year}" in home
    shoot(page, "1-home-subscribed")
    rows = sandbox_api.subscriptions(sandbox_api.customer_id(FRESH))
    assert [r["subscription_id"] for r in rows] == [trial]  # that trial, never a second subscription
    assert not tab.problems, tab.problems

    tab = open_tab(live, MUELLER)  # a trial that has a card from the start reads the same
    assert "First bill €53.55" in _text(tab.page) and "Subscribe to keep using it" not in _text(tab.page)
    shoot(tab.page, "1-home-trial-with-card")


# 2 -------------------------------------------------------------------------------------------------------


def test_2_a_failed_payment_says_what_failed_and_leads_to_a_new_card(live, open_tab, sandbox_api):
    tab = open_tab(live, KOWALSKI)
    page = tab.page
    banner = page.locator(".payment-problem")
    text = " ".join(banner.inner_text().split())
    assert "Payment failed: Starter" in text and "card ending 0002 was declined" in text
    assert "Amount due: $19.00" in text and "We'll try your card again" in text
    shoot(page, "2-home-payment-failed")
    _clean(page)
    banner.get_by_role("link", name="Pay now").click()
    assert page.get_by_text("Your card ending 0002 was declined.").is_visible()
    assert page.locator("#pay-with-card").count() == 0  # not the same card again
    shoot(page, "2-pay-declined-card")
    page.get_by_role("link", name="Update card").click()
    page.click("#start-update-card")
    _checkout(page, SUCCESS_CARD)
    page.wait_for_url(live + "/hosted/return?*")
    assert "Card updated" in page.content()
    page.goto(live + "/")
    assert page.locator(".payment-problem").count() == 0 and "Active" in _text(page)
    shoot(page, "2-home-after-new-card")
    assert not tab.problems, tab.problems

    tab = open_tab(live, BRIGHTSIDE)
    text = " ".join(tab.page.locator(".payment-problem").inner_text().split())
    assert "Payment overdue: Business" in text and "won't renew until this is paid" in text
    shoot(tab.page, "2-home-payment-overdue")
    tab.page.goto(f"{live}/subscriptions/{sandbox_api.first_subscription(BRIGHTSIDE)}")
    assert tab.page.locator(".payment-problem").is_visible()
    shoot(tab.page, "2-subscription-payment-overdue")


# 3 -------------------------------------------------------------------------------------------------------


def test_3_a_scheduled_cancellation_says_when_and_can_be_undone(live, open_tab, sandbox_api):
    sid = sandbox_api.first_subscription(ATHINA, "non_renewing")
    tab = open_tab(live, ATHINA)
    page = tab.page
    page.goto(f"{live}/subscriptions/{sid}")
    text = _text(page)
    assert re.search(r"Cancels on \w+ \d+, \d{4}", text) and "Keep it first, then change its plan" in text
    assert page.locator('[data-action="change_plan"]').count() == 0
    shoot(page, "3-cancellation-scheduled")
    page.goto(f"{live}/subscriptions/{sid}/change-plan")  # what the page says, a request is told
    assert "Keep it first, then change its plan" in _text(page) and page.url == f"{live}/subscriptions/{sid}"
    page.get_by_role("button", name="Keep my subscription").click()
    page.wait_for_url(f"{live}/subscriptions/{sid}")
    assert "will continue and renew" in _text(page) and sandbox_api.subscription(sid)["status"] == "live"
    shoot(page, "3-kept")
    assert not tab.problems, tab.problems


# 4 and 5 -------------------------------------------------------------------------------------------------


def test_4_home_lists_every_running_subscription_and_5_counts_the_organizations_days(live, open_tab, sandbox_api,
                                                                                    sandbox):
    tab = open_tab(live, PRIYA)
    lines = tab.page.locator(".sub-line")
    assert lines.count() == 2
    assert "Team seats × 5" in lines.nth(0).inner_text() and "Next bill ₹" in lines.nth(0).inner_text()
    assert "we email you each invoice" in lines.nth(0).inner_text()
    shoot(tab.page, "4-home-two-subscriptions-inr")
    tab = open_tab(live, YOGA)
    line = " ".join(tab.page.locator(".sub-line").inner_text().split())
    assert "Plan changes from Business to Starter on" in line and "Next bill $20.90 on" in line
    shoot(tab.page, "4-home-downgrade-scheduled")
    tab = open_tab(live, OLGA)  # ended: no price per term
    tab.page.goto(live + "/subscriptions")
    assert "every month" not in _text(tab.page) and "Cancelled" in _text(tab.page)
    shoot(tab.page, "4-subscriptions-ended")

    today = date.fromisoformat(sandbox.control("GET", "clock")["today"])  # Perth's date
    wolf = sandbox_api.customer_id(LONE_WOLF)
    (due,) = [date.fromisoformat(i["due_date"]) for i in sandbox_api.get("/invoices", customer_id=wolf)["invoices"]
              if i["balance"] > 0]
    tab = open_tab(live, LONE_WOLF)
    assert f"(due in {(due - today).days} days)" in _text(tab.page)
    tab.page.goto(live + "/statement")
    assert tab.page.locator("#range-end").input_value() == today.isoformat()
    shoot(tab.page, "5-statement-default-range")


# 6 -------------------------------------------------------------------------------------------------------


def test_6_a_plan_change_in_euros_shows_what_the_invoice_then_charges(live, open_tab, sandbox_api):
    cafe = sandbox_api.customer_id(CAFE)
    sid = next(s["subscription_id"] for s in sandbox_api.subscriptions(cafe) if s["status"] == "live")
    tab = open_tab(live, CAFE)
    # Café Zürich's language in Zoho is German; this person chose English (tests/i18n reads it in German).
    tab.context.add_cookies([{"name": "portal_language", "value": "en", "url": live}])
    page = tab.page
    page.goto(f"{live}/subscriptions/{sid}/change-plan")
    assert "€92.00 every month" in _text(page) and "$99.00" not in _text(page)  # Business, from the EUR list
    assert "€27.00" in page.locator("#addon__priority-support-hint, .field").first.inner_text() \
        or "€27.00" in _text(page)  # add-ons show their prices
    shoot(page, "6-change-plan-eur")
    page.locator("input[name=plan_code][value=business-monthly]").check()
    page.get_by_role("button", name="Preview the change").click()
    figure = page.get_by_test_id("invoice-now").inner_text()
    assert figure.startswith("€")
    shoot(page, "6-preview-eur")
    before = {row["invoice_id"] for row in sandbox_api.get("/invoices", customer_id=cafe)["invoices"]}
    page.get_by_role("button", name="Confirm the change").click()
    page.wait_for_url(f"{live}/subscriptions/{sid}")
    (new,) = [row for row in sandbox_api.get("/invoices", customer_id=cafe)["invoices"] if row["invoice_id"] not in before]
    assert Decimal(str(new["total"])) == Decimal(re.sub(r"[^0-9.]", "", figure))
    tab = open_tab(live, PRIYA)
    priya_sub = sandbox_api.first_subscription(PRIYA, "live")
    tab.page.goto(f"{live}/subscriptions/{priya_sub}/change-plan?preview=1&plan_code=team-seat-monthly&quantity=6")
    assert "Update your Team seats subscription" in _text(tab.page)  # a quantity change is not a plan change
    assert tab.page.get_by_test_id("invoice-now").inner_text().startswith("₹")
    shoot(tab.page, "6-preview-inr-quantity")


# 7 -------------------------------------------------------------------------------------------------------


def test_7_the_card_warning_goes_with_the_card_and_a_cancelled_card_page_says_so(live, open_tab, sandbox_api):
    tab = open_tab(live, NORTHWIND)
    page = tab.page
    assert page.get_by_text(re.compile(r"Your card ending 9424 (expires|has expired)")).is_visible()
    shoot(page, "7-home-card-expiring")
    page.locator('.notice [data-action="update_card"]').click()
    page.click("#start-update-card")
    page.wait_for_selector("#card_number")
    fill_card(page, DECLINED_CARD)
    page.click("button.pay")
    page.wait_for_selector("text=declined")
    page.click("button.cancel")  # gives up after the decline
    page.wait_for_url(live + "/hosted/return?*")
    assert page.locator("h1").inner_text() == "Cancelled" and "declined" not in _text(page).lower()
    shoot(page, "7-card-page-cancelled")
    page.goto(live + "/")
    page.locator('.notice [data-action="update_card"]').click()
    page.click("#start-update-card")
    _checkout(page, SUCCESS_CARD)
    page.wait_for_url(live + "/hosted/return?*")
    page.goto(live + "/")
    assert page.get_by_text(re.compile(r"card ending 9424")).count() == 0  # replaced: no warning
    shoot(page, "7-home-card-replaced")

    sid = sandbox_api.first_subscription(ACME, "live")
    tab = open_tab(live, ACME)
    page = tab.page
    page.goto(f"{live}/subscriptions/{sid}/cancel")
    assert page.locator("[data-offer]").count() == 0  # no offer for every reason
    page.locator("input[name=when][value=end_of_term]").check()
    page.get_by_label("Reason").select_option(label="It's too expensive")
    page.get_by_role("button", name="Cancel subscription").click()
    assert page.locator("[data-offer=WELCOME10]").is_visible()  # the offer for that reason, before anything changes
    assert sandbox_api.subscription(sid)["status"] == "live"
    shoot(page, "7-retention-offer-for-the-reason")
    page.get_by_role("button", name="Accept the offer and keep my subscription").click()
    page.wait_for_url(f"{live}/subscriptions/{sid}")
    assert sandbox_api.subscription(sid)["coupon"]["coupon_code"] == "WELCOME10"
    assert not tab.problems, tab.problems


# 8 -------------------------------------------------------------------------------------------------------


def test_8_the_words_name_the_company_and_what_things_are(live, open_tab, sandbox_api):
    tab = open_tab(live, LONE_WOLF)
    page = tab.page
    assert page.locator(".brand-mark").inner_text() == "HS"  # the company's initials, no placeholder glyph
    invoice = next(i["invoice_id"] for i in sandbox_api.get("/invoices", customer_id=sandbox_api.customer_id(LONE_WOLF))[
        "invoices"] if i["balance"] > 0)
    page.goto(f"{live}/invoices/{invoice}/pay")
    text = _text(page)
    assert "secure payment page" in text and "however many times" not in text
    _clean(page)
    shoot(page, "8-pay-without-card")
    page.goto(f"{live}/subscriptions/{sandbox_api.first_subscription(LONE_WOLF)}")
    assert "No card on file: we email you each invoice to pay." in _text(page) and "None" not in _text(page)
    payment = sandbox_api.get("/transactions", customer_id=sandbox_api.customer_id(LONE_WOLF),
                         filter_by="TransactionType.PAYMENT")["transactions"][0]["transaction_id"]
    page.goto(f"{live}/payments/{payment}")
    assert "Cheque" in _text(page) and "automatic" not in _text(page)
    tab = open_tab(live, NORTHWIND)
    tab.page.goto(live + "/statement")
    assert "in credit" in _text(tab.page)  # the downgrade's credit: the balance is the customer's
    shoot(tab.page, "8-statement-in-credit")


# 9 -------------------------------------------------------------------------------------------------------


def test_9_contact_persons_show_access_and_one_sign_in_opens_two_companies(live, open_tab, browser):
    tab = open_tab(live, ACME)
    page = tab.page
    page.goto(live + "/profile#contacts")
    marcus = page.locator('tr[data-contact="marcus.lee@acme.example"]')
    assert marcus.get_by_test_id("access").inner_text() == "No portal access"
    shoot(page, "9-contacts")
    marcus.get_by_role("button", name="Invite").click()
    marcus = page.locator('tr[data-contact="marcus.lee@acme.example"]')
    assert marcus.get_by_test_id("access").inner_text() == "Invited"
    assert marcus.get_by_role("button", name="Resend invitation").is_visible()
    shoot(page, "9-contacts-invited")

    jordan = open_tab()
    sign_in(jordan.page, live, JORDAN, PASSWORD)
    jordan.page.wait_for_url(live + "/login/account")
    shoot(jordan.page, "9-account-picker")
    jordan.page.get_by_role("button", name="Seaside Yoga Studio").click()
    jordan.page.wait_for_url(live + "/")
    assert "SEASIDE YOGA STUDIO" in jordan.page.inner_text("main").upper()
    shoot(jordan.page, "9-home-picked")
    assert not jordan.problems and not tab.problems


# 10 ------------------------------------------------------------------------------------------------------


def test_10_pay_all_states_the_amount_rows_are_compact_and_receipts_are_pdfs(live, open_tab, sandbox_api):
    tab = open_tab(live, LIGHTS)
    page = tab.page
    page.goto(live + "/invoices/pay-all")
    assert page.locator("#pay-all").inner_text() == "Pay $245.00 with card ending 4444"
    shoot(page, "10-pay-all-with-card")
    page.click("#pay-all")
    page.wait_for_selector("text=All invoices paid")
    page.goto(live + "/payments")
    shoot(page, "10-payments")
    page.set_viewport_size({"width": 375, "height": 800})
    rows = page.locator(".data-table.compact tbody tr")
    assert rows.count() >= 4
    heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]
    line = float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24"))
    assert max(heights) < 3 * line + 24, heights  # one or two lines per payment
    nav = page.locator(".nav-list a")
    assert len({round(nav.nth(i).bounding_box()["y"]) for i in range(nav.count())}) == 1  # one row
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".cell-link a").first.click()  # the receipt
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.startswith("receipt-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.goto(live + "/invoices")
    shoot(page, "10-invoices")
    page.goto(live + "/statement")
    shoot(page, "10-statement")

    tab = open_tab(live, LONE_WOLF)  # one open invoice, no card: a clean page, and a way to pay
    tab.page.goto(live + "/invoices/pay-all")
    assert tab.page.get_by_role("link", name="Add a card").is_visible()
    shoot(tab.page, "10-pay-all-without-card")
    assert not tab.problems and not page.context.pages[0] is None
