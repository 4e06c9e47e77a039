"""Cards through Zoho's hosted pages (issue 5): card numbers never touch the portal.

Three flows, each started by a POST (``start_*``) and finished when the browser comes back:

- ``updatecard`` — a new card for one of the customer's subscriptions;
- ``addpaymentmethod`` — a first card for a customer who has none;
- ``invoicepayment`` — paying one invoice on Zoho's page instead of with the card on file.

``start_*`` checks that the subscription or invoice is the customer's **before** Zoho hears its id,
creates the page with ``redirect_url`` = ``PORTAL_BASE_URL`` + ``/hosted/return`` and returns a
``StartedPage``; the view keeps its id in the session, so only the person who started a page can
finish it. ``outcome()`` reads ``GET /hostedpages/{id}`` and checks that whatever Zoho attached to
the page (subscription, invoice, card, customer) names the session's customer.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit
from datetime import date

from services.ownership import NotOwned, require_customer
from services.payments import NotPayable, is_payable, live_invoice
from zoho_client.models import Money

KINDS = ("update_card", "add_card", "invoice_payment")
RETURN_PATH = "/hosted/return"


@dataclass(frozen=True)
class StartedPage:
    hostedpage_id: str
    url: str
    kind: str
    target_id: str  # subscription id, customer id or invoice id


@dataclass(frozen=True)
class HostedOutcome:
    """``status``: ``success``, ``failed`` (declined), ``cancelled``, ``expired`` or ``open`` (not finished)."""

    status: str
    kind: str
    target_id: str
    card_last_four: str | None = None
    card_expires_this_month: bool = False
    amount_paid: Money | None = None
    invoice_number: str | None = None
    subscription_status: str | None = None


def hosted_page_origins(api_base: str) -> tuple[str, ...]:
    """Origins Zoho's hosted pages are served from, for the CSP ``form-action`` of the pages whose forms
    redirect there (browsers apply ``form-action`` to a form's redirects too).

    The API's own origin (the sandbox serves both), and for ``www.zohoapis.<tld>`` Zoho's checkout hosts
    ``billing.zoho.<tld>`` and ``subscriptions.zoho.<tld>`` (Canada: ``zohocloud.ca``).
    """
    parts = urlsplit(api_base)
    origins = [f"{parts.scheme}://{parts.netloc}"]
    host = parts.hostname or ""
    if host.startswith("www.zohoapis."):
        tld = host[len("www.zohoapis."):]
        domain = "zohocloud.ca" if tld == "ca" else f"zoho.{tld}"
        origins += [f"https://billing.{domain}", f"https://subscriptions.{domain}"]
    return tuple(origins)


def return_url(base_url: str) -> str:
    return base_url.rstrip("/") + RETURN_PATH


def start_update_card(zoho, billing, subscription_id: str, redirect_url: str) -> StartedPage:
    detail = billing.subscription(subscription_id)  # NotOwned before Zoho hears a foreign id
    require_customer("subscription", subscription_id, detail.subscription.customer_id, billing.customer_id)
    page = zoho.hostedpages.update_card(subscription_id, redirect_url=redirect_url)
    return StartedPage(page.hostedpage_id, page.url, "update_card", subscription_id)


def start_add_card(zoho, customer_id: str, redirect_url: str) -> StartedPage:
    page = zoho.hostedpages.add_payment_method(customer_id, redirect_url=redirect_url)
    return StartedPage(page.hostedpage_id, page.url, "add_card", customer_id)


def start_invoice_payment(zoho, billing, invoice_id: str, redirect_url: str) -> StartedPage:
    invoice = live_invoice(zoho, billing, invoice_id)
    if not is_payable(invoice):
        raise NotPayable(invoice.invoice_number)
    page = zoho.hostedpages.invoice_payment(invoice_id, redirect_url=redirect_url)
    return StartedPage(page.hostedpage_id, page.url, "invoice_payment", invoice_id)


def outcome(zoho, customer_id: str, started: StartedPage, *, today: date, cache=None) -> HostedOutcome:
    """What happened on the page, read from Zoho (never from the redirect's query string)."""
    page = zoho.hostedpages.get(started.hostedpage_id)
    _check_owner(page, customer_id, started)
    status = {"success": "success", "failed": "failed", "cancelled": "cancelled", "force_cancelled": "cancelled",
              "expired": "expired"}.get(page.status or "", "open")
    card_last_four, expiring, paid, number, sub_status = None, False, None, None, None
    data = page.data or {}
    if status == "success":
        # Read a few fields of what Zoho attached; HostedPage.invoice()/subscription() cannot parse the
        # frozen copy (lists become tuples there: a zoho_client bug reported in docs/portal-notes.md).
        card = dict(data.get("card") or {})
        sub = data.get("subscription") or {}
        if isinstance(sub, Mapping) and sub:
            sub_status = str(sub.get("status") or "") or None
            if isinstance(sub.get("card"), Mapping) and sub["card"].get("card_id"):
                card = dict(sub["card"])
        invoice = data.get("invoice") or {}
        if isinstance(invoice, Mapping) and invoice:
            number = str(invoice.get("invoice_number") or invoice.get("number") or "") or None
        payment = data.get("payment") or {}
        currency = (payment.get("currency_code") or (invoice.get("currency_code") if isinstance(invoice, Mapping) else None))
        if isinstance(payment, Mapping) and payment.get("amount") not in (None, "") and currency:
            try:
                paid = Money(Decimal(str(payment["amount"])), str(currency))
            except ArithmeticError:
                paid = None
        card_last_four = str(card.get("last_four_digits") or "")[-4:] or None
        try:
            expiring = (int(card.get("expiry_year")), int(card.get("expiry_month"))) == (today.year, today.month)
        except (TypeError, ValueError):
            expiring = False
    if cache is not None:
        cache.invalidate_customer(customer_id)
    return HostedOutcome(status=status, kind=started.kind, target_id=started.target_id, card_last_four=card_last_four,
                         card_expires_this_month=expiring, amount_paid=paid, invoice_number=number,
                         subscription_status=sub_status)


def _check_owner(page, customer_id: str, started: StartedPage) -> None:
    data = page.data or {}
    named = set()
    for key in ("subscription", "invoice", "card", "customer", "payment"):
        value = data.get(key)
        if isinstance(value, Mapping) and value.get("customer_id"):
            named.add(str(value["customer_id"]))
    if named and named != {customer_id}:
        raise NotOwned("hosted page", started.hostedpage_id)
