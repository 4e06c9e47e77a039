"""The handoff in Debian's Chromium: the product's page links (GET) and posts (POST) into the portal.

Two real servers on loopback: the portal (werkzeug, threaded) at 127.0.0.1 and a stand-in for the
product at ``localhost`` (another site, so the browser treats the POST as cross-site, as in real
life). Every load of the product's page mints a fresh token, as the product must. Screenshots land
in ``artifacts/screenshots/handoff/``.
"""
from __future__ import annotations

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services import handoff
from tests.support import handoff_tokens as tokens
from tests.support.browser import Screenshots
from tests.support.demo import TRIAL_NAME as TRIAL
from tests.support.settings import PRODUCT

pytestmark = pytest.mark.browser

shoot = Screenshots("handoff").as_is


class Product:
    """The SaaS product: a settings page with a "Manage subscription" link and form."""

    def __init__(self) -> None:
        self.portal_url = ""
        self.customer_id = ""
        self.dest = "dashboard"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://localhost:{self.server.server_port}"
        self.return_url = self.base + "/settings"

    def mint(self) -> str:
        return handoff.mint(self.customer_id, issuer=tokens.ISSUER, audience=tokens.AUDIENCE, key=tokens.SECRET,
                            dest=self.dest, return_url=self.return_url, email="jurgen@mueller-soehne.example")

    def _handler(self):
        product = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                token = html.escape(product.mint())
                body = f"""<!doctype html><meta charset="utf-8"><title>{PRODUCT} settings</title>
                <h1>{PRODUCT}: settings</h1>
                <p><a id="manage-link" href="{product.portal_url}/handoff?token={token}">Manage subscription</a></p>
                <form method="post" action="{product.portal_url}/handoff">
                  <input type="hidden" name="token" value="{html.escape(product.mint())}">
                  <button id="manage-form">Manage subscription (form)</button>
                </form>""".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep tokens out of the test output too
                pass

        return Handler


@pytest.fixture(scope="module")
def product():
    product = Product()
    thread = threading.Thread(target=product.server.serve_forever, daemon=True)
    thread.start()
    yield product
    product.server.shutdown()
    thread.join(10)


@pytest.fixture(scope="module")
def live_portal(serve_portal, product):
    # Development cookies (no Secure/__Host-): the browser talks plain HTTP to 127.0.0.1.
    app, product.portal_url = serve_portal(PORTAL_ENV="development", HANDOFF_RETURN_URLS=product.return_url,
                                           HANDOFF_PRODUCT_NAME=PRODUCT)
    zoho = app.extensions["zoho"]
    product.customer_id = next(c.customer_id for c in zoho.customers.iter_all() if c.display_name == TRIAL)
    return app


def expected_path(app, dest: str) -> str:
    from views.handoff import destination_url

    with app.test_request_context():
        return destination_url(handoff.Destination.parse(dest))[0]


@pytest.fixture
def page(open_tab):
    tab = open_tab()
    yield tab.page
    assert not tab.problems, tab.problems


@pytest.mark.parametrize("dest", ["subscribe", "invoices", "dashboard"])
def test_H16_link_from_the_product_lands_on_the_right_page_without_the_token(live_portal, product, page, dest):
    product.dest = dest
    page.goto(product.base + "/settings")
    with page.expect_response(lambda r: "/handoff" in r.url) as handoff_response:
        page.click("#manage-link")
    response = handoff_response.value
    assert response.status == 303 and response.headers["referrer-policy"] == "no-referrer"
    page.wait_for_load_state()
    if dest == "subscribe":
        # The trial already carries a card: "subscribe" shows that subscription rather than start a second one.
        assert re.fullmatch(re.escape(product.portal_url) + r"/subscriptions/\d+", page.url)
        assert page.get_by_text("already subscribed").is_visible()
    else:
        assert page.url == product.portal_url + expected_path(live_portal, dest)
    assert "token" not in page.url
    assert page.get_by_text("jurgen@mueller-soehne.example").first.is_visible()  # signed in as the token's person
    if dest == "dashboard":
        assert TRIAL in page.content().replace("&amp;", "&")
    back = page.get_by_role("link", name=f"Back to {PRODUCT}")
    assert back.get_attribute("href") == product.return_url
    shoot(page, f"landed-{dest}")


def test_H16_post_variant_from_the_product_works(live_portal, product, page):
    product.dest = "subscriptions"
    page.goto(product.base + "/settings")
    page.click("#manage-form")
    page.wait_for_url(product.portal_url + expected_path(live_portal, "subscriptions"))
    assert "token" not in page.url
    assert page.get_by_role("link", name=f"Back to {PRODUCT}").is_visible()
    shoot(page, "landed-post-variant")
    page.get_by_role("link", name=f"Back to {PRODUCT}").click()
    page.wait_for_url(product.return_url)


def test_H12_a_used_link_shows_the_calm_page_with_the_way_back(live_portal, product, page, open_tab):
    product.dest = "dashboard"
    page.goto(product.base + "/settings")
    link = page.get_attribute("#manage-link", "href")
    page.goto(link)
    page.wait_for_url(product.portal_url + "/")
    second = open_tab().page
    response = second.goto(link)
    assert response.status == 400
    assert second.get_by_role("heading", name="This link has expired or was already used").is_visible()
    assert second.get_by_role("link", name=f"Back to {PRODUCT}").get_attribute("href") == product.return_url
    shoot(second, "refused-replay")
