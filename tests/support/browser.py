"""Helpers for the tests that drive Debian's Chromium through Playwright (tests/e2e/, the sandbox's
hosted-page test): how the browser is launched, a tab that notes what must not happen on its pages,
screenshots under ``artifacts/screenshots/<area>/``, and the sandbox's card form.

The fixtures (``browser``, ``open_tab``, ``serve_portal``) are in ``tests/fixtures/browser.py``.
"""
from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 900}


class Tab:
    """A page in a browser context of its own. ``problems`` collects script errors, console errors
    (CSP violations among them), sub-resources answered with 4xx/5xx and dialogs. A page's own 4xx
    status shows as a "Failed to load resource" console error too; documents are not counted, since
    tests ask for 400/404 pages on purpose."""

    def __init__(self, browser, **context_options) -> None:
        self.context = browser.new_context(**{"viewport": DESKTOP, **context_options})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
                     and self.problems.append(m.text))
        self.page.on("response", self._check_resource)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def _check_resource(self, response) -> None:
        request = response.request
        if request.resource_type != "document" and response.status >= 400 and not request.url.endswith("/favicon.ico"):
            self.problems.append(f"{request.url}: {response.status}")

    def close(self) -> None:
        self.context.close()


def sign_in(page, base: str, email: str, password: str) -> None:
    """Fill in the portal's sign-in form and send it (the caller checks where it lands)."""
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


class Screenshots:
    """``shoot = Screenshots("portal")``; ``shoot(page, name)`` saves ``<name>-desktop.png`` (1280 px)
    and ``<name>-phone.png`` (375 px, a small phone) and fails if the page scrolls sideways at either
    width; ``shoot.as_is(page, name)`` saves ``<name>.png`` at the page's current size."""

    def __init__(self, area: str) -> None:
        self.folder = SCREENSHOTS / area

    def __call__(self, page, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(self.folder / f"{name}-{label}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px"
        page.set_viewport_size(DESKTOP)

    def as_is(self, page, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.folder / f"{name}.png"), full_page=True)


def fill_card(page, number: str, name: str = "Ada Lovelace", month: str = "12", cvv: str = "123") -> None:
    """Fill in the sandbox's hosted checkout form (Zoho's card form stand-in) by its labels; the expiry
    year is two years after the sandbox's own year (the first choice after "YYYY" is that year)."""
    page.get_by_label("Name on card").fill(name)
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry month").select_option(month)
    page.get_by_label("Expiry year").select_option(index=3)
    page.get_by_label("Security code").fill(cvv)
