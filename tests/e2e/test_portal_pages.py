"""The billing pages in Debian's Chromium: every page at 1280 px and 375 px, kept as screenshots.

A real portal server (werkzeug, threaded, on a free loopback port) in front of the sandbox; the
customer signs in through the login form with CSRF on. Screenshots land in
``artifacts/screenshots/portal/`` for people to look at; the assertions check what a screenshot
cannot prove alone: no horizontal scrolling at 375 px, no CSP violation or script error, every
control reachable by keyboard, and Zoho text shown as text.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.support.accounts import create_account
from tests.support.browser import Screenshots
from tests.support.demo import ACME, BRIGHTSIDE, FRESH, LEDGER, MUELLER, NEWCOMER, NORTHWIND, PRIYA
from tests.support.sandbox_api import SandboxAPI

pytestmark = pytest.mark.browser

shoot = Screenshots("portal")


@pytest.fixture(scope="module")
def live_portal(sandbox_server, serve_portal):
    """The portal served over HTTP on a free port, with the demo customers' accounts and a newcomer's
    (a customer added to the sandbox who has nothing yet)."""
    # Development cookies (no Secure/__Host-): the browser talks plain HTTP to 127.0.0.1.
    app, base = serve_portal(users=(ACME, MUELLER, BRIGHTSIDE, PRIYA, NORTHWIND, LEDGER, FRESH),
                             PORTAL_ENV="development")
    SandboxAPI(sandbox_server).add_newcomer()
    create_account(app, NEWCOMER)
    return base


@pytest.fixture(scope="module")
def ids(live_portal, sandbox_server):
    reader = SandboxAPI(sandbox_server)
    acme = reader.customer_id(ACME)
    priya = reader.customer_id(PRIYA)
    return {
        "acme_invoice": reader.invoice_ids(acme)[-1],  # the oldest: paid, with coupon and add-ons
        "acme_subscription": reader.subscription_ids(acme)[0],
        "mueller_subscription": reader.subscription_ids(reader.customer_id(MUELLER))[0],
        "priya_payment": reader.transaction_ids(priya, "PAYMENT")[0],
        "priya_invoice": reader.invoice_ids(priya)[0],
    }


class Visitor:
    """A signed-in tab for a customer (tests/support/browser.py: Tab notes console errors, CSP reports,
    failed sub-resources, script errors and dialogs)."""

    def __init__(self, tab, base_url: str) -> None:
        self.tab = tab
        self.base_url = base_url

    def visit(self, path: str, name: str, expect_status: int = 200):
        """Open ``path`` and keep a screenshot at each width; returns the page."""
        page = self.tab.page
        response = page.goto(self.base_url + path)
        assert response.status == expect_status, f"{path}: {response.status}"
        shoot(page, name)
        assert not self.tab.problems, f"{path}: {self.tab.problems}"
        return page


@pytest.fixture
def visitor(open_tab, live_portal):
    return lambda email: Visitor(open_tab(live_portal, email), live_portal)


def test_home_pages_show_the_summary_and_notices(visitor):
    acme = visitor(ACME).visit("/", "home-acme")
    assert acme.get_by_role("heading", name="Outstanding").is_visible()
    assert acme.get_by_text("Harbourline Software Pty Ltd").first.is_visible()
    trial = visitor(MUELLER).visit("/", "home-mueller-trial")  # its card is charged when the trial ends
    assert trial.get_by_text(re.compile(r"First bill €53\.55 on")).is_visible()
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


@pytest.fixture(scope="module")
def northwind_credit_notes(live_portal, sandbox_server) -> list[dict]:
    """Northwind's credit notes as Zoho holds them (newest first), each with the invoices it was used on."""
    reader = SandboxAPI(sandbox_server)
    rows = reader.get("/creditnotes", customer_id=reader.customer_id(NORTHWIND))["creditnotes"]
    return [reader.get(f"/creditnotes/{row['creditnote_id']}")["creditnote"] for row in rows]


def usd(amount) -> str:
    return f"${Decimal(str(amount)):,.2f}"


def test_credit_note_pages(visitor, northwind_credit_notes):
    northwind = visitor(NORTHWIND)
    page = northwind.visit("/credit-notes", "credit-notes-northwind")
    notes = northwind_credit_notes
    assert len(notes) == 2 and any(note["balance"] for note in notes)
    available = sum(Decimal(str(note["balance"])) for note in notes)
    assert page.locator(".credit-summary .tile-figure").inner_text() == usd(available)
    assert page.locator("table tbody tr").count() == len(notes)
    for note in notes:
        number, path = note["creditnote_number"], f"/credit-notes/{note['creditnote_id']}"
        row = page.locator("table tbody tr").filter(has_text=number)
        assert row.get_by_role("link", name=number, exact=True).get_attribute("href") == path
        assert row.locator('td[data-label="Credit"]').inner_text() == usd(note["total"])
        assert row.locator('td[data-label="Still available"]').inner_text() == usd(note["balance"])
        assert row.get_by_role("link", name=re.compile("PDF")).get_attribute("href") == path + "/pdf"

    used = next(note for note in notes if note["invoices"])  # partly used on an invoice, some still available
    page.get_by_role("link", name=used["creditnote_number"], exact=True).click()
    page.wait_for_url(f"**/credit-notes/{used['creditnote_id']}")
    detail = northwind.visit(f"/credit-notes/{used['creditnote_id']}", "credit-note-northwind")
    assert detail.get_by_role("heading", name=f"Credit note {used['creditnote_number']}").is_visible()
    totals = detail.locator("table.totals")
    assert totals.get_by_role("row", name="Total credit").get_by_role("cell").inner_text() == usd(used["total"])
    assert totals.get_by_role("row", name="Still available").get_by_role("cell").inner_text() == usd(used["balance"])
    assert totals.get_by_role("row", name="Used on invoices").get_by_role("cell").inner_text() == usd(
        Decimal(str(used["total"])) - Decimal(str(used["balance"])))
    [applied] = used["invoices"]
    invoice_link = detail.get_by_role("link", name=applied["invoice_number"], exact=True)
    assert invoice_link.get_attribute("href") == f"/invoices/{applied['invoice_id']}"
    assert detail.get_by_role("link", name="Download PDF").get_attribute("href") == (
        f"/credit-notes/{used['creditnote_id']}/pdf")

    empty = visitor(ACME).visit("/credit-notes", "credit-notes-empty")
    assert empty.get_by_text("No credit notes").is_visible()
    assert empty.locator("table").count() == 0


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
