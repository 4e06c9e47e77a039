"""Helpers of the state matrix: the sandbox's Zoho API (read and, for setting states up, write), one
signed-in test client per demo customer, and what a page shows (its action buttons, its messages).

What the matrix borrows from other test packages is imported here (helpers) and in ``conftest.py``
(the databases), so that re-pointing it after a reorganisation of the shared fixtures touches two files.
"""
from __future__ import annotations

import html as html_lib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from tests.support.accounts import create_account, login
from tests.support.checkout import complete_checkout  # noqa: F401  (re-exported)
from tests.support.demo import PASSWORD, SUCCESS_CARD  # noqa: F401  (re-exported)
from tests.support.forms import form_fields  # noqa: F401  (re-exported)
from tests.support.sandbox_api import SandboxAPI
from tests.support.settings import portal_settings

# Demo customers (docs/sandbox-seed.md) by the state their subscription is in.
ACME = "billing@acme.example"  # live, card 4242, a scheduled change
MUELLER = "buchhaltung@mueller-soehne.example"  # trial with a card
FRESH = "hello@freshstart.example"  # trial without a card
ATHINA = "athina@parthenon-design.example"  # non_renewing
OLGA = "olga@sibir-tech.example"  # cancelled
TOKYO = "keiri@tokyo-tech.example"  # expired (and a live yearly one)
BRIGHTSIDE = "accounts@brightside-dental.example"  # unpaid, card 0002
KOWALSKI = "owner@kowalski-bakery.example"  # dunning, card 0002
LONE_WOLF = "hello@lonewolf.example"  # live, offline, no card, one open invoice
PRIYA = "accounts@priya-consulting.example"  # INR, offline, a partially paid invoice
NORTHWIND = "ap@northwind.example"  # live, its card expires this month

RETENTION_COUPON = "WELCOME10"  # a coupon of the demo catalogue, offered to customers about to cancel
MATRIX_SETTINGS = dict(CANCEL_OPTIONS="end_of_term,immediately", RETENTION_COUPON_CODE=RETENTION_COUPON)

API_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Zoho(SandboxAPI):
    """The sandbox's Zoho API with the demo credentials: reads to feed the policy and check outcomes,
    writes only to set a state up (never during the request under test).

    What a reset cannot change is remembered: the demo customers' ids (the seed hands them out in a
    fixed order) and the catalogue (plans, coupons, cancellation reasons)."""

    def __init__(self, sandbox) -> None:
        super().__init__(sandbox)
        self._customer_ids: dict[str, str] = {}
        self._catalog: dict[str, object] = {}

    def _send(self, method: str, path: str, **kwargs):
        response = self.session.request(method, self.sandbox.api_base + path, timeout=30, **kwargs)
        if response.status_code == 401:  # the sandbox's clock moved past the token's hour
            self.session.headers.update(self.sandbox.auth_headers())
            response = self.session.request(method, self.sandbox.api_base + path, timeout=30, **kwargs)
        return response

    def write(self, method: str, path: str, body: dict | None = None) -> dict:
        response = self._send(method, path, json=body or {})
        assert response.status_code in (200, 201), (method, path, response.status_code, response.text)
        return response.json()

    def today(self) -> date:
        return date.fromisoformat(self.sandbox.control("GET", "clock")["today"])

    def customer_id(self, email: str) -> str:
        if email not in self._customer_ids:
            self._customer_ids[email] = self.demo_customer(email).customer_id
        return self._customer_ids[email]

    def catalog(self, path: str, key: str, **params):
        """A catalogue read (plans, coupons, cancellation reasons), once per module."""
        if path not in self._catalog:
            self._catalog[path] = self.get(path, **params)[key]
        return self._catalog[path]

    def subscription_rows(self, customer_id: str) -> list[dict]:
        """The customer's subscriptions as Zoho lists them (without the card)."""
        return self.all_rows("/subscriptions", "subscriptions", customer_id=customer_id,
                             filter_by="SubscriptionStatus.All")

    def subscriptions(self, customer_id: str) -> list[dict]:
        """Every subscription of the customer, in full."""
        return [self.subscription(row["subscription_id"]) for row in self.subscription_rows(customer_id)]

    def subscription(self, subscription_id: str) -> dict:
        return self.get(f"/subscriptions/{subscription_id}")["subscription"]

    def scheduled_change(self, subscription_id: str) -> dict | None:
        """The subscription as it will be after its pending end-of-term change; None when there is none
        (Zoho answers 400/1003 then)."""
        response = self._send("GET", f"/subscriptions/{subscription_id}/scheduledchanges")
        if response.status_code == 400 and response.json().get("code") == 1003:
            return None
        assert response.status_code == 200, response.text
        return response.json()["subscription"]

    def cards(self, customer_id: str) -> list[dict]:
        return self.get(f"/customers/{customer_id}/cards")["cards"]

    def invoices(self, customer_id: str) -> list[dict]:
        return self.all_rows("/invoices", "invoices", customer_id=customer_id, filter_by="Status.All")

    def invoice(self, invoice_id: str) -> dict:
        return self.get(f"/invoices/{invoice_id}")["invoice"]

    def hosted_pages(self, customer_id: str) -> list[dict]:
        return self.get("/hostedpages", customer_id=customer_id)["hosted_pages"]

    def add_card(self, customer_id: str, card_number: str = SUCCESS_CARD) -> dict:
        """A card for the customer, typed on Zoho's secure page (the add-payment-method page) over HTTP."""
        before = {c["card_id"] for c in self.cards(customer_id)}
        page = self.write("POST", "/hostedpages/addpaymentmethod",
                          {"customer_id": customer_id, "redirect_url": "http://portal.test/hosted/return"})
        assert complete_checkout(page["hostedpage"]["url"], card_number), "the secure page refused the card"
        (card,) = [c for c in self.cards(customer_id) if c["card_id"] not in before]
        return card

    def writes(self) -> list[str]:
        """The API writes (POST, PUT, DELETE …) the sandbox received since the call log was last cleared."""
        return [f'{c["method"]} {c["path"]}' for c in self.sandbox.calls()["calls"]
                if c["method"] in API_WRITES and c["path"].startswith(urlsplit(self.sandbox.api_base).path)]

    def collects(self) -> list[str]:
        """Invoice ids charged with ``POST /invoices/{id}/collect``, in order."""
        return [c["path"].split("/")[-2] for c in self.sandbox.calls()["calls"]
                if c["method"] == "POST" and c["path"].endswith("/collect")]


