"""Support staff in Debian's Chromium: sign-in with the code, the console, "View as customer", then
every page of the customer portal (every GET route of the portal blueprint, from the app's URL map)
with the banner and every write button disabled, the customer's Recent activity, and the end of the
view. Production cookies (``__Host-``; Chromium treats http://127.0.0.1 as a secure context), CSRF
on. Screenshots land in ``artifacts/screenshots/staff/`` (1280 and 375 px) for people to look at.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_accessibility import Audit
from tests.support.browser import Screenshots, sign_in
from tests.support.demo import ACME, PASSWORD
from tests.support.sandbox_api import SandboxAPI
from tests.support.staff import StaffHandle, cli_create, enrol

pytestmark = pytest.mark.browser

shoot = Screenshots("staff")
REASON = "Customer asked why the March invoice shows two add-ons"
# Routes that are not pages one opens: the secure payment page's and checkout's return addresses
# (they need the query Zoho adds) and the downloads (checked for the record, not for a banner).
NOT_PAGES = {"portal.hosted_return", "portal.subscribe_return"}
DOWNLOADS = {"portal.invoice_pdf", "portal.credit_note_pdf", "portal.statement_pdf", "portal.invoices_zip",
             "portal.payment_receipt_pdf"}


@pytest.fixture(scope="module")
def live(serve_portal):
    app, base = serve_portal(users=(ACME,), RATELIMIT_AUTH_PER_IP="500 per minute")
    staff = StaffHandle("sam.support@support.example")
    enrol(app.test_client(), cli_create(app, staff.email, "admin", "Sam Support").replace("http://portal.test", base),
          staff)
    return app, base, staff


@pytest.fixture(scope="module")
def ids(live, sandbox_server):
    api = SandboxAPI(sandbox_server)
    customer = api.customer_id(ACME)
    return {"customer": customer, "invoice_id": api.invoice_ids(customer)[-1],
            "subscription_id": api.subscription_ids(customer)[0],
            "payment_id": api.transaction_ids(customer, "PAYMENT")[0],
            "creditnote_id": (api.transaction_ids(customer, "CREDIT") or ["0"])[0],
            "contactperson_id": api.contacts(customer)[0]["contactperson_id"]}


def _sign_in(page, base: str, staff: StaffHandle, code: str | None = None) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password").fill(staff.password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile("Code from your authenticator app")).fill(code or staff.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/staff/")


def _customer_pages(app, ids) -> list[tuple[str, str]]:
    """(endpoint, path) for every GET route of the customer portal."""
    from flask import url_for

    pages = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.endpoint.startswith("portal.") and "GET" in rule.methods and rule.endpoint not in NOT_PAGES:
                values = {name: ids[name] for name in rule.arguments}
                pages.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return pages


def _check_banner(page, path: str) -> None:
    banner = page.locator(".support-banner")
    assert banner.count() == 1 and banner.is_visible(), path
    text = banner.inner_text()
    assert "Sam Support" in text and "Acme" in text and REASON in text and "minutes left" in text, (path, text)
    assert banner.get_by_role("button", name="End support view").is_enabled(), path
    assert banner.locator("[aria-label*=lose], .close, [data-dismiss]").count() == 0, path


def _check_write_buttons_disabled(page, path: str) -> None:
    enabled = page.locator("main form[method=post] button[type=submit]:not([disabled])")
    assert enabled.count() == 0, (path, [enabled.nth(i).inner_text() for i in range(enabled.count())])
    for button in page.locator("main button[disabled]").all():
        reason = page.locator(f"#{button.get_attribute('aria-describedby')}")
        assert "Support is viewing this account" in reason.inner_text(), path


def test_support_view_in_the_browser(live, open_tab, ids):
    app, base, staff = live
    tab = open_tab()
    page = tab.page
    audit = Audit()  # axe-core at 1280 and 375 px, failing on serious and critical findings
    _sign_in(page, base, staff)
    page.get_by_label("Search").fill("Acme")
    page.get_by_role("button", name="Search").click()
    shoot(page, "01-console-search")
    audit(page, "console-search")
    page.get_by_role("link", name=re.compile("Acme")).first.click()
    assert page.get_by_role("heading", name="People and portal access").is_visible()
    shoot(page, "02-console-customer")
    audit(page, "console-customer")

    page.get_by_role("button", name="View as customer").click()
    assert "at least 10 characters" in page.content()  # no reason: refused, nothing started
    page.go_back()
    page.get_by_label("Why do you need to view this account?").fill(REASON)
    page.get_by_label("Ticket reference (optional)").fill("T-1042")
    page.get_by_role("button", name="View as customer").click()
    page.wait_for_url(base + "/")
    _check_banner(page, "/")
    shoot(page, "03-banner-home")
    audit(page, "banner-home")

    # The banner stays in view however far the page scrolls, and has no way to close it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.locator(".support-banner").bounding_box()["y"] == 0

    visited = 0
    for endpoint, path in _customer_pages(app, ids):
        if endpoint in DOWNLOADS:
            query = "?start=2026-01-01&end=2026-12-31" if endpoint in ("portal.statement_pdf", "portal.invoices_zip") else ""
            response = page.request.get(base + path + query)
            assert response.status == (404 if "/0/" in path else 200), path  # Acme has no credit note
            continue
        response = page.goto(base + path)
        assert response.status < 500, (path, response.status)
        _check_banner(page, path)
        _check_write_buttons_disabled(page, path)
        visited += 1
    assert visited >= 25
    assert not tab.problems, tab.problems

    page.goto(base + f"/subscriptions/{ids['subscription_id']}/cancel")
    shoot(page, "04-cancel-disabled")
    page.goto(base + "/profile")
    shoot(page, "05-profile-disabled")
    audit(page, "profile-disabled")
    page.goto(base + "/activity")
    assert page.get_by_text("Support viewed your account").first.is_visible()
    shoot(page, "06-activity-during-view")
    audit(page, "activity")

    page.get_by_role("button", name="End support view").click()
    page.wait_for_url(base + f"/staff/customers/{ids['customer']}")
    assert page.locator(".support-banner").count() == 0
    assert page.get_by_text("The support view has ended.").is_visible()
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")  # the staff session alone opens no customer page
    audit.check()

    records = [row for row in _audit(app) if row[0].startswith("support_view.")]
    assert len([r for r in records if r[0] == "support_view.page"]) >= visited
    assert {r[1] for r in records if r[0] == "support_view.download"} >= DOWNLOADS - {"portal.credit_note_pdf"}


def test_console_pages_for_an_admin(live, open_tab):
    app, base, staff = live
    page = open_tab().page
    _sign_in(page, base, staff, code=staff.recovery_codes[0])  # its TOTP code may still be the one just used
    page.goto(base + "/staff/audit?action=impersonation_started")
    assert page.get_by_role("heading", name="Audit log").is_visible()
    shoot(page, "07-audit-log")
    audit = Audit()
    audit(page, "audit-log")
    page.goto(base + "/staff/team")
    shoot(page, "08-team")
    audit(page, "team")
    signed_out = open_tab().page
    signed_out.goto(base + "/staff/login")
    audit(signed_out, "staff-sign-in")
    audit.check()


def test_the_customer_sees_the_view_on_recent_activity(live, open_tab):
    app, base, _ = live
    page = open_tab().page
    sign_in(page, base, ACME, PASSWORD)
    page.wait_for_url(base + "/")
    page.get_by_role("link", name="Activity").click()
    assert page.get_by_text("Support viewed your account").first.is_visible()
    assert page.get_by_text(REASON).first.is_visible()
    shoot(page, "09-customer-activity")


def _audit(app):
    from db.models import AuditEvent
    from extensions import db

    with app.app_context():
        return [(row.event_type, row.details.get("endpoint")) for row in db.session.scalars(db.select(AuditEvent))]


def test_enrolment_in_the_browser(live, open_tab):
    """The first admin's path: the link from ``flask portal staff create``, a password, the QR code (and
    the key as text), a code, and the recovery codes shown once."""
    import pyotp

    app, base, _ = live
    link = cli_create(app, "new.admin@support.example", "admin", "New Admin").replace("http://portal.test", base)
    page = open_tab().page
    page.goto(link)
    assert page.url == base + "/staff/enrol"  # the token left the address bar
    assert page.get_by_role("img", name="QR code for setting up your authenticator app").is_visible()
    secret = page.locator("code.secret").inner_text()
    shoot(page, "10-enrol")
    page.get_by_label("Password", exact=True).fill("quiet harbour lantern 9")
    page.get_by_label("Type it again").fill("quiet harbour lantern 9")
    page.get_by_label("6-digit code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Finish enrolment").click()
    assert page.get_by_role("heading", name="Save your recovery codes").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    shoot(page, "11-recovery-codes")
    page.goto(base + "/staff/enrol")
    assert "already been used" in page.content()
