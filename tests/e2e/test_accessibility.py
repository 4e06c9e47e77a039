"""An automated accessibility audit: axe-core (the copy bundled in ``axe-playwright-python``) runs in
Debian's Chromium on every kind of page the portal shows, at 1280 px and at 375 px, with the WCAG 2.0
and 2.1 level A and AA rules and axe's best practices. A ``serious`` or ``critical`` violation fails
the test; ``moderate`` and ``minor`` ones, and what axe could not decide, are printed (``pytest -s``)
for people to weigh. Keyboard focus must be visible on the interactive elements a person tabs through
first: an outline or box-shadow, and an outline with 3:1 contrast against what surrounds it (WCAG 1.4.11).

axe is evaluated through Playwright (``page.evaluate``, which the portal's CSP does not govern), never
served by the app: the strict CSP stays as it is.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import DESKTOP, PHONE, sign_in
from tests.support.demo import ACME, BRIGHTSIDE, MUELLER, NORTHWIND, PRIYA
from tests.support.forms import link_in
from tests.support.sandbox_api import SandboxAPI

pytestmark = pytest.mark.browser

INVITEE = "priyanka@acme.example"  # an Acme contact person without a portal account
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


AXE = _axe_source()


@pytest.fixture(scope="module")
def live(serve_portal):
    """One portal server for the module: the demo customers' accounts, the handoff configured (for its
    refusal page), both cancel choices and a retention offer (the fullest cancel page)."""
    return serve_portal(users=(ACME, MUELLER, BRIGHTSIDE, NORTHWIND, PRIYA), PORTAL_ENV="development",
                        CANCEL_OPTIONS="end_of_term,immediately", RETENTION_COUPON_CODE="WELCOME10")


@pytest.fixture(scope="module")
def ids(live, sandbox_server):
    reader = SandboxAPI(sandbox_server)
    acme = reader.customer_id(ACME)
    priya = reader.customer_id(PRIYA)
    brightside = reader.customer_id(BRIGHTSIDE)
    overdue = [row["invoice_id"] for row in reader.all_rows("/invoices", "invoices", customer_id=brightside)
               if row["status"] == "overdue"]
    return {
        "acme_invoice": reader.invoice_ids(acme)[-1],
        "acme_subscription": reader.subscription_ids(acme)[0],
        "priya_payment": reader.transaction_ids(priya, "PAYMENT")[0],
        "northwind_credit": reader.transaction_ids(reader.customer_id(NORTHWIND), "CREDIT")[0],
        "brightside_overdue": overdue[0],
    }


class Audit:
    """Runs axe on pages and keeps what it finds; ``check()`` fails on the serious and critical ones
    after every page of a test was looked at (one run shows them all)."""

    def __init__(self) -> None:
        self.failing: list[str] = []
        self.other: dict[str, list[str]] = {}  # what was found → the pages and widths

    def __call__(self, page, name: str) -> None:
        """Audit the page as it is, at 1280 px and at 375 px."""
        for label, size in (("1280", DESKTOP), ("375", PHONE)):
            page.set_viewport_size(size)
            for violation in run_axe(page):
                nodes = "; ".join(" ".join(node["target"]) if isinstance(node["target"][0], str)
                                  else str(node["target"]) for node in violation["nodes"][:4])
                found = f"{violation['impact']} {violation['id']} ({violation['help']}): {nodes}"
                if violation["impact"] in FAILING:
                    self.failing.append(f"{name} @{label}px: {found}")
                else:
                    self.other.setdefault(found, []).append(f"{name} @{label}px")
        page.set_viewport_size(DESKTOP)

    def check(self) -> None:
        for found, where in self.other.items():
            print(f"axe (not failing): {found} — on {len(where)}: {', '.join(where[:3])}{' …' if len(where) > 3 else ''}")
        assert not self.failing, "axe found serious or critical violations:\n" + "\n".join(self.failing)


def run_axe(page) -> list[dict]:
    """axe's violations and undecided results (``impact`` "needs review (…)") for the page as it is."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS + ["best-practice"]}, "resultTypes": ["violations", "incomplete"]},
    )
    undecided = []
    for result in results["incomplete"]:  # what axe could not decide: for a person to look at
        # …except the contrast of decorative glyphs hidden from assistive technology (◆, ▼, ▭)
        result["nodes"] = [node for node in result["nodes"] if not (
            result["id"] == "color-contrast" and 'aria-hidden="true"' in node["html"])]
        if result["nodes"]:
            result["impact"] = f"needs review ({result['impact']})"
            undecided.append(result)
    return results["violations"] + undecided


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgba = text => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const background = start => {  // the opaque colour behind an element (white if none is set)
    for (let node = start; node && node.nodeType === 1; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0.5) return colour;
    }
    return [255, 255, 255, 1];
  };
  const luminance = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  let contrast = null;  // the ring against what surrounds the element (WCAG 1.4.11 asks 3:1)
  const ring = rgba(style.outlineColor);
  if (outline && style.outlineStyle !== 'auto' && ring) {
    const behind = background(el.parentElement);
    const mixed = ring.slice(0, 3).map((v, i) => v * ring[3] + behind[i] * (1 - ring[3]));
    const [hi, lo] = [luminance(mixed), luminance(behind)].sort((x, y) => y - x);
    contrast = (hi + 0.05) / (lo + 0.05);
  }
  return {
    name: (el.tagName + ' ' + (el.textContent || el.getAttribute('aria-label') || el.name || el.id || ''))
      .replace(/\\s+/g, ' ').trim().slice(0, 60),
    outline, contrast,
    shadow: style.boxShadow !== 'none',
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


def assert_focus_visible(page, stops: int) -> list[str]:
    """Tab through the first ``stops`` focusable elements; each must show a focus ring (an outline or a
    box-shadow) and be on screen while focused. Returns the names reached."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached = []
    for _ in range(stops + 2):
        if len(reached) == stops:
            break
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state is None:  # focus left the document (it wraps round past the last element)
            continue
        assert state["outline"] or state["shadow"], f"no visible focus on {state['name']!r}"
        if state["contrast"] is not None:
            assert state["contrast"] >= 3, f"the focus ring on {state['name']!r} has {state['contrast']:.2f}:1 contrast"
        assert state["shown"], f"{state['name']!r} is focused but off screen"
        reached.append(state["name"])
    assert len(reached) == stops, reached
    return reached


@pytest.fixture
def audit():
    return Audit()


def tab_signed_in(open_tab, live, email):
    _, base = live
    return open_tab(base, email).page


def test_signed_out_pages(live, open_tab, audit, mailbox):
    app, base = live
    page = open_tab().page
    page.goto(base + "/login")
    audit(page, "sign-in")
    reached = assert_focus_visible(page, 5)
    assert any("Skip to content" in name for name in reached)
    assert any("Sign in" in name for name in reached)
    sign_in(page, base, INVITEE, "not the password at all")
    assert page.get_by_role("alert").is_visible()
    audit(page, "sign-in refused")
    page.goto(base + "/forgot")
    audit(page, "forgot password")
    mailbox.clear()
    result = app.test_cli_runner().invoke(args=["portal", "invite", INVITEE])
    assert result.exit_code == 0, result.output
    page.goto(link_in(mailbox.wait_for(INVITEE)))
    assert page.url == base + "/invite"
    audit(page, "accept invitation")
    response = page.goto(base + "/handoff?token=not-a-token")
    assert response.status == 400
    audit(page, "handoff refusal")
    audit.check()


def test_home_pages(live, open_tab, audit):
    _, base = live
    for email, name in ((ACME, "home (Acme)"), (MUELLER, "home (Müller, trial)"),
                        (BRIGHTSIDE, "home (Brightside, overdue)"), (NORTHWIND, "home (Northwind, card expiring)")):
        page = tab_signed_in(open_tab, live, email)
        audit(page, name)
    reached = assert_focus_visible(page, 10)  # the header's language switcher is two stops before the menu
    assert any("Skip to content" in name for name in reached)
    assert any("Sign out" in name for name in reached)
    assert any("Invoices" in name for name in reached)
    audit.check()


def test_billing_pages(live, open_tab, audit, ids):
    _, base = live
    acme = tab_signed_in(open_tab, live, ACME)
    for path, name in (("/invoices", "invoices"), (f"/invoices/{ids['acme_invoice']}", "invoice"),
                       ("/subscriptions", "subscriptions"), (f"/subscriptions/{ids['acme_subscription']}", "subscription"),
                       ("/statement?start=2026-01-01&end=2026-11-25", "statement"),
                       (f"/subscriptions/{ids['acme_subscription']}/change-plan", "change plan"),
                       (f"/subscriptions/{ids['acme_subscription']}/cancel", "cancel"),
                       ("/profile", "profile"), ("/account", "account security")):
        response = acme.goto(base + path)
        assert response.status == 200, path
        audit(acme, name)
        if name == "change plan":
            assert_focus_visible(acme, 12)  # the header, the navigation, then the plan choices
            acme.locator("input[name=plan_code][value=business-monthly]").check()
            acme.get_by_role("button", name="Preview the change").click()
            assert "Due today" in acme.content()
            audit(acme, "change plan preview")
        if name == "profile":
            acme.get_by_label("Billing email").fill("billing at acme")
            acme.get_by_role("button", name="Save details").click()
            assert acme.locator("#email-error").is_visible()
            audit(acme, "profile refused")
    acme.goto(base + "/invoices")
    assert_focus_visible(acme, 20)  # past the header and navigation, into the filters and the table
    priya = tab_signed_in(open_tab, live, PRIYA)
    for path, name in (("/payments", "payments"), (f"/payments/{ids['priya_payment']}", "payment"),
                       (f"/payments/{ids['priya_payment']}/receipt", "receipt")):
        assert priya.goto(base + path).status == 200, path
        audit(priya, name)
    northwind = tab_signed_in(open_tab, live, NORTHWIND)
    for path, name in (("/credit-notes", "credit notes"), (f"/credit-notes/{ids['northwind_credit']}", "credit note")):
        assert northwind.goto(base + path).status == 200, path
        audit(northwind, name)
    response = northwind.goto(f"{base}/invoices/{ids['acme_invoice']}")  # someone else's invoice
    assert response.status == 404
    audit(northwind, "404")
    audit.check()


def test_pay_confirmation_and_the_hosted_checkout(live, open_tab, audit, ids):
    _, base = live
    page = tab_signed_in(open_tab, live, BRIGHTSIDE)
    assert page.goto(f"{base}/invoices/{ids['brightside_overdue']}/pay").status == 200
    audit(page, "pay confirmation")
    page.click("#pay-hosted")
    page.wait_for_selector("#card_number")
    audit(page, "hosted checkout (sandbox)")
    assert_focus_visible(page, 4)
    audit.check()
