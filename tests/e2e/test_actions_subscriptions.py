"""Subscribe (Zoho's hosted page with the test cards), change plan, cancel and profile in Chromium,
against a real portal server and the sandbox, CSRF on. Screenshots: artifacts/screenshots/actions/."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.actions.subscription_support import ACME, FRESH, PASSWORD, PEOPLE, Reader
from tests.conftest import free_port, portal_settings

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "actions"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def live(sandbox, smtp_server, tmp_path_factory):
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from app import create_app
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    sandbox.reset()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = tmp_path_factory.mktemp("e2e-actions") / "portal.db"
    app = create_app(portal_settings(sandbox, smtp_server, DATABASE_URL=f"sqlite:///{path}", PORTAL_ENV="development",
                                     PORTAL_BASE_URL=base, CANCEL_OPTIONS="end_of_term,immediately",
                                     RETENTION_COUPON_CODE="WELCOME10"))
    with app.app_context():
        upgrade()
        for email in PEOPLE:
            accounts.ensure_active_user(find_invitee(email), PASSWORD, AuditContext.cli(), actor="test")
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(10)
    sandbox.reset()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser, base: str, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return context, page, problems


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in (("desktop", 1280), ("phone", 375)):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_subscribe_through_the_hosted_page_after_a_declined_card(live, browser, sandbox):
    reader = Reader(sandbox)
    trial = reader.first_subscription(FRESH, "trial")
    context, page, problems = signed_in(browser, live, FRESH)
    page.goto(f"{live}/subscriptions/{trial}/subscribe")
    shoot(page, "subscribe")
    page.get_by_label("Pro", exact=False).first.check()
    page.get_by_role("button", name="Confirm plan").click()
    page.wait_for_url("**/checkout")
    page.get_by_label("Name on card").fill("Hanna Vogel") if page.get_by_label("Name on card").count() else \
        page.locator("#card_holder").fill("Hanna Vogel")
    page.locator("#card_number").fill("4000 0000 0000 0002")
    page.locator("select[name=expiry_month]").select_option("12")
    page.locator("select[name=expiry_year]").select_option(index=3)
    page.locator("#cvv").fill("123")
    page.locator("button.pay").click()
    assert "declined" in page.content().lower()
    page.locator("#card_number").fill("4111 1111 1111 1111")
    page.locator("#cvv").fill("123")
    page.locator("button.pay").click()
    page.wait_for_url(f"{live}/subscriptions/{trial}")
    assert "Your free trial runs until" in page.content() or "Welcome to Pro" in page.content()
    shoot(page, "subscribe-landed")
    assert reader.subscription(trial)["card"]["last_four_digits"] == "1111"
    assert not problems
    context.close()


def test_change_plan_preview_confirm_then_cancel_and_profile(live, browser, sandbox):
    reader = Reader(sandbox)
    sid = reader.first_subscription(ACME)
    context, page, problems = signed_in(browser, live, ACME)
    page.goto(f"{live}/subscriptions/{sid}/change-plan")
    shoot(page, "change-plan")
    page.locator("input[name=plan_code][value=business-monthly]").check()
    page.get_by_role("button", name="Preview the change").click()
    assert "Estimate." in page.content()
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
    context.close()
