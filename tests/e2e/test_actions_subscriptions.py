"""Subscribe (the secure payment page with the test cards), change plan, cancel and profile in Chromium,
against a real portal server and the sandbox, CSRF on. Screenshots: artifacts/screenshots/actions/."""
from __future__ import annotations

import pytest

from tests.support.browser import Screenshots, fill_card
from tests.support.demo import ACME, ATHINA, FRESH, LONE_WOLF, MUELLER, OLGA, TOKYO

pytestmark = pytest.mark.browser

shoot = Screenshots("actions")


@pytest.fixture(scope="module")
def live(serve_portal):
    _, base = serve_portal(users=(ACME, MUELLER, ATHINA, OLGA, FRESH, LONE_WOLF, TOKYO), PORTAL_ENV="development",
                           CANCEL_OPTIONS="end_of_term,immediately", RETENTION_COUPON_CODE="WELCOME10")
    return base


def test_subscribe_through_the_hosted_page_after_a_declined_card(live, open_tab, sandbox_api):
    reader = sandbox_api
    trial = reader.first_subscription(FRESH, "trial")
    tab = open_tab(live, FRESH)
    page, problems = tab.page, tab.problems
    page.goto(f"{live}/subscriptions/{trial}/subscribe")
    shoot(page, "subscribe")
    page.get_by_label("Pro", exact=False).first.check()
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/checkout")
    fill_card(page, "4000 0000 0000 0002", name="Hanna Vogel")
    page.locator("button.pay").click()
    assert "declined" in page.content().lower()
    fill_card(page, "4111 1111 1111 1111", name="Hanna Vogel")
    page.locator("button.pay").click()
    page.wait_for_url(f"{live}/subscriptions/{trial}")
    assert "Your card ending 1111 will be charged" in page.content()
    shoot(page, "subscribe-landed")
    assert reader.subscription(trial)["card"]["last_four_digits"] == "1111"
    assert not problems


def test_change_plan_preview_confirm_then_cancel_and_profile(live, open_tab, sandbox_api):
    reader = sandbox_api
    sid = reader.first_subscription(ACME)
    tab = open_tab(live, ACME)
    page, problems = tab.page, tab.problems
    page.goto(f"{live}/subscriptions/{sid}/change-plan")
    shoot(page, "change-plan")
    page.locator("input[name=plan_code][value=business-monthly]").check()
    page.get_by_role("button", name="Preview the change").click()
    assert "Due today" in page.content()
    shoot(page, "change-plan-preview")
    page.get_by_role("button", name="Confirm the change").click()
    page.wait_for_url(f"{live}/subscriptions/{sid}")
    assert "Business" in page.content()
    assert reader.subscription(sid)["plan"]["plan_code"] == "business-monthly"

    page.goto(f"{live}/subscriptions/{sid}/cancel")
    shoot(page, "cancel")
    page.locator("input[name=when][value=end_of_term]").check()
    page.get_by_label("Reason").select_option(label="Missing features I need")
    page.get_by_role("button", name="Cancel subscription").click()
    page.wait_for_url(f"{live}/subscriptions/{sid}")
    assert reader.subscription(sid)["status"] == "non_renewing"

    page.goto(f"{live}/profile")
    shoot(page, "profile")
    page.get_by_label("Billing email").fill("billing at acme")
    page.get_by_role("button", name="Save details").click()
    assert page.locator("#email-error").is_visible()
    shoot(page, "profile-refused")
    assert not problems
