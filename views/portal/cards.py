"""Cards and the secure payment page: start a page (POST), send the person there, show the outcome.

The secure pages a person started live in their session (at most ``MAX_OPEN_PAGES``), so the return
URL — which anyone could forge — only ever shows the outcome of a page that this session started,
read from Zoho.
"""
from __future__ import annotations

import time

from flask import redirect, render_template, request, session

from services import audit
from services.context import CustomerContext
from services.operations import cards as operations
from services.policy.cards import PageOutcome

OPEN_PAGES = "hp"  # session key: {hostedpage_id: [kind, target_id, started_at]}
MAX_OPEN_PAGES = 5
OPEN_PAGE_SECONDS = 2 * 3600  # the secure pages expire after an hour


def _remember(started: operations.StartedPage) -> None:
    pages = {k: v for k, v in (session.get(OPEN_PAGES) or {}).items() if time.time() - v[2] < OPEN_PAGE_SECONDS}
    pages[started.hostedpage_id] = [started.kind, started.target_id, int(time.time())]
    session[OPEN_PAGES] = dict(sorted(pages.items(), key=lambda kv: kv[1][2])[-MAX_OPEN_PAGES:])


def send_to_payment_page(ctx: CustomerContext, started: operations.StartedPage):
    _remember(started)
    ctx.report("page_created", kind=started.kind, target_id=started.target_id, hostedpage_id=started.hostedpage_id)
    return redirect(started.url, 303)


def update_card(ctx: CustomerContext, subscription_id: str):
    if request.method == "GET":
        detail = ctx.billing.subscription(subscription_id)
        return render_template("portal/card_update.html", subscription=detail.subscription)
    return send_to_payment_page(ctx, operations.start_update_card(ctx, subscription_id))


def add_card(ctx: CustomerContext):
    if request.method == "GET":
        return render_template("portal/card_add.html", existing=ctx.billing.card_on_file())
    return send_to_payment_page(ctx, operations.start_add_card(ctx))


def returned(ctx: CustomerContext):
    """Where the secure page sends the browser back. A GET (a redirect cannot POST) that changes
    nothing at Zoho: it reads the page's outcome, refreshes the cached view of the account, and
    forgets the page."""
    hostedpage_id = request.args.get("hostedpage_id", "")
    pages = session.get(OPEN_PAGES) or {}
    if hostedpage_id not in pages:
        return render_template("portal/card_result.html", outcome=None), 404
    kind, target_id, _ = pages[hostedpage_id]
    started = operations.StartedPage(hostedpage_id, "", kind, target_id)
    result = operations.outcome(ctx, started)
    if result.status is not PageOutcome.UNFINISHED:
        session[OPEN_PAGES] = {k: v for k, v in pages.items() if k != hostedpage_id}
    actor = ctx.actor
    audit.record("hosted_page_returned", ctx.audit, actor=actor.audit_name, portal_user_id=actor.portal_user_id,
                 customer_id=actor.customer_id,
                 details={"kind": kind, "target_id": target_id, "hostedpage_id": hostedpage_id,
                          "outcome": result.status.value})
    return render_template("portal/card_result.html", outcome=result)
