"""The billing pages in Debian's Chromium: every page at 1280 px and 375 px, kept as screenshots.

A real portal server (werkzeug, threaded, on a free loopback port) in front of the sandbox; the
customer signs in through the login form with CSRF on. Screenshots land in
``artifacts/screenshots/portal/`` for people to look at; the assertions check what a screenshot
cannot prove alone: no horizontal scrolling at 375 px, no CSP violation or script error, every
control reachable by keyboard, and Zoho text shown as text.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from tests.portal.pages_support import (
    ACME, BRIGHTSIDE, FRESH, LEDGER, MUELLER, NORTHWIND, PASSWORD, PRIYA, NEWCOMER,
    SandboxReader, build_app, create_user, migrate,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "portal"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(scope="module")
def live_portal(sandbox, tmp_path_factory):
    """The portal served over HTTP on a free port, with the demo customers' accounts."""
    from werkzeug.serving import make_server

    from extensions import db

    path = tmp_path_factory.mktemp("e2e-pages") / "portal.db"
    # Development cookies (no Secure/__Host-): the browser talks plain HTTP to 127.0.0.1.
    app = build_app(sandbox, f"sqlite:///{path}", PORTAL_ENV="development", PORTAL_BASE_URL="http://127.0.0.1")
    migrate(app)
    SandboxReader(sandbox).add_newcomer()
    for email in (ACME, MUELLER, BRIGHTSIDE, PRIYA, NORTHWIND, LEDGER, FRESH, NEWCOMER):
        create_user(app, email)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
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


@pytest.fixture(scope="module")
def ids(sandbox):
    reader = SandboxReader(sandbox)
    acme = reader.customer(ACME).customer_id
    northwind = reader.customer(NORTHWIND).customer_id
    priya = reader.customer(PRIYA).customer_id
    return {
        "acme_invoice": reader.invoice_ids(acme)[-1],  # the oldest: paid, with coupon and add-ons
        "acme_subscription": reader.subscription_ids(acme)[0],
        "mueller_subscription": reader.subscription_ids(reader.customer(MUELLER).customer_id)[0],
        "priya_payment": reader.transaction_ids(priya, "PAYMENT")[0],
        "priya_invoice": reader.invoice_ids(priya)[0],
        "northwind_credit": reader.transaction_ids(northwind, "CREDIT")[0],
    }


class Visitor:
    """One signed-in browser context for a customer, watching for console errors and CSP reports."""

    def __init__(self, browser, base_url: str, email: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        # A page's own 4xx status shows as a console error too; sub-resources are checked one by one.
        self.page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
                     and self.problems.append(m.text))
        self.page.on("response", self._check_resource)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.goto(base_url + "/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(base_url + "/")

    def _check_resource(self, response) -> None:
        request = response.request
        if request.resource_type != "document" and response.status >= 400 and not request.url.endswith("/favicon.ico"):
            self.problems.append(f"{request.url}: {response.status}")

    def visit(self, path: str, name: str, expect_status: int = 200):
        """Open ``path`` and keep a screenshot at each width; returns the page."""
        response = self.page.goto(self.base_url + path)
        assert response.status == expect_status, f"{path}: {response.status}"
        for label, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
            overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        self.page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        assert not self.problems, f"{path}: {self.problems}"
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser, live_portal):
    opened = []

    def open_as(email: str) -> Visitor:
        opened.append(Visitor(browser, live_portal, email))
        return opened[-1]

    yield open_as
    for one in opened:
        one.close()


def test_home_pages_show_the_summary_and_notices(visitor):
    acme = visitor(ACME).visit("/", "home-acme")
    assert acme.get_by_role("heading", name="Outstanding").is_visible()
    assert acme.get_by_text("Harbourline Software Pty Ltd").first.is_visible()
    trial = visitor(MUELLER).visit("/", "home-mueller-trial")
    assert trial.get_by_text(re.compile(r"trial ends in \d+ days?")).is_visible()
    card = visitor(NORTHWIND).visit("/", "home-northwind-card-expiring")
    assert card.get_by_text(re.compile(r"card ending 9424")).is_visible()
    visitor(BRIGHTSIDE).visit("/", "home-brightside-overdue")
    visitor(FRESH).visit("/", "home-fresh-start-trial-no-card")
    visitor(NEWCOMER).visit("/", "home-newcomer")


def test_invoice_pages(visitor, ids):
    acme = visitor(ACME)
    acme.visit("/invoices", "invoices-acme")
    acme.visit("/invoices?status=void", "invoices-empty-filter")
    page = acme.visit(f"/invoices/{ids['acme_invoice']}", "invoice-acme")
    assert page.get_by_role("link", name="Download PDF").is_visible()
    visitor(BRIGHTSIDE).visit("/invoices?status=overdue", "invoices-brightside-overdue")
    ledger = visitor(LEDGER)
    ledger.visit("/invoices?page=9", "invoices-ledger-page-9")
    page = ledger.visit("/invoices/zip?start=2026-02-01&end=2026-01-01", "invoices-zip-error", expect_status=400)
    assert page.get_by_role("alert").inner_text() == "The start date must be on or before the end date."


def test_payment_pages(visitor, ids):
    priya = visitor(PRIYA)
    priya.visit("/payments", "payments-priya")
    page = priya.visit(f"/payments/{ids['priya_payment']}", "payment-priya")
    assert page.get_by_text("Bank transfer").first.is_visible()
    priya.visit(f"/payments/{ids['priya_payment']}/receipt", "receipt-priya")
    priya.visit(f"/invoices/{ids['priya_invoice']}", "invoice-priya-partly-paid")
    visitor(FRESH).visit("/payments", "payments-empty")


def test_credit_note_pages(visitor, ids):
    northwind = visitor(NORTHWIND)
    northwind.visit("/credit-notes", "credit-notes-northwind")
    northwind.visit(f"/credit-notes/{ids['northwind_credit']}", "credit-note-northwind")
    visitor(ACME).visit("/credit-notes", "credit-notes-empty")


def test_subscription_pages(visitor, ids):
    acme = visitor(ACME)
    acme.visit("/subscriptions", "subscriptions-acme")
    page = acme.visit(f"/subscriptions/{ids['acme_subscription']}", "subscription-acme-scheduled-change")
    assert page.get_by_text("Scheduled changes").is_visible()
    visitor(MUELLER).visit(f"/subscriptions/{ids['mueller_subscription']}", "subscription-mueller-trial")
    visitor(NEWCOMER).visit("/subscriptions", "subscriptions-empty")


def test_statement_page(visitor):
    acme = visitor(ACME)
    page = acme.visit("/statement?start=2026-01-01&end=2026-11-25", "statement-acme")
    assert page.get_by_role("link", name="Download PDF").is_visible()
    acme.visit("/statement?start=2026-13-01&end=2026-11-25", "statement-error", expect_status=400)


def test_a_foreign_id_is_a_calm_404_page(visitor, ids):
    page = visitor(FRESH).visit(f"/invoices/{ids['acme_invoice']}", "not-found", expect_status=404)
    assert page.get_by_role("heading", name="We couldn't find that page").is_visible()


def test_every_control_is_reachable_by_keyboard(visitor):
    page = visitor(ACME).visit("/invoices", "invoices-keyboard")
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.textContent.trim()"))
    for name in ("Skip to content", "Unpaid", "Overdue", "Statement of account", "Download zip"):
        assert any(name in text for text in reached), f"{name!r} is not reachable by Tab"
