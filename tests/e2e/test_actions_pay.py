"""Payments and cards in Debian's Chromium (issue 5): a real portal server on a free port in front of the
sandbox, hosted-page round trips with the sandbox's test cards, a double click on the pay button, and a
charge whose reply is lost. Screenshots land in ``artifacts/screenshots/actions/``."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.actions.conftest import DECLINED_CARD, EXPIRING_CARD, SUCCESS_CARD, collects
from tests.conftest import free_port
from tests.portal.pages_support import BRIGHTSIDE, PASSWORD, build_app, create_user, migrate

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "actions"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LONE_WOLF = "hello@lonewolf.example"
LONE_WOLF_INVOICE = "187955000000051430"
BRIGHTSIDE_INVOICE = "187955000000051320"


@pytest.fixture(scope="module")
def live_portal(sandbox, tmp_path_factory):
    from werkzeug.serving import make_server

    from extensions import db

    sandbox.reset()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = tmp_path_factory.mktemp("e2e-actions") / "portal.db"
    app = build_app(sandbox, f"sqlite:///{path}", PORTAL_ENV="development", PORTAL_BASE_URL=base,
                    ZOHO_TIMEOUT_SECONDS=2.0)
    migrate(app)
    for email in (LONE_WOLF, BRIGHTSIDE):
        create_user(app, email)
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
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def fresh(sandbox):
    sandbox.reset()
    yield sandbox
    sandbox.clear_faults()


def sign_in(browser, base, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text and problems.append(m.text))
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return context, page, problems


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in (("desktop", 1280), ("phone", 375)):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def checkout(page, card, name=None):
    """Fill the sandbox's hosted checkout (a real page on another origin) and pay."""
    page.wait_for_selector("#card_number")
    page.fill("#card_holder", "Test Person")
    page.fill("#card_number", card)
    page.select_option("#expiry_month", "12")
    page.select_option("#expiry_year", index=5)
    page.fill("#cvv", "123")
    if name:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.click("button.pay")


def test_add_card_then_P40_double_click_one_charge(browser, live_portal, fresh):
    context, page, problems = sign_in(browser, live_portal, LONE_WOLF)
    page.goto(live_portal + "/cards/add")
    shot(page, "card-add")
    page.click("#start-add-card")
    checkout(page, SUCCESS_CARD, "hosted-checkout")
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "Card added" in page.content()
    shot(page, "card-added")
    fresh.clear_calls()
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    assert page.get_by_test_id("pay-amount").inner_text() == "$19.00"
    shot(page, "pay-confirm")
    page.locator("#pay-with-card").dblclick()
    page.wait_for_selector("text=Payment received")
    shot(page, "pay-succeeded")
    assert collects(fresh, LONE_WOLF_INVOICE) == 1
    assert not problems, problems
    context.close()


def test_expiring_card_round_trip(browser, live_portal, fresh):
    context, page, problems = sign_in(browser, live_portal, LONE_WOLF)
    page.goto(live_portal + "/cards/add")
    page.click("#start-add-card")
    checkout(page, EXPIRING_CARD)
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "expires at the end of this month" in page.content()
    shot(page, "card-added-expiring")
    assert not problems, problems
    context.close()


def test_declined_collect_then_update_card_decline_then_success(browser, live_portal, fresh):
    context, page, problems = sign_in(browser, live_portal, BRIGHTSIDE)
    page.goto(f"{live_portal}/invoices/{BRIGHTSIDE_INVOICE}/pay")
    page.click("#pay-with-card")
    page.wait_for_selector("text=Your card was declined")
    shot(page, "pay-declined")
    page.get_by_role("link", name="Update my card").click()
    shot(page, "card-update")
    page.click("#start-update-card")
    checkout(page, DECLINED_CARD)
    page.wait_for_selector("text=declined")
    page.screenshot(path=str(SCREENSHOTS / "hosted-declined.png"), full_page=True)
    checkout(page, SUCCESS_CARD)  # Zoho's page lets the person try another card
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "Card updated" in page.content() and "1111" in page.content()
    shot(page, "card-updated")
    page.goto(f"{live_portal}/invoices/{BRIGHTSIDE_INVOICE}")
    assert "Pay now" not in page.content()
    assert not problems, problems
    context.close()


def test_pay_on_zohos_page_and_lost_reply(browser, live_portal, fresh):
    context, page, problems = sign_in(browser, live_portal, LONE_WOLF)
    # Zoho's page, cancelled: nothing changes.
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    page.click("#pay-hosted")
    page.wait_for_selector("#card_number")
    page.click("button.cancel")
    page.wait_for_url(live_portal + "/hosted/return?*")
    assert "Nothing was changed" in page.content()
    shot(page, "hosted-cancelled")
    # Add a card, then a charge whose reply is cut off: "don't pay again", and the next visit asks Zoho.
    page.goto(live_portal + "/cards/add")
    page.click("#start-add-card")
    checkout(page, SUCCESS_CARD)
    page.wait_for_url(live_portal + "/hosted/return?*")
    fresh.clear_calls()
    fresh.add_fault(path="/billing/v1/invoices/*/collect", kind="truncate", count=1)
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    page.click("#pay-with-card")
    page.wait_for_selector("text=We're confirming your payment")
    shot(page, "pay-unknown")
    page.goto(f"{live_portal}/invoices/{LONE_WOLF_INVOICE}/pay")
    assert "already paid" in page.content()
    shot(page, "pay-already-paid")
    assert collects(fresh, LONE_WOLF_INVOICE) == 1
    assert not problems, problems
    context.close()
