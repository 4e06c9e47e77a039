"""Cards through the secure payment page (Zoho's hosted pages): card numbers never touch the portal.

Three flows, each started by a POST (``start_*``) and finished when the browser comes back:

- ``update_card`` — a new card for one of the customer's subscriptions;
- ``add_card`` — a card for the customer's account;
- ``invoice_payment`` — paying one invoice on the secure page instead of with the card on file.

``start_*`` asks the policy, checks that the subscription or invoice is the customer's **before**
Zoho hears its id, and creates the page with ``redirect_url`` = ``PORTAL_BASE_URL`` +
``/hosted/return``; the controller keeps its id in the session, so only the person who started a
page can finish it. ``outcome()`` reads the page from Zoho and checks that whatever Zoho attached to
it (subscription, invoice, card, customer) names the session's customer.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from zoho_client.models import Money

from services.context import CustomerContext
from services.operations import zoho_write
from services.operations.payments import NotPayable, live_invoice
from services.ownership import NotOwned, require_customer
from services.policy import Action, cards as card_policy, invoices as invoice_policy
from services.policy.cards import PageOutcome

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
    status: PageOutcome
    kind: str
    target_id: str
    card_last_four: str | None = None
    card_expires_this_month: bool = False
    amount_paid: Money | None = None
    invoice_number: str | None = None


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


def return_url(ctx: CustomerContext) -> str:
    return ctx.settings.PORTAL_BASE_URL.rstrip("/") + RETURN_PATH


def start_update_card(ctx: CustomerContext, subscription_id: str) -> StartedPage:
    subscription = ctx.billing.subscription(subscription_id).subscription  # NotOwned before Zoho hears a foreign id
    require_customer("subscription", subscription_id, subscription.customer_id, ctx.customer_id)
    card_policy.decide_update_card(subscription, ctx.actor).require()
    page = zoho_write(ctx, lambda: ctx.zoho.hostedpages.update_card(subscription_id, redirect_url=return_url(ctx)),
                      invalidate=False)
    return StartedPage(page.hostedpage_id, page.url, "update_card", subscription_id)


def start_add_card(ctx: CustomerContext) -> StartedPage:
    card_policy.decide_add_card(ctx.actor).require()
    page = zoho_write(ctx, lambda: ctx.zoho.hostedpages.add_payment_method(ctx.customer_id,
                                                                           redirect_url=return_url(ctx)),
                      invalidate=False)
    return StartedPage(page.hostedpage_id, page.url, "add_card", ctx.customer_id)


def start_invoice_payment(ctx: CustomerContext, invoice_id: str) -> StartedPage:
    invoice = live_invoice(ctx, invoice_id)
    if not invoice_policy.is_owed(invoice):
        raise NotPayable(invoice.invoice_number)
    invoice_policy.decide_pay(invoice, ctx.actor, has_card=False)[Action.PAY_ON_PAYMENT_PAGE].require()
    page = zoho_write(ctx, lambda: ctx.zoho.hostedpages.invoice_payment(invoice_id, redirect_url=return_url(ctx)),
                      invalidate=False)
    return StartedPage(page.hostedpage_id, page.url, "invoice_payment", invoice_id)


def outcome(ctx: CustomerContext, started: StartedPage) -> HostedOutcome:
    """What happened on the page, read from Zoho (never from the redirect's query string). Whatever
    it says, the customer's cached data is dropped: a card or a payment may have changed."""
    try:
        page = ctx.zoho.hostedpages.get(started.hostedpage_id)
    finally:
        ctx.invalidate()
    _check_owner(page, ctx.customer_id, started)
    status = card_policy.page_outcome(page.status)
    card_last_four, expiring, paid, number = None, False, None, None
    data = page.data or {}
    if status is PageOutcome.COMPLETED:
        card = dict(data.get("card") or {})
        sub = data.get("subscription") or {}
        if isinstance(sub, Mapping) and isinstance(sub.get("card"), Mapping) and sub["card"].get("card_id"):
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
        today = ctx.today()
        try:
            expiring = (int(card.get("expiry_year")), int(card.get("expiry_month"))) == (today.year, today.month)
        except (TypeError, ValueError):
            expiring = False
    return HostedOutcome(status=status, kind=started.kind, target_id=started.target_id, card_last_four=card_last_four,
                         card_expires_this_month=expiring, amount_paid=paid, invoice_number=number)


def _check_owner(page, customer_id: str, started: StartedPage) -> None:
    data = page.data or {}
    named = set()
    for key in ("subscription", "invoice", "card", "customer", "payment"):
        value = data.get(key)
        if isinstance(value, Mapping) and value.get("customer_id"):
            named.add(str(value["customer_id"]))
    if named and named != {customer_id}:
        raise NotOwned("hosted page", started.hostedpage_id)
