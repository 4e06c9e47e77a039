"""Cards and Zoho's hosted pages (issue 5): start a page (POST), send the person there, show the outcome.

The hosted page ids a person started live in their session (at most ``MAX_OPEN_PAGES``), so the
return URL — which anyone could forge — only ever shows the outcome of a page that this session
started, read from Zoho.
"""
from __future__ import annotations

import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from db.types import utcnow
from extensions import db
from services import audit, cards, payments
from services.billing import billing_for
from services.zoho import get_zoho
from views.auth_session import audit_context
from views.portal_home import bp
from views.reauth import needs_recent_auth, reauth_response
from views.write_actions import actor_of, report_outcome, write_action

OPEN_PAGES = "hp"  # session key: {hostedpage_id: [kind, target_id, started_at]}
MAX_OPEN_PAGES = 5
OPEN_PAGE_SECONDS = 2 * 3600  # Zoho's pages expire after an hour


def _remember(started: cards.StartedPage) -> None:
    pages = {k: v for k, v in (session.get(OPEN_PAGES) or {}).items() if time.time() - v[2] < OPEN_PAGE_SECONDS}
    pages[started.hostedpage_id] = [started.kind, started.target_id, int(time.time())]
    session[OPEN_PAGES] = dict(sorted(pages.items(), key=lambda kv: kv[1][2])[-MAX_OPEN_PAGES:])


def _redirect_url() -> str:
    return cards.return_url(current_app.extensions["settings"].PORTAL_BASE_URL)


def _send_to(started: cards.StartedPage):
    _remember(started)
    report_outcome("page_created", kind=started.kind, target_id=started.target_id, hostedpage_id=started.hostedpage_id)
    return redirect(started.url, 303)


@bp.route("/subscriptions/<subscription_id>/card", methods=["GET", "POST"])
@write_action("update_card", back="portal.update_card")
def update_card(subscription_id: str):
    billing = billing_for(current_user.customer_id)
    if request.method == "GET":
        detail = billing.subscription(subscription_id)
        return render_template("portal/card_update.html", subscription=detail.subscription)
    return _send_to(cards.start_update_card(get_zoho(), billing, subscription_id, _redirect_url()))


@bp.route("/cards/add", methods=["GET", "POST"])
@write_action("add_card", back="portal.add_card")
def add_card():
    if request.method == "GET":
        existing = payments.card_for(get_zoho(), current_user.customer_id)
        return render_template("portal/card_add.html", existing=existing)
    return _send_to(cards.start_add_card(get_zoho(), current_user.customer_id, _redirect_url()))


@bp.route("/invoices/<invoice_id>/pay/hosted", methods=["POST"])
@write_action("pay_invoice_hosted", back="portal.pay_invoice")
def pay_invoice_hosted(invoice_id: str):
    if needs_recent_auth():
        report_outcome("reauth_required", invoice_id=invoice_id)
        return reauth_response(url_for("portal.pay_invoice", invoice_id=invoice_id))
    try:
        started = cards.start_invoice_payment(get_zoho(), billing_for(current_user.customer_id), invoice_id,
                                              _redirect_url())
    except payments.NotPayable as done:
        report_outcome("already_paid", invoice_id=invoice_id)
        return render_template("portal/pay_result.html", status="already_paid", invoice_id=invoice_id,
                               invoice_number=done.invoice_number, result=None), 409
    return _send_to(started)


@bp.get("/hosted/return")
def hosted_return():
    """Zoho's redirect target. A GET (a redirect cannot POST) that changes nothing at Zoho: it reads the
    page's outcome, refreshes the cached view of the account, and forgets the page."""
    hostedpage_id = request.args.get("hostedpage_id", "")
    pages = session.get(OPEN_PAGES) or {}
    if hostedpage_id not in pages:
        return render_template("portal/card_result.html", outcome=None), 404
    kind, target_id, _ = pages[hostedpage_id]
    started = cards.StartedPage(hostedpage_id, "", kind, target_id)
    result = cards.outcome(get_zoho(), current_user.customer_id, started, today=utcnow().date(),
                           cache=current_app.extensions["billing"].cache)
    if result.status != "open":
        session[OPEN_PAGES] = {k: v for k, v in pages.items() if k != hostedpage_id}
    audit.record("hosted_page_returned", audit_context(), actor=actor_of(current_user),
                 portal_user_id=None if current_user.via_handoff else current_user.user_id,
                 customer_id=current_user.customer_id,
                 details={"kind": kind, "target_id": target_id, "hostedpage_id": hostedpage_id, "outcome": result.status})
    db.session.commit()
    return render_template("portal/card_result.html", outcome=result)