class MatrixPortal:
    """One portal app on one database (SQLite or PostgreSQL), shared by a module's cases: the demo
    customers sign in once each; every case starts from the seed (``begin``)."""

    def __init__(self, app, sandbox) -> None:
        self.app = app
        self.sandbox = sandbox
        self.zoho = Zoho(sandbox)
        self._clients: dict[str, tuple[object, str]] = {}

    def begin(self) -> None:
        """Reseed the sandbox and forget what the portal cached, so the case sees the seed."""
        self.sandbox.reset()
        self.app.extensions["billing"].cache.clear()

    def client(self, email: str):
        """A test client signed in as the demo customer's portal user (created on first use)."""
        if email not in self._clients:
            create_account(self.app, email)
            client = self.app.test_client()
            response = login(client, email, PASSWORD)
            assert response.status_code in (302, 303), f"sign-in as {email} failed ({response.status_code})"
            self._clients[email] = (client, csrf_of(client.get("/account").get_data(as_text=True)))
        return self._clients[email][0]

    def csrf(self, email: str) -> str:
        """The session's CSRF token (one per session, valid for every form)."""
        self.client(email)
        return self._clients[email][1]

    def actor(self, email: str):
        """The actor the portal builds for this customer's portal user, for asking the policy."""
        from services.actors import Actor, ActorKind

        return Actor(kind=ActorKind.PORTAL_USER, customer_id=self.zoho.customer_id(email), display_name=email,
                     email=email, portal_user_id=1)

    def close(self) -> None:
        from extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def build_portal(sandbox, database_url: str) -> MatrixPortal:
    from app import create_app

    return MatrixPortal(create_app(portal_settings(sandbox, DATABASE_URL=database_url, **MATRIX_SETTINGS)), sandbox)


# -- what a page shows ---------------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_TAG_WITH_ACTION = re.compile(r"<(a|button)\b[^>]*\bdata-action=\"[^\"]*\"[^>]*>", re.S)
_ATTRIBUTE = re.compile(r'([a-z-]+)(?:="([^"]*)")?')
_FORM = re.compile(r'<form\b[^>]*\baction="([^"]*)"[^>]*>(.*?)</form>', re.S)
_MESSAGES = re.compile(r'<(?:div|p) class="(alert alert-[a-z]+|field-error)"[^>]*>(.*?)</(?:div|p)>', re.S)


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "no CSRF token on the page"
    return found.group(1)


@dataclass(frozen=True)
class PageButton:
    action: str  # the data-action attribute: the Action's value
    href: str  # where it leads: the link's href, or the action of the form the button submits
    enabled: bool


def action_buttons(page: str) -> set[PageButton]:
    """Every action button on the page (``templates/macros/portal.html``, ``action_button``)."""
    form_of = {}
    for form in _FORM.finditer(page):
        for tag in _TAG_WITH_ACTION.finditer(form.group(2)):
            form_of[tag.group(0)] = html_lib.unescape(form.group(1))
    found = set()
    for tag in _TAG_WITH_ACTION.finditer(page):
        attributes = {name: html_lib.unescape(value or "") for name, value in _ATTRIBUTE.findall(tag.group(0)[1:-1])}
        disabled = "disabled" in attributes
        href = attributes.get("href") or form_of.get(tag.group(0), "")
        found.add(PageButton(attributes["data-action"], href, not disabled))
    return found


def messages(page: str) -> list[tuple[str, str]]:
    """The page's messages as (kind, text): flashed alerts (``alert alert-error`` …) and field errors."""
    return [(kind.split()[-1], " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).split()))
            for kind, text in _MESSAGES.findall(page)]


def new_key() -> str:
    """A fresh confirmation key, as the pay pages make them."""
    return secrets.token_urlsafe(24)
