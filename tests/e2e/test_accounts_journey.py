"""Customer accounts in Debian's Chromium (Playwright), with CSRF on and the production cookie
(``__Host-``, Secure; Chromium treats http://127.0.0.1 as a secure context):
invitation email → accept → choose a password → signed in → sign out → sign in; password reset;
the lockout message; a tampered CSRF token. Every page is saved under
``artifacts/screenshots/accounts/`` at desktop width and at 375 px (tests/support/browser.py).
"""
from __future__ import annotations

import pytest

from tests.support.browser import Screenshots, sign_in
from tests.support.forms import link_in

pytestmark = pytest.mark.browser

shoot = Screenshots("accounts")
INVITEE = "marcus.lee@acme.example"
FIRST_PASSWORD = "harbour lantern quiet 7"
SECOND_PASSWORD = "orchard copper window 3"


@pytest.fixture(scope="module")
def live(serve_portal):
    """The portal on its own server and migrated SQLite database, production cookies (``PORTAL_ENV=testing``)."""
    return serve_portal(RATELIMIT_AUTH_PER_IP="500 per minute")


@pytest.fixture
def page(open_tab):
    return open_tab().page


def assert_labelled(page) -> None:
    """Every visible input has a label that names it."""
    for field in page.locator("input:visible:not([aria-hidden=true])").all():
        field_id = field.get_attribute("id")
        assert field_id and page.locator(f'label[for="{field_id}"]').count() == 1, field_id


def test_invitation_accept_sign_out_sign_in(live, page, mailbox):
    app, base = live
    mailbox.clear()
    result = app.test_cli_runner().invoke(args=["portal", "invite", INVITEE])
    assert result.exit_code == 0, result.output
    link = link_in(mailbox.wait_for(INVITEE))
    assert link.startswith(base + "/invite?token=")

    page.goto(link)
    assert page.url == base + "/invite"  # the token left the address bar
    assert page.get_by_role("heading", name="Welcome, Marcus Lee").is_visible()
    assert_labelled(page)
    shoot(page, "01-accept-invitation")

    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Type it again").fill("password1234")
    page.get_by_role("button", name="Accept invitation").click()
    assert page.get_by_text("commonly used passwords").is_visible()
    shoot(page, "02-accept-invitation-weak-password")

    page.get_by_label("New password", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Type it again").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    assert page.url == base + "/"
    assert page.get_by_role("heading", name="Welcome, Marcus Lee").is_visible()
    assert page.get_by_text("Acme Studio").first.is_visible()
    assert page.locator(".brand-name").inner_text() == "Harbourline Software Pty Ltd"
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Home", "Subscriptions", "Invoices", "Payments", "Credit notes", "Profile"):
        assert nav.get_by_role("link", name=label).is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"].startswith("__Host-"))
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    shoot(page, "03-home")

    page.get_by_role("button", name="Sign out").click()
    assert page.url == base + "/login"
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto(base + "/")
    assert page.url.startswith(base + "/login?next=")
    shoot(page, "04-signed-out")

    sign_in(page, base, INVITEE, "not the password at all")
    assert page.get_by_role("alert").inner_text().startswith("That email and password don't match")
    shoot(page, "05-sign-in-failed")
    page.get_by_label("Password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == base + "/"

    page.goto(link)  # the invitation link again: used up
    assert page.get_by_role("heading", name="This link has expired or has already been used").is_visible()
    shoot(page, "06-link-used")


def test_password_reset(live, page, mailbox):
    app, base = live
    page.goto(base + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_labelled(page)
    shoot(page, "07-forgot")
    mailbox.clear()
    page.get_by_label("Email address").fill(INVITEE)
    page.get_by_role("button", name="Email me a reset link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    shoot(page, "08-forgot-sent")

    page.goto(link_in(mailbox.wait_for(INVITEE)))
    assert page.url == base + "/reset"
    shoot(page, "09-reset")
    page.get_by_label("New password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_label("Type it again").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    assert page.url == base + "/login"
    assert page.get_by_text("Your password has been changed").is_visible()
    shoot(page, "10-reset-done")

    sign_in(page, base, INVITEE, SECOND_PASSWORD)
    assert page.url == base + "/"


def test_lockout_message(live, page):
    app, base = live
    email = "priyanka@acme.example"
    page.goto(base + "/login")
    for attempt in range(11):
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(f"wrong guess number {attempt}")
        page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert").inner_text()
    assert "Too many attempts" in alert and "reset your password" in alert
    shoot(page, "11-locked-out")


def test_security_page_and_two_factor_enrolment(live, page):
    app, base = live
    sign_in(page, base, INVITEE, SECOND_PASSWORD)
    page.get_by_role("link", name="Sign-in & security").click()
    shoot(page, "12-security")
    page.get_by_role("link", name="Set up two-factor").click()
    page.get_by_role("button", name="Set up two-factor").click()
    assert page.get_by_role("img", name="QR code for setting up your authenticator app").is_visible()
    assert_labelled(page)
    shoot(page, "13-two-factor-enrol")
    page.goto(base + "/account/password")
    assert_labelled(page)
    shoot(page, "14-change-password")


def test_tampered_csrf_token_is_refused_in_the_browser(live, page):
    app, base = live
    page.goto(base + "/login")
    page.evaluate("document.querySelector('main input[name=csrf_token]').value = 'forged'")  # the sign-in form's
    page.get_by_label("Email address").fill(INVITEE)
    page.get_by_label("Password").fill(SECOND_PASSWORD)
    with page.expect_response(base + "/login") as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 400
    assert page.get_by_role("heading", name="This form has expired").is_visible()
    shoot(page, "15-csrf-refused")
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")  # not signed in


def test_pages_work_without_javascript(open_tab, live):
    app, base = live
    page = open_tab(java_script_enabled=False).page
    sign_in(page, base, INVITEE, SECOND_PASSWORD)
    assert page.url == base + "/"
    page.get_by_role("button", name="Sign out").click()
    assert page.url == base + "/login"
