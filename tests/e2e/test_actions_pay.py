"""Payments and cards in Debian's Chromium: a real portal server on a free port in front of the
sandbox, hosted-page round trips with the sandbox's test cards, a double click on the pay button, and a
charge whose reply is lost. Screenshots land in ``artifacts/screenshots/actions/``."""
from __future__ import annotations

import pytest

from tests.support.browser import Screenshots, fill_card
from tests.support.checkout import collects
from tests.support.demo import (
    BRIGHTSIDE, BRIGHTSIDE_INVOICE, DECLINED_CARD, EXPIRING_CARD, LONE_WOLF, LONE_WOLF_INVOICE, SUCCESS_CARD,
)

pytestmark = pytest.mark.browser

shoot = Screenshots("actions")


@pytest.fixture(scope="module")
def live_portal(serve_portal):
    _, base = serve_portal(users=(LONE_WOLF, BRIGHTSIDE), PORTAL_ENV="development", ZOHO_TIMEOUT_SECONDS=2.0)
    return base


def checkout(page, card, name=None):
    """Fill the sandbox's hosted checkout (a real page on another origin) and pay."""
    page.wait_for_selector("#card_number")
    fill_card(page, card, name="Test Person")
    if name:
        shoot.as_is(page, name)
    page.click("button.pay")


def test_add_card_then_P40_double_click_one_charge(open_tab, live_portal, sandbox):
    tab = open_tab(live_portal, LONE_WOLF)
    page, problems = tab.page, tab.problems
    page.goto(live_portal + "/cards/add")
    shoot(page, "card-add")
    page.click("#start-add-card")
    checkout(page, SUCCESS_CARD, "hosted-checkout")
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "Card added" in page.content()
    shoot(page, "card-added")
    sandbox.clear_calls()
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    assert page.get_by_test_id("pay-amount").inner_text() == "$19.00"
    shoot(page, "pay-confirm")
    page.locator("#pay-with-card").dblclick()
    page.wait_for_selector("text=Payment received")
    shoot(page, "pay-succeeded")
    assert collects(sandbox, LONE_WOLF_INVOICE) == 1
    assert not problems, problems


def test_expiring_card_round_trip(open_tab, live_portal, sandbox):
    tab = open_tab(live_portal, LONE_WOLF)
    page, problems = tab.page, tab.problems
    page.goto(live_portal + "/cards/add")
    page.click("#start-add-card")
    checkout(page, EXPIRING_CARD)
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "expires at the end of this month" in page.content()
    shoot(page, "card-added-expiring")
    assert not problems, problems


def test_declined_collect_then_update_card_decline_then_success(open_tab, live_portal, sandbox):
    tab = open_tab(live_portal, BRIGHTSIDE)
    page, problems = tab.page, tab.problems
    # The renewal was declined on the card ending 0002: the pay page leads to a new card, not that one.
    page.goto(f"{live_portal}/invoices/{BRIGHTSIDE_INVOICE}/pay")
    assert page.get_by_text("Your card ending 0002 was declined.").is_visible()
    assert page.locator("#pay-with-card").count() == 0
    shoot(page, "pay-declined")
    page.get_by_role("link", name="Update card").click()
    shoot(page, "card-update")
    page.click("#start-update-card")
    checkout(page, DECLINED_CARD)
    page.wait_for_selector("text=declined")
    shoot.as_is(page, "hosted-declined")
    checkout(page, SUCCESS_CARD)  # Zoho's page lets the person try another card
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "Card updated" in page.content() and "1111" in page.content()
    shoot(page, "card-updated")
    page.goto(f"{live_portal}/invoices/{BRIGHTSIDE_INVOICE}")
    assert "Pay now" not in page.content()
    assert not problems, problems


def test_pay_on_zohos_page_and_lost_reply(open_tab, live_portal, sandbox):
    tab = open_tab(live_portal, LONE_WOLF)
    page, problems = tab.page, tab.problems
    # Zoho's page, cancelled: nothing changes.
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    page.click("#pay-hosted")
    page.wait_for_selector("#card_number")
    page.click("button.cancel")
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "Nothing was changed" in page.content()
    shoot(page, "hosted-cancelled")
    # Add a card, then a charge whose reply is cut off: "don't pay again", and the next visit asks Zoho.
    page.goto(live_portal + "/cards/add")
    page.click("#start-add-card")
    checkout(page, SUCCESS_CARD)
    page.wait_for_url(live_portal + "/hosted/return?*")
    sandbox.clear_calls()
    sandbox.add_fault(path="/billing/v1/invoices/*/collect", kind="truncate", count=1)
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    page.click("#pay-with-card")
    page.wait_for_selector("text=We're confirming your payment")
    shoot(page, "pay-unknown")
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    assert "already paid" in page.content()
    shoot(page, "pay-already-paid")
    assert collects(sandbox, LONE_WOLF_INVOICE) == 1
    assert not problems, problems
